//! Rego rules at check time: code rules over their `select` matches, configuration rules over each document,
//! repository-scope rules over every document of a check. The input shapes are the wire format documented in
//! `docs/rego.md` (version 1).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use ast_grep_core::NodeMatch;
use ast_grep_core::meta_var::MetaVariable;
use ast_grep_core::tree_sitter::StrDoc;
use regorus::Value;
use serde_json::{Value as Json, json};

use super::{Checker, Collected, Hit, RepoDoc, SourceFile};
use crate::data::{self, DataFormat};
use crate::finding::{Finding, Position, Severity, Span};
use crate::line_index::LineIndex;
use crate::rego::{Policy, RegoError, Verdict, VerdictKind, value_from_json};
use crate::rule::codes;
use crate::source::context;
use crate::source::lang::Lang;

/// Version of the `input` documents Rego rules receive.
pub(crate) const INPUT_VERSION: u32 = 1;

/// A metavariable and the nodes it captured (one, or several for `$$$NAME`): range and kind.
struct Capture {
    name: String,
    multi: bool,
    nodes: Vec<(Range<usize>, String)>,
}

/// One match of a Rego code rule's `select`, in the original file's coordinates.
pub(super) struct RegoMatch {
    active_idx: usize,
    range: Range<usize>,
    kind: String,
    /// The metavariables the match captured.
    captures: Vec<Capture>,
    /// The innermost enclosing function: name and attributes.
    function: Option<(String, Vec<String>)>,
    /// Enclosing inline modules, outermost first.
    modules: Vec<String>,
    /// The enclosing item, for fingerprints.
    pub(super) enclosing: String,
}

impl RegoMatch {
    pub(super) fn new(
        active_idx: usize,
        node_match: &NodeMatch<'_, StrDoc<Lang>>,
        to_original: &dyn Fn(Range<usize>) -> Range<usize>,
        ancestors: &[tree_sitter::Node<'_>],
        original: &str,
    ) -> Self {
        let env = node_match.get_env();
        let mut captures = Vec::new();
        for var in env.get_matched_variables() {
            match var {
                MetaVariable::Capture(name, _) => {
                    if let Some(node) = env.get_match(&name) {
                        let nodes = vec![(to_original(node.range()), node.kind().to_string())];
                        captures.push(Capture {
                            name,
                            multi: false,
                            nodes,
                        });
                    }
                }
                MetaVariable::MultiCapture(name) => {
                    let nodes = env.get_multiple_matches(&name);
                    let nodes = nodes
                        .iter()
                        .filter(|n| n.is_named())
                        .map(|n| (to_original(n.range()), n.kind().to_string()));
                    captures.push(Capture {
                        name,
                        multi: true,
                        nodes: nodes.collect(),
                    });
                }
                MetaVariable::Dropped(_) | MetaVariable::Multiple => {}
            }
        }
        captures.sort_by(|a, b| a.name.cmp(&b.name));
        let src = original.as_bytes();
        let lang = *node_match.lang();
        let function = ancestors
            .iter()
            .find(|n| n.kind() == "function_item")
            .map(|f| {
                let name = f
                    .child_by_field_name("name")
                    .and_then(|n| n.utf8_text(src).ok())
                    .unwrap_or("")
                    .to_string();
                (
                    name,
                    context::attributes_in(lang, *f, src)
                        .map(str::to_string)
                        .collect(),
                )
            });
        let mut modules: Vec<String> = ancestors
            .iter()
            .filter(|n| n.kind() == "mod_item")
            .filter_map(|m| {
                m.child_by_field_name("name")
                    .and_then(|n| n.utf8_text(src).ok())
                    .map(str::to_string)
            })
            .collect();
        modules.reverse();
        let enclosing = crate::fingerprint::enclosing_item_in(lang, ancestors.iter().copied(), src);
        Self {
            enclosing,
            active_idx,
            range: to_original(node_match.range()),
            kind: node_match.kind().to_string(),
            captures,
            function,
            modules,
        }
    }

    fn to_json(&self, text: &str, index: &LineIndex<'_>) -> Json {
        let node = |range: &Range<usize>, kind: &str| {
            let span = index.span(range.clone());
            let node_text = text.get(range.clone()).unwrap_or("");
            let mut value = json!({
                "text": node_text,
                "kind": kind,
                "start": {"line": span.start.line, "column": span.start.column},
                "end": {"line": span.end.line, "column": span.end.column},
                "bytes": [range.start, range.end],
            });
            if matches!(kind, "string_literal" | "raw_string_literal")
                && let (Json::Object(map), Some(content)) = (&mut value, string_value(node_text))
            {
                map.insert("value".into(), Json::String(content));
            }
            value
        };
        let mut captures = serde_json::Map::new();
        for capture in &self.captures {
            let value = if capture.multi {
                Json::Array(capture.nodes.iter().map(|(r, k)| node(r, k)).collect())
            } else {
                capture
                    .nodes
                    .first()
                    .map_or(Json::Null, |(r, k)| node(r, k))
            };
            captures.insert(capture.name.clone(), value);
        }
        let mut value = node(&self.range, &self.kind);
        if let Json::Object(map) = &mut value {
            map.insert("captures".into(), Json::Object(captures));
            map.insert(
                "function".into(),
                self.function.as_ref().map_or(
                    Json::Null,
                    |(name, attrs)| json!({"name": name, "attributes": attrs}),
                ),
            );
            map.insert("modules".into(), json!(self.modules));
        }
        value
    }

    /// Where a verdict about this match points: a capture, or the whole match.
    fn range_of(&self, capture: Option<&str>) -> Range<usize> {
        capture
            .and_then(|name| self.captures.iter().find(|c| c.name == name))
            .and_then(|c| c.nodes.first().map(|(r, _)| r.clone()))
            .unwrap_or_else(|| self.range.clone())
    }
}

impl Checker {
    /// The policy of an active Rego rule, with the configured options if any.
    fn policy(&self, active_idx: usize) -> Option<&Policy> {
        if let Some(policy) = self.configured_policies.get(&active_idx) {
            return Some(policy);
        }
        self.rule(self.active[active_idx])
            .rego
            .as_ref()
            .and_then(|r| r.policy())
    }

    /// The top-level keys of a document any of `rules` can read (`None`: all of them): a document is converted
    /// once for all of them, and only as far as they look.
    fn input_keys(&self, rules: &[usize]) -> Option<BTreeSet<&str>> {
        let mut union = BTreeSet::new();
        for policy in rules.iter().filter_map(|&idx| self.policy(idx)) {
            union.extend(policy.input_keys()?.iter().map(String::as_str));
        }
        Some(union)
    }

    /// The severity a verdict gets before configuration: `warn` never exceeds a warning.
    fn verdict_severity(&self, active_idx: usize, kind: VerdictKind) -> Severity {
        let declared = self.rule(self.active[active_idx]).severity;
        match kind {
            VerdictKind::Warn => declared.min(Severity::Warning),
            VerdictKind::Deny | VerdictKind::Violation => declared,
        }
    }

    /// Evaluates the Rego code rules that matched in a file: once per rule, with all its matches.
    pub(super) fn evaluate_code_rules(
        &self,
        file: &SourceFile<'_>,
        lang: Lang,
        matches: Vec<RegoMatch>,
        out: &mut Collected,
    ) {
        let index = LineIndex::new(file.text);
        let mut by_rule: Vec<(usize, Vec<RegoMatch>)> = Vec::new();
        for m in matches {
            match by_rule.iter_mut().find(|(idx, _)| *idx == m.active_idx) {
                Some((_, list)) => list.push(m),
                None => by_rule.push((m.active_idx, vec![m])),
            }
        }
        for (active_idx, matches) in by_rule {
            let Some(policy) = self.policy(active_idx) else {
                continue;
            };
            let input = json!({
                "version": INPUT_VERSION,
                "file": {"path": display(file.path), "language": lang.name()},
                "matches": matches.iter().map(|m| m.to_json(file.text, &index)).collect::<Vec<_>>(),
            });
            let facts = json!({"path": display(file.path), "language": lang.name(), "document": 0});
            let evaluated = self.time_rego(active_idx, || {
                policy.evaluate(value_from_json(&input), value_from_json(&facts))
            });
            match evaluated {
                Ok(verdicts) => {
                    for verdict in verdicts {
                        let target = verdict
                            .match_index
                            .and_then(|i| matches.get(i))
                            .or(matches.first());
                        let Some(target) = target else {
                            continue;
                        };
                        out.hits.push(Hit {
                            active_idx,
                            range: target.range_of(verdict.capture.as_deref()),
                            message: verdict.msg,
                            fix: None,
                            severity: Some(self.verdict_severity(active_idx, verdict.kind)),
                            enclosing: target.enclosing.clone(),
                            exempted: verdict.exempted,
                        });
                    }
                }
                Err(err) => out
                    .findings
                    .extend(self.rule_error(active_idx, file.path, &err)),
            }
        }
    }

    /// Reads a configuration file as data and runs the file-scope Rego rules on each document; keeps the
    /// documents repository-scope rules want.
    /// `documents` is the file already read, when it was (a YAML file with template actions).
    pub(super) fn check_data(
        &self,
        file: &SourceFile<'_>,
        format: DataFormat,
        documents: Option<Result<Vec<data::DataDoc>, data::DataError>>,
        out: &mut Collected,
        keep: &mut Vec<RepoDoc>,
    ) {
        let file_rules: Vec<usize> = self
            .config_rules
            .iter()
            .copied()
            .filter(|&idx| self.reads_data(idx, file, format))
            .collect();
        let repo_rules = self
            .repository_rules
            .iter()
            .any(|&idx| self.reads_data(idx, file, format));
        if file_rules.is_empty() && !repo_rules {
            return;
        }
        let parsed = documents
            .unwrap_or_else(|| self.time_parse(format.name(), || data::parse(format, file.text)));
        let docs = match parsed {
            Ok(docs) => docs,
            // A file named like a Dockerfile that does not parse and has a line of template actions
            // (docker-library/mysql's `Dockerfile.oracle` starts `{{`) is a template, as a YAML one is.
            Err(_) if format == DataFormat::Dockerfile && data::has_action_line(file.text) => {
                out.template = true;
                return;
            }
            Err(err) => {
                let position = Position {
                    line: err.line,
                    column: err.column,
                };
                let message = format!("not valid {}: {}", format.spec().title, err.message);
                out.findings.extend(self.diagnostic(
                    codes::INVALID_DATA_FILE,
                    file.path,
                    Span {
                        bytes: 0..0,
                        start: position,
                        end: position,
                    },
                    message,
                ));
                return;
            }
        };
        let terraform = self.terraform_facts(file).map(|t| value_from_json(&t));
        let input_keys = self.input_keys(&file_rules);
        for doc in &docs {
            let input = data::to_rego_keys(&doc.root, input_keys.as_ref());
            // `hindsight.file()`, built as regorus values: through JSON text it cost a tenth of the conversion
            // of a whole Terraform file.
            let mut facts = BTreeMap::from([
                (Value::from("path"), Value::from(display(file.path))),
                (Value::from("language"), Value::from(format.name())),
                (
                    Value::from("document"),
                    Value::from(u64::try_from(doc.index).unwrap_or(u64::MAX)),
                ),
            ]);
            if let Some(terraform) = &terraform {
                facts.insert(Value::from("terraform"), terraform.clone());
            }
            let facts = Value::from(facts);
            for &active_idx in &file_rules {
                let Some(policy) = self.policy(active_idx) else {
                    continue;
                };
                let evaluated =
                    self.time_rego(active_idx, || policy.evaluate(input.clone(), facts.clone()));
                match evaluated {
                    Ok(verdicts) => {
                        for verdict in verdicts {
                            let resolved = data::resolve(&doc.root, &verdict.path, file.text);
                            out.hits.push(Hit {
                                active_idx,
                                range: resolved.span,
                                message: verdict.msg,
                                fix: None,
                                severity: Some(self.verdict_severity(active_idx, verdict.kind)),
                                enclosing: crate::fingerprint::key_path(&verdict.path),
                                exempted: verdict.exempted,
                            });
                        }
                    }
                    Err(err) => out
                        .findings
                        .extend(self.rule_error(active_idx, file.path, &err)),
                }
            }
        }
        if repo_rules {
            keep.extend(repo_docs(file, format, docs));
        }
    }

    /// Does the Rego rule at `active_idx` read `file` as `format` data (its formats, its `files` globs, its
    /// prefilter)?
    pub(super) fn reads_data(
        &self,
        active_idx: usize,
        file: &SourceFile<'_>,
        format: DataFormat,
    ) -> bool {
        let rule = self.rule(self.active[active_idx]);
        rule.formats.contains(&format)
            && rule.reports_in(file.role, format.examples_are_code())
            && rule.applies_to(file.path)
            && rule.prefilter_admits(file)
    }

    /// The configuration formats some enabled repository-scope rule reads.
    pub fn repository_formats(&self) -> Vec<DataFormat> {
        let mut formats: Vec<DataFormat> = self
            .repository_rules
            .iter()
            .flat_map(|&idx| self.rule(self.active[idx]).formats.iter().copied())
            .collect();
        formats.sort_by_key(|f| f.name());
        formats.dedup();
        formats
    }

    /// The documents of a file that repository-scope rules want, without checking the file: for files a run
    /// reads only as context for those rules (in git modes, the repository around the changed files). A file
    /// that is not valid data, or a template, gives none: it is not part of the check, so it is not reported.
    pub fn repository_documents(&self, file: &SourceFile<'_>) -> Vec<RepoDoc> {
        let Some(format) = file.format else {
            return Vec::new();
        };
        let wanted = self
            .repository_rules
            .iter()
            .any(|&idx| self.reads_data(idx, file, format));
        if !wanted {
            return Vec::new();
        }
        let docs = match format {
            DataFormat::Yaml => match data::read_yaml(file.path, file.text) {
                data::YamlReading::Data(docs) => Ok(docs),
                data::YamlReading::Template | data::YamlReading::Invalid(_) => return Vec::new(),
            },
            _ => data::parse(format, file.text),
        };
        match docs {
            Ok(docs) => repo_docs(file, format, docs),
            Err(_) => Vec::new(),
        }
    }

    /// Runs the repository-scope rules once each, over every document kept from the check's files, and
    /// places their findings in the right files.
    pub fn check_repository(&self, documents: &[RepoDoc]) -> Vec<Finding> {
        let mut findings = Vec::new();
        for &active_idx in &self.repository_rules {
            let rule = self.rule(self.active[active_idx]);
            let Some(policy) = self.policy(active_idx) else {
                continue;
            };
            let docs: Vec<&RepoDoc> = documents
                .iter()
                .filter(|d| {
                    rule.formats.contains(&d.format)
                        && rule.reports_in(d.role, d.format.examples_are_code())
                        && rule.applies_to(&d.path)
                })
                .collect();
            if docs.is_empty() {
                continue;
            }
            // Built as regorus values directly: a repository can hold thousands of documents.
            let input: Vec<regorus::Value> = docs
                .iter()
                .map(|d| {
                    let mut entry = std::collections::BTreeMap::new();
                    entry.insert(
                        regorus::Value::from("path"),
                        regorus::Value::from(display(&d.path).as_str()),
                    );
                    entry.insert(
                        regorus::Value::from("document"),
                        regorus::Value::from(d.doc.index as u64),
                    );
                    entry.insert(regorus::Value::from("contents"), data::to_rego(&d.doc.root));
                    regorus::Value::from(entry)
                })
                .collect();
            let facts = json!({"path": "", "language": "", "document": 0, "documents": docs.len()});
            let verdicts = match self.time_rego(active_idx, || {
                policy.evaluate(regorus::Value::from(input), value_from_json(&facts))
            }) {
                Ok(verdicts) => verdicts,
                Err(err) => {
                    let path = docs
                        .first()
                        .map_or_else(|| Path::new("."), |d| d.path.as_path());
                    findings.extend(self.rule_error(active_idx, path, &err));
                    continue;
                }
            };
            for verdict in verdicts {
                if let Some(doc) = locate(&docs, &verdict) {
                    findings.push(self.repository_finding(active_idx, doc, verdict));
                }
            }
        }
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        // Fingerprints per file, in file order, over the file's own text.
        let mut start = 0;
        while start < findings.len() {
            let path = findings[start].path.clone();
            let end = start
                + findings[start..]
                    .iter()
                    .take_while(|f| f.path == path)
                    .count();
            let text = documents.iter().find(|d| d.path == path).map(|d| &*d.text);
            crate::fingerprint::assign(&mut findings[start..end], text);
            start = end;
        }
        self.apply_waivers(&mut findings);
        findings
    }

    /// The finding of a repository-scope rule's verdict about `doc`: its position from the verdict's key
    /// path, its severity, and what suppresses it (the policy's conftest `exception`, or a comment in the file).
    fn repository_finding(&self, active_idx: usize, doc: &RepoDoc, verdict: Verdict) -> Finding {
        let rule = self.rule(self.active[active_idx]);
        let resolved = data::resolve(&doc.doc.root, &verdict.path, &doc.text);
        let span = LineIndex::new(&doc.text).span(resolved.span.clone());
        let active = self.active[active_idx];
        let severity = if active.severity_configured {
            active.severity
        } else {
            self.verdict_severity(active_idx, verdict.kind)
        };
        let mut finding = Finding {
            code: rule.code.clone(),
            rule_id: rule.id.clone(),
            severity,
            message: verdict.msg,
            path: doc.path.clone(),
            span,
            incident: rule.incidents.first().cloned(),
            fix: None,
            suppressed: None,
            stage: self.stage_for(rule, &doc.path),
            enclosing: Some(crate::fingerprint::key_path(&verdict.path)).filter(|k| !k.is_empty()),
            fingerprint: String::new(),
            rendered: None,
        };
        finding.suppressed = match &verdict.exempted {
            Some(name) => Some(super::resolve::exception(name)),
            None => self.suppressed_in_text(&doc.text, doc.format, &finding),
        };
        finding
    }

    /// A reasoned, unexpired suppression of this finding in its file's text, if any.
    fn suppressed_in_text(
        &self,
        text: &str,
        format: DataFormat,
        finding: &Finding,
    ) -> Option<crate::finding::Suppressed> {
        if !text.contains(crate::check::suppress::MARKER) {
            return None;
        }
        let syntax = super::suppress::CommentSyntax::of_format(format);
        let comments = super::suppress::text_comments(text, syntax);
        let index = LineIndex::new(text);
        let suppressions = super::suppress::collect_suppressions(&comments, &index, syntax);
        suppressions
            .iter()
            .filter(|s| {
                s.target_line == finding.span.start.line && !s.expired(self.today.as_deref())
            })
            .filter(|s| s.directive.malformed.is_none())
            .find(|s| {
                s.directive
                    .codes
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(&finding.code) || **c == *finding.rule_id)
            })
            .and_then(|s| {
                s.directive
                    .reason
                    .clone()
                    .map(|reason| crate::finding::Suppressed {
                        reason,
                        line: s.line,
                        kind: crate::finding::SuppressionKind::Inline,
                    })
            })
    }

    /// The `HS9004` finding for a rule that failed on a file.
    fn rule_error(&self, active_idx: usize, path: &Path, err: &RegoError) -> Option<Finding> {
        let rule = self.rule(self.active[active_idx]);
        let what = if err.timed_out {
            let budget = rule.rego.as_ref().map_or(0, |r| r.timeout.as_millis());
            format!(
                "exceeded its time budget ({budget} ms) on {}",
                path.display()
            )
        } else if err.out_of_memory {
            format!(
                "exceeded its memory budget on {}: {}",
                path.display(),
                err.message
            )
        } else {
            let at = err
                .file
                .as_ref()
                .map(|f| format!(" ({f}:{}:{})", err.line, err.column))
                .unwrap_or_default();
            format!("failed: {}{at}", err.message)
        };
        let start = Position { line: 1, column: 1 };
        self.diagnostic(
            codes::RULE_RUNTIME_ERROR,
            path,
            Span {
                bytes: 0..0,
                start,
                end: start,
            },
            format!(
                "rule {} ({}) {what}; every other rule still ran on this file",
                rule.code, rule.id
            ),
        )
    }

    /// Problems compiling policies with the configured options, as `HS9004` findings on the configuration.
    pub fn option_problems(&self, config_path: &Path) -> Vec<Finding> {
        self.option_problems
            .iter()
            .filter_map(|(idx, err)| self.rule_error(*idx, config_path, err))
            .collect()
    }

    /// Data formats that at least one enabled Rego rule reads.
    pub fn formats(&self) -> Vec<DataFormat> {
        let mut formats: Vec<DataFormat> = self
            .config_rules
            .iter()
            .chain(&self.repository_rules)
            .flat_map(|&idx| self.rule(self.active[idx]).formats.iter().copied())
            .collect();
        formats.sort();
        formats.dedup();
        formats
    }
}

/// A file's documents, kept for repository-scope rules (the text shared by all of them).
fn repo_docs(file: &SourceFile<'_>, format: DataFormat, docs: Vec<data::DataDoc>) -> Vec<RepoDoc> {
    let text: Arc<str> = Arc::from(file.text);
    docs.into_iter()
        .map(|doc| RepoDoc {
            path: file.path.to_path_buf(),
            role: file.role,
            format,
            text: text.clone(),
            doc: Arc::new(doc),
        })
        .collect()
}

/// The document a repository-scope verdict is about: `file` and `document` name it; without them, the first.
fn locate<'d>(docs: &[&'d RepoDoc], verdict: &Verdict) -> Option<&'d RepoDoc> {
    let Some(file) = &verdict.file else {
        return docs.first().copied();
    };
    let in_file = docs
        .iter()
        .filter(|d| display(&d.path) == *file || d.path == Path::new(file));
    let mut candidates = in_file.peekable();
    let first = candidates.peek().copied().copied();
    match verdict.document {
        Some(index) => candidates.find(|d| d.doc.index == index).copied().or(first),
        None => first,
    }
}

/// The content of a Rust string literal (plain, byte or raw), escapes resolved: what `"\\d+"` and `r"\d+"`
/// both mean. `None` for a malformed literal.
fn string_value(literal: &str) -> Option<String> {
    let literal = literal
        .strip_prefix('b')
        .or_else(|| literal.strip_prefix('c'))
        .unwrap_or(literal);
    if let Some(raw) = literal.strip_prefix('r') {
        let hashes = "#".repeat(raw.len() - raw.trim_start_matches('#').len());
        let inner = raw
            .strip_prefix(hashes.as_str())?
            .strip_prefix('"')?
            .strip_suffix(hashes.as_str())?
            .strip_suffix('"')?;
        return Some(inner.to_string());
    }
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => {
                let hex: String = [chars.next()?, chars.next()?].iter().collect();
                out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let mut hex = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    if c != '_' {
                        hex.push(c);
                    }
                }
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            // A line continuation: the newline and the next line's leading whitespace are not part of it.
            '\n' | '\r' => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::string_value;

    #[test]
    fn string_literals_are_read_as_rust_reads_them() {
        let cases = [
            (r#""\\d+\\.\\d""#, Some(r"\d+\.\d")),
            (r#"r"\d+""#, Some(r"\d+")),
            (r##"r#"say "hi""#"##, Some(r#"say "hi""#)),
            (r#"b"a\x41""#, Some("aA")),
            (r#"br"\w""#, Some(r"\w")),
            (r#""\u{1F600}\t\"""#, Some("\u{1F600}\t\"")),
            ("\"a\\\n    b\"", Some("ab")),
            (r#""\q""#, None),
            ("'a'", None),
        ];
        for (literal, expected) in cases {
            assert_eq!(string_value(literal).as_deref(), expected, "{literal}");
        }
    }
}
