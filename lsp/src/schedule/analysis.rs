//! The work behind diagnostics, run on the worker threads: checking one open document, and reading every
//! configuration document of a workspace for the repository-scope rules.

use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use hindsight_engine::source::scope::conventional_role;
use hindsight_engine::walk;
use hindsight_engine::{Checker, Config, Finding, SourceFile};

use crate::session::workspace::Scope;
use tree_sitter::Tree;

/// Checks one document's text as `hindsight check` would at the workspace root, reparsing incrementally from
/// `old_tree` (the last tree, edited in step with the text) when there is one. Returns the new tree too.
pub(crate) fn check_document(
    checker: &Checker,
    scope: &Scope,
    relative_path: &Path,
    absolute_path: Option<&Path>,
    text: &str,
    old_tree: Option<&Tree>,
) -> (Vec<Finding>, Option<Tree>) {
    let role = match absolute_path {
        Some(path) => scope.role_of(path),
        None => conventional_role(relative_path).role,
    };
    let file = SourceFile::new(relative_path, role, text);
    let (report, tree) = checker.check_source_with_tree(&file, old_tree);
    (report.findings, tree)
}

/// A check of one document slower than this is measured once more, rule by rule ([`slow_rules`]).
pub(crate) const CHECK_BUDGET: std::time::Duration = std::time::Duration::from_millis(100);

/// A rule's budget on one document: the edit-to-diagnostics latency the server aims at for a whole check.
pub(crate) const RULE_BUDGET: std::time::Duration = std::time::Duration::from_millis(20);

/// Checks the document again measuring each rule, and describes each rule over [`RULE_BUDGET`], slowest
/// first, for the log: a slow editor is then one rule to disable or report, not a guess.
pub(crate) fn slow_rules(
    checker: &Checker,
    scope: &Scope,
    relative_path: &Path,
    absolute_path: Option<&Path>,
    text: &str,
) -> Vec<String> {
    let role = match absolute_path {
        Some(path) => scope.role_of(path),
        None => conventional_role(relative_path).role,
    };
    let file = SourceFile::new(relative_path, role, text);
    let (_, _, rules) = checker.check_source_timed(&file, None);
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    rules
        .into_iter()
        .filter(|rule| rule.total() > RULE_BUDGET)
        .map(|rule| {
            format!(
                "rule {} took {:.0} ms (matching {:.0} ms, Rego {:.0} ms), over its {} ms budget",
                rule.code,
                ms(rule.total()),
                ms(rule.matching),
                ms(rule.rego),
                RULE_BUDGET.as_millis()
            )
        })
        .collect()
}

/// Runs the repository-scope rules over every configuration document under `root`, with the open documents'
/// text in place of what is on disk. Findings carry absolute paths. `None` when cancelled.
pub(crate) fn scan_repository(
    checker: &Checker,
    config: &Config,
    root: &Path,
    open: &HashMap<PathBuf, Arc<str>>,
    cancelled: &AtomicBool,
) -> Option<Vec<Finding>> {
    let options = crate::session::workspace::data_walk(config, checker.formats());
    let (files, _problems) = walk::discover(&[root.to_path_buf()], &options);
    let mut documents = Vec::new();
    for entry in files {
        if cancelled.load(Ordering::Relaxed) {
            return None;
        }
        let Some(format) = entry.format else { continue };
        let text = match open.get(&entry.path) {
            Some(text) => Some(text.to_string()),
            None => read_text(&entry.path, config.max_file_size),
        };
        let Some(text) = text else { continue };
        let relative = entry.path.strip_prefix(root).unwrap_or(&entry.path);
        // Only the data is wanted: no syntax tree, so structural rules do not run again here.
        let file = SourceFile {
            path: relative,
            role: entry.scope.role,
            text: &text,
            lang: None,
            format: Some(format),
        };
        documents.extend(checker.check_source(&file).documents);
    }
    let mut findings = checker.check_repository(&documents);
    for finding in &mut findings {
        finding.path = root.join(&finding.path);
    }
    Some(findings)
}

/// A file's text, unless it is over the size cap, binary or not UTF-8 (the same rules as `hindsight check`).
fn read_text(path: &Path, max_size: u64) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    file.take(max_size + 1).read_to_end(&mut bytes).ok()?;
    if bytes.len() as u64 > max_size || bytes.iter().take(8192).any(|&b| b == 0) {
        return None;
    }
    String::from_utf8(bytes).ok()
}
