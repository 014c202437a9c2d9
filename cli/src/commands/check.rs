//! `hindsight check [PATHS…]`: find files, check them in parallel, print findings.

use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::Context as _;
use hindsight_engine::rule::{Stage, codes};
use hindsight_engine::walk::{self, Report, RepositoryContext, WalkOptions};
use hindsight_engine::{Checker, Finding, Position, Severity, Span};

use crate::Outcome;
use crate::args::{CheckArgs, ColorChoice, Format};
use crate::printer::{RuleSet, github, gitlab, human, json, junit, rdjson, sarif};

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
}

pub(crate) fn run(args: &CheckArgs) -> anyhow::Result<Outcome> {
    let Analysis {
        checker,
        mut report,
        n_fixed,
        mut extra,
        checked,
    } = analyse(args)?;
    if let Some(baseline) = &args.git.baseline {
        let checked: Vec<&Path> = checked.iter().map(PathBuf::as_path).collect();
        extra.extend(crate::baseline::apply(baseline, &mut report, &checked)?);
    }
    let outcome = finish(args, &checker, report, n_fixed, extra);
    // The process exits next: freeing the compiled rule pack (Rego engines, matchers) would only cost
    // start-up-sized time on every run, so leave it to the operating system.
    std::mem::forget(checker);
    outcome
}

/// Finds and checks the files (or the git change) and applies the git filters; prints nothing.
pub(crate) fn analyse(args: &CheckArgs) -> anyhow::Result<Analysis> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (mut setup, rule_changes) = match &args.git.rules_from {
        Some(reference) => crate::setup::load_trusted(&args.pack, &paths[0], reference)?,
        None => (crate::setup::load(&args.pack, &paths[0])?, Vec::new()),
    };
    setup.config.expand_macros = !args.no_macro_expansion;
    if let Some(profile) = args.profile {
        setup.config.profile = profile.profile();
    }
    let checker = Checker::new(setup.pack.clone(), &setup.config);
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let walk_options = WalkOptions {
        excludes: vec![
            (setup.config.base_dir.clone(), setup.config.exclude.clone()),
            (cwd, args.exclude.clone()),
        ],
        languages: checker.languages().collect(),
        formats: checker.formats(),
        scope: setup.config.scope.clone(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start the worker threads")?;
    let change = if args.git.is_change() {
        Some(super::change::Change::open(&args.git, &args.paths)?)
    } else {
        None
    };
    let (files, walk_problems) = match &change {
        Some(change) => change.entries(&walk_options),
        None => walk::discover(&paths, &walk_options),
    };
    let max_size = setup.config.max_file_size;
    let progress = Progress::new(files.len());
    let staged = change.as_ref().and_then(|c| c.staged_content(&files));
    // A change is checked file by file, but repository-scope rules see the whole repository around it.
    let context = match &change {
        Some(change) if !args.parse_only => {
            let around = change.repository_files(&checker, &walk_options, &files, &pool);
            pool.install(|| around.documents(&checker, max_size))
        }
        _ => RepositoryContext::default(),
    };
    let mut report = pool.install(|| {
        if let Some(staged) = staged {
            let mut report =
                walk::check_in_memory_in(&checker, staged.files, max_size, context.clone());
            report.problems.extend(staged.problems);
            report
        } else if args.parse_only {
            let parse = hindsight_engine::parse_only;
            walk::run_files(&files, max_size, &parse, &|done| progress.update(done))
        } else {
            walk::check_files_in(
                &checker,
                &files,
                max_size,
                &|done| progress.update(done),
                context.clone(),
            )
        }
    });
    progress.finish();
    let mut n_fixed = 0;
    if args.fix && change.as_ref().is_some_and(|c| c.is_staged()) {
        anyhow::bail!(
            "--fix cannot be combined with --staged: fix the working tree, then stage the fixes"
        );
    }
    if args.fix {
        for _pass in 0..MAX_FIX_PASSES {
            let applied = apply_fixes(&report.findings)?;
            if applied == 0 {
                break;
            }
            n_fixed += applied;
            let elapsed = report.elapsed;
            report = pool.install(|| {
                walk::check_files_in(&checker, &files, max_size, &|_| {}, context.clone())
            });
            report.elapsed += elapsed;
        }
    }
    report.problems.extend(walk_problems);
    add_rule_load_findings(&checker, &mut report);
    // Whether a waiver is unused can only be told when every file it may cover was checked.
    let whole_repository =
        change.is_none() && paths.len() == 1 && same_dir(&paths[0], &setup.config.base_dir);
    let waiver_findings = checker.waiver_diagnostics(&report.findings, whole_repository);
    report.findings.extend(waiver_findings);
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut extra = Vec::new();
    if let Some(change) = &change {
        let at_ref = change.content_at_ref(&files).map(|before| {
            // The files around the change are the same at the ref: the ones it does not touch.
            let around = RepositoryContext {
                others: context.others.clone(),
                before: None,
            };
            pool.install(|| walk::check_in_memory_in(&checker, before, max_size, around))
        });
        extra.extend(change.filter(&mut report, at_ref.as_ref()));
        report.notes.extend(change.exemption_notes(&setup.config));
    }
    if let Some(path) = &setup.config.path {
        for line in &rule_changes {
            report.notes.push(walk::Note {
                path: path.clone(),
                kind: walk::NoteKind::Review(format!("rules changed: {line}")),
            });
        }
    }
    Ok(Analysis {
        checker,
        report,
        n_fixed,
        extra,
        checked: files.into_iter().map(|f| f.path).collect(),
    })
}

/// Prints the report in every requested format and decides the exit code.
fn finish(
    args: &CheckArgs,
    checker: &Checker,
    report: Report,
    n_fixed: usize,
    extra: Vec<Omitted>,
) -> anyhow::Result<Outcome> {
    let mut stats = Stats::of(&report, checker.n_active_rules(), n_fixed);
    stats.extra = extra;
    let rules = RuleSet::new(checker, &report);
    // Files first: a closed stdout (`| head`) ends the run early, and the files must still be written.
    for output in &args.outputs {
        let file = std::fs::File::create(&output.path)
            .with_context(|| format!("cannot create {}", output.path.display()))?;
        let mut file = std::io::BufWriter::new(file);
        print(output.format, &mut file, &report, &stats, &rules, false)
            .and_then(|()| file.flush())
            .with_context(|| format!("cannot write {}", output.path.display()))?;
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let mut stdout = std::io::stdout().lock();
    print(args.format, &mut stdout, &report, &stats, &rules, color)?;
    stdout.flush()?;
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
    let n_warnings = stats.count(Severity::Warning);
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

/// Prints the report in one format.
fn print(
    format: Format,
    out: &mut impl std::io::Write,
    report: &Report,
    stats: &Stats,
    rules: &RuleSet<'_>,
    color: bool,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::print_report(out, report, stats, color),
        Format::Json => json::print_report(out, report, stats),
        Format::Sarif => sarif::print_report(out, report, stats, rules),
        Format::Github => github::print_report(out, report, stats, rules),
        Format::Junit => junit::print_report(out, report, stats, rules),
        Format::Rdjson => rdjson::print_report(out, report, stats, rules),
        Format::Gitlab => gitlab::print_report(out, report, stats, rules),
    }
}

/// Findings a git or baseline mode left out of the report, counted for the summary.
pub(crate) struct Omitted {
    /// The JSON summary's key.
    pub(crate) key: &'static str,
    pub(crate) count: usize,
    /// The human summary's words.
    pub(crate) words: String,
}

impl Omitted {
    pub(crate) fn new(key: &'static str, count: usize, words: String) -> Self {
        Self { key, count, words }
    }
}

/// Counts shown in the summary and the JSON output.
pub(crate) struct Stats {
    pub(crate) n_rules: usize,
    /// Unsuppressed findings per severity, shadow ones left out.
    pub(crate) by_severity: BTreeMap<hindsight_engine::Severity, usize>,
    /// Unsuppressed findings per rollout stage.
    pub(crate) by_stage: BTreeMap<Stage, usize>,
    pub(crate) n_suppressed: usize,
    pub(crate) n_fixed: usize,
    /// More for the summary line (git and baseline modes).
    pub(crate) extra: Vec<Omitted>,
}

impl Stats {
    fn of(report: &Report, n_rules: usize, n_fixed: usize) -> Self {
        let mut by_severity = BTreeMap::new();
        let mut by_stage = BTreeMap::new();
        let mut n_suppressed = 0;
        for finding in &report.findings {
            if finding.suppressed.is_some() {
                n_suppressed += 1;
                continue;
            }
            *by_stage.entry(finding.stage).or_insert(0) += 1;
            if finding.stage != Stage::Shadow {
                *by_severity.entry(finding.severity).or_insert(0) += 1;
            }
        }
        Self {
            n_rules,
            by_severity,
            by_stage,
            n_suppressed,
            n_fixed,
            extra: Vec::new(),
        }
    }

    pub(crate) fn count(&self, severity: hindsight_engine::Severity) -> usize {
        self.by_severity.get(&severity).copied().unwrap_or(0)
    }

    pub(crate) fn count_stage(&self, stage: Stage) -> usize {
        self.by_stage.get(&stage).copied().unwrap_or(0)
    }
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
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Applies the fixes of unsuppressed findings, file by file, skipping overlapping edits. Returns how many.
fn apply_fixes(findings: &[Finding]) -> anyhow::Result<usize> {
    let mut by_file: BTreeMap<&Path, Vec<&hindsight_engine::Edit>> = BTreeMap::new();
    for finding in findings.iter().filter(|f| f.suppressed.is_none()) {
        if let Some(fix) = &finding.fix {
            by_file.entry(&finding.path).or_default().push(fix);
        }
    }
    let mut applied = 0;
    for (path, edits) in by_file {
        let mut text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {} to fix it", path.display()))?;
        applied += hindsight_engine::Edit::apply_all(&mut text, edits);
        std::fs::write(path, text)
            .with_context(|| format!("cannot write the fixed {}", path.display()))?;
    }
    Ok(applied)
}

/// A one-line progress counter on stderr, only for long runs in a terminal.
struct Progress {
    total: usize,
    enabled: bool,
    started: Instant,
    last_ms: AtomicU64,
}

impl Progress {
    fn new(total: usize) -> Self {
        let enabled = total >= 200 && std::io::stderr().is_terminal();
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
