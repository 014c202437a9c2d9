//! What a check reads: the paths or standard input it was given, the configuration and rule pack, the files
//! a walk finds, and the charts and overlays rendered before the check.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use hindsight_engine::walk::{self, FileEntry, WalkOptions};
use hindsight_engine::{Checker, Config};

use crate::args::CheckArgs;
use crate::setup::Setup;

/// Whether the run reads standard input (`-`, alone), and where its configuration is looked for from.
pub(super) fn stdin_or_paths(
    args: &CheckArgs,
    paths: &[PathBuf],
) -> anyhow::Result<(bool, PathBuf)> {
    let from_stdin = paths.iter().any(|p| p.as_os_str() == "-");
    if from_stdin && (paths.len() > 1 || args.git.is_change() || args.fix) {
        anyhow::bail!(
            "`-` (standard input) is checked alone: without other paths, git modes or --fix"
        );
    }
    let start = match &args.stdin_filename {
        Some(name) if from_stdin => stdin_start(name),
        _ if from_stdin => PathBuf::from("."),
        _ => paths[0].clone(),
    };
    Ok((from_stdin, start))
}

/// Charts and overlays rendered (or standard input read) before the check: their documents are checked with
/// the other files, and the files they stand for are not checked again on their own.
pub(super) fn rendered_inputs(
    args: &CheckArgs,
    from_stdin: bool,
    files: Vec<FileEntry>,
    config: &Config,
    walk_options: &WalkOptions,
    pool: &rayon::ThreadPool,
) -> anyhow::Result<(crate::render::Rendering, Vec<FileEntry>)> {
    let rendering = if from_stdin {
        crate::render::stdin::read(args.stdin_filename.as_deref(), walk_options)?
    } else if args.parse_only {
        crate::render::Rendering::default()
    } else {
        crate::render::render(&files, config, pool)
    };
    let files = files
        .into_iter()
        .filter(|f| !rendering.replaced.contains(&f.path))
        .collect();
    Ok((rendering, files))
}

/// Where the configuration of a piped text is looked for: from the directory its name is in.
fn stdin_start(name: &Path) -> PathBuf {
    let dir = if name.is_dir() {
        Some(name)
    } else {
        name.parent()
    };
    match dir {
        Some(dir) if !dir.as_os_str().is_empty() && dir.exists() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The paths to check: those given, or the current directory.
pub(super) fn requested_paths(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    if paths.is_empty() {
        return Ok(vec![PathBuf::from(".")]);
    }
    // Empty arguments are skipped, as conftest skips them; only empty ones is a mistake, not "check `.`".
    let given = non_empty(paths);
    if given.is_empty() {
        anyhow::bail!("no path to check: every path argument is empty");
    }
    Ok(given)
}

/// The path arguments without the empty ones (`""`, an unset variable in quotes).
pub(super) fn non_empty(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter(|p| !p.as_os_str().is_empty())
        .cloned()
        .collect()
}

/// What a walk found: the files and the problems met on the way.
pub(super) type Walked = (Vec<FileEntry>, Vec<walk::Problem>);

/// Loads the configuration and rules (from a git ref with `--rules-from`, with what the working tree changes
/// in them) and applies the options that override the configuration. Given the paths of a plain run (`walk`),
/// it also walks them, on a thread of its own while the pack loads: the walk is serial work (directory reads,
/// `.gitignore` files, test code verdicts) that needs the configuration but not the pack, so it would
/// otherwise add its whole time to every run's start-up. It collects every language and format; the caller narrows the entries to the
/// pack's (`walk::narrow`). Rules from a git ref (`--rules-from`) load first, as their configuration does.
pub(super) fn load_setup(
    args: &CheckArgs,
    start: &Path,
    walk: Option<&[PathBuf]>,
) -> anyhow::Result<(Setup, Vec<String>, Option<Walked>)> {
    let (mut setup, rule_changes, walked) = match (&args.git.rules_from, walk) {
        (Some(reference), _) => {
            let (setup, changes) = crate::setup::load_trusted(&args.pack, start, reference)?;
            (setup, changes, None)
        }
        (None, None) => (crate::setup::load(&args.pack, start)?, Vec::new(), None),
        (None, Some(paths)) => {
            let config = crate::setup::load_config(&args.pack, start)?;
            let options = walk_base_options(args, &config)?.every_kind();
            let (setup, walked) = std::thread::scope(|scope| {
                let walker = scope.spawn(|| walk::discover(paths, &options));
                let setup = crate::setup::load_pack(&args.pack, config);
                (setup, walker.join())
            });
            let walked = walked.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (setup, Vec::new(), Some(walked))
        }
    };
    setup.config.expand_macros = !args.no_macro_expansion;
    if let Some(profile) = args.profile {
        setup.config.profile = profile.profile();
    }
    args.selection.apply(&mut setup.config, &setup.pack)?;
    Ok((setup, rule_changes, walked))
}

/// What the walk collects: files of the checker's languages and formats, minus the configuration's excludes
/// (relative to its directory) and `--exclude` (relative to the working directory).
pub(super) fn walk_options(
    args: &CheckArgs,
    config: &Config,
    checker: &Checker,
) -> anyhow::Result<WalkOptions> {
    Ok(WalkOptions {
        languages: checker.languages().collect(),
        formats: checker.formats(),
        ..walk_base_options(args, config)?
    })
}

/// The walk's excludes and scope, which the configuration decides: no language or format yet.
fn walk_base_options(args: &CheckArgs, config: &Config) -> anyhow::Result<WalkOptions> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    Ok(WalkOptions {
        excludes: vec![
            (config.base_dir.clone(), config.exclude.clone()),
            (cwd, args.exclude.clone()),
        ],
        scope: config.scope.clone(),
        ..WalkOptions::default()
    })
}
