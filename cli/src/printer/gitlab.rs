//! GitLab Code Quality report: a JSON array of the unsuppressed findings, shown in merge requests when a job
//! uploads it as `artifacts: reports: codequality:`. Described in `docs/ci-output.md`.

use std::io::Write;

use hindsight_engine::Severity;
use serde_json::{Value, json};

use crate::printer::{Format, report_path};
use crate::report::Run;

/// `--format gitlab`.
pub(crate) const FORMAT: Format = Format {
    name: "gitlab",
    help: "GitLab Code Quality report",
    print: print_report,
};

/// Prints the unsuppressed findings as a GitLab Code Quality report.
fn print_report(out: &mut dyn Write, run: &Run<'_>, _color: bool) -> std::io::Result<()> {
    // Shadow findings are for machine output that can tell them apart; Code Quality cannot.
    let issues: Vec<Value> = run
        .report
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
