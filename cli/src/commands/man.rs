//! `hindsight man`: the man page (roff), generated from the command-line definition; with `--out DIR`, one
//! page per command (`hindsight.1`, `hindsight-check.1`, `hindsight-codex-export.1`, …) as `clap_mangen`
//! names them.

use std::io::Write as _;

use anyhow::Context as _;
use clap::CommandFactory as _;

use crate::Outcome;
use crate::args::{Cli, ManArgs};

pub(crate) fn run(args: &ManArgs) -> anyhow::Result<Outcome> {
    let Some(dir) = &args.out else {
        let mut stdout = std::io::stdout().lock();
        clap_mangen::Man::new(command()).render(&mut stdout)?;
        stdout.flush()?;
        return Ok(Outcome::Clean);
    };
    let pages = pages()?;
    if !args.force {
        let existing: Vec<String> = pages
            .iter()
            .map(|(name, _)| dir.join(name))
            .filter(|path| path.exists())
            .map(|path| path.display().to_string())
            .collect();
        if !existing.is_empty() {
            anyhow::bail!(
                "{} exists already; pass --force to replace it",
                existing.join(", ")
            );
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    for (name, text) in &pages {
        crate::write::atomic(&dir.join(name), text)?;
    }
    writeln!(
        std::io::stderr(),
        "wrote {} man pages to {}",
        pages.len(),
        dir.display()
    )?;
    Ok(Outcome::Clean)
}

/// Every page, file name and roff: the main command's and one per visible subcommand, nested ones included.
fn pages() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    fn collect(command: clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            collect(sub.clone(), pages)?;
        }
        let man = clap_mangen::Man::new(command);
        let mut text = Vec::new();
        man.render(&mut text)?;
        pages.push((man.get_filename(), text));
        Ok(())
    }
    // Building names the subcommands `hindsight-check` and so on.
    let mut command = command();
    command.build();
    let mut pages = Vec::new();
    collect(command, &mut pages).context("could not render the man pages")?;
    pages.sort();
    Ok(pages)
}

/// The command the pages describe: `help` is not a page of its own, and no page lists one.
fn command() -> clap::Command {
    Cli::command().disable_help_subcommand(true)
}
