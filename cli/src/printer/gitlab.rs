//! GitLab Code Quality report: a JSON array of the unsuppressed findings, shown in merge requests when a job
//! uploads it as `artifacts: reports: codequality:`. Described in `docs/ci-output.md`.

use std::io::Write;

use hindsight_engine::Severity;
use hindsight_engine::walk::Report;
use serde_json::{Value, json};

use crate::commands::check::Stats;
use crate::printer::{RuleSet, report_path};

/// Prints the unsuppressed findings as a GitLab Code Quality report.
pub(crate) fn print_report(
    out: &mut impl Write,
    report: &Report,
    _stats: &Stats,
    _rules: &RuleSet<'_>,
) -> std::io::Result<()> {
    // Shadow findings are for machine output that can tell them apart; Code Quality cannot.
    let issues: Vec<Value> = report
        .findings
        .iter()
        .filter(|finding| crate::printer::shown(finding))
        .map(|finding| {
            json!({
                "description": format!("{}: {}", finding.code, finding.message),
                "check_name": &*finding.code,
                "fingerprint": finding.fingerprint,
                "severity": match finding.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "major",
                    Severity::Info => "info",
                },
                "location": {
                    "path": report_path(&finding.path),
                    "lines": { "begin": finding.span.start.line.max(1) },
                },
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
