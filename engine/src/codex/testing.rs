//! Running a rule's examples as its tests: each bad example must give exactly one finding of the rule, each
//! good example none. `hindsight test` and the test suite both use this.

use std::path::PathBuf;
use std::sync::Mutex;

use crate::check::{Checker, SourceFile};
use crate::config::Profile;
use crate::finding::Severity;
use crate::rego::{self, Coverage, RegoError, TestOutcome};
use crate::rule::{Example, Rule};

/// Which list an example comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExampleKind {
    /// Must give exactly one finding.
    Bad,
    /// Must give none.
    Good,
}

/// The outcome of one example.
#[derive(Clone, Debug)]
pub struct ExampleOutcome {
    /// Bad or good.
    pub kind: ExampleKind,
    /// Checked under the `strict` profile (an example of the rule's broad form, or a default bad example,
    /// which the broad form must report too).
    pub strict: bool,
    /// 0-based position in its list.
    pub index: usize,
    /// How many findings of the rule it gave.
    pub n_findings: usize,
    /// Where they were (`line:column`), for the failure message.
    pub locations: Vec<String>,
    /// The severity the example says its finding has, and the severity the finding got, when they differ.
    pub wrong_severity: Option<(Severity, Severity)>,
}

impl ExampleOutcome {
    /// Did the example behave as its kind demands?
    pub fn passed(&self) -> bool {
        match self.kind {
            ExampleKind::Bad => self.n_findings == 1 && self.wrong_severity.is_none(),
            ExampleKind::Good => self.n_findings == 0,
        }
    }

    /// One line describing a failure.
    pub fn describe(&self) -> String {
        let which = match self.kind {
            ExampleKind::Bad => "bad",
            ExampleKind::Good => "good",
        };
        let expected = match self.kind {
            ExampleKind::Bad => "exactly 1 finding",
            ExampleKind::Good => "no finding",
        };
        let at = if self.locations.is_empty() {
            String::new()
        } else {
            format!(" at {}", self.locations.join(", "))
        };
        let profile = if self.strict {
            " (under the strict profile)"
        } else {
            ""
        };
        if let Some((expected, got)) = self.wrong_severity {
            return format!(
                "{which} example #{} gave a finding of severity {}{at}, expected {}",
                self.index + 1,
                got.as_str(),
                expected.as_str()
            );
        }
        format!(
            "{which} example #{}{profile} gave {} finding(s){at}, expected {expected}",
            self.index + 1,
            self.n_findings
        )
    }
}

/// Runs every example of `rule` with `checker` (which must have the rule enabled). A rule with a broad
/// `strict:` form also has its strict examples and its default bad examples checked under the `strict`
/// profile (with only this rule enabled).
pub fn test_rule(checker: &Checker, rule: &Rule) -> Vec<ExampleOutcome> {
    let mut outcomes = examples_under(
        checker,
        rule,
        false,
        &rule.bad_examples,
        &rule.good_examples,
    );
    if let Some(strict) = &rule.strict {
        let mut config = checker.config().clone();
        config.profile = Profile::Strict;
        config.enable = vec![rule.code.to_string()];
        config.disable = Vec::new();
        let strict_checker = Checker::new(checker.pack().clone(), &config);
        let bad: Vec<Example> = rule
            .bad_examples
            .iter()
            .chain(&strict.bad_examples)
            .cloned()
            .collect();
        outcomes.extend(examples_under(
            &strict_checker,
            rule,
            true,
            &bad,
            &strict.good_examples,
        ));
    }
    outcomes
}

fn examples_under(
    checker: &Checker,
    rule: &Rule,
    strict: bool,
    bad: &[Example],
    good: &[Example],
) -> Vec<ExampleOutcome> {
    let default_ext = match (rule.language, rule.formats.first()) {
        (Some(lang), _) => lang.spec().extensions.first().copied().unwrap_or("txt"),
        (None, Some(format)) => format.name(),
        (None, None) => return Vec::new(),
    };
    let run = |kind: ExampleKind, examples: &[Example]| {
        examples
            .iter()
            .enumerate()
            .map(|(index, example)| {
                let path = PathBuf::from(
                    example
                        .path
                        .clone()
                        .unwrap_or_else(|| format!("example.{default_ext}")),
                );
                let role = crate::source::scope::conventional_role(&path).role;
                let file = SourceFile::new(&path, role, &example.code);
                let report = checker.check_source(&file);
                let mut findings = report.findings;
                if rule.is_repository_scope() {
                    findings.extend(checker.check_repository(&report.documents));
                }
                let own: Vec<&crate::Finding> = findings
                    .iter()
                    .filter(|f| f.code == rule.code && f.suppressed.is_none())
                    .collect();
                let locations: Vec<String> = own
                    .iter()
                    .map(|f| format!("{}:{}", f.span.start.line, f.span.start.column))
                    .collect();
                let wrong_severity = match (example.severity, own.as_slice()) {
                    (Some(expected), [finding]) if finding.severity != expected => {
                        Some((expected, finding.severity))
                    }
                    _ => None,
                };
                ExampleOutcome {
                    kind,
                    strict,
                    index,
                    n_findings: locations.len(),
                    locations,
                    wrong_severity,
                }
            })
            .collect::<Vec<_>>()
    };
    let mut outcomes = run(ExampleKind::Bad, bad);
    outcomes.extend(run(ExampleKind::Good, good));
    outcomes
}

/// Runs a Rego rule's unit tests (`<policy>_test.rego` next to its policy), adding the lines they run to
/// `coverage` when given. Rules without tests give an empty list.
pub fn rego_tests(
    rule: &Rule,
    coverage: Option<&Mutex<Coverage>>,
) -> Result<Vec<TestOutcome>, RegoError> {
    match &rule.rego {
        Some(rego) if !rego.tests.is_empty() => {
            let options = serde_json::Value::Object(rego.default_options.clone());
            rego::run_tests(&rego.sources, &rego.tests, &options, coverage)
        }
        _ => Ok(Vec::new()),
    }
}

/// Everything a rule's tests say: its examples and its Rego unit tests, run together.
#[derive(Clone, Debug, Default)]
pub struct RuleTests {
    /// How many examples ran.
    pub examples: usize,
    /// How many Rego unit tests ran.
    pub rego_tests: usize,
    /// One line per failure; empty when every test passed.
    pub failures: Vec<String>,
}

impl RuleTests {
    /// Every example and Rego test passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs a rule's examples and Rego unit tests (adding the lines they run to `coverage` when given). A rule
/// that is not automated (a review-only lesson, a built-in diagnostic) has no tests and passes.
pub fn check_rule(checker: &Checker, rule: &Rule, coverage: Option<&Mutex<Coverage>>) -> RuleTests {
    if !rule.is_automated() {
        return RuleTests::default();
    }
    let outcomes = test_rule(checker, rule);
    let mut failures: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.passed())
        .map(ExampleOutcome::describe)
        .collect();
    let unit_tests = match rego_tests(rule, coverage) {
        Ok(tests) => tests,
        Err(err) => {
            failures.push(format!("Rego tests do not run: {}", err.message));
            Vec::new()
        }
    };
    for test in unit_tests.iter().filter(|t| !t.passed) {
        let why = test
            .error
            .as_deref()
            .map(|e| format!(": {e}"))
            .unwrap_or_default();
        failures.push(format!("Rego test {} failed{why}", test.name));
    }
    RuleTests {
        examples: outcomes.len(),
        rego_tests: unit_tests.len(),
        failures,
    }
}
