//! Checking one source text: parse once, run every applicable rule in one pass, then suppressions.
//!
//! The combined scan groups rules by the node kinds they can match (each rule's `potential_kinds`), walks the
//! tree once and offers each node only to the rules of its kind. Macro arguments are opened by
//! [`crate::macros`] and scanned the same way, region by region, so no rule re-parses or re-walks the file.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use ast_grep_core::matcher::MatcherExt;
use ast_grep_core::tree_sitter::StrDoc;
use ast_grep_core::{AstGrep, Doc, Matcher, Node, NodeMatch};
use tree_sitter::Parser;

use crate::config::Config;
use crate::context;
use crate::finding::{Edit, Finding, Position, Severity, Suppressed};
use crate::lang::Lang;
use crate::line_index::LineIndex;
use crate::macros;
use crate::rule::{Rule, RulePack, codes};
use crate::suppress;

/// One file to check, already read into memory.
#[derive(Clone, Copy, Debug)]
pub struct SourceFile<'a> {
    /// Path shown in findings and matched against rules' `files` globs.
    pub path: &'a Path,
    /// Path relative to the file's package root (nearest `Cargo.toml`), when known; decides test code.
    pub package_path: Option<&'a Path>,
    /// The file's contents.
    pub text: &'a str,
    /// The file's language.
    pub lang: Lang,
}

/// What checking one file produced.
#[derive(Debug, Default)]
pub struct FileReport {
    /// Findings, sorted; suppressed findings are included and marked.
    pub findings: Vec<Finding>,
    /// Where the parser met syntax errors (the file is still checked where the tree allows).
    pub syntax_errors: Vec<Position>,
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
}

#[derive(Clone, Copy)]
struct ActiveRule {
    pack_idx: usize,
    severity: Severity,
}

struct KindMap {
    lang: Lang,
    /// Indices into `active`.
    rules: Vec<usize>,
    /// Node kind id → indices into `active`.
    by_kind: Vec<Vec<usize>>,
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
            let severity = config.severity_for(rule).unwrap_or(rule.severity);
            if rule.is_automated() {
                active.push(ActiveRule { pack_idx, severity });
            }
        }
        for code in [
            codes::SUPPRESSION_WITHOUT_REASON,
            codes::UNUSED_SUPPRESSION,
            codes::RULE_LOAD_ERROR,
            codes::RULE_RUNTIME_ERROR,
            codes::EXPIRED_SUPPRESSION,
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
        for (active_idx, rule) in active.iter().enumerate() {
            let rule = &pack.rules()[rule.pack_idx];
            let (Some(lang), Some(matcher)) = (rule.language, &rule.matcher) else {
                continue;
            };
            let map = match by_lang.iter_mut().position(|m| m.lang == lang) {
                Some(i) => &mut by_lang[i],
                None => {
                    by_lang.push(KindMap {
                        lang,
                        rules: Vec::new(),
                        by_kind: Vec::new(),
                    });
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
                }
            }
        }
        Self {
            pack,
            active,
            by_lang,
            diagnostics,
            today: config.today.clone(),
        }
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
        })
    }

    /// Checks one file. Never fails: broken syntax is checked where the tree allows and reported.
    pub fn check_source(&self, file: &SourceFile<'_>) -> FileReport {
        let Some(map) = self.by_lang.iter().find(|m| m.lang == file.lang) else {
            return FileReport::default();
        };
        let applicable: Vec<bool> = self
            .active
            .iter()
            .enumerate()
            .map(|(idx, active)| {
                map.rules.contains(&idx) && self.rule(*active).applies_to(file.path)
            })
            .collect();
        if !applicable.iter().any(|&a| a) {
            return FileReport::default();
        }
        let mut scan = Scan {
            checker: self,
            map,
            applicable: &applicable,
            file,
            file_is_test: file.lang == Lang::RUST
                && file.package_path.is_some_and(context::is_test_path),
            hits: Vec::new(),
            comments: Vec::new(),
            plans: Vec::new(),
            syntax_errors: Vec::new(),
        };
        with_parser(file.lang, |parser| scan.run(parser));
        let Scan {
            hits,
            comments,
            syntax_errors,
            ..
        } = scan;
        let index = LineIndex::new(file.text);
        let mut findings = self.resolve(file, hits, &comments, &index);
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        FileReport {
            findings,
            syntax_errors: syntax_errors
                .iter()
                .map(|&offset| index.position(offset))
                .collect(),
        }
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
    ) -> Vec<Finding> {
        let hits = drop_superseded(self, hits);
        let mut suppressions = collect_suppressions(comments, index);
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
                });
                break;
            }
            findings.push(Finding {
                code: rule.code.clone(),
                rule_id: rule.id.clone(),
                severity: active.severity,
                message: hit.message,
                path: file.path.to_path_buf(),
                span,
                incident: rule.incidents.first().cloned(),
                fix: hit.fix,
                suppressed,
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
        rule.language == Some(file.lang)
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
    comments: Vec<Comment>,
    plans: Vec<macros::MacroPlan>,
    syntax_errors: Vec<usize>,
}

type Root = AstGrep<StrDoc<Lang>>;

impl Scan<'_, '_> {
    fn run(&mut self, parser: &mut Parser) {
        let Some(tree) = parser.parse(self.file.text, None) else {
            return;
        };
        let root = Root::doc(StrDoc {
            src: self.file.text.to_string(),
            lang: self.file.lang,
            tree: tree.clone(),
        });
        for node in root.root().dfs() {
            self.visit(&node, 0);
        }
        let mut source = self.file.text.to_string();
        let mut tree = tree;
        for _depth in 0..macros::MAX_DEPTH {
            let plans = std::mem::take(&mut self.plans);
            let Some(level) = macros::apply(parser, &tree, &source, &plans) else {
                break;
            };
            let root = Root::doc(StrDoc {
                src: level.source.clone(),
                lang: self.file.lang,
                tree: level.tree.clone(),
            });
            let ts_root = root.root().get_inner_node();
            for region in &level.regions {
                let mut stack = Vec::new();
                if let Some(cover) = ts_root.descendant_for_byte_range(region.start, region.end) {
                    stack.push(cover);
                }
                // Pre-order walk of the nodes inside the region, in source order.
                while let Some(node) = stack.pop() {
                    let range = node.byte_range();
                    if range.end <= region.start || range.start >= region.end {
                        continue;
                    }
                    if range.start >= region.start && range.end <= region.end {
                        self.visit(&root.adopt(node), 1);
                    }
                    let mut cursor = node.walk();
                    let children: Vec<_> = node.children(&mut cursor).collect();
                    stack.extend(children.into_iter().rev());
                }
            }
            source = level.source;
            tree = level.tree;
        }
    }

    fn visit(&mut self, node: &Node<'_, StrDoc<Lang>>, depth: usize) {
        let inner = node.get_inner_node();
        if depth == 0 {
            if (inner.is_error() || inner.is_missing()) && self.syntax_errors.len() < 5 {
                self.syntax_errors.push(inner.start_byte());
            }
            if inner.is_extra() && self.file.lang.is_comment_kind(inner.kind()) {
                self.comments.push(Comment {
                    range: inner.byte_range(),
                    text: node.text().into_owned(),
                });
            }
        }
        if self.file.lang == Lang::RUST
            && inner.kind() == "macro_invocation"
            && let Some(plan) = macros::plan(inner, node.get_doc().get_source().as_bytes())
        {
            self.plans.push(plan);
        }
        let Some(candidates) = self.map.by_kind.get(usize::from(inner.kind_id())) else {
            return;
        };
        for &active_idx in candidates {
            if !self.applicable[active_idx] {
                continue;
            }
            let rule = self.checker.rule(self.checker.active[active_idx]);
            let Some(matcher) = &rule.matcher else {
                continue;
            };
            let Some(node_match) = matcher.config.matcher.match_node(node.clone()) else {
                continue;
            };
            if matcher.test_code == crate::rule::TestCode::Skip
                && (self.file_is_test
                    || (self.file.lang == Lang::RUST
                        && context::in_rust_test_code(
                            inner,
                            node.get_doc().get_source().as_bytes(),
                        )))
            {
                continue;
            }
            let focus = matcher
                .focus
                .as_deref()
                .and_then(|var| node_match.get_env().get_match(var));
            let range = focus.map_or_else(|| node_match.range(), |f| f.range());
            let message = interpolate(&rule.message, &node_match, self.file.text);
            // Fixes are offered only where the match is in untouched text: a fix computed on rewritten
            // macro text could carry the rewrite into the user's file.
            let fix = match matcher.config.fixer.first() {
                Some(fixer) if depth == 0 => {
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
            self.hits.push(Hit {
                active_idx,
                range,
                message,
                fix,
            });
        }
    }
}

/// Replaces `$VAR` and `$$$VAR` in a message with the captured text, read from the user's original text.
fn interpolate(template: &str, node_match: &NodeMatch<'_, StrDoc<Lang>>, original: &str) -> String {
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
            Some(range) => out.push_str(original.get(range).unwrap_or("")),
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

fn collect_suppressions(comments: &[Comment], index: &LineIndex<'_>) -> Vec<Suppression> {
    // Lines that hold nothing but a comment: a suppression there applies to the next line of code.
    let own_line = |c: &Comment| {
        let line = index.line_of(c.range.start);
        let before = index
            .line_text(line)
            .get(..c.range.start - index.line_start(line))
            .unwrap_or("");
        before.trim().is_empty()
    };
    let comment_only_lines: Vec<usize> = comments
        .iter()
        .filter(|c| own_line(c))
        .map(|c| index.line_of(c.range.start))
        .collect();
    let mut out = Vec::new();
    for comment in comments {
        let Some(directive) = suppress::parse_comment(&comment.text) else {
            continue;
        };
        let line = index.line_of(comment.range.start);
        let target = if own_line(comment) {
            let mut target = index.line_of(comment.range.end.saturating_sub(1)) + 1;
            while comment_only_lines.contains(&target) {
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
