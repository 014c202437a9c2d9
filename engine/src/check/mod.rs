//! Checking one source text: parse once, run every applicable rule in one pass, then suppressions.
//!
//! The combined scan groups rules by the node kinds they can match (each rule's `potential_kinds`), walks the
//! tree once and offers each node only to the rules of its kind. Macro arguments are opened by
//! [`crate::source::macros`] and scanned the same way, region by region, so no rule re-parses or re-walks the file.
//!
//! This module holds the [`Checker`] (a pack compiled under a configuration) and the per-file pipeline
//! ([`Checker::check_source`]); the steps live beside it: `kinds` buckets rules by node kind, `scan` walks the
//! tree, `message` fills in rule messages, `resolve` turns hits into findings with `suppress`, and `policies`
//! runs the Rego rules.

mod kinds;
mod message;
mod policies;
mod resolve;
mod scan;
pub(crate) mod suppress;
mod timings;

pub use self::timings::{ParseTime, RuleTime, Timings};

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use tree_sitter::Parser;

use self::kinds::{KindMap, LangKinds};
use self::suppress::Comment;

use crate::config::Config;
use crate::data::terraform::TerraformIndex;
use crate::data::{DataDoc, DataFormat};
use crate::finding::{Edit, Finding, Position, Severity, Span, Suppressed, SuppressionKind};
use crate::line_index::LineIndex;
use crate::rego::{Policy, RegoError};
use crate::rule::Scope;
use crate::rule::{Rule, RulePack, codes};
pub(crate) use crate::source::SourceFile;
use crate::source::lang::Lang;
use crate::source::scope::Role;

/// What checking one file produced.
#[derive(Debug, Default)]
pub struct FileReport {
    /// Findings, sorted; suppressed findings are included and marked.
    pub findings: Vec<Finding>,
    /// What the parser could not read: each syntax-error node (tree-sitter's ERROR and MISSING), in file
    /// order. The file is still checked where the tree allows.
    pub syntax_errors: Vec<Span>,
    /// The file is a Helm (or other) template, so its data was not read.
    pub skipped_template: bool,
    /// Documents kept for repository-scope rules (see [`Checker::check_repository`]).
    pub documents: Vec<RepoDoc>,
}

/// A configuration document kept for repository-scope rules.
#[derive(Clone, Debug)]
pub struct RepoDoc {
    /// The file.
    pub path: std::path::PathBuf,
    /// What the file is for: rules that skip test code do not see test fixtures.
    pub role: Role,
    /// Its format.
    pub format: DataFormat,
    /// The file's text, shared by its documents.
    pub text: Arc<str>,
    /// The document.
    pub doc: Arc<DataDoc>,
}

/// A rule pack compiled for checking under one configuration.
pub struct Checker {
    pack: Arc<RulePack>,
    /// Enabled rules: pack index and effective severity.
    active: Vec<ActiveRule>,
    /// Per language: which active rules can match which node kinds (built when the language is first met).
    by_lang: Vec<LangKinds>,
    /// Effective severity of each enabled `HS9xxx` diagnostic.
    diagnostics: HashMap<&'static str, Severity>,
    today: Option<String>,
    expand_macros: bool,
    /// Rego rules over configuration data, by scope (indices into `active`).
    config_rules: Vec<usize>,
    /// The file-scope rules whose policy reads the values of Terraform variables (`RegoRule::reads_file_facts`).
    facts_rules: Vec<usize>,
    repository_rules: Vec<usize>,
    /// Policies recompiled with options from the configuration, by index into `active`.
    configured_policies: HashMap<usize, Policy>,
    /// Rules whose policy failed to recompile with the configured options.
    option_problems: Vec<(usize, RegoError)>,
    /// The configuration: rollout stages and waivers are looked up per finding.
    config: Config,
    /// Where checks spend their time, when measured (`check --timings`).
    clocks: Option<Box<timings::Clocks>>,
    /// The Terraform modules of the run, for the values of variables ([`crate::data::terraform`]).
    terraform: std::sync::RwLock<Option<Arc<TerraformIndex>>>,
}

/// An enabled automated rule, as this checker runs it.
#[derive(Clone, Copy)]
struct ActiveRule {
    pack_idx: usize,
    /// Which of the rule's forms in other languages this is (the form, then its language), or `None` for the
    /// rule's own matcher or policy. A rule with forms is active once per form and language.
    form: Option<(u16, u16)>,
    /// The rule's broad form runs (the `strict` profile and a rule that has one).
    strict: bool,
    severity: Severity,
    /// The configuration set the severity (so a Rego `warn` does not lower it).
    severity_configured: bool,
}

impl ActiveRule {
    /// The structural matcher that runs: the rule's broad form under the `strict` profile, else its own.
    fn matcher(self, rule: &Rule) -> Option<&crate::rule::MatchRule> {
        if let Some((form, lang)) = self.form {
            return rule.forms[usize::from(form)]
                .matchers
                .get(usize::from(lang));
        }
        match (&rule.strict, self.strict) {
            (Some(strict), true) => Some(&strict.matcher),
            _ => rule.matcher.as_deref(),
        }
    }

    /// The message template of the form that runs.
    fn message(self, rule: &Rule) -> &str {
        if let Some((form, _)) = self.form {
            return &rule.forms[usize::from(form)].message;
        }
        match (&rule.strict, self.strict) {
            (Some(strict), true) => &strict.message,
            _ => &rule.message,
        }
    }

    /// The stage the rule file declares for this entry's findings: its form's, else the rule's.
    fn declared_stage(self, rule: &Rule) -> crate::rule::Stage {
        self.form
            .and_then(|(form, _)| rule.forms[usize::from(form)].stage)
            .unwrap_or(rule.stage)
    }

    /// The source language this entry checks.
    fn language(self, rule: &Rule) -> Option<Lang> {
        match self.form {
            Some((form, lang)) => rule.forms[usize::from(form)]
                .languages
                .get(usize::from(lang))
                .copied(),
            None => rule.language,
        }
    }

    /// Is this the rule's own entry (not one of its forms in other languages)? Rego policies, counts and
    /// listings read only these.
    fn is_own(self) -> bool {
        self.form.is_none()
    }

    /// Do its matches go to the rule's Rego policy (a code rule's `select`), rather than straight to findings?
    fn feeds_policy(self, rule: &Rule) -> bool {
        self.is_own() && rule.rego.is_some()
    }
}

impl Checker {
    /// Compiles `pack` under `config` (enabled rules, severity overrides).
    pub fn new(pack: Arc<RulePack>, config: &Config) -> Self {
        let active = activate(&pack, config);
        let diagnostics = diagnostic_severities(&pack, config);
        let by_lang = kinds::languages(&pack, &active)
            .into_iter()
            .map(|lang| LangKinds {
                lang,
                map: std::sync::OnceLock::new(),
            })
            .collect();
        let RegoRules {
            config_rules,
            facts_rules,
            repository_rules,
            configured_policies,
            option_problems,
        } = RegoRules::compile(&pack, &active, config);
        Self {
            pack,
            active,
            by_lang,
            diagnostics,
            today: config.today.clone(),
            expand_macros: config.expand_macros,
            config_rules,
            facts_rules,
            repository_rules,
            configured_policies,
            option_problems,
            config: config.clone(),
            clocks: None,
            terraform: std::sync::RwLock::new(None),
        }
    }

    /// Gives Terraform files' policies the values their module's variables take in this run (built from the
    /// run's files with [`TerraformIndex::build`]).
    /// A language server replaces it when a Terraform file is saved.
    pub fn set_terraform(&self, index: Arc<TerraformIndex>) {
        let index = (!index.is_empty()).then_some(index);
        // A poisoned lock only means a thread panicked while replacing it: the value is still whole.
        *self.terraform.write().unwrap_or_else(|e| e.into_inner()) = index;
    }

    /// What a file's findings depend on besides its text and the pack: for a Terraform file, the values its
    /// module's variables take (`hindsight.file().terraform`), as text for the result cache's key.
    pub fn file_context(&self, file: &SourceFile<'_>) -> Option<String> {
        self.terraform_facts(file).map(|facts| facts.to_string())
    }

    /// Only for a Terraform file that mentions a variable and that a file-scope rule whose policy reads file facts
    /// reads: the index reads a module's declarations when a file first asks, and the others never need them.
    fn terraform_facts(&self, file: &SourceFile<'_>) -> Option<serde_json::Value> {
        if file.format != Some(DataFormat::Hcl)
            || !file.text.contains("var.")
            || !self
                .facts_rules
                .iter()
                .any(|&idx| self.reads_data(idx, file, DataFormat::Hcl))
        {
            return None;
        }
        self.terraform_index()?.facts_for(file.path)
    }

    /// The run's Terraform index, when [`Checker::set_terraform`] gave one.
    fn terraform_index(&self) -> Option<Arc<TerraformIndex>> {
        self.terraform
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Reads the Terraform modules' callers now, in parallel on the current thread pool, when a rule of the run
    /// reads variable values (`hindsight.file().terraform`): otherwise the first file that asks for them reads
    /// them all on one thread while the others wait.
    pub fn prepare_terraform(&self) {
        if !self.facts_rules.is_empty()
            && let Some(index) = self.terraform_index()
        {
            index.prepare();
        }
    }

    /// The configuration this checker was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The rollout stage of a finding of `rule` at `path` (see [`Config::stage_for`]).
    pub fn stage_for(&self, rule: &Rule, path: &Path) -> crate::rule::Stage {
        self.config.stage_for(rule, path)
    }

    /// Marks the findings an unexpired `[[waiver]]` covers as suppressed by it. Needs their fingerprints.
    pub fn apply_waivers(&self, findings: &mut [Finding]) {
        if self.config.waivers.is_empty() {
            return;
        }
        for finding in findings.iter_mut().filter(|f| f.suppressed.is_none()) {
            let Some(rule) = self.pack.get(&finding.code) else {
                continue;
            };
            if let Some(waiver) = self
                .config
                .waiver_for(rule, &finding.path, &finding.fingerprint)
            {
                finding.suppressed = Some(Suppressed {
                    reason: waiver.reason.clone(),
                    line: waiver.line,
                    kind: SuppressionKind::Waiver {
                        owner: waiver.owner.clone(),
                        expires: waiver.expires.clone(),
                        ticket: waiver.ticket.clone(),
                    },
                });
            }
        }
    }

    /// Diagnostics about the `[[waiver]]` entries after a run: each expired one (`HS9005`) and, when
    /// `whole_repository` was checked, each one that suppressed none of `findings` (`HS9007`). Reported at the
    /// waiver in `hindsight.toml`.
    pub fn waiver_diagnostics(&self, findings: &[Finding], whole_repository: bool) -> Vec<Finding> {
        let Some(config_path) = &self.config.path else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for waiver in &self.config.waivers {
            let position = Position {
                line: waiver.line,
                column: 1,
            };
            let span = crate::Span {
                bytes: 0..0,
                start: position,
                end: position,
            };
            let owner = match &waiver.ticket {
                Some(ticket) => format!("owner {}, {ticket}", waiver.owner),
                None => format!("owner {}", waiver.owner),
            };
            if waiver.expired(self.config.today.as_deref()) {
                out.extend(self.diagnostic(
                    codes::EXPIRED_SUPPRESSION,
                    config_path,
                    span,
                    format!(
                        "waiver of {} ({owner}) expired on {} and no longer applies",
                        waiver.scope(),
                        waiver.expires
                    ),
                ));
                continue;
            }
            let used = findings.iter().any(|f| {
                f.suppressed.as_ref().is_some_and(|s| {
                    matches!(s.kind, SuppressionKind::Waiver { .. }) && s.line == waiver.line
                })
            });
            if whole_repository && !used {
                out.extend(self.diagnostic(
                    codes::UNUSED_WAIVER,
                    config_path,
                    span,
                    format!(
                        "unused waiver: {} ({owner}) suppresses nothing",
                        waiver.scope()
                    ),
                ));
            }
        }
        out
    }

    /// The pack this checker runs.
    pub fn pack(&self) -> &Arc<RulePack> {
        &self.pack
    }

    /// Languages that at least one enabled rule checks.
    pub fn languages(&self) -> impl Iterator<Item = Lang> + '_ {
        self.by_lang.iter().map(|m| m.lang)
    }

    /// Number of enabled automated rules.
    pub fn n_active_rules(&self) -> usize {
        self.active.iter().filter(|a| a.is_own()).count()
    }

    /// Enabled automated rules with their effective severity (after configuration overrides), in pack order.
    pub fn active_rules(&self) -> impl Iterator<Item = (&Rule, Severity)> + '_ {
        self.active
            .iter()
            .filter(|active| active.is_own())
            .map(|active| (self.rule(*active), active.severity))
    }

    /// Effective severity of an enabled `HS9xxx` diagnostic; `None` when it is disabled.
    pub fn diagnostic_severity(&self, code: &str) -> Option<Severity> {
        self.diagnostics.get(code).copied()
    }

    /// Builds a finding of an `HS9xxx` diagnostic, or `None` when the diagnostic is disabled.
    pub fn diagnostic(
        &self,
        code: &'static str,
        path: &Path,
        span: crate::Span,
        message: String,
    ) -> Option<Finding> {
        let severity = self.diagnostic_severity(code)?;
        let rule_id: Arc<str> = self
            .pack
            .get(code)
            .map_or_else(|| Arc::from(code), |r| r.id.clone());
        let fingerprint = crate::fingerprint::compute(
            code,
            &crate::fingerprint::path_key(path),
            &crate::fingerprint::normalise(&message),
            "",
            0,
        );
        Some(Finding {
            code: Arc::from(code),
            rule_id,
            severity,
            message,
            path: path.to_path_buf(),
            span,
            incident: None,
            fix: None,
            suppressed: None,
            stage: crate::rule::Stage::Enforce,
            enclosing: None,
            fingerprint,
            rendered: None,
        })
    }

    /// Checks one file. Never fails: broken syntax is checked where the tree allows and reported, broken data
    /// is an `HS9006` finding, and a rule that fails is an `HS9004` finding while the others go on.
    pub fn check_source(&self, file: &SourceFile<'_>) -> FileReport {
        self.check_source_with_tree(file, None).0
    }

    /// Like [`Checker::check_source`], but parses incrementally: `old_tree` is the syntax tree of an earlier
    /// text of the same file, already told about every edit since (`tree_sitter::Tree::edit`), so that only
    /// what changed is parsed again (the language server keeps one per open document). Returns the new tree
    /// too, when the file was parsed.
    pub fn check_source_with_tree(
        &self,
        file: &SourceFile<'_>,
        old_tree: Option<&tree_sitter::Tree>,
    ) -> (FileReport, Option<tree_sitter::Tree>) {
        let mut report = FileReport::default();
        // A YAML file with template actions is read before anything else: whether it is a template or data
        // decides whether any rule looks at it. The documents read are kept for the data rules.
        let mut documents = None;
        if file.format == Some(DataFormat::Yaml)
            && crate::data::has_template_action(file.text)
            && self.wants_yaml(file)
        {
            match crate::data::read_yaml(file.path, file.text) {
                crate::data::YamlReading::Data(docs) => documents = Some(Ok(docs)),
                crate::data::YamlReading::Invalid(err) => documents = Some(Err(err)),
                crate::data::YamlReading::Template => {
                    report.skipped_template = true;
                    return (report, None);
                }
            }
        }
        let mut out = Collected::default();
        let tree = file
            .lang
            .and_then(|lang| self.scan_tree(file, lang, &mut out, old_tree));
        if let Some(format) = file.format {
            self.check_data(file, format, documents, &mut out, &mut report.documents);
            report.skipped_template = out.template;
        }
        if out.hits.is_empty()
            && out.comments.is_empty()
            && out.syntax_errors.is_empty()
            && out.findings.is_empty()
        {
            // Most files: nothing to place, so no line index to build.
            return (report, tree);
        }
        let syntax = suppress::CommentSyntax::of_file(file.lang, file.format);
        if file.lang.is_none() && file.text.contains(suppress::MARKER) {
            out.comments = suppress::text_comments(file.text, syntax);
        }
        let index = LineIndex::new(file.text);
        let mut findings = self.resolve(file, out.hits, &out.comments, &index, syntax);
        findings.extend(out.findings);
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        crate::fingerprint::assign(&mut findings, Some(file.text));
        self.apply_waivers(&mut findings);
        report.findings = findings;
        report.syntax_errors = out
            .syntax_errors
            .into_iter()
            .map(|bytes| index.span(bytes))
            .collect();
        (report, tree)
    }

    /// The kind map of a language some enabled rule checks, built on first use.
    fn kind_map(&self, lang: Lang) -> Option<&KindMap> {
        let slot = self.by_lang.iter().find(|m| m.lang == lang)?;
        Some(
            slot.map
                .get_or_init(|| kinds::bucket(&self.pack, &self.active, lang)),
        )
    }

    /// Does any enabled rule read this YAML file (structurally or as data)?
    fn wants_yaml(&self, file: &SourceFile<'_>) -> bool {
        self.by_lang.iter().any(|m| m.lang == Lang::YAML)
            || self
                .config_rules
                .iter()
                .chain(&self.repository_rules)
                .any(|&idx| {
                    let rule = self.rule(self.active[idx]);
                    rule.formats.contains(&DataFormat::Yaml) && rule.applies_to(file.path)
                })
    }

    fn rule(&self, active: ActiveRule) -> &Rule {
        &self.pack.rules()[active.pack_idx]
    }
}

/// A rule match before suppressions, with everything computed while the tree was alive.
struct Hit {
    active_idx: usize,
    range: Range<usize>,
    message: String,
    fix: Option<Edit>,
    /// Set by Rego rules, whose `warn` results are warnings whatever the rule's severity.
    severity: Option<Severity>,
    /// The enclosing item (see [`crate::fingerprint::enclosing_item_in`]), computed while the tree was alive.
    enclosing: String,
    /// A conftest `exception` of the policy exempts this result, under this rule name.
    exempted: Option<String>,
}

/// What the passes over one file collected, before suppressions.
#[derive(Default)]
struct Collected {
    hits: Vec<Hit>,
    comments: Vec<Comment>,
    syntax_errors: Vec<Range<usize>>,
    /// Findings placed already (rule errors, unreadable data), not subject to suppressions.
    findings: Vec<Finding>,
    /// The data reader found a template, not a file of its format (a Dockerfile of `{{ }}` actions).
    template: bool,
}

/// The automated rules `config` enables, in pack order, each with the form that runs and its severity.
fn activate(pack: &RulePack, config: &Config) -> Vec<ActiveRule> {
    let mut active = Vec::new();
    for (pack_idx, rule) in pack.rules().iter().enumerate() {
        if !config.is_enabled(rule) || !rule.is_automated() {
            continue;
        }
        let configured = config.severity_for(rule);
        let strict = config.profile == crate::config::Profile::Strict;
        let strict = strict.then_some(rule.strict.as_deref()).flatten();
        let own = strict.map_or(rule.severity, |s| s.severity);
        let entry = ActiveRule {
            pack_idx,
            form: None,
            strict: strict.is_some(),
            severity: configured.unwrap_or(own),
            severity_configured: configured.is_some(),
        };
        active.push(entry);
        for (form_idx, form) in rule.forms.iter().enumerate() {
            for lang_idx in 0..form.languages.len() {
                // Both fit: a rule file holds a handful of forms of a handful of languages.
                let (Ok(form_idx), Ok(lang_idx)) =
                    (u16::try_from(form_idx), u16::try_from(lang_idx))
                else {
                    continue;
                };
                active.push(ActiveRule {
                    form: Some((form_idx, lang_idx)),
                    strict: false,
                    severity: configured.unwrap_or(rule.severity),
                    ..entry
                });
            }
        }
    }
    active
}

/// The effective severity of each enabled `HS9xxx` diagnostic. One the pack lacks is a warning.
fn diagnostic_severities(pack: &RulePack, config: &Config) -> HashMap<&'static str, Severity> {
    let mut diagnostics = HashMap::new();
    for code in [
        codes::SUPPRESSION_WITHOUT_REASON,
        codes::UNUSED_SUPPRESSION,
        codes::RULE_LOAD_ERROR,
        codes::RULE_RUNTIME_ERROR,
        codes::EXPIRED_SUPPRESSION,
        codes::INVALID_DATA_FILE,
        codes::UNUSED_WAIVER,
    ] {
        match pack.get(code) {
            Some(rule) if config.is_enabled(rule) => {
                diagnostics.insert(code, config.severity_for(rule).unwrap_or(rule.severity));
            }
            Some(_) => {}
            None => {
                diagnostics.insert(code, Severity::Warning);
            }
        }
    }
    diagnostics
}

/// How a policy names the repository checked; only policies that do are compiled again with it.
const REPOSITORY_DATA: &str = "data.hindsight.repository";

/// The Rego rules of the active set, sorted by what they read, with their policies recompiled where the
/// configuration gives them options or the repository.
struct RegoRules {
    /// Rules over one file's configuration documents (indices into `active`).
    config_rules: Vec<usize>,
    /// Those of them whose policy reads file facts beyond the document (the values of Terraform variables).
    facts_rules: Vec<usize>,
    /// Rules over every document of a run at once.
    repository_rules: Vec<usize>,
    configured_policies: HashMap<usize, Policy>,
    option_problems: Vec<(usize, RegoError)>,
}

impl RegoRules {
    fn compile(pack: &RulePack, active: &[ActiveRule], config: &Config) -> Self {
        let mut out = Self {
            config_rules: Vec::new(),
            facts_rules: Vec::new(),
            repository_rules: Vec::new(),
            configured_policies: HashMap::new(),
            option_problems: Vec::new(),
        };
        let repository = config.repository.as_ref().map(|r| r.to_json());
        for (active_idx, active_rule) in active.iter().enumerate() {
            let rule = &pack.rules()[active_rule.pack_idx];
            let Some(rego) = rule.rego.as_ref().filter(|_| active_rule.is_own()) else {
                continue;
            };
            // A code rule (`select:`) may read configuration documents too (`language: [rust, yaml]`).
            if !rule.formats.is_empty() {
                match rego.scope {
                    Scope::File => {
                        out.config_rules.push(active_idx);
                        if rego.reads_file_facts() {
                            out.facts_rules.push(active_idx);
                        }
                    }
                    Scope::Repository => out.repository_rules.push(active_idx),
                }
            }
            // A policy that reads the repository is compiled again with it (it is data, fixed for a run); a
            // policy that does not name `data.hindsight.repository` never sees it and is not recompiled.
            let repository = repository.as_ref().filter(|_| {
                rego.sources
                    .iter()
                    .any(|s| s.text.contains(REPOSITORY_DATA))
            });
            let options = config.options_for(rule);
            if options.is_some() || repository.is_some() {
                let mut merged = rego.default_options.clone();
                merged.extend(options.cloned().unwrap_or_default());
                match Policy::compile_for(
                    &rego.sources,
                    &rego.package,
                    &serde_json::Value::Object(merged),
                    repository,
                    rego.timeout,
                ) {
                    Ok(policy) => {
                        out.configured_policies.insert(active_idx, policy);
                    }
                    Err(err) => out.option_problems.push((active_idx, err)),
                }
            }
        }
        out
    }
}

impl Checker {
    /// Parses a file and nothing else: the baseline the benchmark compares a full check against. It parses
    /// what a check would have to parse, whatever the rules find: a source file of a language some loaded rule
    /// checks, unless none of that language's rules looks at the file's role (a vendored bundle, a test file
    /// when every rule skips tests), and each configuration file once with its format's reader. A check may
    /// parse fewer (a rule's needles can rule a file out unread); the baseline does not count that.
    #[doc(hidden)]
    pub fn parse_only(&self, file: &SourceFile<'_>) -> FileReport {
        let Some(lang) = file.lang else {
            // The result is dropped: the cost of reading, without the rules (a broken file reports nothing
            // here; the full check reports it).
            if let Some(format) = file.format {
                let _ = std::hint::black_box(crate::data::parse(format, file.text));
            }
            return FileReport::default();
        };
        let Some(map) = self.kind_map(lang) else {
            return FileReport::default();
        };
        let looks_at_role = file.role.is_production()
            || map
                .rules
                .iter()
                .any(|&idx| !self.rule(self.active[idx]).skips_test_code());
        if !looks_at_role {
            return FileReport::default();
        }
        // Error places are found as a full check finds them (only error subtrees are walked), so the notes
        // agree.
        let errors = with_parser(lang, |parser| {
            parser
                .parse(file.text, None)
                .filter(|t| t.root_node().has_error())
                .map(|t| scan::error_ranges(t.root_node()))
        })
        .flatten()
        .unwrap_or_default();
        let syntax_errors = if errors.is_empty() {
            Vec::new()
        } else {
            let index = LineIndex::new(file.text);
            errors.into_iter().map(|bytes| index.span(bytes)).collect()
        };
        FileReport {
            syntax_errors,
            ..FileReport::default()
        }
    }
}

thread_local! {
    /// One parser per language per thread: parsers are not shareable, and building one is not free.
    static PARSERS: RefCell<HashMap<&'static str, Parser>> = RefCell::new(HashMap::new());
}

fn with_parser<R>(lang: Lang, f: impl FnOnce(&mut Parser) -> R) -> Option<R> {
    PARSERS.with(|parsers| {
        let mut parsers = parsers.borrow_mut();
        let parser = match parsers.entry(lang.name()) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let mut parser = Parser::new();
                parser.set_language(&lang.ts_language()).ok()?;
                e.insert(parser)
            }
        };
        parser.reset();
        Some(f(parser))
    })
}
