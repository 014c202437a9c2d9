//! `hindsight check [PATHS…]`: find files, check them in parallel, print findings.
//!
//! [`analyse`] does the check in named steps and prints nothing (`hindsight baseline` reuses it); [`run`]
//! applies the baseline, builds the report model (`crate::report::Run`) and prints it in every requested
//! format.

use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::Context as _;
use hindsight_engine::rule::{Stage, codes};
use hindsight_engine::walk::{self, FileEntry, Report, RepositoryContext, WalkOptions};
use hindsight_engine::{Checker, Config, Edit, Finding, Position, Severity, SourceFile, Span};

use super::change::{Change, StagedContent};
use crate::Outcome;
use crate::args::{CheckArgs, ColorChoice};
use crate::report::{Omitted, Run};
use crate::setup::Setup;

#[path = "check_inputs.rs"]
mod inputs;
use inputs::{
    load_setup, non_empty, rendered_inputs, requested_paths, stdin_or_paths, walk_options,
};

/// Fix passes before giving up on convergence (a fix that re-creates its own finding).
const MAX_FIX_PASSES: usize = 10;

/// A check done and not yet printed.
pub(crate) struct Analysis {
    pub(crate) checker: Checker,
    pub(crate) report: Report,
    pub(crate) n_fixed: usize,
    /// Words for the summary line (what git and baseline modes left out).
    pub(crate) extra: Vec<Omitted>,
    /// The paths of the files checked.
    pub(crate) checked: Vec<PathBuf>,
    /// How long each file took, with `--timings`.
    pub(crate) file_times: crate::timings::FileTimes,
}

pub(crate) fn run(args: &CheckArgs) -> anyhow::Result<Outcome> {
    if args.statistics {
        crate::printer::statistics::check_format(args.format)?;
    }
    let Analysis {
        checker,
        mut report,
        n_fixed,
        mut extra,
        checked,
        file_times,
    } = analyse(args)?;
    if let Some(baseline) = &args.git.baseline {
        let checked: Vec<&Path> = checked.iter().map(PathBuf::as_path).collect();
        extra.extend(crate::baseline::apply(baseline, &mut report, &checked)?);
    }
    let timings = checker.timings().map(|engine| {
        let n_files = report.files_checked;
        let from_cache = report.from_cache;
        crate::timings::RunTimings::new(engine, file_times, from_cache, n_files)
    });
    let mut run = Run::new(&checker, report, n_fixed, extra);
    run.timings = timings;
    let outcome = finish(args, run);
    // The process exits next: freeing the compiled rule pack (Rego engines, matchers) would only cost
    // start-up-sized time on every run, so leave it to the operating system.
    std::mem::forget(checker);
    outcome
}

/// Finds and checks the files (or the git change) and applies the git filters; prints nothing.
pub(crate) fn analyse(args: &CheckArgs) -> anyhow::Result<Analysis> {
    let paths = requested_paths(&args.paths)?;
    let (from_stdin, start) = stdin_or_paths(args, &paths)?;
    let change = Change::for_check(&args.git, &non_empty(&args.paths), args.fix)?;
    let walk_paths = (change.is_none() && !from_stdin).then_some(paths.as_slice());
    let (setup, rule_changes, walked) = load_setup(args, &start, walk_paths)?;
    let checker = new_checker(args, &setup);
    let walk_options = walk_options(args, &setup.config, &checker)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start the worker threads")?;
    let (files, walk_problems) = match (&change, walked) {
        (Some(change), _) => change.entries(&walk_options),
        (None, Some((entries, problems))) => (walk::narrow(entries, &walk_options), problems),
        (None, None) if from_stdin => (Vec::new(), Vec::new()),
        (None, None) => walk::discover(&paths, &walk_options),
    };
    let (mut rendering, files) =
        rendered_inputs(args, from_stdin, files, &setup.config, &walk_options, &pool)?;
    // Whether this run reads every file of the configuration's directory.
    let whole = change.is_none() && paths.len() == 1 && same_dir(&paths[0], &setup.config.base_dir);
    let (files, terraform) = inputs::Terraform::set_up(
        &checker,
        files,
        (&paths, whole, args.parse_only),
        (&setup.config, &walk_options),
        change.as_ref(),
    );
    let max_size = setup.config.max_file_size;
    let around = Around::new(&checker, &walk_options, max_size, &pool);
    let (files, context) = around.context(args, change.as_ref(), files, &mut rendering);
    let cache = open_cache(args, &setup, &start, from_stdin, change.as_ref());
    let checking = Checking {
        checker: &checker,
        files: &files,
        max_size,
        context: &context,
        pool: &pool,
        progress: !args.quiet,
        rendered: &rendering.files,
        cache: cache.as_ref(),
        file_times: args.speed.timings.then(crate::timings::FileTimes::default),
    };
    let staged = change.as_ref().and_then(|c| c.staged_content(&files));
    let mut report = checking.first_pass(staged, args.parse_only);
    let n_fixed = if args.fix {
        checking.fix(&mut report)?
    } else {
        0
    };
    keep_own_shard(args, &mut report);
    rendering.place(&mut report);
    report.problems.extend(walk_problems);
    add_rule_load_findings(&checker, &mut report);
    // Whether a waiver is unused can only be told when every file it may cover was checked.
    let waiver_findings = checker.waiver_diagnostics(&report.findings, whole);
    report.findings.extend(waiver_findings);
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let rendered_by_change = match &change {
        Some(change) if rendering.has_charts() => Some(charts_changed(
            &rendering,
            change,
            &checking,
            &setup.config,
            &mut report,
        )),
        _ => None,
    };
    let modules_by_change =
        inputs::Terraform::answers_for(&terraform, change.as_ref(), &mut report);
    let mut extra = match &change {
        Some(change) => {
            checking.keep_what_the_change_answers_for(change, &mut report, &setup.config)
        }
        None => Vec::new(),
    };
    report.findings.extend(modules_by_change);
    if let Some((findings, omitted)) = rendered_by_change {
        report.findings.extend(findings);
        report
            .findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        extra.extend(omitted);
    }
    add_rule_change_notes(&setup.config, &rule_changes, &mut report);
    let file_times = checking.file_times.unwrap_or_default();
    save_cache(cache, &mut report);
    Ok(Analysis {
        checker,
        report,
        n_fixed,
        extra,
        checked: files.into_iter().map(|f| f.path).collect(),
        file_times,
    })
}

/// The checker of the run, measuring time with `--timings`.
fn new_checker(args: &CheckArgs, setup: &Setup) -> Checker {
    let mut checker = Checker::new(setup.pack.clone(), &setup.config);
    if args.speed.timings {
        checker.measure_time();
    }
    checker
}

/// With `--shard K/N`: repository-scope rules placed findings in every file they read, and each shard reports
/// those in its own files.
fn keep_own_shard(args: &CheckArgs, report: &mut Report) {
    if let Some(shard) = args.speed.shard {
        report.findings.retain(|f| shard.owns(&f.path));
    }
}

/// What a run needs to gather the documents repository-scope rules see besides the files it checks.
struct Around<'a> {
    checker: &'a Checker,
    walk_options: &'a WalkOptions,
    max_size: u64,
    pool: &'a rayon::ThreadPool,
}

impl<'a> Around<'a> {
    fn new(
        checker: &'a Checker,
        walk_options: &'a WalkOptions,
        max_size: u64,
        pool: &'a rayon::ThreadPool,
    ) -> Self {
        Self {
            checker,
            walk_options,
            max_size,
            pool,
        }
    }

    /// The files this run checks and the documents around them: with `--shard K/N` this shard's files, the
    /// others' documents as context; in git modes the rest of the repository around the change.
    fn context(
        &self,
        args: &CheckArgs,
        change: Option<&Change>,
        files: Vec<FileEntry>,
        rendering: &mut crate::render::Rendering,
    ) -> (Vec<FileEntry>, RepositoryContext) {
        let (files, shard_context) = match args.speed.shard {
            Some(shard) => {
                rendering.files.retain(|(entry, _)| shard.owns(&entry.path));
                crate::shard::split(shard, files, self.checker, self.max_size, self.pool)
            }
            None => (files, RepositoryContext::default()),
        };
        // A change is checked file by file, but repository-scope rules see the whole repository around it.
        let mut context = match change {
            Some(change) if !args.parse_only => {
                let around =
                    change.repository_files(self.checker, self.walk_options, &files, self.pool);
                self.pool
                    .install(|| around.documents(self.checker, self.max_size))
            }
            _ => RepositoryContext::default(),
        };
        context.others.extend(shard_context.others);
        (files, context)
    }
}

/// The result cache of this run, when it checks files on disk with rules from the working tree: not for
/// standard input, staged content, `--rules-from` (rules from a ref), `--parse-only` or `--no-cache`.
fn open_cache(
    args: &CheckArgs,
    setup: &Setup,
    start: &Path,
    from_stdin: bool,
    change: Option<&Change>,
) -> Option<crate::cache::Cache> {
    let off = args.speed.no_cache
        || from_stdin
        || args.parse_only
        || args.git.rules_from.is_some()
        || change.is_some_and(Change::is_staged);
    if off {
        return None;
    }
    let dir = crate::cache::locate(
        args.speed.cache_dir.as_deref(),
        setup.config.path.as_deref(),
        start,
    );
    let digest = crate::cache::key::pack_digest(&args.pack, &setup.config);
    Some(crate::cache::Cache::open(
        &dir,
        digest,
        setup.config.today.clone(),
    ))
}

/// Writes the cache back; a cache that cannot be written is a note, and the run goes on.
fn save_cache(cache: Option<crate::cache::Cache>, report: &mut Report) {
    let Some(cache) = cache else {
        return;
    };
    let dir = cache.dir().to_path_buf();
    if let Err(message) = cache.save() {
        report.notes.push(walk::Note {
            path: dir,
            kind: walk::NoteKind::Cache(format!(
                "the result cache was not saved ({message}); the next run checks every file again"
            )),
        });
    }
}

/// The files of one run and what checking them needs, so that they can be checked again after fixes.
struct Checking<'a> {
    checker: &'a Checker,
    files: &'a [FileEntry],
    max_size: u64,
    /// The repository around a git change, for repository-scope rules (empty otherwise).
    context: &'a RepositoryContext,
    pool: &'a rayon::ThreadPool,
    /// Whether a long run in a terminal shows a progress counter (not with `--quiet`).
    progress: bool,
    /// Rendered charts and overlays (or standard input), checked from memory with the files.
    rendered: &'a [(FileEntry, Vec<u8>)],
    /// The result cache, unless `--no-cache` or a mode that does not check files on disk.
    cache: Option<&'a crate::cache::Cache>,
    /// With `--timings`, how long each file took.
    file_times: Option<crate::timings::FileTimes>,
}

impl Checking<'_> {
    /// The first check: of the staged content with `--staged`, else of the files on disk (only parsed with
    /// the hidden `--parse-only`), with a progress counter.
    fn first_pass(&self, staged: Option<StagedContent>, parse_only: bool) -> Report {
        let progress = Progress::new(self.files.len(), self.progress);
        let report = self.pool.install(|| {
            if let Some(mut staged) = staged {
                // Charts are rendered from the working tree: helm reads files, not the index.
                staged.files.extend(self.rendered.iter().cloned());
                let mut report = walk::check_in_memory_in(
                    self.checker,
                    staged.files,
                    self.max_size,
                    self.context.clone(),
                );
                report.problems.extend(staged.problems);
                report
            } else if parse_only {
                let parse = |file: &hindsight_engine::SourceFile<'_>| self.checker.parse_only(file);
                walk::run_files(self.files, self.max_size, &parse, &|done| {
                    progress.update(done);
                })
            } else {
                self.check_files(&|done| progress.update(done))
            }
        });
        progress.finish();
        report
    }

    /// Checks the files on disk and the rendered ones, through the cache when there is one.
    fn check_files(&self, progress: &(dyn Fn(usize) + Sync)) -> Report {
        let check = |source: &SourceFile<'_>| match self.cache {
            Some(cache) => cache.check_file(self.checker, source),
            None => self.checker.check_source(source),
        };
        let timed = |source: &SourceFile<'_>| match &self.file_times {
            Some(times) => {
                let started = Instant::now();
                let report = check(source);
                times.record(source.path, started.elapsed());
                report
            }
            None => check(source),
        };
        self.checker.prepare_terraform();
        crate::cache::check(
            self.cache,
            self.checker,
            self.files,
            self.rendered.to_vec(),
            self.max_size,
            &timed,
            progress,
            self.context.clone(),
        )
    }

    /// `--fix`: applies the fixes of `report`'s findings and checks again, until no fix applies (at most
    /// [`MAX_FIX_PASSES`] times); `report` becomes the last check's, timed over all passes. Returns how many
    /// fixes were applied.
    fn fix(&self, report: &mut Report) -> anyhow::Result<usize> {
        let mut n_fixed = 0;
        let mut left_alone = FixOutcome::default();
        for _pass in 0..MAX_FIX_PASSES {
            let applied = apply_fixes(report, &mut left_alone);
            if applied == 0 {
                break;
            }
            n_fixed += applied;
            let elapsed = report.elapsed;
            *report = self.pool.install(|| self.check_files(&|_| {}));
            report.elapsed += elapsed;
        }
        report.notes.extend(left_alone.changed.into_values());
        report.problems.extend(left_alone.failed);
        Ok(n_fixed)
    }

    /// Keeps the findings a git change answers for (`--diff`, `--new-only`, comparing with the files at the
    /// ref) and adds the notes about the suppressions and waivers it adds. Returns what was left out.
    fn keep_what_the_change_answers_for(
        &self,
        change: &Change,
        report: &mut Report,
        config: &Config,
    ) -> Vec<Omitted> {
        let at_ref = change.content_at_ref(self.files).map(|before| {
            // The files around the change are the same at the ref: the ones it does not touch.
            let around = RepositoryContext {
                others: self.context.others.clone(),
                before: None,
            };
            self.pool
                .install(|| walk::check_in_memory_in(self.checker, before, self.max_size, around))
        });
        let omitted = change.filter(report, at_ref.as_ref());
        report.notes.extend(change.exemption_notes(config));
        omitted
    }
}

/// In git modes, the findings on rendered charts the change answers for: those the chart rendered at the
/// change's base did not have, whatever lines they are on (a changed value moves no template line). They are
/// taken out of `report` and returned, with what was left out, to be put back after the other git filters.
fn charts_changed(
    rendering: &crate::render::Rendering,
    change: &Change,
    checking: &Checking<'_>,
    config: &Config,
    report: &mut Report,
) -> (Vec<Finding>, Option<Omitted>) {
    let before = rendering.render_at_base(&|dir| change.directory_at_base(dir), config);
    let old: std::collections::HashSet<String> = checking
        .pool
        .install(|| walk::check_in_memory(checking.checker, before, checking.max_size))
        .findings
        .into_iter()
        .map(|f| f.fingerprint)
        .collect();
    let (rendered, rest): (Vec<Finding>, Vec<Finding>) = std::mem::take(&mut report.findings)
        .into_iter()
        .partition(|f| f.rendered.as_ref().is_some_and(|r| r.tool == "helm"));
    report.findings = rest;
    let n_before = rendered.len();
    let new: Vec<Finding> = rendered
        .into_iter()
        .filter(|f| !old.contains(&f.fingerprint))
        .collect();
    let n_old = n_before - new.len();
    let omitted = (n_old > 0).then(|| {
        Omitted::new(
            "existing",
            n_old,
            format!("{n_old} in charts as rendered before the change not shown"),
        )
    });
    (new, omitted)
}

/// With `--rules-from`, a review note per change the working tree makes to the rules and waivers, on the
/// configuration file.
fn add_rule_change_notes(config: &Config, rule_changes: &[String], report: &mut Report) {
    if let Some(path) = &config.path {
        for line in rule_changes {
            report.notes.push(walk::Note {
                path: path.clone(),
                kind: walk::NoteKind::Review(format!("rules changed: {line}")),
            });
        }
    }
}

/// Prints the run in every requested format and decides the exit code.
fn finish(args: &CheckArgs, run: Run<'_>) -> anyhow::Result<Outcome> {
    // Files first: a closed stdout (`| head`) ends the run early, and the files must still be written.
    // Streamed into a temporary file renamed over the target at the end: a kill or a full disk mid-way
    // leaves the previous report, never half of this one.
    for output in &args.outputs {
        crate::write::atomic_with(&output.path, |out| {
            Ok(output.format.print(out, &run, false)?)
        })?;
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let mut stdout = std::io::stdout().lock();
    if args.statistics {
        crate::printer::statistics::print(&mut stdout, &run, args.format)?;
    } else if args.quiet && args.format == crate::printer::human::FORMAT {
        crate::printer::human::print_findings(&mut stdout, &run, color)?;
    } else {
        args.format.print(&mut stdout, &run, color)?;
    }
    // The tables of `--timings` follow human output; with a machine format on stdout they go to stderr
    // (JSON carries them in `timings`).
    if let Some(timings) = &run.timings {
        if args.format == crate::printer::human::FORMAT {
            write!(stdout, "{}", timings.human())?;
        } else if args.format != crate::printer::json::FORMAT {
            write!(std::io::stderr(), "{}", timings.human())?;
        }
    }
    stdout.flush()?;
    let report = &run.report;
    let mut stderr = std::io::stderr().lock();
    for problem in &report.problems {
        writeln!(
            stderr,
            "error: {}: {}",
            problem.path.display(),
            problem.message
        )?;
    }
    let threshold = args.fail_on.threshold();
    if !report.problems.is_empty() {
        return Ok(Outcome::Error);
    }
    let is_rule_error =
        |code: &str| code == codes::RULE_LOAD_ERROR || code == codes::RULE_RUNTIME_ERROR;
    // Only enforced findings fail a run: warn-stage ones are shown, shadow-stage ones only recorded.
    let mut failing = report.findings.iter().any(|f| {
        f.suppressed.is_none()
            && f.stage == Stage::Enforce
            && f.severity >= threshold
            && (args.fail_on_rule_error || !is_rule_error(&f.code))
    });
    let n_warnings = run.stats.count(Severity::Warning);
    if let Some(max) = args.max_warnings
        && n_warnings > max
    {
        writeln!(
            stderr,
            "error: {n_warnings} warnings, more than --max-warnings {max} allows"
        )?;
        failing = true;
    }
    Ok(if failing {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// Do two paths name the same directory?
fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A broken rule file is an `HS9003` finding on that file: the rule is skipped, the run goes on.
fn add_rule_load_findings(checker: &Checker, report: &mut Report) {
    for problem in checker.pack().problems() {
        let position = Position {
            line: problem.line,
            column: problem.column,
        };
        let span = Span {
            bytes: 0..0,
            start: position,
            end: position,
        };
        let message = match &problem.hint {
            Some(hint) => format!("{}; {hint}", problem.message),
            None => problem.message.clone(),
        };
        report.findings.extend(checker.diagnostic(
            codes::RULE_LOAD_ERROR,
            Path::new(&problem.path),
            span,
            message,
        ));
    }
    for notice in checker.pack().notices() {
        report.notes.push(walk::Note {
            path: PathBuf::from(&notice.path),
            kind: walk::NoteKind::Review(notice.message.clone()),
        });
    }
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// What `--fix` did not do, over all its passes.
#[derive(Default)]
struct FixOutcome {
    /// Files left alone because they changed since they were checked (dropped when a later pass, which
    /// checked the new text, fixes them).
    changed: BTreeMap<PathBuf, walk::Note>,
    /// Files that could not be read or written: each fails alone, the others are still fixed.
    failed: Vec<walk::Problem>,
}

/// Applies the fixes of `report`'s unsuppressed findings, file by file, skipping overlapping edits. Returns
/// how many. Each file is read again just before it is written, and left alone (a `not-fixed` note) unless it
/// is still the text that was checked: the fixes' byte offsets belong to that text. A file checked from
/// something other than itself (a rendering) has no recorded text and is never edited.
fn apply_fixes(report: &Report, outcome: &mut FixOutcome) -> usize {
    let mut by_file: BTreeMap<&Path, Vec<&Edit>> = BTreeMap::new();
    for finding in report.findings.iter().filter(|f| f.suppressed.is_none()) {
        if let Some(fix) = &finding.fix {
            by_file.entry(&finding.path).or_default().push(fix);
        }
    }
    let mut applied = 0;
    for (path, edits) in by_file {
        let Some(checked) = report.fixable.get(path) else {
            continue;
        };
        match fix_file(path, *checked, edits) {
            Ok(Some(n)) => {
                applied += n;
                outcome.changed.remove(path);
            }
            Ok(None) => {
                let note = walk::Note {
                    path: path.to_path_buf(),
                    kind: walk::NoteKind::NotFixed(
                        "not fixed: the file changed since it was checked; run --fix again".into(),
                    ),
                };
                outcome.changed.insert(path.to_path_buf(), note);
            }
            Err(err) => outcome.failed.push(walk::Problem {
                path: path.to_path_buf(),
                message: format!("{err:#}"),
            }),
        }
    }
    applied
}

/// Fixes one file if it is still the text that was checked (`Ok(None)` when it is not). Returns how many
/// edits applied.
fn fix_file(
    path: &Path,
    checked: walk::Digest,
    edits: Vec<&Edit>,
) -> anyhow::Result<Option<usize>> {
    let bytes =
        std::fs::read(path).with_context(|| format!("cannot read {} to fix it", path.display()))?;
    if walk::Digest::of(&bytes) != checked {
        return Ok(None);
    }
    let mut text = String::from_utf8(bytes)
        .with_context(|| format!("cannot fix {}: not UTF-8 any more", path.display()))?;
    let applied = hindsight_engine::Edit::apply_all(&mut text, edits);
    // Atomic: a crash, a kill or a full disk while writing leaves the user's file as it was.
    crate::write::atomic(path, text)
        .with_context(|| format!("cannot write the fixed {}", path.display()))?;
    Ok(Some(applied))
}

/// A one-line progress counter on stderr, only for long runs in a terminal.
struct Progress {
    total: usize,
    enabled: bool,
    started: Instant,
    last_ms: AtomicU64,
}

impl Progress {
    fn new(total: usize, wanted: bool) -> Self {
        let enabled = wanted && total >= 200 && std::io::stderr().is_terminal();
        Self {
            total,
            enabled,
            started: Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }

    fn update(&self, done: usize) {
        if !self.enabled {
            return;
        }
        let now_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = self.last_ms.load(Ordering::Relaxed);
        // Start after half a second and redraw at most ten times a second.
        if now_ms < 500 || now_ms < last + 100 {
            return;
        }
        if self
            .last_ms
            .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            let _ = write!(std::io::stderr(), "\rchecking {done}/{} files", self.total);
        }
    }

    fn finish(&self) {
        if self.enabled && self.last_ms.load(Ordering::Relaxed) > 0 {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
