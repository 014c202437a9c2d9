//! `hindsight baseline write|prune [FILE]`: record today's findings as accepted debt; drop what was paid.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::PathBuf;

use crate::Outcome;
use crate::args::{BaselineCommand, CheckArgs, PackArgs};
use crate::baseline::{self, DEFAULT_FILE, Entry};

pub(crate) fn run(command: &BaselineCommand) -> anyhow::Result<Outcome> {
    let (args, prune) = match command {
        BaselineCommand::Write(args) => (args, false),
        BaselineCommand::Prune(args) => (args, true),
    };
    let file = args
        .file
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_FILE));
    let current = todays_findings(&args.pack, args.rules_from.clone())?;
    let mut out = std::io::stdout().lock();
    if prune {
        let old = baseline::read(&file)?;
        let fingerprints: BTreeSet<&str> = current.iter().map(|e| e.fingerprint.as_str()).collect();
        let kept: BTreeSet<Entry> = old
            .iter()
            .filter(|e| fingerprints.contains(e.fingerprint.as_str()))
            .cloned()
            .collect();
        baseline::write(&file, &kept)?;
        writeln!(
            out,
            "{}: kept {} entries, dropped {} that no longer match",
            file.display(),
            kept.len(),
            old.len() - kept.len()
        )?;
        return Ok(Outcome::Clean);
    }
    if file.exists() && !args.force {
        let old = baseline::read(&file)?;
        let known: BTreeSet<&str> = old.iter().map(|e| e.fingerprint.as_str()).collect();
        let added: Vec<&Entry> = current
            .iter()
            .filter(|e| !known.contains(e.fingerprint.as_str()))
            .collect();
        if !added.is_empty() {
            let mut stderr = std::io::stderr().lock();
            writeln!(
                stderr,
                "error: {} would grow by {} findings; a baseline only shrinks. Fix them, or accept them on purpose with `hindsight baseline write --force`:",
                file.display(),
                added.len()
            )?;
            for entry in added.iter().take(20) {
                writeln!(
                    stderr,
                    "  {} {} {}: {}",
                    entry.path, entry.code, entry.fingerprint, entry.message
                )?;
            }
            return Ok(Outcome::Findings);
        }
    }
    baseline::write(&file, &current)?;
    writeln!(
        out,
        "{}: recorded {} findings",
        file.display(),
        current.len()
    )?;
    Ok(Outcome::Clean)
}

/// Every unsuppressed finding of the whole tree, as a baseline records them (`baseline write`, `init`).
pub(crate) fn todays_findings(
    pack: &PackArgs,
    rules_from: Option<String>,
) -> anyhow::Result<BTreeSet<Entry>> {
    let check = CheckArgs::whole_tree(pack.clone(), rules_from);
    let analysis = super::check::analyse(&check)?;
    if let Some(problem) = analysis.report.problems.first() {
        anyhow::bail!(
            "the check could not read {}: {}; no baseline written",
            problem.path.display(),
            problem.message
        );
    }
    Ok(baseline::recordable(&analysis.report)
        .map(baseline::entry)
        .collect())
}
