//! Rules and rule packs.
//!
//! A rule file (`rules/<area>/<id>.yaml`) is parsed into [`raw::RawRule`] and validated into a [`Rule`] by
//! [`RulePack::add_file`]. A file that fails to load becomes a [`LoadProblem`] and is skipped; the rest of the
//! pack still loads.

pub(crate) mod builtin;
mod conftest;
mod examples;
pub(crate) mod lazy_regex;
mod lesson;
pub(crate) mod load;
mod match_rule;
mod needles;
pub mod raw;
pub mod schema;

pub use conftest::{ConftestOptions, Namespaces};
pub use examples::{Example, ExampleAt};
pub use lesson::LessonScope;
pub(crate) use match_rule::{Compiled, MatchRule, Recipe};
pub(crate) use needles::NeedleIndex;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use std::time::Duration;

use globset::GlobSet;

use crate::codex::incidents::IncidentRef;
use crate::data::DataFormat;
use crate::finding::Severity;
use crate::rego::{Policy, Source as RegoSource};
use crate::source::lang::Lang;

pub use crate::finding::{Incident, Stage};
pub use crate::problem::LoadProblem;

/// Stable codes of the diagnostics hindsight emits about itself (`HS9xxx`).
pub mod codes {
    /// A suppression comment without a reason.
    pub const SUPPRESSION_WITHOUT_REASON: &str = "HS9001";
    /// A suppression that suppresses nothing.
    pub const UNUSED_SUPPRESSION: &str = "HS9002";
    /// A rule file that failed to load.
    pub const RULE_LOAD_ERROR: &str = "HS9003";
    /// A rule that failed while checking a file.
    pub const RULE_RUNTIME_ERROR: &str = "HS9004";
    /// A suppression past its `until=` date.
    pub const EXPIRED_SUPPRESSION: &str = "HS9005";
    /// A configuration file that is not valid YAML, JSON or TOML.
    pub const INVALID_DATA_FILE: &str = "HS9006";
    /// A `[[waiver]]` that suppressed nothing in a check of the whole repository.
    pub const UNUSED_WAIVER: &str = "HS9007";
}

/// Rule documentation in Markdown.
#[derive(Clone, Debug, Default)]
pub struct Docs {
    /// What the rule reports.
    pub what: String,
    /// Why it matters.
    pub why: String,
    /// How to fix a finding.
    pub fix: String,
    /// Further reading.
    pub references: Vec<String>,
}

/// How a rule is enforced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enforcement {
    /// A structural match on syntax trees.
    Match,
    /// A Rego policy.
    Rego,
    /// A diagnostic hindsight emits itself.
    Builtin,
    /// A lesson checked only in review.
    Review,
}

impl Enforcement {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Enforcement::Match => "match",
            Enforcement::Rego => "rego",
            Enforcement::Builtin => "builtin",
            Enforcement::Review => "review",
        }
    }
}

/// Whether a rule reports in test code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestCode {
    /// Test code is checked like any other code.
    Check,
    /// Test code is never reported.
    Skip,
}

/// Where a rule was loaded from.
#[derive(Clone, Debug)]
pub struct Origin {
    /// Display path of the rule file (`builtin:code/x.yaml` for the embedded pack).
    pub path: String,
    /// 1-based line of the rule's `code:` key.
    pub code_line: usize,
}

/// A validated rule.
pub struct Rule {
    /// Kebab-case slug.
    pub id: Arc<str>,
    /// Stable code.
    pub code: Arc<str>,
    /// The lesson, in the codex voice.
    pub title: String,
    /// Severity declared by the rule file.
    pub severity: Severity,
    /// Stage declared by the rule file.
    pub stage: Stage,
    /// Language of checked source files: structural rules and Rego code rules (`None` otherwise).
    pub language: Option<Lang>,
    /// Data formats of checked configuration files: Rego rules over data, including code rules that read
    /// configuration documents too (empty otherwise).
    pub formats: Vec<DataFormat>,
    /// How the rule is enforced.
    pub enforcement: Enforcement,
    /// Message template.
    pub message: String,
    /// Documentation.
    pub docs: Docs,
    /// Incidents, most important first.
    pub incidents: Vec<Arc<Incident>>,
    /// Examples that must give exactly one finding.
    pub bad_examples: Vec<Example>,
    /// Examples that must give no finding.
    pub good_examples: Vec<Example>,
    /// Where the rule was loaded from.
    pub origin: Origin,
    /// Rule codes this rule's findings replace on the same span.
    pub supersedes: Vec<Arc<str>>,
    /// Whether findings in test code are reported.
    pub test_code: TestCode,
    pub(crate) files: Option<GlobSet>,
    pub(crate) ignores: Option<GlobSet>,
    /// The structural matcher (`match`, or a Rego code rule's `select`).
    pub(crate) matcher: Option<Box<MatchRule>>,
    /// The policy of a Rego rule.
    pub(crate) rego: Option<Box<RegoRule>>,
    /// The broad form run under the `strict` profile, if the rule has one.
    pub strict: Option<Box<StrictForm>>,
    /// The lesson's forms in other languages (`languages:` in the rule file), after its own.
    pub forms: Vec<LanguageForm>,
    /// Where a review-only lesson applies (`None` for other rules): see [`Rule::lesson_applies`].
    pub lesson: Option<Box<LessonScope>>,
}

/// One more language's form of a rule: a structural match per language of the form, with its own message
/// and examples.
pub struct LanguageForm {
    /// The languages the form checks, in the order the rule file names them.
    pub languages: Vec<Lang>,
    /// Message template of its findings.
    pub message: String,
    /// What it reports, where the rule's docs do not say it (Markdown).
    pub what: Option<String>,
    /// Its declared stage, when it differs from the rule's (`[[rollout]]` entries for the rule's code still
    /// decide over it).
    pub stage: Option<Stage>,
    /// Examples that must give exactly one finding.
    pub bad_examples: Vec<Example>,
    /// Examples that must give no finding.
    pub good_examples: Vec<Example>,
    /// One matcher per language, in the order of `languages`.
    pub(crate) matchers: Vec<MatchRule>,
}

impl LanguageForm {
    /// Does the form carry an automatic fix?
    pub fn has_fix(&self) -> bool {
        self.matchers.iter().any(|m| m.has_fix)
    }
}

/// A rule's broad form, run instead of its own matcher under the `strict` profile.
pub struct StrictForm {
    /// Severity of its findings.
    pub severity: Severity,
    /// Message template.
    pub message: String,
    /// What it reports beyond the default form (Markdown).
    pub what: String,
    /// Examples only the broad form reports.
    pub bad_examples: Vec<Example>,
    /// Examples even the broad form leaves alone.
    pub good_examples: Vec<Example>,
    pub(crate) matcher: Box<MatchRule>,
}

impl Rule {
    /// Does the rule carry an automatic fix (in any of its languages)?
    pub fn has_fix(&self) -> bool {
        self.matcher.as_ref().is_some_and(|m| m.has_fix)
            || self.forms.iter().any(LanguageForm::has_fix)
    }

    /// Every source language the rule checks: its own, then those of its forms.
    pub fn languages(&self) -> impl Iterator<Item = Lang> + '_ {
        self.language
            .into_iter()
            .chain(self.forms.iter().flat_map(|f| f.languages.iter().copied()))
    }

    /// The names of what the rule reads: its source languages, then its data formats (`rust, go, yaml`).
    pub fn input_names(&self) -> Vec<&'static str> {
        self.languages()
            .map(Lang::name)
            .chain(self.formats.iter().map(|f| f.name()))
            .collect()
    }

    /// Does the rule check source files of this language?
    pub fn checks_language(&self, lang: Option<Lang>) -> bool {
        lang.is_some_and(|lang| self.languages().any(|l| l == lang))
    }

    /// Does the rule run on files (as opposed to a builtin diagnostic or a review-only lesson)?
    pub fn is_automated(&self) -> bool {
        matches!(self.enforcement, Enforcement::Match | Enforcement::Rego)
    }

    /// Does the rule skip test code?
    pub fn skips_test_code(&self) -> bool {
        self.test_code == TestCode::Skip
    }

    /// Does the rule report in a file of this role? Every rule reports in production code; a rule that skips
    /// test code skips tests, tooling and vendored code, and examples of source code, but reads examples of
    /// configuration: a manifest under `examples/` is applied as written, so what is wrong in it goes wrong
    /// for everyone who copies it.
    pub fn reports_in(&self, role: crate::source::scope::Role, is_source: bool) -> bool {
        use crate::source::scope::Role;
        match role {
            Role::Production => true,
            Role::Example if !is_source => true,
            _ => !self.skips_test_code(),
        }
    }

    /// Does the rule's `prefilter` (a regex a file's text or path must match before the rule looks at it)
    /// let this file through? Rules without one see every file.
    pub(crate) fn prefilter_admits(&self, file: &crate::source::SourceFile<'_>) -> bool {
        match self.rego.as_ref().and_then(|r| r.prefilter.as_ref()) {
            None => true,
            Some(prefilter) => {
                // Without a byte order mark starting the file, as its reader sees it (`data::parse`): a
                // prefilter's `^\s*FROM` must find a Dockerfile's first line.
                prefilter.is_match(
                    file.text
                        .strip_prefix(crate::data::BOM)
                        .unwrap_or(file.text),
                ) || prefilter.is_match(&file.path.to_string_lossy().replace('\\', "/"))
            }
        }
    }

    /// Is this a Rego rule that sees every document of a check at once?
    pub fn is_repository_scope(&self) -> bool {
        self.rego
            .as_ref()
            .is_some_and(|r| r.scope == Scope::Repository)
    }

    /// Does the rule apply to a file at `path` (its `files` and `ignores` globs)?
    pub fn applies_to(&self, path: &Path) -> bool {
        if !self.is_automated() {
            return false;
        }
        if let Some(files) = &self.files
            && !files.is_match(path)
        {
            return false;
        }
        if let Some(ignores) = &self.ignores
            && ignores.is_match(path)
        {
            return false;
        }
        true
    }
}

pub(crate) use crate::paths::BUILTIN_PREFIX;

/// What a Rego rule sees at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One document, or one source file's matches.
    File,
    /// Every matching document of the check.
    Repository,
}

/// The policy of a Rego rule, compiled with the rule's default options.
pub(crate) struct RegoRule {
    /// The policy with its default options: see [`RegoRule::policy`].
    pub(crate) policy: LazyPolicy,
    /// The policy files, kept to recompile with configured options.
    pub(crate) sources: Vec<RegoSource>,
    /// `*_test.rego` files next to the policy.
    pub(crate) tests: Vec<RegoSource>,
    /// The queried package, such as `data.hindsight.rules.rolling_update`.
    pub(crate) package: String,
    pub(crate) scope: Scope,
    /// A file's text must match this for the rule to read it.
    pub(crate) prefilter: Option<lazy_regex::LazyRegex>,
    pub(crate) timeout: Duration,
    pub(crate) default_options: serde_json::Map<String, serde_json::Value>,
}

/// A policy compiled at load (a team's rules: a policy that does not compile is a load problem) or when first
/// evaluated (the built-in pack, whose every policy the test suite compiles: a run over source code alone
/// never pays for compiling the configuration policies).
pub(crate) struct LazyPolicy(std::sync::OnceLock<Option<Policy>>);

impl LazyPolicy {
    pub(crate) fn compiled(policy: Policy) -> Self {
        Self(std::sync::OnceLock::from(Some(policy)))
    }

    pub(crate) fn deferred() -> Self {
        Self(std::sync::OnceLock::new())
    }
}

impl RegoRule {
    /// The policy reads the values of Terraform variables: it calls `hindsight.file()` or imports the
    /// Terraform helpers (whose `tf.values` does). Only then does a check work them out for a file.
    pub(crate) fn reads_file_facts(&self) -> bool {
        self.sources.iter().any(|source| {
            source.text.contains("hindsight.file()")
                || source.text.contains("data.hindsight.terraform")
        })
    }

    /// The policy with the rule's default options, compiled on first use if it was deferred. `None` only if a
    /// deferred policy does not compile, which `builtin_matchers_compile` rules out for the built-in pack.
    pub(crate) fn policy(&self) -> Option<&Policy> {
        self.policy
            .0
            .get_or_init(|| {
                let options = serde_json::Value::Object(self.default_options.clone());
                Policy::compile(&self.sources, &self.package, &options, self.timeout).ok()
            })
            .as_ref()
    }

    fn policy_mut(&mut self) -> Option<&mut Policy> {
        self.policy();
        self.policy.0.get_mut()?.as_mut()
    }
}

/// A set of loaded rules plus the files that failed to load.
#[derive(Default)]
pub struct RulePack {
    rules: Vec<Rule>,
    problems: Vec<LoadProblem>,
    by_key: HashMap<Arc<str>, usize>,
    incidents: Vec<IncidentRef>,
    /// Codes of rule files that failed to load.
    failed_codes: Vec<String>,
    /// What loading noticed that is not a problem (see [`RulePack::notices`]).
    notices: Vec<LoadProblem>,
}

/// Reads the file `name` next to a rule file (given by its display path): its display path and text.
type SiblingReader = dyn Fn(&str, &str) -> Option<(String, String)> + Sync;

impl RulePack {
    /// An empty pack.
    pub fn new() -> Self {
        Self::default()
    }

    /// The built-in pack embedded in the binary.
    pub fn builtin() -> Self {
        let mut pack = Self::new();
        pack.add_builtin();
        pack.check_references();
        pack
    }

    /// Adds the built-in pack to this pack.
    pub fn add_builtin(&mut self) {
        self.add_builtin_matching(|_| true);
    }

    /// Adds only the built-in `HS9xxx` diagnostics (suppressions, rule errors), whose metadata every run
    /// needs, even one that brings all its own rules.
    pub fn add_builtin_diagnostics(&mut self) {
        self.add_builtin_matching(|path| path.starts_with("hindsight/"));
    }

    fn add_builtin_matching(&mut self, wanted: impl Fn(&str) -> bool) {
        // Incidents first: rules cite them by id. Only the diagnostics-only pack goes without them.
        if wanted("incidents/") {
            use rayon::prelude::*;
            // Read in parallel, added in order (so a duplicate id is reported against the same file).
            let records: Vec<_> = crate::rule::builtin::BUILTIN_FILES
                .par_iter()
                .filter(|(path, _)| path.starts_with("incidents/") && path.ends_with(".yaml"))
                .map(|(path, text)| {
                    let display = format!("{BUILTIN_PREFIX}{path}");
                    let record = crate::codex::incidents::load(&display, text);
                    (display, record)
                })
                .collect();
            for (display, record) in records {
                self.add_incident_record(&display, record);
            }
        }
        let files: Vec<(String, String)> = crate::rule::builtin::BUILTIN_FILES
            .iter()
            .filter(|(path, _)| {
                (path.ends_with(".yaml") || path.ends_with(".yml"))
                    && !path.starts_with("incidents/")
                    && wanted(path)
            })
            .map(|(path, text)| (format!("{BUILTIN_PREFIX}{path}"), (*text).to_string()))
            .collect();
        let sibling = |display: &str, name: &str| {
            let path = display.strip_prefix(BUILTIN_PREFIX).unwrap_or(display);
            let wanted = match path.rsplit_once('/') {
                Some((dir, _)) => format!("{dir}/{name}"),
                None => name.to_string(),
            };
            crate::rule::builtin::BUILTIN_FILES
                .iter()
                .find(|(p, _)| *p == wanted)
                .map(|(p, t)| (format!("{BUILTIN_PREFIX}{p}"), (*t).to_string()))
        };
        self.add_files_parallel(files, &sibling);
    }

    /// Parses, validates and adds one rule file that refers to no other file. Failures are recorded as
    /// [`LoadProblem`]s.
    pub fn add_file(&mut self, display_path: &str, text: &str) {
        self.add_file_with(display_path, text, &|_| None);
    }

    /// Like [`RulePack::add_file`]; `sibling` reads a file next to the rule file (its `.rego` policy and
    /// `_test.rego` tests) and returns its display path and text.
    pub fn add_file_with(
        &mut self,
        display_path: &str,
        text: &str,
        sibling: &dyn Fn(&str) -> Option<(String, String)>,
    ) {
        let registry = |id: &str| self.incident(id).map(|record| record.as_incident());
        let result = load::load_rule(display_path, text, sibling, &registry);
        self.record(text, result);
    }

    /// Loads many rule files at once, in parallel (compiling Rego policies dominates start-up), and adds them
    /// in the given order, so the pack never depends on thread timing. `sibling(path, name)` reads the file
    /// `name` next to the rule file at display path `path`.
    fn add_files_parallel(&mut self, files: Vec<(String, String)>, sibling: &SiblingReader) {
        use rayon::prelude::*;
        let this = &*self;
        let registry = |id: &str| this.incident(id).map(|record| record.as_incident());
        let results: Vec<load::LoadResult<Rule>> = files
            .par_iter()
            .with_max_len(1)
            .map(|(display, text)| {
                let next_to = |name: &str| sibling(display, name);
                load::load_rule(display, text, &next_to, &registry)
            })
            .collect();
        for ((_, text), result) in files.iter().zip(results) {
            self.record(text, result);
        }
    }

    /// Adds a loaded rule, or records why it failed.
    fn record(&mut self, text: &str, result: load::LoadResult<Rule>) {
        match result {
            Ok(rule) => self.insert(rule),
            Err(problem) => {
                // Remember the broken rule's code (when the text still shows it), so action items that name
                // it are not reported once more each: the rule's own load problem says what is wrong.
                if let Some(code) = text.lines().find_map(|l| l.strip_prefix("code:")) {
                    self.failed_codes
                        .push(code.trim().trim_matches('"').to_string());
                }
                self.problems.push(*problem);
            }
        }
    }

    /// Loads every `*.yaml`/`*.yml` rule file under `dir` (recursively, sorted by path).
    pub fn add_dir(&mut self, dir: &Path) {
        let mut files = Vec::new();
        for entry in ignore::WalkBuilder::new(dir)
            .standard_filters(false)
            .hidden(true)
            .build()
        {
            match entry {
                Ok(entry) => {
                    let path = entry.path();
                    // Rule files are YAML: the YAML row of the format table has their extensions.
                    let is_rule = crate::data::DataFormat::from_path(path)
                        == Some(crate::data::DataFormat::Yaml);
                    if is_rule && entry.file_type().is_some_and(|t| t.is_file()) {
                        files.push(path.to_path_buf());
                    }
                }
                Err(err) => self.problems.push(LoadProblem {
                    path: dir.display().to_string(),
                    line: 1,
                    column: 1,
                    message: format!("could not read the rule directory: {err}"),
                    hint: None,
                }),
            }
        }
        if files.is_empty() && !dir.is_dir() {
            self.problems.push(LoadProblem {
                path: dir.display().to_string(),
                line: 1,
                column: 1,
                message: "rule directory does not exist".into(),
                hint: Some("pass a directory that holds rule files (`*.yaml`)".into()),
            });
        }
        files.sort();
        // Incident records (files in an `incidents` directory) first: rules cite them by id.
        let is_incident = |p: &std::path::PathBuf| {
            p.parent()
                .and_then(|d| d.file_name())
                .is_some_and(|n| n == "incidents")
        };
        let (incident_files, files): (Vec<_>, Vec<_>) = files.into_iter().partition(is_incident);
        for path in incident_files {
            match std::fs::read_to_string(&path) {
                Ok(text) => self.add_incident(&path.display().to_string(), &text),
                Err(err) => self.problems.push(LoadProblem {
                    path: path.display().to_string(),
                    line: 1,
                    column: 1,
                    message: format!("could not read the incident file: {err}"),
                    hint: None,
                }),
            }
        }
        let mut texts = Vec::new();
        for path in files {
            let display = path.display().to_string();
            match std::fs::read_to_string(&path) {
                Ok(text) => texts.push((display, text)),
                Err(err) => self.problems.push(LoadProblem {
                    path: display,
                    line: 1,
                    column: 1,
                    message: format!("could not read the rule file: {err}"),
                    hint: None,
                }),
            }
        }
        let sibling = |display: &str, name: &str| {
            let file = Path::new(display)
                .parent()
                .map_or_else(|| Path::new(name).to_path_buf(), |dir| dir.join(name));
            std::fs::read_to_string(&file)
                .ok()
                .map(|text| (file.display().to_string(), text))
        };
        self.add_files_parallel(texts, &sibling);
    }

    /// Adds one incident record (`incidents/<id>.yaml`). Failures are recorded as [`LoadProblem`]s.
    pub fn add_incident(&mut self, display_path: &str, text: &str) {
        let record = crate::codex::incidents::load(display_path, text);
        self.add_incident_record(display_path, record);
    }

    fn add_incident_record(
        &mut self,
        display_path: &str,
        record: Result<crate::codex::incidents::IncidentRecord, Box<LoadProblem>>,
    ) {
        match record {
            Ok(record) if self.incident(&record.id).is_some() => self.problems.push(LoadProblem {
                path: display_path.to_string(),
                line: 1,
                column: 1,
                message: format!("incident `{}` is already defined", record.id),
                hint: None,
            }),
            Ok(record) => self.incidents.push(Arc::new(record)),
            Err(problem) => self.problems.push(*problem),
        }
    }

    /// An incident of the registry by id.
    pub fn incident(&self, id: &str) -> Option<&IncidentRef> {
        self.incidents.iter().find(|i| i.id == id)
    }

    /// The incident registry, in load order.
    pub fn incidents(&self) -> &[IncidentRef] {
        &self.incidents
    }

    /// Records a problem for every reference the incident registry makes that nothing answers: action items
    /// naming rule codes no loaded rule has. Call once every pack is loaded.
    pub fn check_references(&mut self) {
        let problems = self.reference_problems();
        self.problems.extend(problems);
    }

    fn reference_problems(&self) -> Vec<LoadProblem> {
        let mut problems = Vec::new();
        for incident in &self.incidents {
            for item in &incident.action_items {
                for code in &item.rules {
                    let (message, hint) = match self.get(code) {
                        None if self
                            .failed_codes
                            .iter()
                            .any(|c| c.eq_ignore_ascii_case(code)) =>
                        {
                            continue;
                        }
                        None => (
                            format!(
                                "action item `{}` names `{code}`, which no loaded rule has",
                                item.id
                            ),
                            "fix the code, or load the pack that defines it",
                        ),
                        Some(rule)
                            if item.enforcement
                                == crate::codex::incidents::ActionEnforcement::Review
                                && rule.enforcement != Enforcement::Review =>
                        {
                            (
                                format!(
                                    "action item `{}` is enforced by review, but `{code}` is not a review-only lesson",
                                    item.id
                                ),
                                "write `enforcement: automated`, or name the review-only lesson",
                            )
                        }
                        Some(rule)
                            if item.enforcement
                                == crate::codex::incidents::ActionEnforcement::Automated
                                && !rule.is_automated() =>
                        {
                            (
                                format!(
                                    "action item `{}` is automated, but `{code}` is not a rule that checks files",
                                    item.id
                                ),
                                "write `enforcement: review` for a review-only lesson",
                            )
                        }
                        Some(_) => continue,
                    };
                    problems.push(LoadProblem {
                        path: incident.origin.clone(),
                        line: item.line,
                        column: 1,
                        message,
                        hint: Some(hint.into()),
                    });
                }
            }
        }
        problems
    }

    /// Records a rule file or directory that could not be loaded (for loaders outside the engine, such as
    /// rules read from a git ref).
    pub fn add_problem(&mut self, problem: LoadProblem) {
        self.problems.push(problem);
    }

    /// Loads a directory of plain conftest policies: one rule per selected namespace (see [`Namespaces`]).
    pub fn add_conftest_dir(&mut self, dir: &Path, namespaces: &Namespaces) {
        let options = ConftestOptions {
            namespaces: namespaces.clone(),
            ..ConftestOptions::default()
        };
        self.add_conftest_policies(&[dir.to_path_buf()], &options);
    }

    /// Loads plain conftest policies (directories or `.rego` files, together, as `conftest test --policy`
    /// does): one rule per selected namespace, with `conftest test`'s `--data` and `--combine`.
    pub fn add_conftest_policies(
        &mut self,
        paths: &[std::path::PathBuf],
        options: &ConftestOptions,
    ) {
        let loaded = conftest::load(paths, options);
        self.problems.extend(loaded.problems);
        self.notices.extend(loaded.notices);
        for rule in loaded.rules {
            self.insert(rule);
        }
    }

    /// What loading noticed that is not a problem (a `--namespace` no policy declares).
    pub fn notices(&self) -> &[LoadProblem] {
        &self.notices
    }

    fn insert(&mut self, rule: Rule) {
        // The built-in `HS9xxx` diagnostics are loaded into every pack, so a rule directory that holds their
        // source files (`--no-builtin --rules rules`, to try edited built-in rules without a rebuild) brings
        // the same rules again: the same code and id, not a clash.
        if let Some(&existing) = self.by_key.get(&rule.code) {
            let other = &self.rules[existing];
            if other.origin.path.starts_with("builtin:hindsight/") && other.id == rule.id {
                return;
            }
        }
        for key in [&rule.code, &rule.id] {
            if let Some(&existing) = self.by_key.get(key) {
                let other = &self.rules[existing];
                let what = if key == &rule.code { "code" } else { "id" };
                self.problems.push(LoadProblem {
                    path: rule.origin.path.clone(),
                    line: rule.origin.code_line,
                    column: 1,
                    message: format!(
                        "rule {what} `{key}` is already used by {}:{}",
                        other.origin.path, other.origin.code_line
                    ),
                    hint: Some(format!(
                        "every rule needs its own {what}; codes are never reused, so choose one no pack uses yet"
                    )),
                });
                return;
            }
        }
        let idx = self.rules.len();
        self.by_key.insert(rule.code.clone(), idx);
        self.by_key.insert(rule.id.clone(), idx);
        self.rules.push(rule);
    }

    /// Makes every Rego policy of the pack record the lines it runs (`hindsight test --coverage`); returns
    /// the accumulators by rule code.
    pub fn enable_rego_coverage(
        &mut self,
    ) -> Vec<(Arc<str>, Arc<std::sync::Mutex<crate::rego::Coverage>>)> {
        self.rules
            .iter_mut()
            .filter_map(|rule| {
                let rego = rule.rego.as_mut()?;
                Some((rule.code.clone(), rego.policy_mut()?.enable_coverage()))
            })
            .collect()
    }

    /// All rules, in load order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Files that failed to load.
    pub fn problems(&self) -> &[LoadProblem] {
        &self.problems
    }

    /// Finds a rule by code or id (codes are matched case-insensitively).
    pub fn get(&self, code_or_id: &str) -> Option<&Rule> {
        if let Some(&idx) = self.by_key.get(code_or_id) {
            return Some(&self.rules[idx]);
        }
        let upper = code_or_id.to_ascii_uppercase();
        self.by_key.get(upper.as_str()).map(|&idx| &self.rules[idx])
    }
}
