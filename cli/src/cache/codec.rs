//! The cache's own encoding of a file's results. The engine's types are not `Serialize` (only the documented
//! wire formats are), so the cache keeps private mirrors of them here: what it stores is versioned by
//! [`super::FORMAT_VERSION`] and never read by anything else.

use std::path::PathBuf;
use std::sync::Arc;

use hindsight_engine::finding::{Incident, Stage};
use hindsight_engine::rule::codes;
use hindsight_engine::{Edit, FileReport, Finding, Position, Severity, Span};
use hindsight_engine::{Suppressed, SuppressionKind};
use serde::{Deserialize, Serialize};

/// One file's results, as stored.
#[derive(Serialize, Deserialize)]
pub(super) struct FileRecord {
    /// The file's key ([`super::key::file_key`]), hex.
    pub(super) key: String,
    pub(super) findings: Vec<FindingRecord>,
    /// Syntax-error spans.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) errors: Vec<SpanRecord>,
    /// The file is a template, not read as data.
    #[serde(default, skip_serializing_if = "is_false")]
    pub(super) template: bool,
    /// The file has documents repository-scope rules read: a run whose repository-scope results are not
    /// cached reads it again for them.
    #[serde(default, skip_serializing_if = "is_false")]
    pub(super) documents: bool,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `skip_serializing_if` passes a reference.
fn is_false(value: &bool) -> bool {
    !*value
}

/// A finding, as stored.
#[derive(Serialize, Deserialize)]
pub(super) struct FindingRecord {
    code: String,
    id: String,
    severity: String,
    message: String,
    path: PathBuf,
    span: SpanRecord,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    incident: Option<IncidentRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fix: Option<(usize, usize, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    suppressed: Option<SuppressedRecord>,
    stage: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    enclosing: Option<String>,
    fingerprint: String,
}

/// Byte range, then start and end line and column.
#[derive(Serialize, Deserialize)]
pub(super) struct SpanRecord(usize, usize, usize, usize, usize, usize);

#[derive(Serialize, Deserialize)]
struct IncidentRecord {
    id: Option<String>,
    date: String,
    organisation: String,
    summary: String,
    url: String,
    ticket: Option<String>,
}

/// Only inline suppressions and conftest exceptions are stored: waivers are applied after the cache (they
/// expire by date) and baselines after the whole run.
#[derive(Serialize, Deserialize)]
struct SuppressedRecord {
    reason: String,
    line: usize,
    /// `inline` or `exception`.
    kind: String,
}

/// Why a file's results are not stored: they would not be what a later run computes.
pub(super) fn storable(report: &FileReport) -> bool {
    report.findings.iter().all(storable_finding)
}

/// A finding a later run would report the same way. A rule's runtime error (`HS9004`: a policy past its time
/// budget on a busy machine) is not a fact about the file, and a rendered finding comes from a tool's output.
pub(super) fn storable_finding(finding: &Finding) -> bool {
    &*finding.code != codes::RULE_RUNTIME_ERROR && finding.rendered.is_none()
}

impl FileRecord {
    pub(super) fn new(key: String, report: &FileReport) -> Self {
        Self {
            key,
            findings: report.findings.iter().map(FindingRecord::new).collect(),
            errors: report.syntax_errors.iter().map(SpanRecord::new).collect(),
            template: report.skipped_template,
            documents: !report.documents.is_empty(),
        }
    }

    /// The report this record stands for, without documents (they are read again when needed), or `None`
    /// when a field does not decode (an entry from another version, or damaged on disk).
    pub(super) fn report(&self) -> Option<FileReport> {
        Some(FileReport {
            findings: decode_all(&self.findings)?,
            syntax_errors: self.errors.iter().map(SpanRecord::span).collect(),
            skipped_template: self.template,
            documents: Vec::new(),
        })
    }
}

/// Decodes findings; `None` if any does not decode.
pub(super) fn decode_all(records: &[FindingRecord]) -> Option<Vec<Finding>> {
    records.iter().map(FindingRecord::finding).collect()
}

impl FindingRecord {
    pub(super) fn new(finding: &Finding) -> Self {
        Self {
            code: finding.code.to_string(),
            id: finding.rule_id.to_string(),
            severity: finding.severity.as_str().to_string(),
            message: finding.message.clone(),
            path: finding.path.clone(),
            span: SpanRecord::new(&finding.span),
            incident: finding.incident.as_deref().map(|i| IncidentRecord {
                id: i.id.clone(),
                date: i.date.clone(),
                organisation: i.organisation.clone(),
                summary: i.summary.clone(),
                url: i.url.clone(),
                ticket: i.ticket.clone(),
            }),
            fix: finding
                .fix
                .as_ref()
                .map(|e| (e.bytes.start, e.bytes.end, e.replacement.clone())),
            // A waiver's suppression is left out: waivers are applied again after the cache, on today's date.
            suppressed: finding.suppressed.as_ref().and_then(|s| match s.kind {
                SuppressionKind::Inline | SuppressionKind::Exception => Some(SuppressedRecord {
                    reason: s.reason.clone(),
                    line: s.line,
                    kind: s.kind.as_str().to_string(),
                }),
                SuppressionKind::Waiver { .. } | SuppressionKind::Baseline => None,
            }),
            stage: finding.stage.as_str().to_string(),
            enclosing: finding.enclosing.clone(),
            fingerprint: finding.fingerprint.clone(),
        }
    }

    fn finding(&self) -> Option<Finding> {
        let suppressed = match &self.suppressed {
            None => None,
            Some(s) => Some(Suppressed {
                reason: s.reason.clone(),
                line: s.line,
                kind: match s.kind.as_str() {
                    "inline" => SuppressionKind::Inline,
                    "exception" => SuppressionKind::Exception,
                    _ => return None,
                },
            }),
        };
        Some(Finding {
            code: Arc::from(self.code.as_str()),
            rule_id: Arc::from(self.id.as_str()),
            severity: Severity::parse(&self.severity)?,
            message: self.message.clone(),
            path: self.path.clone(),
            span: self.span.span(),
            incident: self.incident.as_ref().map(|i| {
                Arc::new(Incident {
                    id: i.id.clone(),
                    date: i.date.clone(),
                    organisation: i.organisation.clone(),
                    summary: i.summary.clone(),
                    url: i.url.clone(),
                    ticket: i.ticket.clone(),
                })
            }),
            fix: self.fix.as_ref().map(|(start, end, replacement)| Edit {
                bytes: *start..*end,
                replacement: replacement.clone(),
            }),
            suppressed,
            stage: Stage::parse(&self.stage)?,
            enclosing: self.enclosing.clone(),
            fingerprint: self.fingerprint.clone(),
            rendered: None,
        })
    }
}

impl SpanRecord {
    fn new(span: &Span) -> Self {
        Self(
            span.bytes.start,
            span.bytes.end,
            span.start.line,
            span.start.column,
            span.end.line,
            span.end.column,
        )
    }

    fn span(&self) -> Span {
        Span {
            bytes: self.0..self.1,
            start: Position {
                line: self.2,
                column: self.3,
            },
            end: Position {
                line: self.4,
                column: self.5,
            },
        }
    }
}
