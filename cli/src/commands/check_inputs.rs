//! What a check reads: the paths or standard input it was given, the configuration and rule pack, the files
//! a walk finds, and the charts and overlays rendered before the check.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use hindsight_engine::data::DataFormat;
use hindsight_engine::data::terraform::TerraformIndex;
use hindsight_engine::walk::{self, FileEntry, WalkOptions};
use hindsight_engine::{Checker, Config};

use crate::args::CheckArgs;
use crate::commands::change::Change;
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

/// The Terraform modules around the checked files, for the values their variables take
/// ([`hindsight_engine::data::terraform`]): built when the pack reads HCL and a checked file is HCL. A run over
/// the whole configuration directory reads them from its own files; a run over part of it, or over a git
/// change, walks for them where a module's callers may be ([`caller_roots`]). In git modes each file's text is
/// the one the change is checked at (the index, a commit). Returns the index and the Terraform files it read.
fn terraform_index(
    checker: &Checker,
    files: &[FileEntry],
    (paths, whole, parse_only): (&[PathBuf], bool, bool),
    config: &Config,
    walk_options: &WalkOptions,
    change: Option<&Change>,
) -> Option<(std::sync::Arc<TerraformIndex>, Vec<FileEntry>)> {
    let hcl = |entry: &&FileEntry| entry.format == Some(DataFormat::Hcl);
    // `--parse-only` runs no rule: nothing reads the values.
    if parse_only || !checker.formats().contains(&DataFormat::Hcl) || !files.iter().any(|e| hcl(&e))
    {
        return None;
    }
    // The run's paths are relative to the working directory (or absolute).
    let base = std::env::current_dir().ok()?;
    let roots = (!whole).then(|| caller_roots(config, paths, change));
    // The checked paths already hold every file under the roots (the same walk, the same excludes).
    let covered = |root: &PathBuf| {
        let root = root.canonicalize().ok();
        paths.iter().any(|path| {
            let path = path.canonicalize().ok();
            matches!((&root, &path), (Some(root), Some(path)) if root.starts_with(path))
        })
    };
    let read: Vec<FileEntry> = match roots {
        Some(roots) if change.is_some() || !roots.iter().all(covered) => {
            let options = WalkOptions {
                languages: Vec::new(),
                formats: vec![DataFormat::Hcl],
                ..walk_options.clone()
            };
            let (mut read, _) = walk::discover(&roots, &options);
            read.extend(files.iter().filter(hcl).cloned());
            read
        }
        _ => files.iter().filter(hcl).cloned().collect(),
    };
    let entries = read.iter().map(|e| (e.path.as_path(), e.scope.role));
    let index = match change {
        Some(change) => {
            TerraformIndex::build_with(&base, entries, &|path| change.text_at_target(path))
        }
        None => TerraformIndex::build(&base, entries),
    };
    Some((std::sync::Arc::new(index), read))
}

/// Where the callers of the checked modules are looked for: the configuration's directory when a
/// `hindsight.toml` was found (the project's root), else the git repository the first path is in (or the
/// change's), else the checked paths themselves, never the whole working directory (a check run from outside
/// the repository must not walk whatever is there). Named as the run names paths, so that a change's files
/// and the walk's agree.
fn caller_roots(config: &Config, paths: &[PathBuf], change: Option<&Change>) -> Vec<PathBuf> {
    if config.path.is_some() {
        return vec![config.base_dir.clone()];
    }
    let repository = match change {
        Some(change) => Some(change.workdir().to_path_buf()),
        None => paths.first().and_then(|path| crate::paths::git_root(path)),
    };
    match repository {
        Some(root) => {
            let shown = crate::paths::display_path(&root);
            vec![if shown.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                shown
            }]
        }
        None => paths.to_vec(),
    }
}

/// The Terraform modules of a run ([`terraform_index`]), and in git modes the files of the modules a changed
/// file calls, which the run checks too: a changed input changes their findings.
pub(super) struct Terraform {
    index: std::sync::Arc<TerraformIndex>,
    called: Vec<FileEntry>,
}

impl Terraform {
    /// Reads the run's modules into the checker, and in git modes adds the called modules' files to `files`.
    pub(super) fn set_up(
        checker: &Checker,
        mut files: Vec<FileEntry>,
        paths: (&[PathBuf], bool, bool),
        (config, walk_options): (&Config, &WalkOptions),
        change: Option<&Change>,
    ) -> (Vec<FileEntry>, Option<Terraform>) {
        let Some((index, read)) =
            terraform_index(checker, &files, paths, config, walk_options, change)
        else {
            return (files, None);
        };
        checker.set_terraform(index.clone());
        let called = match change {
            Some(_) => called_modules(&index, &read, &files),
            None => Vec::new(),
        };
        files.extend(called.iter().cloned());
        (files, Some(Terraform { index, called }))
    }

    /// In git modes, takes the findings in the called modules' files out of `report` and returns those the
    /// change answers for: the ones whose message cites a module call on a line the change adds or modifies
    /// (the input that now passes `false`). The other git filters would keep or drop them by their own
    /// file's lines, which the change does not touch.
    pub(super) fn answers_for(
        terraform: &Option<Terraform>,
        change: Option<&Change>,
        report: &mut walk::Report,
    ) -> Vec<hindsight_engine::Finding> {
        let (Some(this), Some(change)) = (terraform, change) else {
            return Vec::new();
        };
        if this.called.is_empty() {
            return Vec::new();
        }
        let called: std::collections::HashSet<&Path> =
            this.called.iter().map(|f| f.path.as_path()).collect();
        let (in_modules, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut report.findings)
            .into_iter()
            .partition(|f| called.contains(f.path.as_path()));
        report.findings = rest;
        in_modules
            .into_iter()
            .filter(|f| {
                this.index
                    .cited_call_sites(&f.message)
                    .iter()
                    .any(|(file, line)| change.touches_line(file, *line))
            })
            .collect()
    }
}

/// The Terraform files of the modules a changed file calls, not already among `files`.
fn called_modules(
    index: &TerraformIndex,
    read: &[FileEntry],
    files: &[FileEntry],
) -> Vec<FileEntry> {
    let checked: std::collections::HashSet<&Path> =
        files.iter().map(|f| f.path.as_path()).collect();
    let called: std::collections::HashSet<PathBuf> = files
        .iter()
        .filter(|f| f.format == Some(DataFormat::Hcl))
        .flat_map(|f| index.called_module_files(&f.path))
        .filter(|path| !checked.contains(path.as_path()))
        .collect();
    let mut extra: Vec<FileEntry> = read
        .iter()
        .filter(|entry| called.contains(&entry.path))
        .cloned()
        .collect();
    extra.sort_by(|a, b| a.path.cmp(&b.path));
    extra.dedup_by(|a, b| a.path == b.path);
    extra
}
