//! Checking one source text: parse once, run every applicable rule in one pass, then suppressions.
//!
//! The combined scan groups rules by the node kinds they can match (each rule's `potential_kinds`), walks the
//! tree once and offers each node only to the rules of its kind. Macro arguments are opened by
//! [`crate::source::macros`] and scanned the same way, region by region, so no rule re-parses or re-walks the file.

mod policies;
pub(crate) mod suppress;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use ast_grep_core::matcher::MatcherExt;
use ast_grep_core::tree_sitter::StrDoc;
use ast_grep_core::{AstGrep, Matcher, NodeMatch};
use tree_sitter::Parser;

use crate::config::Config;
use crate::data::{DataDoc, DataFormat};
use crate::finding::{Edit, Finding, Position, Severity, Span, Suppressed, SuppressionKind};
use crate::line_index::LineIndex;
use crate::rego::{Policy, RegoError};
use crate::rule::Scope;
use crate::rule::{Rule, RulePack, codes};
use crate::source::context;
use crate::source::lang::Lang;
use crate::source::macros;
use crate::source::scope::Role;

/// One file to check, already read into memory.
#[derive(Clone, Copy, Debug)]
pub struct SourceFile<'a> {
    /// Path shown in findings and matched against rules' `files` globs.
    pub path: &'a Path,
    /// What the file is for ([`crate::source::scope`]): rules with `test_code: skip` report only in production code.
    pub role: Role,
    /// The file's contents.
    pub text: &'a str,
    /// The language its syntax tree is parsed with, if any.
    pub lang: Option<Lang>,
    /// The configuration format its data is read as, if any.
    pub format: Option<DataFormat>,
}

impl<'a> SourceFile<'a> {
    /// A file whose language and data format follow from its extension.
    pub fn new(path: &'a Path, role: Role, text: &'a str) -> Self {
        Self {
            path,
            role,
            text,
            lang: Lang::from_file(path),
            format: DataFormat::from_path(path),
        }
    }
}

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
    /// Per language: which active rules can match which node kinds.
    by_lang: Vec<KindMap>,
    /// Effective severity of each enabled `HS9xxx` diagnostic.
    diagnostics: HashMap<&'static str, Severity>,
    today: Option<String>,
    expand_macros: bool,
    /// Rego rules over configuration data, by scope (indices into `active`).
    config_rules: Vec<usize>,
    repository_rules: Vec<usize>,
    /// Policies recompiled with options from the configuration, by index into `active`.
    configured_policies: HashMap<usize, Policy>,
    /// Rules whose policy failed to recompile with the configured options.
    option_problems: Vec<(usize, RegoError)>,
    /// The configuration: rollout stages and waivers are looked up per finding.
    config: Config,
}

#[derive(Clone, Copy)]
struct ActiveRule {
    pack_idx: usize,
    /// The rule's broad form runs (the `strict` profile and a rule that has one).
    strict: bool,
    severity: Severity,
    /// The configuration set the severity (so a Rego `warn` does not lower it).
    severity_configured: bool,
}

impl ActiveRule {
    /// The structural matcher that runs: the rule's broad form under the `strict` profile, else its own.
    fn matcher(self, rule: &Rule) -> Option<&crate::rule::MatchRule> {
        match (&rule.strict, self.strict) {
            (Some(strict), true) => Some(&strict.matcher),
            _ => rule.matcher.as_deref(),
        }
    }

    /// The message template of the form that runs.
    fn message(self, rule: &Rule) -> &str {
        match (&rule.strict, self.strict) {
            (Some(strict), true) => &strict.message,
            _ => &rule.message,
        }
    }
}

/// How a policy names the repository checked; only policies that do are compiled again with it.
const REPOSITORY_DATA: &str = "data.hindsight.repository";

/// The node kind is a Rust macro invocation (its arguments are opened).
const KIND_MACRO: u8 = 2;
/// Some rule can match the node kind.
const KIND_RULES: u8 = 4;
/// Some descendant of a node of this kind can be of interest (a rule kind or a macro): the walk goes in.
const KIND_DESCEND: u8 = 8;

struct KindMap {
    lang: Lang,
    /// Every interesting kind is a named node, so the walk can skip anonymous tokens.
    named_only: bool,
    /// Kind ids the Rust walk tracks (`None` for other languages).
    rust: Option<RustKinds>,
    /// Some rule kind can occur without brackets, so even flat macro arguments are worth parsing.
    flat_macros: bool,
    /// The needles (see `MatchRule::needles`) of every rule that has some: in a file where no rule without
    /// needles applies, macro arguments that match none of them cannot hold a match and are not parsed.
    macro_needles: Option<regex::Regex>,
    /// Indices into `active` of the rules without needles.
    needle_less: Vec<usize>,
    /// Node kind id → `KIND_*` flags: one lookup per node decides whether it needs any work.
    flags: Vec<u8>,
    /// Indices into `active`.
    rules: Vec<usize>,
    /// Node kind id → indices into `active`.
    by_kind: Vec<Vec<usize>>,
}

impl KindMap {
    fn new(lang: Lang) -> Self {
        let ts = lang.ts_language();
        let mut flags = vec![0; ts.node_kind_count()];
        for (id, slot) in flags.iter_mut().enumerate() {
            let Some(name) = u16::try_from(id)
                .ok()
                .and_then(|id| ts.node_kind_for_id(id))
            else {
                continue;
            };
            if lang == Lang::RUST && name == "macro_invocation" {
                *slot |= KIND_MACRO;
            }
        }
        let rust = (lang == Lang::RUST).then(|| RustKinds::new(&ts));
        Self {
            lang,
            named_only: true,
            rust,
            flat_macros: false,
            macro_needles: None,
            needle_less: Vec::new(),
            flags,
            rules: Vec::new(),
            by_kind: Vec::new(),
        }
    }

    /// Marks the kinds whose subtrees can contain an interesting kind, from the grammar's node types.
    /// Everything the grammar does not describe (errors, unknown kinds) is entered, to be safe.
    fn compute_descend(&mut self) {
        let ts = self.lang.ts_language();
        let interesting: HashSet<&str> = (0..self.flags.len())
            .filter(|&id| self.flags[id] & (KIND_RULES | KIND_MACRO) != 0)
            .filter_map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| ts.node_kind_for_id(id))
            })
            .collect();
        let reach = node_type_reach(self.lang);
        for (id, flag) in self.flags.iter_mut().enumerate() {
            let Some(name) = u16::try_from(id)
                .ok()
                .and_then(|id| ts.node_kind_for_id(id))
            else {
                continue;
            };
            if *flag & (KIND_RULES | KIND_MACRO) != 0
                && u16::try_from(id).is_ok_and(|id| !ts.node_kind_is_named(id))
            {
                self.named_only = false;
            }
            if *flag & KIND_RULES != 0 && !macros::DELIMITED_KINDS.contains(&name) {
                self.flat_macros = true;
            }
            let descend = match reach.get(name) {
                Some(descendants) => descendants.iter().any(|d| interesting.contains(d.as_str())),
                None => true,
            };
            if descend {
                *flag |= KIND_DESCEND;
            }
        }
    }
}

/// Node kind name → the kinds that can occur below it.
type Reach = HashMap<String, HashSet<String>>;

/// For every named node kind in a grammar's `node-types.json`, the kinds that can occur below it.
/// Kinds without children (tokens) are absent. Computed once per language and process.
fn node_type_reach(lang: Lang) -> Arc<Reach> {
    static CACHE: std::sync::LazyLock<std::sync::Mutex<HashMap<&'static str, Arc<Reach>>>> =
        std::sync::LazyLock::new(Default::default);
    let mut cache = match CACHE.lock() {
        Ok(cache) => cache,
        Err(poisoned) => poisoned.into_inner(),
    };
    cache
        .entry(lang.name())
        .or_insert_with(|| Arc::new(compute_reach(lang.spec().node_types)))
        .clone()
}

fn compute_reach(node_types: &str) -> Reach {
    let Ok(serde_json::Value::Array(types)) = serde_json::from_str::<serde_json::Value>(node_types)
    else {
        return HashMap::new();
    };
    let name = |v: &serde_json::Value| v.get("type").and_then(|t| t.as_str()).map(str::to_string);
    // Number every kind name, so the closure works on bit sets.
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut id_of = |kind: String| -> usize {
        let next = names.len();
        *ids.entry(kind.clone()).or_insert_with(|| {
            names.push(kind);
            next
        })
    };
    let mut subtypes: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut children: Vec<(usize, Vec<usize>)> = Vec::new();
    for node in &types {
        let Some(kind) = name(node) else { continue };
        let kind = id_of(kind);
        if let Some(subs) = node.get("subtypes").and_then(|s| s.as_array()) {
            subtypes.push((kind, subs.iter().filter_map(name).map(&mut id_of).collect()));
        }
        let mut direct = Vec::new();
        if let Some(fields) = node.get("fields").and_then(|f| f.as_object()) {
            for field in fields.values() {
                let types = field.get("types").and_then(|t| t.as_array());
                direct.extend(types.into_iter().flatten().filter_map(name).map(&mut id_of));
            }
        }
        if let Some(types) = node
            .get("children")
            .and_then(|c| c.get("types"))
            .and_then(|t| t.as_array())
        {
            direct.extend(types.iter().filter_map(name).map(&mut id_of));
        }
        if !direct.is_empty() {
            children.push((kind, direct));
        }
    }
    let n = names.len();
    let words = n.div_ceil(64);
    let set = |bits: &mut [u64], i: usize| bits[i / 64] |= 1 << (i % 64);
    // reach[k]: kinds that can occur directly below k, supertypes (`_expression`) counted as their subtypes.
    let mut reach = vec![vec![0u64; words]; n];
    let mut is_super = vec![false; n];
    for (kind, subs) in &subtypes {
        is_super[*kind] = true;
        for &sub in subs {
            set(&mut reach[*kind], sub);
        }
    }
    for (kind, kids) in &children {
        for &kid in kids {
            set(&mut reach[*kind], kid);
        }
    }
    // Close transitively: iterate to a fixpoint (the grammar's depth bounds the rounds).
    loop {
        let mut changed = false;
        for k in 0..n {
            let mut acc = reach[k].clone();
            for j in 0..n {
                if reach[k][j / 64] & (1 << (j % 64)) != 0 {
                    for (a, b) in acc.iter_mut().zip(&reach[j]) {
                        *a |= *b;
                    }
                }
            }
            if acc != reach[k] {
                reach[k] = acc;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    children
        .iter()
        .map(|(kind, _)| {
            let below = (0..n)
                .filter(|&j| !is_super[j] && reach[*kind][j / 64] & (1 << (j % 64)) != 0)
                .map(|j| names[j].clone())
                .collect();
            (names[*kind].clone(), below)
        })
        .collect()
}

impl Checker {
    /// Compiles `pack` under `config` (enabled rules, severity overrides).
    pub fn new(pack: Arc<RulePack>, config: &Config) -> Self {
        let mut active = Vec::new();
        let mut diagnostics = HashMap::new();
        for (pack_idx, rule) in pack.rules().iter().enumerate() {
            if !config.is_enabled(rule) {
                continue;
            }
            let configured = config.severity_for(rule);
            if rule.is_automated() {
                let strict = config.profile == crate::config::Profile::Strict;
                let strict = strict.then_some(rule.strict.as_deref()).flatten();
                let own = strict.map_or(rule.severity, |s| s.severity);
                active.push(ActiveRule {
                    pack_idx,
                    strict: strict.is_some(),
                    severity: configured.unwrap_or(own),
                    severity_configured: configured.is_some(),
                });
            }
        }
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
        let mut by_lang: Vec<KindMap> = Vec::new();
        for (active_idx, active_rule) in active.iter().enumerate() {
            let rule = &pack.rules()[active_rule.pack_idx];
            let (Some(lang), Some(matcher)) = (rule.language, active_rule.matcher(rule)) else {
                continue;
            };
            let map = match by_lang.iter_mut().position(|m| m.lang == lang) {
                Some(i) => &mut by_lang[i],
                None => {
                    by_lang.push(KindMap::new(lang));
                    let last = by_lang.len() - 1;
                    &mut by_lang[last]
                }
            };
            map.rules.push(active_idx);
            // Rules without potential kinds are rejected at load, so every rule lands in some bucket.
            if let Some(kinds) = matcher.config.matcher.potential_kinds() {
                for kind in kinds.iter() {
                    if map.by_kind.len() <= kind {
                        map.by_kind.resize_with(kind + 1, Vec::new);
                    }
                    map.by_kind[kind].push(active_idx);
                    if let Some(flag) = map.flags.get_mut(kind) {
                        *flag |= KIND_RULES;
                    }
                }
            }
        }
        let mut config_rules = Vec::new();
        let mut repository_rules = Vec::new();
        let mut configured_policies = HashMap::new();
        let repository = config.repository.as_ref().map(|r| r.to_json());
        let mut option_problems = Vec::new();
        for (active_idx, active_rule) in active.iter().enumerate() {
            let rule = &pack.rules()[active_rule.pack_idx];
            let Some(rego) = &rule.rego else {
                continue;
            };
            // A code rule (`select:`) may read configuration documents too (`language: [rust, yaml]`).
            if !rule.formats.is_empty() {
                match rego.scope {
                    Scope::File => config_rules.push(active_idx),
                    Scope::Repository => repository_rules.push(active_idx),
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
                        configured_policies.insert(active_idx, policy);
                    }
                    Err(err) => option_problems.push((active_idx, err)),
                }
            }
        }
        for map in &mut by_lang {
            map.compute_descend();
            let mut needles = Vec::new();
            for &idx in &map.rules {
                let rule = &pack.rules()[active[idx].pack_idx];
                match active[idx].matcher(rule).and_then(|m| m.needles.as_deref()) {
                    Some(needle) => needles.push(format!("(?:{needle})")),
                    None => map.needle_less.push(idx),
                }
            }
            map.macro_needles = if needles.is_empty() {
                None
            } else {
                regex::Regex::new(&needles.join("|")).ok()
            };
        }
        Self {
            pack,
            active,
            by_lang,
            diagnostics,
            today: config.today.clone(),
            expand_macros: config.expand_macros,
            config_rules,
            repository_rules,
            configured_policies,
            option_problems,
            config: config.clone(),
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
        self.active.len()
    }

    /// Enabled automated rules with their effective severity (after configuration overrides), in pack order.
    pub fn active_rules(&self) -> impl Iterator<Item = (&Rule, Severity)> + '_ {
        self.active
            .iter()
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
        }
        if out.hits.is_empty()
            && out.comments.is_empty()
            && out.syntax_errors.is_empty()
            && out.findings.is_empty()
        {
            // Most files: nothing to place, so no line index to build.
            return (report, tree);
        }
        if file.lang.is_none() && file.text.contains(suppress::MARKER) {
            out.comments = text_comments(file.text);
        }
        let index = LineIndex::new(file.text);
        let line_comment = file.lang.map_or("#", |l| l.spec().line_comment);
        let mut findings = self.resolve(file, out.hits, &out.comments, &index, line_comment);
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

    /// The structural pass: parse once, walk once, then the Rego code rules over their matches. Returns the
    /// syntax tree when the file was parsed.
    fn scan_tree(
        &self,
        file: &SourceFile<'_>,
        lang: Lang,
        out: &mut Collected,
        old_tree: Option<&tree_sitter::Tree>,
    ) -> Option<tree_sitter::Tree> {
        let map = self.by_lang.iter().find(|m| m.lang == lang)?;
        let applicable: Vec<bool> = self
            .active
            .iter()
            .enumerate()
            .map(|(idx, active)| {
                let rule = self.rule(*active);
                map.rules.contains(&idx)
                    && rule.applies_to(file.path)
                    && rule.prefilter_admits(file)
            })
            .collect();
        if !applicable.iter().any(|&a| a) {
            return None;
        }
        let skip_test_code = applicable
            .iter()
            .enumerate()
            .filter(|&(_, &a)| a)
            .all(|(idx, _)| self.rule(self.active[idx]).skips_test_code());
        let file_is_test = !file.role.is_production();
        // A test file none of whose rules look at tests is not even parsed, unless it holds suppressions
        // (which are then checked, and reported unused).
        if skip_test_code && file_is_test && !file.text.contains(suppress::MARKER) {
            return None;
        }
        let mut scan = Scan {
            checker: self,
            map,
            applicable: &applicable,
            file,
            file_is_test,
            hits: Vec::new(),
            rego_matches: Vec::new(),
            comments: Vec::new(),
            plans: Vec::new(),
            syntax_errors: Vec::new(),
            enclosing_cache: HashMap::new(),
            skip_test_code,
            // A rule without needles (HS6002's constants) counts only in the files it applies to.
            macro_needles: map
                .macro_needles
                .as_ref()
                .filter(|_| !map.needle_less.iter().any(|&idx| applicable[idx])),
        };
        let tree = with_parser(lang, |parser| scan.run(parser, old_tree)).flatten();
        let Scan {
            hits,
            rego_matches,
            comments,
            syntax_errors,
            ..
        } = scan;
        out.hits.extend(hits);
        out.comments.extend(comments);
        out.syntax_errors.extend(syntax_errors);
        if !rego_matches.is_empty() {
            self.evaluate_code_rules(file, lang, rego_matches, out);
        }
        tree
    }

    fn rule(&self, active: ActiveRule) -> &Rule {
        &self.pack.rules()[active.pack_idx]
    }

    /// Turns raw hits into findings: supersession, suppressions, and the diagnostics about suppressions.
    fn resolve(
        &self,
        file: &SourceFile<'_>,
        hits: Vec<Hit>,
        comments: &[Comment],
        index: &LineIndex<'_>,
        line_comment: &str,
    ) -> Vec<Finding> {
        let hits = drop_superseded(self, hits);
        let mut suppressions = collect_suppressions(comments, index, line_comment);
        let mut findings = Vec::with_capacity(hits.len());
        for hit in hits {
            let active = self.active[hit.active_idx];
            let rule = self.rule(active);
            let span = index.span(hit.range.clone());
            let mut suppressed = None;
            for suppression in suppressions
                .iter_mut()
                .filter(|s| s.target_line == span.start.line)
            {
                if suppression.directive.reason.is_none()
                    || suppression.directive.malformed.is_some()
                {
                    continue;
                }
                let Some(pos) = suppression
                    .directive
                    .codes
                    .iter()
                    .position(|c| c.eq_ignore_ascii_case(&rule.code) || **c == *rule.id)
                else {
                    continue;
                };
                if suppression.expired(self.today.as_deref()) {
                    continue;
                }
                suppression.used[pos] = true;
                suppressed = Some(Suppressed {
                    reason: suppression.directive.reason.clone().unwrap_or_default(),
                    line: suppression.line,
                    kind: SuppressionKind::Inline,
                });
                break;
            }
            findings.push(Finding {
                code: rule.code.clone(),
                rule_id: rule.id.clone(),
                // A Rego `warn` is a warning, unless the configuration sets the rule's severity.
                severity: match hit.severity {
                    Some(severity) if !active.severity_configured => severity,
                    _ => active.severity,
                },
                message: hit.message,
                path: file.path.to_path_buf(),
                span,
                // The incident is cited where the finding has its shape: a rule's broad form (the strict
                // profile) reports every instance of the letter of the lesson, most of them not that shape.
                incident: (!active.strict)
                    .then(|| rule.incidents.first().cloned())
                    .flatten(),
                fix: hit.fix,
                suppressed,
                stage: self.stage_for(rule, file.path),
                enclosing: (!hit.enclosing.is_empty()).then_some(hit.enclosing),
                fingerprint: String::new(),
            });
        }
        for suppression in &suppressions {
            let span = index.span(suppression.range.clone());
            let directive = &suppression.directive;
            if let Some(what) = &directive.malformed {
                findings.extend(self.diagnostic(
                    codes::SUPPRESSION_WITHOUT_REASON,
                    file.path,
                    span,
                    format!("malformed suppression: {what}"),
                ));
                continue;
            }
            if directive.reason.is_none() {
                let codes = directive.codes.join(", ");
                findings.extend(self.diagnostic(
                    codes::SUPPRESSION_WITHOUT_REASON,
                    file.path,
                    span,
                    format!("suppression of {codes} has no reason, so it suppresses nothing: write `{}({codes}): <why this is safe>`", suppress::MARKER),
                ));
                continue;
            }
            if suppression.expired(self.today.as_deref()) {
                let until = directive.until.clone().unwrap_or_default();
                findings.extend(self.diagnostic(
                    codes::EXPIRED_SUPPRESSION,
                    file.path,
                    span,
                    format!(
                        "suppression of {} expired on {until} and no longer applies",
                        directive.codes.join(", ")
                    ),
                ));
                continue;
            }
            for (code, used) in directive.codes.iter().zip(&suppression.used) {
                if *used {
                    continue;
                }
                let message = match self.pack.get(code) {
                    None => format!("suppression names `{code}`, which no loaded rule has"),
                    Some(rule) if !self.runs_on(rule, file) => continue,
                    Some(rule) => format!(
                        "unused suppression: {} ({}) reports nothing on line {}",
                        rule.code, rule.id, suppression.target_line
                    ),
                };
                findings.extend(self.diagnostic(
                    codes::UNUSED_SUPPRESSION,
                    file.path,
                    span.clone(),
                    message,
                ));
            }
        }
        findings
    }

    /// Did `rule` run on this file (enabled, same language, paths match)?
    fn runs_on(&self, rule: &Rule, file: &SourceFile<'_>) -> bool {
        let same_input = (rule.language.is_some() && rule.language == file.lang)
            || file.format.is_some_and(|f| rule.formats.contains(&f));
        // Repository-scope rules judge a file's documents after every file is read; a suppression of one is
        // never reported unused.
        same_input
            && !rule.is_repository_scope()
            && rule.applies_to(file.path)
            && self
                .active
                .iter()
                .any(|a| std::ptr::eq(self.rule(*a), rule))
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
    /// The enclosing item (see [`crate::fingerprint::enclosing_item`]), computed while the tree was alive.
    enclosing: String,
}

/// What the passes over one file collected, before suppressions.
#[derive(Default)]
struct Collected {
    hits: Vec<Hit>,
    comments: Vec<Comment>,
    syntax_errors: Vec<Range<usize>>,
    /// Findings placed already (rule errors, unreadable data), not subject to suppressions.
    findings: Vec<Finding>,
}

/// Suppression comments of a file without a syntax tree (TOML, JSON): `#` or `//` comments holding the
/// marker, found in the text.
fn text_comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(marker) = line.find(suppress::MARKER) {
            let before = &line[..marker];
            let start = before.rfind("//").or_else(|| before.rfind('#'));
            if let Some(start) = start {
                let body = line[start..].trim_end_matches(['\n', '\r']);
                out.push(Comment {
                    range: offset + start..offset + start + body.len(),
                    text: body.to_string(),
                });
            }
        }
        offset += line.len();
    }
    out
}

struct Comment {
    range: Range<usize>,
    text: String,
}

struct Scan<'c, 'f> {
    checker: &'c Checker,
    map: &'c KindMap,
    applicable: &'c [bool],
    file: &'f SourceFile<'f>,
    file_is_test: bool,
    hits: Vec<Hit>,
    /// Matches of Rego code rules' `select`, judged by their policy after the walk.
    rego_matches: Vec<policies::RegoMatch>,
    comments: Vec<Comment>,
    plans: Vec<macros::MacroPlan>,
    syntax_errors: Vec<Range<usize>>,
    /// `enclosing` verdicts: (rule, ancestor node id) → satisfied.
    enclosing_cache: HashMap<(usize, usize), bool>,
    /// Every applicable rule skips test code, so test code need not be walked.
    skip_test_code: bool,
    /// Macro arguments matching none of these cannot hold a match (`None`: every macro's are parsed).
    macro_needles: Option<&'c regex::Regex>,
}

pub(crate) type Root = AstGrep<StrDoc<Lang>>;

/// The path from the root of the original tree to the node being visited.
#[derive(Clone, Copy)]
struct OriginalPath<'a, 't> {
    nodes: &'a [tree_sitter::Node<'t>],
    in_test: bool,
}

impl Scan<'_, '_> {
    /// Parses (reusing `old_tree` where it still holds) and scans the file; returns its syntax tree.
    fn run(
        &mut self,
        parser: &mut Parser,
        old_tree: Option<&tree_sitter::Tree>,
    ) -> Option<tree_sitter::Tree> {
        let tree = parser.parse(self.file.text, old_tree)?;
        let parsed = tree.clone();

        if tree.root_node().has_error() {
            self.syntax_errors = error_ranges(tree.root_node());
        }
        let original = Root::doc(StrDoc {
            src: self.file.text.to_string(),
            lang: self.map.lang,
            tree,
        });
        let ts_root = original.root().get_inner_node();
        self.collect_suppression_comments(ts_root);
        self.walk_original(&original, ts_root);
        if !self.checker.expand_macros {
            return Some(parsed);
        }
        let mut outer: Option<macros::Fragment> = None;
        for _depth in 0..macros::MAX_DEPTH {
            if self.plans.is_empty() {
                break;
            }
            let plans = std::mem::take(&mut self.plans);
            let source = outer.as_ref().map_or(self.file.text, |f| f.text.as_str());
            let to_original =
                |offset: usize| outer.as_ref().map_or(offset, |f| f.to_original(offset));
            let Some(fragment) = macros::parse_fragment(parser, source, &plans, &to_original)
            else {
                break;
            };

            let frag_root = Root::doc(StrDoc {
                src: fragment.text.clone(),
                lang: self.map.lang,
                tree: fragment.tree.clone(),
            });
            let frag_ts_root = frag_root.root().get_inner_node();
            for region in &fragment.regions {
                if let Some(cover) =
                    frag_ts_root.descendant_for_byte_range(region.start, region.end)
                {
                    self.walk_region(&original, &frag_root, cover, region.clone(), &fragment);
                }
            }
            outer = Some(fragment);
        }
        Some(parsed)
    }

    /// Suppressions are rare: find the marker in the text and take the comment around each occurrence,
    /// instead of looking at every comment node.
    fn collect_suppression_comments(&mut self, ts_root: tree_sitter::Node<'_>) {
        let text = self.file.text;
        for (offset, _) in text.match_indices(suppress::MARKER) {
            let Some(node) =
                ts_root.descendant_for_byte_range(offset, offset + suppress::MARKER.len())
            else {
                continue;
            };
            let comment = std::iter::successors(Some(node), |n| n.parent())
                .take(2)
                .find(|n| self.map.lang.is_comment_kind(n.kind()));
            if let Some(comment) = comment
                && self
                    .comments
                    .last()
                    .is_none_or(|c| c.range != comment.byte_range())
            {
                let text = comment.utf8_text(text.as_bytes()).unwrap_or("").to_string();
                self.comments.push(Comment {
                    range: comment.byte_range(),
                    text,
                });
            }
        }
    }

    /// Pre-order walk of the whole original tree, keeping the path from the root so that context questions
    /// (test code, enclosing items) never have to walk back up the tree.
    fn walk_original(&mut self, root: &Root, ts_root: tree_sitter::Node<'_>) {
        let src = root.get_text().as_bytes();
        let kinds = self.map.rust.as_ref();
        let skip_tests = self.skip_test_code;
        let mut path: Vec<tree_sitter::Node<'_>> = Vec::with_capacity(64);
        // Per depth: is the node on the path test code, and the test attributes waiting for the next sibling.
        let mut test: Vec<bool> = Vec::with_capacity(64);
        let mut pending: Vec<u8> = vec![0; 64];
        // An explicit stack of (node, depth): the per-depth vectors are cut back when a node is popped.
        let mut stack = vec![(ts_root, 0)];
        let mut cursor = ts_root.walk();
        while let Some((node, depth)) = stack.pop() {
            path.truncate(depth);
            test.truncate(depth);
            let kind = node.kind_id();
            let parent_test = depth > 0 && test[depth - 1];
            let mut is_test = parent_test;
            if let Some(kinds) = kinds {
                if pending.len() <= depth + 1 {
                    pending.resize(depth + 2, 0);
                }
                if kind == kinds.attribute_item {
                    pending[depth] |= context::test_marks(node, src);
                } else if kind == kinds.inner_attribute_item {
                    if depth > 0 && context::test_marks(node, src) & context::MARK_CFG_TEST != 0 {
                        test[depth - 1] = true;
                    }
                } else if kind != kinds.line_comment && kind != kinds.block_comment {
                    let own = std::mem::take(&mut pending[depth]);
                    is_test |= own & context::MARK_CFG_TEST != 0
                        || (own & context::MARK_TEST_FN != 0 && kind == kinds.function_item);
                }
            }
            path.push(node);
            test.push(is_test);
            // When every rule here skips test code, a test module or test function is not looked at at all.
            if skip_tests && is_test {
                continue;
            }
            let flags = self
                .map
                .flags
                .get(usize::from(kind))
                .copied()
                .unwrap_or(KIND_DESCEND);
            if flags & (KIND_RULES | KIND_MACRO) != 0 {
                self.visit(
                    root,
                    root,
                    node,
                    kind,
                    None,
                    Some(OriginalPath {
                        nodes: &path,
                        in_test: is_test,
                    }),
                );
            }
            if flags & KIND_DESCEND != 0 {
                if let Some(slot) = pending.get_mut(depth + 1) {
                    *slot = 0;
                }
                push_children(
                    &mut stack,
                    node,
                    depth + 1,
                    self.map.named_only,
                    &mut cursor,
                );
            }
        }
    }

    /// Pre-order walk of the nodes of a macro fragment that lie inside `region`.
    fn walk_region(
        &mut self,
        original: &Root,
        root: &Root,
        start: tree_sitter::Node<'_>,
        region: Range<usize>,
        fragment: &macros::Fragment,
    ) {
        let mut stack = vec![(start, 0)];
        let mut cursor = start.walk();
        while let Some((node, _)) = stack.pop() {
            let range = node.byte_range();
            if range.end <= region.start || range.start >= region.end {
                continue;
            }
            let kind = node.kind_id();
            if range.start >= region.start && range.end <= region.end {
                self.visit(original, root, node, kind, Some(fragment), None);
            }
            if self.descends(kind) {
                push_children(&mut stack, node, 0, self.map.named_only, &mut cursor);
            }
        }
    }

    fn descends(&self, kind: u16) -> bool {
        self.map
            .flags
            .get(usize::from(kind))
            .is_none_or(|f| f & KIND_DESCEND != 0)
    }

    fn visit(
        &mut self,
        original: &Root,
        root: &Root,
        inner: tree_sitter::Node<'_>,
        kind: u16,
        fragment: Option<&macros::Fragment>,
        path: Option<OriginalPath<'_, '_>>,
    ) {
        let kind = usize::from(kind);
        let flags = self.map.flags.get(kind).copied().unwrap_or(0);
        if flags == 0 {
            return;
        }
        let source = root.get_text().as_bytes();
        if flags & KIND_MACRO != 0 && self.checker.expand_macros {
            let flat = self.map.flat_macros;
            let worth_parsing = self.macro_needles.is_none_or(|needles| {
                inner
                    .utf8_text(source)
                    .is_ok_and(|text| needles.is_match(text))
            });
            if worth_parsing {
                self.plans.extend(macros::plan(inner, source, flat));
            }
        }
        if flags & KIND_RULES == 0 {
            return;
        }
        let node = root.adopt(inner);
        let to_original =
            |range: Range<usize>| fragment.map_or(range.clone(), |f| f.range_to_original(range));
        // Inside macro arguments, context questions (test code, enclosing nodes) are answered on the original
        // tree, at the token the match came from.
        let original_node = || {
            let range = to_original(inner.byte_range());
            original
                .root()
                .get_inner_node()
                .descendant_for_byte_range(range.start, range.end)
        };
        for &active_idx in &self.map.by_kind[kind] {
            if !self.applicable[active_idx] {
                continue;
            }
            let active = self.checker.active[active_idx];
            let rule = self.checker.rule(active);
            let Some(matcher) = active.matcher(rule) else {
                continue;
            };
            // `enclosing` before the rule's own matcher: its verdicts are cached per enclosing node, so it costs
            // a walk up the ancestors, and it rejects most candidates before a matcher that searches the
            // function around them (HS1003's "is the length checked anywhere here") runs at all.
            if let Some(enclosing) = &matcher.enclosing {
                let satisfied = match path {
                    Some(path) => {
                        let ancestors = path.nodes.iter().rev().skip(1).copied();
                        self.enclosing_satisfied(active_idx, enclosing, original, ancestors)
                    }
                    None => {
                        let start = original_node();
                        let ancestors =
                            std::iter::successors(start.and_then(|n| n.parent()), |n| n.parent());
                        self.enclosing_satisfied(active_idx, enclosing, original, ancestors)
                    }
                };
                if !satisfied {
                    continue;
                }
            }
            let Some(node_match) = matcher.config.matcher.match_node(node.clone()) else {
                continue;
            };
            if rule.test_code == crate::rule::TestCode::Skip
                && (self.file_is_test
                    || match path {
                        Some(path) => path.in_test,
                        None => {
                            self.map.lang == Lang::RUST
                                && original_node().is_some_and(|n| {
                                    context::in_rust_test_code(n, self.file.text.as_bytes())
                                })
                        }
                    })
            {
                continue;
            }
            if rule.rego.is_some() {
                let ancestors: Vec<tree_sitter::Node<'_>> = match path {
                    Some(path) => path.nodes.iter().rev().skip(1).copied().collect(),
                    None => std::iter::successors(original_node().and_then(|n| n.parent()), |n| {
                        n.parent()
                    })
                    .collect(),
                };
                self.rego_matches.push(policies::RegoMatch::new(
                    active_idx,
                    &node_match,
                    &to_original,
                    &ancestors,
                    self.file.text,
                ));
                continue;
            }
            let focus = matcher
                .focus
                .iter()
                .find_map(|var| node_match.get_env().get_match(var));
            let range = to_original(focus.map_or_else(|| node_match.range(), |f| f.range()));
            let message = interpolate(
                active.message(rule),
                &node_match,
                self.file.text,
                &to_original,
            );
            // Fixes are offered only on the user's own text: a fix computed on rewritten macro arguments
            // could carry the rewrite into the file.
            let fix = match matcher.config.fixer.first() {
                Some(fixer) if fragment.is_none() => {
                    let edit = node_match.make_edit(&matcher.config.matcher, fixer);
                    String::from_utf8(edit.inserted_text)
                        .ok()
                        .map(|replacement| Edit {
                            bytes: edit.position..edit.position + edit.deleted_length,
                            replacement,
                        })
                }
                _ => None,
            };
            let enclosing = match path {
                Some(path) => crate::fingerprint::enclosing_item(
                    self.map.lang.name(),
                    path.nodes.iter().rev().skip(1).copied(),
                    self.file.text.as_bytes(),
                ),
                None => crate::fingerprint::enclosing_item(
                    self.map.lang.name(),
                    std::iter::successors(original_node().and_then(|n| n.parent()), |n| n.parent()),
                    self.file.text.as_bytes(),
                ),
            };
            self.hits.push(Hit {
                active_idx,
                range,
                message,
                fix,
                severity: None,
                enclosing,
            });
        }
    }

    /// Does some ancestor (of the original tree) satisfy the rule's `enclosing`? Each ancestor is judged once
    /// per rule and file.
    fn enclosing_satisfied<'t>(
        &mut self,
        active_idx: usize,
        enclosing: &ast_grep_config::RuleCore,
        original: &'t Root,
        ancestors: impl Iterator<Item = tree_sitter::Node<'t>>,
    ) -> bool {
        let kinds = enclosing.potential_kinds();
        for ancestor in ancestors {
            if kinds
                .as_ref()
                .is_some_and(|k| !k.contains(usize::from(ancestor.kind_id())))
            {
                continue;
            }
            let key = (active_idx, ancestor.id());
            let verdict = *self
                .enclosing_cache
                .entry(key)
                .or_insert_with(|| enclosing.match_node(original.adopt(ancestor)).is_some());
            if verdict {
                return true;
            }
        }
        false
    }
}

/// Node kind ids the Rust walk tracks for test code.
struct RustKinds {
    attribute_item: u16,
    inner_attribute_item: u16,
    function_item: u16,
    line_comment: u16,
    block_comment: u16,
}

impl RustKinds {
    fn new(ts: &tree_sitter::Language) -> Self {
        let id = |name: &str| ts.id_for_node_kind(name, true);
        Self {
            attribute_item: id("attribute_item"),
            inner_attribute_item: id("inner_attribute_item"),
            function_item: id("function_item"),
            line_comment: id("line_comment"),
            block_comment: id("block_comment"),
        }
    }
}

/// Pushes a node's children (named ones only when `named_only`) so they pop in source order.
fn push_children<'t>(
    stack: &mut Vec<(tree_sitter::Node<'t>, usize)>,
    node: tree_sitter::Node<'t>,
    depth: usize,
    named_only: bool,
    cursor: &mut tree_sitter::TreeCursor<'t>,
) {
    // `child(i)` is O(i) in tree-sitter but cheaper than a cursor for the few children most nodes have.
    const FEW: usize = 6;
    let at = stack.len();
    if named_only {
        let n = node.named_child_count();
        if n <= FEW {
            stack.extend(
                (0..n)
                    .rev()
                    .filter_map(|i| node.named_child(i as u32))
                    .map(|c| (c, depth)),
            );
            return;
        }
        stack.extend(node.named_children(cursor).map(|c| (c, depth)));
    } else {
        let n = node.child_count();
        if n as usize <= FEW {
            stack.extend(
                (0..n)
                    .rev()
                    .filter_map(|i| node.child(i))
                    .map(|c| (c, depth)),
            );
            return;
        }
        stack.extend(node.children(cursor).map(|c| (c, depth)));
    }
    stack[at..].reverse();
}

/// What the parser could not read, in file order: MISSING nodes, and the tokens tree-sitter's error recovery
/// skipped (the leaves of ERROR nodes). A well-formed subtree inside an ERROR node (a whole function after an
/// unclosed parenthesis) was read and is checked, so it does not count: an ERROR node can span most of a file
/// because of one stray token.
fn error_ranges(root: tree_sitter::Node<'_>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // (node, is its parent an ERROR node?)
    let mut stack = vec![(root, false)];
    while let Some((node, in_error)) = stack.pop() {
        if node.is_missing() || (node.child_count() == 0 && (in_error || node.is_error())) {
            out.push(node.byte_range());
        } else if node.is_error() || node.has_error() {
            let is_error = node.is_error();
            stack.extend(
                (0..node.child_count())
                    .rev()
                    .filter_map(|i| node.child(i))
                    .map(|child| (child, is_error)),
            );
        }
    }
    out
}

/// Replaces `$VAR` and `$$$VAR` in a message with the captured text, read from the user's original text.
fn interpolate(
    template: &str,
    node_match: &NodeMatch<'_, StrDoc<Lang>>,
    original: &str,
    to_original: &dyn Fn(Range<usize>) -> Range<usize>,
) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos..];
        let n_dollars = after.chars().take_while(|&c| c == '$').count().min(3);
        let name_len = after[n_dollars..]
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .map_or(after.len() - n_dollars, |(i, _)| i);
        let name = &after[n_dollars..n_dollars + name_len];
        let env = node_match.get_env();
        let range = match (n_dollars, name.is_empty()) {
            (1, false) => env.get_match(name).map(|n| n.range()),
            (3, false) => {
                let nodes = env.get_multiple_matches(name);
                match (nodes.first(), nodes.last()) {
                    (Some(first), Some(last)) => Some(first.range().start..last.range().end),
                    _ => Some(0..0),
                }
            }
            _ => None,
        };
        match range {
            Some(range) => out.push_str(original.get(to_original(range)).unwrap_or("")),
            None => out.push_str(&after[..n_dollars + name_len]),
        }
        rest = &after[n_dollars + name_len..];
    }
    out.push_str(rest);
    out
}

fn drop_superseded(checker: &Checker, mut hits: Vec<Hit>) -> Vec<Hit> {
    let supersedes = |hit: &Hit| &checker.rule(checker.active[hit.active_idx]).supersedes;
    if hits.iter().all(|h| supersedes(h).is_empty()) {
        return hits;
    }
    let covering: Vec<(Range<usize>, Vec<Arc<str>>)> = hits
        .iter()
        .filter(|h| !supersedes(h).is_empty())
        .map(|h| (h.range.clone(), supersedes(h).clone()))
        .collect();
    hits.retain(|hit| {
        let code = &checker.rule(checker.active[hit.active_idx]).code;
        !covering
            .iter()
            .any(|(range, codes)| *range == hit.range && codes.contains(code))
    });
    hits
}

struct Suppression {
    range: Range<usize>,
    /// 1-based line of the comment.
    line: usize,
    /// 1-based line whose findings it suppresses.
    target_line: usize,
    directive: suppress::Directive,
    used: Vec<bool>,
}

impl Suppression {
    fn expired(&self, today: Option<&str>) -> bool {
        matches!((&self.directive.until, today), (Some(until), Some(today)) if until.as_str() < today)
    }
}

fn collect_suppressions(
    comments: &[Comment],
    index: &LineIndex<'_>,
    line_comment: &str,
) -> Vec<Suppression> {
    // Lines that hold nothing but a comment: a suppression there applies to the next line of code.
    let own_line = |c: &Comment| {
        let line = index.line_of(c.range.start);
        let before = index
            .line_text(line)
            .get(..c.range.start - index.line_start(line))
            .unwrap_or("");
        before.trim().is_empty()
    };
    // A following line that is itself only a comment (more explanation, another suppression) is skipped.
    let comment_only_line = |line: usize| {
        let text = index.line_text(line).trim_start();
        !text.is_empty() && (text.starts_with(line_comment) || text.starts_with("/*"))
    };
    let mut out = Vec::new();
    for comment in comments {
        let Some(directive) = suppress::parse_comment(&comment.text) else {
            continue;
        };
        let line = index.line_of(comment.range.start);
        let target = if own_line(comment) {
            let mut target = index.line_of(comment.range.end.saturating_sub(1)) + 1;
            while comment_only_line(target) && target < index.line_of(usize::MAX) {
                target += 1;
            }
            target
        } else {
            line
        };
        let used = vec![false; directive.codes.len()];
        out.push(Suppression {
            range: comment.range.clone(),
            line: line + 1,
            target_line: target + 1,
            directive,
            used,
        });
    }
    out
}

/// Parses a file and nothing else: the baseline the benchmark compares a full check against.
#[doc(hidden)]
pub fn parse_only(file: &SourceFile<'_>) -> FileReport {
    let Some(lang) = file.lang else {
        return FileReport::default();
    };
    // Error places are found as a full check finds them (only error subtrees are walked), so the notes agree.
    let errors = with_parser(lang, |parser| {
        parser
            .parse(file.text, None)
            .filter(|t| t.root_node().has_error())
            .map(|t| error_ranges(t.root_node()))
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
