//! Where a check's time goes, for `check --timings`: per rule, the time its matchers took on the nodes
//! offered to them and the time its Rego policy took; per language or format, the time spent parsing. Off
//! unless [`Checker::measure_time`] turned it on: then each offer of a node to a rule and each parse and
//! policy evaluation reads the clock twice; when off, no clock is read. The language server measures one
//! check on its own ([`Checker::check_source_timed`]) when a check took longer than it should.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::Checker;

thread_local! {
    /// Per active rule, nanoseconds matching and in Rego during the [`Checker::check_source_timed`] running on
    /// this thread, if one is.
    static THIS_CHECK: RefCell<Option<Vec<(u64, u64)>>> = const { RefCell::new(None) };
}

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

    /// Like [`Checker::check_source_with_tree`], measuring each rule's time on this one check (on this
    /// thread, whether or not [`Checker::measure_time`] was called): the language server asks when a check
    /// took longer than it should, to name the rule. Rules that took no time are left out; slowest first.
    pub fn check_source_timed(
        &self,
        file: &super::SourceFile<'_>,
        old_tree: Option<&tree_sitter::Tree>,
    ) -> (super::FileReport, Option<tree_sitter::Tree>, Vec<RuleTime>) {
        THIS_CHECK.with(|c| *c.borrow_mut() = Some(vec![(0, 0); self.active.len()]));
        let (report, tree) = self.check_source_with_tree(file, old_tree);
        let per_active = THIS_CHECK
            .with(|c| c.borrow_mut().take())
            .unwrap_or_default();
        let mut by_code: BTreeMap<Arc<str>, (u64, u64)> = BTreeMap::new();
        for (active, (matching, rego)) in self.active.iter().zip(per_active) {
            let entry = by_code.entry(self.rule(*active).code.clone()).or_default();
            entry.0 += matching;
            entry.1 += rego;
        }
        let mut rules: Vec<RuleTime> = by_code
            .into_iter()
            .filter(|(_, (matching, rego))| matching + rego > 0)
            .map(|(code, (matching, rego))| RuleTime {
                code,
                matching: Duration::from_nanos(matching),
                rego: Duration::from_nanos(rego),
            })
            .collect();
        rules.sort_by_key(|r| std::cmp::Reverse(r.total()));
        (report, tree, rules)
    }

    /// Runs `f`, adding its time to the rule's matching time when measuring.
    pub(super) fn time_matching<R>(&self, active_idx: usize, f: impl FnOnce() -> R) -> R {
        self.timed(active_idx, false, f)
    }

    /// Runs `f`, adding its time to the rule's Rego time when measuring.
    pub(super) fn time_rego<R>(&self, active_idx: usize, f: impl FnOnce() -> R) -> R {
        self.timed(active_idx, true, f)
    }

    /// Runs `f`; when measuring (the whole run, or this check on this thread), adds its time to the rule's
    /// matching or Rego time.
    fn timed<R>(&self, active_idx: usize, rego: bool, f: impl FnOnce() -> R) -> R {
        let this_check = THIS_CHECK.with(|c| c.borrow().is_some());
        if self.clocks.is_none() && !this_check {
            return f();
        }
        let started = Instant::now();
        let result = f();
        let took = nanos(started.elapsed());
        if let Some((matching, evaluating)) = self
            .clocks
            .as_deref()
            .and_then(|clocks| clocks.rules.get(active_idx))
        {
            let counter = if rego { evaluating } else { matching };
            counter.fetch_add(took, Ordering::Relaxed);
        }
        if this_check {
            THIS_CHECK.with(|c| {
                if let Some(slot) = c.borrow_mut().as_mut().and_then(|v| v.get_mut(active_idx)) {
                    if rego {
                        slot.1 += took;
                    } else {
                        slot.0 += took;
                    }
                }
            });
        }
        result
    }

    /// Runs `f` (a parse), adding its time to the language's or format's when measuring.
    pub(super) fn time_parse<R>(&self, language: &'static str, f: impl FnOnce() -> R) -> R {
        let Some(clocks) = self.clocks.as_deref() else {
            return f();
        };
        let started = Instant::now();
        let result = f();
        let took = started.elapsed();
        let mut parse = clocks
            .parse
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = parse.entry(language).or_default();
        entry.0 += took;
        entry.1 += 1;
        result
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use crate::config::{Config, Profile};
    use crate::{Checker, RulePack, SourceFile};

    fn strict_checker() -> Checker {
        let config = Config {
            profile: Profile::Strict,
            ..Config::default()
        };
        Checker::new(Arc::new(RulePack::builtin()), &config)
    }

    const RUST: &str = "fn f(x: Option<u8>) -> u8 {\n    x.unwrap()\n}\n";
    const WORKFLOW: &str = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n";

    #[test]
    fn one_check_measured_finds_the_same_and_names_the_rules_that_ran() {
        let checker = strict_checker();
        let path = Path::new("src/lib.rs");
        let file = SourceFile::new(path, crate::Role::Production, RUST);
        let plain = checker.check_source(&file);
        let (timed, _, rules) = checker.check_source_timed(&file, None);
        let codes = |r: &crate::FileReport| {
            r.findings
                .iter()
                .map(|f| f.code.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(&timed), codes(&plain));
        assert!(codes(&plain).contains(&"HS1001".to_string()));
        let hs1001 = rules
            .iter()
            .find(|r| &*r.code == "HS1001")
            .expect("HS1001 was offered nodes");
        assert!(hs1001.matching > std::time::Duration::ZERO && hs1001.rego.is_zero());
        assert!(
            rules.windows(2).all(|w| w[0].total() >= w[1].total()),
            "slowest first"
        );
        // The measurement was of that check only: the checker itself measures nothing.
        assert!(checker.timings().is_none());
    }

    #[test]
    fn a_measuring_checker_sums_rules_and_parsing_over_files() {
        let mut checker = strict_checker();
        checker.measure_time();
        for (path, text) in [
            ("src/a.rs", RUST),
            ("src/b.rs", RUST),
            (".github/workflows/ci.yml", WORKFLOW),
        ] {
            checker.check_source(&SourceFile::new(
                Path::new(path),
                crate::Role::Production,
                text,
            ));
        }
        let timings = checker.timings().expect("measuring");
        let parse = |name: &str| {
            timings
                .parse
                .iter()
                .find(|p| p.language == name)
                .map(|p| p.files)
        };
        assert_eq!(parse("rust"), Some(2), "{:?}", timings.parse);
        assert_eq!(parse("yaml"), Some(1), "{:?}", timings.parse);
        let rego: Vec<&str> = timings
            .rules
            .iter()
            .filter(|r| !r.rego.is_zero())
            .map(|r| &*r.code)
            .collect();
        assert!(
            rego.iter().any(|code| code.starts_with("HS3")),
            "a workflow rule evaluated its policy: {rego:?}"
        );
        // Every active rule is listed, those that never ran at zero.
        assert_eq!(timings.rules.len(), checker.active_rules().count());
    }
}
