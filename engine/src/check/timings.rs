//! Where a check's time goes, for `check --timings`: per rule, the time its matchers took on the nodes
//! offered to them and the time its Rego policy took; per language or format, the time spent parsing. Off
//! unless [`Checker::measure_time`] turned it on: then each offer of a node to a rule and each parse and
//! policy evaluation reads the clock twice; when off, no clock is read.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::Checker;

/// The clocks of a checker that measures time, shared by the threads that check files.
pub(super) struct Clocks {
    /// Per active rule (by index into `Checker::active`): nanoseconds matching, nanoseconds in Rego.
    rules: Vec<(AtomicU64, AtomicU64)>,
    /// Per language or format name: time parsing and files parsed.
    parse: Mutex<BTreeMap<&'static str, (Duration, usize)>>,
}

/// What a checker measured.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    /// Per rule code (a rule's forms in other languages count as the rule), slowest first.
    pub rules: Vec<RuleTime>,
    /// Per language or data format, slowest first.
    pub parse: Vec<ParseTime>,
}

/// The time one rule took over the whole run.
#[derive(Clone, Debug)]
pub struct RuleTime {
    /// The rule's code.
    pub code: Arc<str>,
    /// Its structural matchers (and `enclosing` checks) on the nodes offered to them.
    pub matching: Duration,
    /// Its Rego policy's evaluations.
    pub rego: Duration,
}

impl RuleTime {
    /// Matching and Rego together.
    pub fn total(&self) -> Duration {
        self.matching + self.rego
    }
}

/// The time spent parsing files of one language or data format.
#[derive(Clone, Debug)]
pub struct ParseTime {
    /// The language or format's name.
    pub language: &'static str,
    /// Time parsing.
    pub time: Duration,
    /// Files parsed.
    pub files: usize,
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

impl Checker {
    /// Measures from now on where checks spend their time (see [`Checker::timings`]).
    pub fn measure_time(&mut self) {
        self.clocks = Some(Box::new(Clocks {
            rules: self
                .active
                .iter()
                .map(|_| (AtomicU64::new(0), AtomicU64::new(0)))
                .collect(),
            parse: Mutex::new(BTreeMap::new()),
        }));
    }

    /// What was measured since [`Checker::measure_time`]; `None` when it was not called.
    pub fn timings(&self) -> Option<Timings> {
        let clocks = self.clocks.as_ref()?;
        let mut by_code: BTreeMap<Arc<str>, (u64, u64)> = BTreeMap::new();
        for (active, (matching, rego)) in self.active.iter().zip(&clocks.rules) {
            let entry = by_code.entry(self.rule(*active).code.clone()).or_default();
            entry.0 += matching.load(Ordering::Relaxed);
            entry.1 += rego.load(Ordering::Relaxed);
        }
        let mut rules: Vec<RuleTime> = by_code
            .into_iter()
            .map(|(code, (matching, rego))| RuleTime {
                code,
                matching: Duration::from_nanos(matching),
                rego: Duration::from_nanos(rego),
            })
            .collect();
        rules.sort_by(|a, b| b.total().cmp(&a.total()).then_with(|| a.code.cmp(&b.code)));
        let mut parse: Vec<ParseTime> = clocks
            .parse
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|(language, (time, files))| ParseTime {
                language,
                time: *time,
                files: *files,
            })
            .collect();
        parse.sort_by_key(|p| std::cmp::Reverse(p.time));
        Some(Timings { rules, parse })
    }

    /// Is this checker measuring time?
    pub(super) fn is_measuring(&self) -> bool {
        self.clocks.is_some()
    }

    /// Runs `f`, adding its time to the rule's matching time when measuring.
    pub(super) fn time_matching<R>(&self, active_idx: usize, f: impl FnOnce() -> R) -> R {
        self.timed(f, |clocks, took| {
            if let Some((matching, _)) = clocks.rules.get(active_idx) {
                matching.fetch_add(nanos(took), Ordering::Relaxed);
            }
        })
    }

    /// Runs `f`, adding its time to the rule's Rego time when measuring.
    pub(super) fn time_rego<R>(&self, active_idx: usize, f: impl FnOnce() -> R) -> R {
        self.timed(f, |clocks, took| {
            if let Some((_, rego)) = clocks.rules.get(active_idx) {
                rego.fetch_add(nanos(took), Ordering::Relaxed);
            }
        })
    }

    /// Runs `f` (a parse), adding its time to the language's or format's when measuring.
    pub(super) fn time_parse<R>(&self, language: &'static str, f: impl FnOnce() -> R) -> R {
        self.timed(f, |clocks, took| {
            let mut parse = clocks
                .parse
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let entry = parse.entry(language).or_default();
            entry.0 += took;
            entry.1 += 1;
        })
    }

    fn timed<R>(&self, f: impl FnOnce() -> R, record: impl FnOnce(&Clocks, Duration)) -> R {
        let Some(clocks) = self.clocks.as_deref() else {
            return f();
        };
        let started = Instant::now();
        let result = f();
        record(clocks, started.elapsed());
        result
    }
}
