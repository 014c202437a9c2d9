//! Findings as LSP diagnostics: code, docs link, severity from the rule's stage, the incident as related
//! information, and `data` with what code actions need.

use std::str::FromStr as _;

use hindsight_engine::rule::{Enforcement, LoadProblem, Stage};
use hindsight_engine::{Finding, Lang, Severity};
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, Uri,
};
use serde::{Deserialize, Serialize};

use super::workspace::Workspace;
use crate::text::LineIndex;

/// The `source` of every diagnostic hindsight publishes.
pub(crate) const SOURCE: &str = "hindsight";

/// What a diagnostic carries for code actions (its `data`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DiagnosticData {
    /// The document version the diagnostic was computed for; a fix applies only to that version.
    pub(crate) version: Option<i32>,
    /// The rule's fix, in the document's coordinates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) fix: Option<FixData>,
    /// Can the finding be allowed with an inline suppression here?
    #[serde(default)]
    pub(crate) allow: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FixData {
    pub(crate) range: Range,
    pub(crate) new_text: String,
}

/// The LSP severity of a finding: shadow findings are not shown, warn-stage findings are warnings, enforced
/// ones keep their severity. Suppressed findings are not shown either.
pub(crate) fn severity(finding: &Finding) -> Option<DiagnosticSeverity> {
    if finding.suppressed.is_some() {
        return None;
    }
    match finding.stage {
        Stage::Shadow => None,
        Stage::Warn => Some(DiagnosticSeverity::WARNING),
        Stage::Enforce => Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
    }
}

/// One finding as a diagnostic, `None` when it is not shown.
pub(crate) fn from_finding(
    workspace: &Workspace,
    index: &LineIndex<'_>,
    version: Option<i32>,
    finding: &Finding,
) -> Option<Diagnostic> {
    let severity = severity(finding)?;
    let range = index.span_range(&finding.span);
    let rule = workspace.checker.pack().get(&finding.code);
    let allow = rule
        .is_some_and(|r| matches!(r.enforcement, Enforcement::Match | Enforcement::Rego))
        && comment_prefix(&finding.path).is_some();
    let fix = finding.fix.as_ref().map(|edit| FixData {
        range: index.range(edit.bytes.clone()),
        new_text: edit.replacement.clone(),
    });
    let related = finding.incident.as_ref().and_then(|incident| {
        let uri = Uri::from_str(&incident.url).ok()?;
        Some(vec![DiagnosticRelatedInformation {
            location: Location {
                uri,
                range: Range::default(),
            },
            message: format!(
                "incident: {} {}: {}",
                incident.date, incident.organisation, incident.summary
            ),
        }])
    });
    let data = DiagnosticData {
        version,
        fix,
        allow,
    };
    Some(Diagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String(finding.code.to_string())),
        code_description: href(workspace, &finding.code),
        source: Some(SOURCE.to_string()),
        message: finding.message.clone(),
        related_information: related,
        tags: None,
        data: serde_json::to_value(data).ok(),
    })
}

fn href(workspace: &Workspace, code: &str) -> Option<CodeDescription> {
    let url = workspace.docs_url(code)?;
    Some(CodeDescription {
        href: Uri::from_str(&url).ok()?,
    })
}

/// A rule file that failed to load, as an error on that file at the problem's position.
pub(crate) fn from_load_problem(
    workspace: &Workspace,
    index: Option<&LineIndex<'_>>,
    problem: &LoadProblem,
) -> Diagnostic {
    let message = match &problem.hint {
        Some(hint) => format!("{}; {hint}", problem.message),
        None => problem.message.clone(),
    };
    let code = hindsight_engine::rule::codes::RULE_LOAD_ERROR;
    Diagnostic {
        range: point(index, problem.line, problem.column),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(code.to_string())),
        code_description: href(workspace, code),
        source: Some(SOURCE.to_string()),
        message: format!("{message} (this rule file is skipped; every other rule still runs)"),
        ..Diagnostic::default()
    }
}

/// A plain diagnostic at a 1-based line and column, without a rule code (a broken `hindsight.toml`).
pub(crate) fn at_line(
    index: Option<&LineIndex<'_>>,
    line: usize,
    column: usize,
    severity: DiagnosticSeverity,
    message: String,
) -> Diagnostic {
    Diagnostic {
        range: point(index, line, column),
        severity: Some(severity),
        source: Some(SOURCE.to_string()),
        message,
        ..Diagnostic::default()
    }
}

fn point(index: Option<&LineIndex<'_>>, line: usize, column: usize) -> Range {
    let start = match index {
        Some(index) => index.position_at_line_column(line, column),
        None => Position {
            line: u32::try_from(line.saturating_sub(1)).unwrap_or(0),
            character: u32::try_from(column.saturating_sub(1)).unwrap_or(0),
        },
    };
    Range { start, end: start }
}

/// The line comment a suppression is written with in this file, `None` where comments are not allowed (JSON).
pub(crate) fn comment_prefix(path: &std::path::Path) -> Option<&'static str> {
    if let Some(lang) = Lang::from_file(path) {
        return Some(lang.spec().line_comment);
    }
    hindsight_engine::data::DataFormat::from_path(path).map(|format| format.spec().line_comment)
}

/// What closes a suppression comment in this file (` -->` in XML, whose only comments are blocks), else "".
pub(crate) fn comment_close(path: &std::path::Path) -> String {
    if Lang::from_file(path).is_some() {
        return String::new();
    }
    hindsight_engine::data::DataFormat::from_path(path)
        .and_then(|format| format.spec().block_comment)
        .map(|(_, close)| format!(" {close}"))
        .unwrap_or_default()
}
