//! `hindsight hook install|uninstall`: the git pre-commit hook that checks what a commit adds.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;

use crate::Outcome;
use crate::args::HookCommand;

/// The line that marks a hook as hindsight's.
const MARKER: &str = "# hindsight pre-commit hook";
/// Where a replaced hook is kept.
const BACKUP: &str = "pre-commit.hindsight-backup";

pub(crate) fn run(command: &HookCommand) -> anyhow::Result<Outcome> {
    let dir = hooks_dir()?;
    let hook = dir.join("pre-commit");
    let backup = dir.join(BACKUP);
    let mut out = std::io::stdout().lock();
    let existing = std::fs::read_to_string(&hook).ok();
    let ours = existing
        .as_deref()
        .is_some_and(|text| text.contains(MARKER));
    match command {
        HookCommand::Install { force } => install(&dir, *force, None, &mut out)?,
        HookCommand::Uninstall => {
            if existing.is_some() && !ours {
                anyhow::bail!("{} is not hindsight's hook; left as it is", hook.display());
            }
            if ours {
                std::fs::remove_file(&hook)
                    .with_context(|| format!("cannot remove {}", hook.display()))?;
                writeln!(out, "removed {}", hook.display())?;
            }
            if backup.exists() {
                std::fs::rename(&backup, &hook)
                    .with_context(|| format!("cannot restore {}", backup.display()))?;
                writeln!(out, "restored the hook it replaced")?;
            } else if !ours {
                writeln!(out, "no hindsight hook installed in {}", dir.display())?;
            }
        }
    }
    Ok(Outcome::Clean)
}

/// The hooks directory of the repository of the current directory (`core.hooksPath` when set).
pub(crate) fn hooks_dir() -> anyhow::Result<std::path::PathBuf> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let repo = hindsight_git::Repo::discover(&cwd)?;
    Ok(repo.hooks_dir()?)
}

/// Writes the pre-commit hook into `dir`; with `baseline`, the hook's check leaves out what it records. A hook
/// that is not hindsight's is set aside with `force`, else kept (an error).
pub(crate) fn install(
    dir: &Path,
    force: bool,
    baseline: Option<&str>,
    out: &mut impl std::io::Write,
) -> anyhow::Result<()> {
    let hook = dir.join("pre-commit");
    let backup = dir.join(BACKUP);
    let existing = std::fs::read_to_string(&hook).ok();
    let ours = existing
        .as_deref()
        .is_some_and(|text| text.contains(MARKER));
    if existing.is_some() && !ours {
        if !force {
            anyhow::bail!(
                "{} exists and is not hindsight's hook; keep it, or pass --force to set it aside (as {BACKUP}, restored by `hindsight hook uninstall`)",
                hook.display()
            );
        }
        std::fs::rename(&hook, &backup)
            .with_context(|| format!("cannot set {} aside", hook.display()))?;
        writeln!(out, "set the existing hook aside as {}", backup.display())?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let command = check_command(baseline);
    crate::write::atomic_executable(&hook, script(&command))?;
    writeln!(
        out,
        "installed {}: commits run `hindsight {command}`",
        hook.display()
    )?;
    Ok(())
}

/// The check a commit runs: what it adds, less a baseline's findings when there is one.
pub(crate) fn check_command(baseline: Option<&str>) -> String {
    match baseline {
        Some(file) => format!("check --staged --diff HEAD --baseline {file}"),
        None => "check --staged --diff HEAD".to_string(),
    }
}

/// The hook: the hindsight that installed it, or the one on PATH if that one has moved.
fn script(command: &str) -> String {
    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "hindsight".into());
    let quoted = exe.replace('\'', r"'\''");
    format!(
        "#!/bin/sh\n{MARKER} (`hindsight hook install`; `hindsight hook uninstall` removes it)\n\
         # Checks what this commit adds: the staged content, the lines it changes. Skip once with --no-verify.\n\
         hindsight='{quoted}'\n\
         [ -x \"$hindsight\" ] || hindsight=hindsight\n\
         exec \"$hindsight\" {command}\n"
    )
}
