//! reviewdog's Diagnostic Format (rdjson), for `reviewdog -f=rdjson`: the unsuppressed findings, with fixes as
//! suggestions. Positions are 1-based; columns count UTF-8 bytes and ends are exclusive, as the format
//! defines. Described in `docs/ci-output.md`.

use std::io::Write;

use hindsight_engine::{Finding, Position, Severity};
use serde_json::{Map, Value, json};

use crate::printer::source::{SourceText, Sources};
use crate::printer::{Format, REPOSITORY, help_uri, report_path};
use crate::report::{RuleSet, Run};

/// `--format rdjson`.
pub(crate) const FORMAT: Format = Format {
    name: "rdjson",
    help: "reviewdog's Diagnostic Format (rdjson)",
    print: print_report,
};

/// Prints the unsuppressed findings as one rdjson `DiagnosticResult`.
fn print_report(out: &mut dyn Write, run: &Run<'_>, _color: bool) -> std::io::Result<()> {
    let (report, rules) = (&run.report, &run.rules);
    let mut sources = Sources::of(report);
    let unsuppressed: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| crate::printer::shown(f))
        .collect();
    let diagnostics: Vec<Value> = unsuppressed
        .iter()
        .map(|finding| diagnostic(finding, sources.get(&finding.path), rules))
        .collect();
    let mut document = Map::new();
    document.insert(
        "source".into(),
        json!({ "name": "hindsight", "url": REPOSITORY }),
    );
    // The overall severity is the worst finding's; a clean run has none.
    if let Some(worst) = unsuppressed.iter().map(|f| f.severity).max() {
        document.insert("severity".into(), json!(severity(worst)));
    }
    document.insert("diagnostics".into(), json!(diagnostics));
    serde_json::to_writer_pretty(&mut *out, &Value::Object(document))?;
    writeln!(out)
}

fn diagnostic(finding: &Finding, source: Option<&SourceText>, rules: &RuleSet<'_>) -> Value {
    let column = |position: Position| source.map_or(position.column, |s| s.byte_column(position));
    let point = |position: Position| json!({ "line": position.line.max(1), "column": column(position).max(1) });
    let mut code = Map::new();
    code.insert("value".into(), json!(&*finding.code));
    if let Some(url) = rules.rule(&finding.code).and_then(help_uri) {
        code.insert("url".into(), json!(url));
    }
    let mut diagnostic = Map::new();
    diagnostic.insert("message".into(), json!(finding.message));
    diagnostic.insert(
        "location".into(),
        json!({
            "path": report_path(&finding.path),
            "range": { "start": point(finding.span.start), "end": point(finding.span.end) },
        }),
    );
    diagnostic.insert("severity".into(), json!(severity(finding.severity)));
    diagnostic.insert("code".into(), Value::Object(code));
    // A fix is given as bytes; it needs the file's text to become a range.
    if let (Some(fix), Some(source)) = (&finding.fix, source) {
        let at = |offset: usize| {
            let (line, column) = source.byte_position(offset);
            json!({ "line": line, "column": column })
        };
        diagnostic.insert(
            "suggestions".into(),
            json!([{
                "range": { "start": at(fix.bytes.start), "end": at(fix.bytes.end) },
                "text": fix.replacement,
            }]),
        );
    }
    Value::Object(diagnostic)
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}
