//! `hindsight check [PATHS…]`: find files, check them in parallel, print findings.

use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::Context as _;
use hindsight_engine::rule::codes;
use hindsight_engine::walk::{self, Report, WalkOptions};
use hindsight_engine::{Checker, Finding, Position, Severity, Span};

use crate::Outcome;
use crate::args::{CheckArgs, ColorChoice, Format};
use crate::printer::{RuleSet, github, gitlab, human, json, junit, rdjson, sarif};

/// Fix passes before giving up on convergence (a fix that re-creates its own finding).
const MAX_FIX_PASSES: usize = 10;

pub(crate) fn run(args: &CheckArgs) -> anyhow::Result<Outcome> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut setup = crate::setup::load(&args.pack, &paths[0])?;
    setup.config.expand_macros = !args.no_macro_expansion;
    let checker = Checker::new(setup.pack.clone(), &setup.config);
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let walk_options = WalkOptions {
        excludes: vec![
            (setup.config.base_dir.clone(), setup.config.exclude.clone()),
            (cwd, args.exclude.clone()),
        ],
        languages: checker.languages().collect(),
        formats: checker.formats(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start the worker threads")?;
    let (files, walk_problems) = walk::discover(&paths, &walk_options);
    let max_size = setup.config.max_file_size;
    let progress = Progress::new(files.len());
    let mut report = pool.install(|| {
        if args.parse_only {
            let parse = hindsight_engine::parse_only;
            walk::run_files(&files, max_size, &parse, &|done| progress.update(done))
        } else {
            walk::check_files(&checker, &files, max_size, &|done| progress.update(done))
        }
    });
    progress.finish();
    let mut n_fixed = 0;
    if args.fix {
        for _pass in 0..MAX_FIX_PASSES {
            let applied = apply_fixes(&report.findings)?;
            if applied == 0 {
                break;
            }
            n_fixed += applied;
            let elapsed = report.elapsed;
            report = pool.install(|| walk::check_files(&checker, &files, max_size, &|_| {}));
            report.elapsed += elapsed;
        }
    }
    report.problems.extend(walk_problems);
    add_rule_load_findings(&checker, &mut report);
    let stats = Stats::of(&report, checker.n_active_rules(), n_fixed);
    let rules = RuleSet::new(&checker, &report);
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
    let mut failing = report.findings.iter().any(|f| {
        f.suppressed.is_none()
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

/// Counts shown in the summary and the JSON output.
pub(crate) struct Stats {
    pub(crate) n_rules: usize,
    pub(crate) by_severity: BTreeMap<hindsight_engine::Severity, usize>,
    pub(crate) n_suppressed: usize,
    pub(crate) n_fixed: usize,
}

impl Stats {
    fn of(report: &Report, n_rules: usize, n_fixed: usize) -> Self {
        let mut by_severity = BTreeMap::new();
        let mut n_suppressed = 0;
        for finding in &report.findings {
            if finding.suppressed.is_some() {
                n_suppressed += 1;
            } else {
                *by_severity.entry(finding.severity).or_insert(0) += 1;
            }
        }
        Self {
            n_rules,
            by_severity,
            n_suppressed,
            n_fixed,
        }
    }

    pub(crate) fn count(&self, severity: hindsight_engine::Severity) -> usize {
        self.by_severity.get(&severity).copied().unwrap_or(0)
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
    for (path, mut edits) in by_file {
        let mut text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {} to fix it", path.display()))?;
        edits.sort_by_key(|edit| std::cmp::Reverse(edit.bytes.start));
        let mut floor = usize::MAX;
        for edit in edits {
            if edit.bytes.end > floor
                || edit.bytes.end > text.len()
                || !text.is_char_boundary(edit.bytes.start)
            {
                continue;
            }
            text.replace_range(edit.bytes.clone(), &edit.replacement);
            floor = edit.bytes.start;
            applied += 1;
        }
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
