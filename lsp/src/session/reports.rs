//! Everything hindsight reports on one file, from the session's state: the open document's last check,
//! repository-scope findings, a broken rule file or configuration. Pushing (`schedule/publish.rs`) and pulling
//! (`textDocument/diagnostic`, `workspace/diagnostic`) both start here.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use lsp_types::{Diagnostic, DiagnosticSeverity, Uri};
use serde_json::{Value, json};

use super::Session;
use super::diagnostics;
use super::document::Checked;
use super::workspace::Workspace;
use crate::client::Client;
use crate::text::{Encoding, LineIndex};

impl Session {
    /// Everything hindsight reports on one file: the document's findings (when open), repository-scope
    /// findings, a broken rule file or configuration.
    pub(crate) fn diagnostics_for(&mut self, client: &Client, uri: &Uri) -> Vec<Diagnostic> {
        let path = self.path_of(uri);
        let workspace_idx = self.workspace_index(client, path.as_deref());
        let mut out = Vec::new();
        let document = self.documents.get(uri);
        let Some(workspace) = self.workspaces.get(workspace_idx) else {
            return out;
        };
        if let Some(checked) = document.and_then(|d| d.checked.as_ref()) {
            out.extend(checked_diagnostics(
                workspace,
                checked,
                self.client_caps.encoding,
            ));
        }
        let Some(path) = path else {
            return out;
        };
        let disk_text = OnceCell::new();
        let text = || -> Option<&str> {
            match document {
                Some(document) => Some(document.text.as_str()),
                None => disk_text
                    .get_or_init(|| std::fs::read_to_string(&path).ok())
                    .as_deref(),
            }
        };
        let file = FileReport {
            path: &path,
            version: document.map(|d| d.version),
            encoding: self.client_caps.encoding,
        };
        for workspace in &self.workspaces {
            let repository = self.repository_findings.get(&workspace.root);
            file.add_workspace_diagnostics(&mut out, workspace, repository, text);
        }
        out
    }

    /// Files outside the open documents that have something to report (repository findings, broken rule files
    /// and configuration).
    pub(crate) fn workspace_diagnostic_paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = Vec::new();
        for workspace in &self.workspaces {
            if let Some(findings) = self.repository_findings.get(&workspace.root) {
                paths.extend(findings.iter().map(|f| f.path.clone()));
            }
            paths.extend(
                workspace
                    .load_problems()
                    .iter()
                    .map(|p| PathBuf::from(&p.path)),
            );
            if let Some(config) = &workspace.config_file
                && (workspace.config_problem.is_some()
                    || !workspace.checker.option_problems(config).is_empty())
            {
                paths.push(config.clone());
            }
        }
        paths.sort();
        paths.dedup();
        paths
    }

    /// A full `textDocument/diagnostic` report of everything hindsight says about one document.
    pub(crate) fn full_report(&mut self, client: &Client, uri: &Uri) -> Value {
        json!({"kind": "full", "items": self.diagnostics_for(client, uri)})
    }
}

/// The diagnostics of a document's own check: its findings, or why it was not analysed.
fn checked_diagnostics(
    workspace: &Workspace,
    checked: &Checked,
    encoding: Encoding,
) -> Vec<Diagnostic> {
    if let Some((size, limit)) = checked.too_large {
        return vec![diagnostics::at_line(
            None,
            1,
            1,
            DiagnosticSeverity::INFORMATION,
            format!(
                "hindsight did not analyse this file: {size} bytes is over the {limit}-byte limit (`[files] max_size` in hindsight.toml)"
            ),
        )];
    }
    let index = LineIndex::new(&checked.text, encoding);
    checked
        .findings
        .iter()
        .filter_map(|f| diagnostics::from_finding(workspace, &index, Some(checked.version), f))
        .collect()
}

/// One file's report beyond its own check, built workspace by workspace.
struct FileReport<'a> {
    path: &'a Path,
    /// The open document's version, if it is open.
    version: Option<i32>,
    encoding: Encoding,
}

impl FileReport<'_> {
    /// What one workspace says about the file: repository-scope findings, a broken rule or policy file, and
    /// for its configuration file, why it could not be used and what its options get wrong. `text` is the
    /// file's text (the open document's, else read from disk once), for positions.
    fn add_workspace_diagnostics<'t>(
        &self,
        out: &mut Vec<Diagnostic>,
        workspace: &Workspace,
        repository_findings: Option<&Vec<hindsight_engine::Finding>>,
        text: impl Fn() -> Option<&'t str>,
    ) {
        let encoding = self.encoding;
        if let Some(findings) = repository_findings {
            for finding in findings.iter().filter(|f| f.path == self.path) {
                let index = LineIndex::new(text().unwrap_or(""), encoding);
                out.extend(diagnostics::from_finding(
                    workspace,
                    &index,
                    self.version,
                    finding,
                ));
            }
        }
        for problem in workspace.load_problems() {
            if Path::new(&problem.path) == self.path {
                let index = text().map(|t| LineIndex::new(t, encoding));
                let diagnostic = diagnostics::from_load_problem(workspace, index.as_ref(), problem);
                if !out.contains(&diagnostic) {
                    out.push(diagnostic);
                }
            }
        }
        if workspace.config_file.as_deref() == Some(self.path) {
            let index = text().map(|t| LineIndex::new(t, encoding));
            if let Some((_, line, column, message)) = &workspace.config_problem {
                out.push(diagnostics::at_line(
                    index.as_ref(),
                    *line,
                    *column,
                    DiagnosticSeverity::ERROR,
                    format!("invalid configuration, so hindsight uses its defaults: {message}"),
                ));
            }
            let index = LineIndex::new(text().unwrap_or(""), encoding);
            for finding in workspace.checker.option_problems(self.path) {
                out.extend(diagnostics::from_finding(
                    workspace,
                    &index,
                    self.version,
                    &finding,
                ));
            }
        }
    }
}
