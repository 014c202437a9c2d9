//! Running a rule's examples as its tests: each bad example must give exactly one finding of the rule (at the
//! place its `at:` names, of the severity its `severity:` names, with a message whose metavariables are all
//! filled in), and the rule's `fix:` must turn it into code that parses and no longer matches (and equals its
//! `fixed:`); each good example must give none. `hindsight test` and the test suite both use this.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::check::{Checker, SourceFile};
use crate::config::Profile;
use crate::finding::{Edit, Finding, Severity};
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
    /// The rule's code.
    pub rule_code: Arc<str>,
    /// Bad or good.
    pub kind: ExampleKind,
    /// Checked under the `strict` profile (an example of the rule's broad form, or a default bad example,
    /// which the broad form must report too).
    pub strict: bool,
    /// One of the broad form's own examples (`strict: examples:`), rather than the rule's.
    pub strict_form: bool,
    /// 0-based position in its list.
    pub index: usize,
    /// Where the example is written: the rule file, and the 1-based line and column it starts at when known
    /// (`rules/x.yaml:41:7`).
    pub place: String,
    /// The example as written.
    pub example: Example,
    /// The findings of the rule it gave.
    pub findings: Vec<FoundFinding>,
    /// What went wrong, one sentence each; empty when the example passed.
    pub failures: Vec<String>,
    /// Code worth showing under the failure (the fixed code, what `fixed:` expected), with a label each.
    pub listings: Vec<(String, String)>,
}

/// One finding an example gave, as the failure message shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundFinding {
    /// 1-based line within the example.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The rendered message.
    pub message: String,
    /// Its severity.
    pub severity: Severity,
}

/// The longest example listing a failure shows, in lines.
const MAX_LISTING_LINES: usize = 30;

impl ExampleOutcome {
    /// Did the example behave as its kind demands?
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// The failure: a first line naming the rule code, the example and where it is written, with what was
    /// expected and what was found; then the findings, the example's code and any other code worth seeing,
    /// on indented lines.
    pub fn describe(&self) -> String {
        let which = match self.kind {
            ExampleKind::Bad => "bad",
            ExampleKind::Good => "good",
        };
        let strict = if self.strict_form { "strict " } else { "" };
        let profile = if self.strict && !self.strict_form {
            " under the strict profile"
        } else {
            ""
        };
        let mut out = format!(
            "{} {strict}{which} example #{} ({}){profile}: {}",
            self.rule_code,
            self.index + 1,
            self.place,
            self.failures.join("; ")
        );
        for finding in &self.findings {
            // The severity is worth a word only when the example names one.
            let severity = match self.example.severity {
                Some(_) => format!(" ({})", finding.severity.as_str()),
                None => String::new(),
            };
            let _ = write!(
                out,
                "\n  found {}:{}{severity} {}",
                finding.line, finding.column, finding.message
            );
        }
        let label = match &self.example.path {
            Some(path) => format!("code ({path})"),
            None => "code".to_string(),
        };
        listing(&mut out, &label, &self.example.code);
        for (label, code) in &self.listings {
            listing(&mut out, label, code);
        }
        out
    }
}

/// Appends `code` under `label`, with line numbers (so that an `at:` can be read off it).
fn listing(out: &mut String, label: &str, code: &str) {
    let _ = write!(out, "\n  {label}:");
    let lines: Vec<&str> = code.lines().collect();
    let width = lines.len().to_string().len();
    for (n, line) in lines.iter().enumerate().take(MAX_LISTING_LINES) {
        let _ = write!(out, "\n    {:>width$} | {line}", n + 1);
    }
    if lines.len() > MAX_LISTING_LINES {
        let _ = write!(
            out,
            "\n    … {} more lines",
            lines.len() - MAX_LISTING_LINES
        );
    }
}

/// Runs every example of `rule` with `checker` (which must have the rule enabled). A rule with a broad
/// `strict:` form also has its strict examples and its default bad examples checked under the `strict`
/// profile (with only this rule enabled).
pub fn test_rule(checker: &Checker, rule: &Rule) -> Vec<ExampleOutcome> {
    let Some(runner) = Runner::new(checker, rule, false) else {
        return Vec::new();
    };
    let mut outcomes = runner.all(&rule.bad_examples, &rule.good_examples, false);
    // Each form in another language is tested on its own examples, as a file of its first language.
    for form in &rule.forms {
        let Some(lang) = form.languages.first() else {
            continue;
        };
        let form_runner = Runner {
            default_ext: lang.extension(),
            template: form.message.as_str(),
            ..runner
        };
        outcomes.extend(form_runner.all(&form.bad_examples, &form.good_examples, false));
    }
    if let Some(strict) = &rule.strict {
        let mut config = checker.config().clone();
        config.profile = Profile::Strict;
        config.enable = vec![rule.code.to_string()];
        config.disable = Vec::new();
        let strict_checker = Checker::new(checker.pack().clone(), &config);
        let Some(runner) = Runner::new(&strict_checker, rule, true) else {
            return outcomes;
        };
        // The broad form must report every default bad example too; its fix is tested on its own examples.
        outcomes.extend(runner.all(&rule.bad_examples, &[], false));
        outcomes.extend(runner.all(&strict.bad_examples, &strict.good_examples, true));
    }
    outcomes
}

/// Checks examples of one rule under one profile.
#[derive(Clone, Copy)]
struct Runner<'a> {
    checker: &'a Checker,
    rule: &'a Rule,
    strict: bool,
    /// Extension of an example's file when it names no path.
    default_ext: &'static str,
    /// The message template the findings are rendered from.
    template: &'a str,
}

/// What checking one text gave.
struct Checked {
    /// The rule's own unsuppressed findings.
    own: Vec<Finding>,
    /// Syntax errors in the text's tree.
    syntax_errors: Vec<crate::finding::Span>,
}

impl<'a> Runner<'a> {
    fn new(checker: &'a Checker, rule: &'a Rule, strict: bool) -> Option<Self> {
        let default_ext = match (rule.language, rule.formats.first()) {
            (Some(lang), _) => lang.extension(),
            (None, Some(format)) => format.name(),
            (None, None) => return None,
        };
        let template = match (&rule.strict, strict) {
            (Some(form), true) => form.message.as_str(),
            _ => rule.message.as_str(),
        };
        Some(Runner {
            checker,
            rule,
            strict,
            default_ext,
            template,
        })
    }

    fn all(&self, bad: &[Example], good: &[Example], strict_form: bool) -> Vec<ExampleOutcome> {
        let bad = bad
            .iter()
            .enumerate()
            .map(|(index, e)| self.example(ExampleKind::Bad, index, e, strict_form));
        let good = good
            .iter()
            .enumerate()
            .map(|(index, e)| self.example(ExampleKind::Good, index, e, strict_form));
        bad.chain(good).collect()
    }

    fn example(
        &self,
        kind: ExampleKind,
        index: usize,
        example: &Example,
        strict_form: bool,
    ) -> ExampleOutcome {
        let checked = self.check(example, &example.code);
        let mut outcome = ExampleOutcome {
            rule_code: self.rule.code.clone(),
            kind,
            strict: self.strict,
            strict_form,
            index,
            place: match (example.line, example.column) {
                (0, _) => self.rule.origin.path.clone(),
                (line, 0) => format!("{}:{line}", self.rule.origin.path),
                (line, column) => format!("{}:{line}:{column}", self.rule.origin.path),
            },
            example: example.clone(),
            findings: checked.own.iter().map(found).collect(),
            failures: Vec::new(),
            listings: Vec::new(),
        };
        match kind {
            ExampleKind::Good if !checked.own.is_empty() => outcome
                .failures
                .push(format!("expected no finding, found {}", checked.own.len())),
            ExampleKind::Good => {}
            ExampleKind::Bad => {
                outcome.failures = bad_example_failures(example, &checked.own, self.template);
                // The fix is tested once per example: on the default form's run, or on the broad form's own.
                if self.rule.has_fix() && (strict_form || !self.strict) {
                    self.check_fix(example, &checked, &mut outcome);
                }
            }
        }
        outcome
    }

    /// Checks `text` as the example's file; only the rule's own unsuppressed findings are kept.
    fn check(&self, example: &Example, text: &str) -> Checked {
        let path = PathBuf::from(
            example
                .path
                .clone()
                .unwrap_or_else(|| format!("example.{}", self.default_ext)),
        );
        let role = crate::source::scope::conventional_role(&path).role;
        let file = SourceFile::new(&path, role, text);
        let report = self.checker.check_source(&file);
        let mut findings = report.findings;
        if self.rule.is_repository_scope() {
            findings.extend(self.checker.check_repository(&report.documents));
        }
        findings.retain(|f| f.code == self.rule.code && f.suppressed.is_none());
        Checked {
            own: findings,
            syntax_errors: report.syntax_errors,
        }
    }

    /// Applies the findings' fixes, as `hindsight check --fix` does, and checks what comes out: it parses no
    /// worse than the example, the rule no longer reports it, and it equals the example's `fixed:`.
    fn check_fix(&self, example: &Example, checked: &Checked, outcome: &mut ExampleOutcome) {
        let edits: Vec<&Edit> = checked.own.iter().filter_map(|f| f.fix.as_ref()).collect();
        if edits.is_empty() {
            // No fix is offered inside macro arguments (it could carry their rewrite into the file), so a
            // finding without one is not a failure unless the example says what the fix gives.
            if example.fixed.is_some() && !checked.own.is_empty() {
                outcome
                    .failures
                    .push("expected a fix (`fixed:`), but the finding offers none".to_string());
            }
            return;
        }
        let mut fixed = example.code.clone();
        Edit::apply_all(&mut fixed, edits);
        let after = self.check(example, &fixed);
        let mut failures = Vec::new();
        if after.syntax_errors.len() > checked.syntax_errors.len() {
            let at = after
                .syntax_errors
                .iter()
                .find(|e| !checked.syntax_errors.iter().any(|b| b.start == e.start))
                .or(after.syntax_errors.first())
                .map(|e| format!(" (at {}:{})", e.start.line, e.start.column))
                .unwrap_or_default();
            failures.push(format!("the fixed code has a syntax error{at}"));
        }
        if !after.own.is_empty() {
            let places: Vec<String> = after
                .own
                .iter()
                .map(|f| format!("{}:{}", f.span.start.line, f.span.start.column))
                .collect();
            failures.push(format!(
                "the fixed code still gives {} finding(s) of the rule, at {}",
                after.own.len(),
                places.join(", ")
            ));
        }
        let differs = example.fixed.as_ref().filter(|want| **want != fixed);
        if differs.is_some() {
            failures.push("the fixed code differs from `fixed:`".to_string());
        }
        if failures.is_empty() {
            return;
        }
        outcome.failures.extend(failures);
        outcome.listings.push(("fixed code".to_string(), fixed));
        if let Some(want) = differs {
            outcome
                .listings
                .push(("`fixed:`".to_string(), want.clone()));
        }
    }
}

fn found(finding: &Finding) -> FoundFinding {
    FoundFinding {
        line: finding.span.start.line,
        column: finding.span.start.column,
        message: finding.message.clone(),
        severity: finding.severity,
    }
}

/// What is wrong with the findings of a bad example: not exactly one, not where `at:` says, not of the
/// severity `severity:` says, or a message with a metavariable of `template` left unfilled.
fn bad_example_failures(example: &Example, own: &[Finding], template: &str) -> Vec<String> {
    let mut failures = Vec::new();
    match (own, example.at) {
        ([finding], Some(at))
            if !at.matches(finding.span.start.line, finding.span.start.column) =>
        {
            failures.push(format!(
                "expected its finding at {at}, found it at {}:{}",
                finding.span.start.line, finding.span.start.column
            ));
        }
        ([_], _) => {}
        (_, Some(at)) => failures.push(format!(
            "expected exactly 1 finding, at {at}, found {}",
            own.len()
        )),
        (_, None) => failures.push(format!("expected exactly 1 finding, found {}", own.len())),
    }
    if let (Some(expected), [finding]) = (example.severity, own)
        && finding.severity != expected
    {
        failures.push(format!(
            "expected severity {}, found {}",
            expected.as_str(),
            finding.severity.as_str()
        ));
    }
    let placeholders = placeholders(template);
    let unfilled: Vec<&str> = placeholders
        .iter()
        .filter(|p| own.iter().any(|f| f.message.contains(*p)))
        .copied()
        .collect();
    if !unfilled.is_empty() {
        failures.push(format!(
            "the message leaves {} unfilled (capture it in the match, or write `$$$NAME` for a list)",
            unfilled
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    failures
}

/// The metavariable placeholders of a message template (`$NAME`, `$$$ARGS`), as written.
fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(pos) = rest.find('$') {
        let after = &rest[pos..];
        let n_dollars = after.chars().take_while(|&c| c == '$').count();
        let name_len = after[n_dollars..]
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .map_or(after.len() - n_dollars, |(i, _)| i);
        let token = &after[..n_dollars + name_len];
        let is_name = after[n_dollars..].starts_with(|c: char| c.is_ascii_uppercase() || c == '_');
        if is_name && !out.contains(&token) {
            out.push(token);
        }
        rest = &after[n_dollars + name_len..];
    }
    out
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
    /// One entry per failure; empty when every test passed. An example's failure is several lines: a
    /// summary, then indented details (see [`ExampleOutcome::describe`]).
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

#[cfg(test)]
mod tests;
