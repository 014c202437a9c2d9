//! The rule file format as written by rule authors: serde types with a doc on every field.
//!
//! These types are the JSON Schema of a rule file (`schemas/rule.schema.json`) and nothing else:
//! `rule/load.rs` validates them into [`super::Rule`], whose errors tell the author what to write instead.

use std::collections::BTreeMap;

use ast_grep_config::{SerializableRule, Transformation};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::finding::Severity;

/// One hindsight rule: a lesson from an incident, with a stable code, docs, examples and a matcher.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "hindsight rule")]
pub struct RawRule {
    /// Kebab-case slug naming the bad pattern, for example `unwrap-outside-tests`. Must equal the file name.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Stable short code, never reused, for example `HS1001`. Built-in codes use the `HS` prefix.
    #[schemars(with = "String")]
    pub code: Spanned<String>,
    /// The lesson in the codex voice: "If you need X, do Y" or "Don't X outside Y".
    pub title: String,
    /// `error`, `warning` or `info`.
    pub severity: Severity,
    /// Rollout stage when the configuration does not set one: `shadow`, `warn` or `enforce` (the default).
    #[serde(default)]
    pub stage: Option<RawStage>,
    /// Language of the files the rule checks: `rust` or `yaml` for structural rules and Rego code rules;
    /// `yaml`, `json`, `toml`, `hcl` or a list of them for Rego rules over configuration data; for a Rego code rule
    /// that also reads configuration documents, a list of one source language and formats, such as
    /// `[rust, yaml, json]`. Not needed for `builtin` rules. For a `review` lesson, the languages and formats of
    /// the files it applies to (`[rust, go, yaml]`; none: every file), which `lessons_for_change` and
    /// `hindsight review` read.
    #[serde(default)]
    #[schemars(with = "Option<RawLanguages>")]
    pub language: Option<Spanned<RawLanguages>>,
    /// How the rule is enforced: `match` (structural, the default when `match` is present), `rego` (the default
    /// when `rego` is present), `builtin` (a diagnostic hindsight itself emits) or `review` (a lesson for human
    /// or AI review, no matcher).
    #[serde(default)]
    pub enforcement: Option<RawEnforcement>,
    /// Globs of paths the rule applies to. Default: every file of the language.
    #[serde(default)]
    pub files: Vec<String>,
    /// Globs of paths the rule never applies to.
    #[serde(default)]
    pub ignores: Vec<String>,
    /// `check` (default) also reports in test code; `skip` reports only in production code: not in
    /// `#[cfg(test)]` items and test functions, nor in files `hindsight scope` counts as test, example, tooling
    /// or vendored (a package's `tests/`, `benches/`, `examples/`, `build.rs`, out-of-line test modules,
    /// test-support crates, fixture directories such as `testdata/`, `vendor/`; see `[scope]` in hindsight.toml).
    /// Configuration under `examples/` is still read: it is applied as written.
    #[serde(default)]
    pub test_code: Option<RawTestCode>,
    /// The finding's message. `$NAME` interpolates a metavariable captured by `match`.
    #[serde(default)]
    pub message: String,
    /// Metavariable whose node the finding points at, instead of the whole match (`focus: METHOD`); a list
    /// takes the first one the match captured (`focus: [METHOD, MACRO]`).
    #[serde(default)]
    pub focus: Option<RawFocus>,
    /// A rule that some enclosing node of the match must satisfy, such as "a function that reads a file".
    /// Like `inside` with `stopBy: end`, but evaluated once per enclosing node and cached, so it stays cheap
    /// when it searches big function bodies; inside macro arguments it sees the real enclosing code.
    #[serde(default)]
    #[schemars(with = "Option<SerializableRule>")]
    pub enclosing: Option<Spanned<SerializableRule>>,
    /// Codes of rules whose finding on the same span this rule's finding replaces (a stricter form of them).
    #[serde(default)]
    pub supersedes: Vec<String>,
    /// Documentation, rendered by `hindsight explain`, the docs site and editor hover.
    pub docs: RawDocs,
    /// The incidents this lesson comes from, most important first: ids from the incident registry
    /// (`rules/incidents/<id>.yaml`), or inline records.
    #[serde(default)]
    pub incidents: Vec<RawIncidentRef>,
    /// The structural match, in the ast-grep rule language (pattern, kind, regex, inside, has, follows, precedes,
    /// all, any, not, matches, nthChild).
    #[serde(default, rename = "match")]
    #[schemars(with = "Option<SerializableRule>")]
    pub matcher: Option<Spanned<SerializableRule>>,
    /// Extra conditions on metavariables, keyed by metavariable name (ast-grep `constraints`).
    #[serde(default)]
    pub constraints: Option<BTreeMap<String, SerializableRule>>,
    /// Named helper rules usable with `matches:` (ast-grep `utils`).
    #[serde(default)]
    pub utils: Option<BTreeMap<String, SerializableRule>>,
    /// Metavariable transformations (ast-grep `transform`).
    #[serde(default)]
    pub transform: Option<BTreeMap<String, Transformation>>,
    /// A Rego policy file, relative to this rule file, holding the rule's logic (it produces conftest's
    /// `deny`, `violation` and `warn` sets). Used instead of `match`.
    #[serde(default)]
    pub rego: Option<String>,
    /// For a Rego rule over source code: the structural matches (ast-grep rule language) passed to the policy
    /// as `input.matches`. Files without matches skip the policy.
    #[serde(default)]
    #[schemars(with = "Option<SerializableRule>")]
    pub select: Option<Spanned<SerializableRule>>,
    /// `file` (default): the policy sees one document at a time. `repository`: it sees every matching
    /// document of the check at once (`input` is a list of `{path, document, contents}`), for joins across
    /// files.
    #[serde(default)]
    pub scope: Option<RawScope>,
    /// Default options, passed to the policy as `data.hindsight.options`; `[rules.options.CODE]` in
    /// hindsight.toml overrides them.
    #[serde(default)]
    pub options: BTreeMap<String, serde_json::Value>,
    /// A regex a file's text or path must contain for this Rego rule to look at it, such as
    /// `(Deployment|DaemonSet)`: a cheap test that spares parsing configuration files, or matching the `select`
    /// over source files, that the policy can never report on. For a `review` lesson, what a changed file must
    /// contain for the lesson to apply to it.
    #[serde(default)]
    pub prefilter: Option<String>,
    /// Time budget of the policy per file, in milliseconds (default 1000). Past it, the rule fails on that file
    /// (`HS9004`) and everything else goes on.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// A replacement template applied by `hindsight check --fix` (ast-grep `fix`).
    #[serde(default)]
    #[schemars(with = "Option<RawFixSchema>")]
    pub fix: Option<serde_json::Value>,
    /// Examples, which are also the rule's tests: each bad one gives exactly one finding of this rule (where its
    /// `at:` says, and turned by the rule's `fix:` into code that parses, no longer matches and equals its
    /// `fixed:`), each good one none.
    #[serde(default)]
    pub examples: RawExamples,
    /// The rule's broad form, run instead of `match` under the `strict` profile (`hindsight check --profile
    /// strict`, or `profile = "strict"` under `[rules]` in hindsight.toml): the letter of the lesson, for teams
    /// that want every instance, where the default `match` keeps to the shapes worth a finding everywhere.
    #[serde(default)]
    pub strict: Option<RawStrict>,
    /// The same lesson in other languages: one structural form per language (or per group of languages
    /// whose grammars share node kinds, such as `[typescript, tsx, javascript]`), each with its own match,
    /// message and examples, under this rule's code, title, docs and incidents. The rule's own `language:`
    /// and `match:` (or `select:`) are its first form.
    #[serde(default)]
    pub languages: Vec<RawLanguageForm>,
}

/// One language's form of a lesson: a structural match in that language's grammar and its examples.
/// Everything not given here is the rule's own (severity, stage, `test_code`, `files`, docs, incidents).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLanguageForm {
    /// The language (`go`, `python`, `typescript`, `tsx`, `javascript`, ...) or several whose grammars share
    /// node kinds: the match is compiled for each.
    #[schemars(with = "RawLanguages")]
    pub language: Spanned<RawLanguages>,
    /// The finding's message in this language (default: the rule's). `$NAME` interpolates a metavariable.
    #[serde(default)]
    pub message: Option<String>,
    /// What this form reports, in Markdown, where the rule's `docs.what` does not say it.
    #[serde(default)]
    pub what: Option<String>,
    /// Rollout stage of this form's findings when the configuration does not set one (default: the rule's):
    /// a form whose precision on real code of its language is not yet good enough ships in `shadow`.
    #[serde(default)]
    pub stage: Option<RawStage>,
    /// The structural match, in the ast-grep rule language, in this language's grammar.
    #[serde(rename = "match")]
    #[schemars(with = "SerializableRule")]
    pub matcher: Spanned<SerializableRule>,
    /// A rule some enclosing node of the match must satisfy (see the rule's `enclosing`).
    #[serde(default)]
    #[schemars(with = "Option<SerializableRule>")]
    pub enclosing: Option<Spanned<SerializableRule>>,
    /// Metavariable the finding points at (see the rule's `focus`).
    #[serde(default)]
    pub focus: Option<RawFocus>,
    /// Extra conditions on metavariables (ast-grep `constraints`).
    #[serde(default)]
    pub constraints: Option<BTreeMap<String, SerializableRule>>,
    /// Named helper rules usable with `matches:` (ast-grep `utils`).
    #[serde(default)]
    pub utils: Option<BTreeMap<String, SerializableRule>>,
    /// Metavariable transformations (ast-grep `transform`).
    #[serde(default)]
    pub transform: Option<BTreeMap<String, Transformation>>,
    /// A replacement template applied by `hindsight check --fix` (ast-grep `fix`).
    #[serde(default)]
    #[schemars(with = "Option<RawFixSchema>")]
    pub fix: Option<serde_json::Value>,
    /// This form's examples, which are its tests (see the rule's `examples`). An example without `path` is
    /// checked as `example.<ext>` of the form's first language.
    pub examples: RawExamples,
}

/// A rule's broad form, for the `strict` profile. Everything not given here is the rule's own (`focus`,
/// `utils`, `constraints`, `fix`, `test_code`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStrict {
    /// Severity of the broad form (default: the rule's).
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Message of the broad form (default: the rule's).
    #[serde(default)]
    pub message: Option<String>,
    /// What the broad form reports beyond the default one, in Markdown (for `explain` and the docs).
    pub what: String,
    /// The broad structural match.
    #[serde(rename = "match")]
    #[schemars(with = "SerializableRule")]
    pub matcher: Spanned<SerializableRule>,
    /// An `enclosing` condition of the broad form (default: none).
    #[serde(default)]
    #[schemars(with = "Option<SerializableRule>")]
    pub enclosing: Option<Spanned<SerializableRule>>,
    /// Examples of the broad form: bad ones only it reports (every default bad example must be reported by it
    /// too), good ones even it leaves alone.
    #[serde(default)]
    pub examples: RawExamples,
}

/// One metavariable name or several.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawFocus {
    /// One name.
    One(String),
    /// Several names; the first one captured wins.
    Many(Vec<String>),
}

/// Rollout stages.
#[derive(Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RawStage {
    /// Findings appear only in machine output and never fail a run.
    Shadow,
    /// Findings are shown but never fail a run.
    Warn,
    /// Findings fail the run at or above the failing severity.
    Enforce,
}

/// One language name or several.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawLanguages {
    /// One name.
    One(String),
    /// Several names.
    Many(Vec<String>),
}

impl RawLanguages {
    /// The names.
    pub fn names(&self) -> Vec<&str> {
        match self {
            RawLanguages::One(name) => vec![name.as_str()],
            RawLanguages::Many(names) => names.iter().map(String::as_str).collect(),
        }
    }
}

/// What a Rego rule sees at once.
#[derive(Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RawScope {
    /// One document (or one source file's matches) at a time.
    File,
    /// Every matching document of the check at once.
    Repository,
}

/// How a rule is enforced.
#[derive(Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RawEnforcement {
    /// A structural match on syntax trees (needs `match`).
    Match,
    /// A Rego policy (needs `rego`).
    Rego,
    /// A diagnostic that hindsight itself emits (suppressions, rule errors).
    Builtin,
    /// A lesson that only review can check: it has docs and incidents but no matcher.
    Review,
}

/// Whether a rule reports in test code.
#[derive(Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RawTestCode {
    /// Report in test code too.
    Check,
    /// Never report in test code.
    Skip,
}

/// Rule documentation, in Markdown.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDocs {
    /// What the rule reports.
    pub what: String,
    /// Why it matters: the incident story.
    pub why: String,
    /// How to fix a finding.
    pub fix: String,
    /// Further reading (URLs or Markdown links).
    #[serde(default)]
    pub references: Vec<String>,
}

/// An incident: by id in the registry, or written inline.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawIncidentRef {
    /// The id of an incident record, such as `cloudflare-2025-11-18`.
    Id(String),
    /// An incident written inline.
    Inline(RawIncident),
}

/// An incident behind the rule: public (with `url`) or internal (with `ticket`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIncident {
    /// Date of the incident, `YYYY-MM-DD`.
    pub date: String,
    /// Who had the outage.
    pub organisation: String,
    /// One line: what happened.
    pub summary: String,
    /// Public post-mortem. Optional when `ticket` is given.
    #[serde(default)]
    pub url: Option<String>,
    /// Internal ticket id or private wiki reference (such as `INC-2041` or `wiki:postmortems/2026-03-payments`),
    /// for an incident whose post-mortem is not public.
    #[serde(default)]
    pub ticket: Option<String>,
}

/// Bad and good examples.
#[derive(Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExamples {
    /// Code that must give exactly one finding of this rule.
    #[serde(default)]
    #[schemars(with = "Vec<RawExample>")]
    pub bad: Vec<Spanned<RawExample>>,
    /// Code that must give no finding of this rule.
    #[serde(default)]
    #[schemars(with = "Vec<RawExample>")]
    pub good: Vec<Spanned<RawExample>>,
}

/// One example: the code alone, or the code with what else the test should check.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawExample {
    /// Just the code; its path is `example.<ext>`.
    Code(String),
    /// The code with its path, or with what its finding and fix must be.
    Detailed {
        /// Path of the example file, relative to its package root, for rules that depend on where a file
        /// lives (default: `example.<ext>`).
        #[serde(default)]
        path: Option<String>,
        /// The code.
        code: String,
        /// Bad examples only: the severity the finding must have, for a rule that reports some shapes as
        /// errors and others as warnings (a Rego rule's `deny` and `warn`).
        #[serde(default)]
        severity: Option<Severity>,
        /// Bad examples only: where the finding must start, within the example's code: `"line:column"`
        /// (1-based, such as `"3:5"`) or a line alone (`3`).
        #[serde(default)]
        at: Option<RawAt>,
        /// Bad examples of a rule with `fix:` only: the code after the fix is applied, exactly.
        #[serde(default)]
        fixed: Option<String>,
    },
}

/// Where a bad example's finding starts: `"line:column"` or a line alone.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawAt {
    /// A line alone, such as `3`.
    Line(#[schemars(range(min = 1))] u64),
    /// `"line:column"`, such as `"3:5"`, or a line alone as text.
    Text(#[schemars(pattern(r"^[1-9][0-9]*(:[1-9][0-9]*)?$"))] String),
}

/// Schema-only mirror of ast-grep's `fix` (a template string or an object).
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "only used to describe the schema of `fix`")]
pub enum RawFixSchema {
    /// The replacement template; may use metavariables.
    Template(String),
    /// A template with expansion rules.
    Config {
        /// The replacement template.
        template: String,
        /// Extend the replaced range forward while the rule matches.
        #[serde(rename = "expandEnd")]
        expand_end: Option<serde_json::Value>,
        /// Extend the replaced range backward while the rule matches.
        #[serde(rename = "expandStart")]
        expand_start: Option<serde_json::Value>,
        /// Title of the fix in editors.
        title: Option<String>,
    },
}
