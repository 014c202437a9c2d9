//! The JSON wire format, version 1. Every field is described in `docs/json-output.md`; a change that removes
//! or renames a field bumps `version`.

use std::io::Write;

use hindsight_engine::rule::Stage;
use hindsight_engine::walk::{Note, NoteKind};
use hindsight_engine::{Finding, Rule, Severity, Suppressed, SuppressionKind};
use serde_json::{Value, json};

use crate::printer::Format;
use crate::report::Run;

/// `--format json`.
pub(crate) const FORMAT: Format = Format {
    name: "json",
    help: "The versioned JSON wire format (docs/json-output.md)",
    print: print_report,
};

/// Version of the `check --format json` document.
pub(crate) const WIRE_VERSION: u32 = 1;

/// Prints the run as one JSON document.
fn print_report(out: &mut dyn Write, run: &Run<'_>, _color: bool) -> std::io::Result<()> {
    let (report, stats) = (&run.report, &run.stats);
    let mut document = json!({
        "version": WIRE_VERSION,
        "tool": { "name": "hindsight", "version": env!("CARGO_PKG_VERSION") },
        "findings": report.findings.iter().map(finding).collect::<Vec<_>>(),
        "notes": report.notes.iter().map(note).collect::<Vec<_>>(),
        "errors": report.problems.iter().map(|problem| json!({
            "path": problem.path.display().to_string(),
            "message": problem.message,
        })).collect::<Vec<_>>(),
        "summary": {
            "files_checked": report.files_checked,
            "bytes_checked": report.bytes_checked,
            "rules": stats.n_rules,
            "errors": stats.count(Severity::Error),
            "warnings": stats.count(Severity::Warning),
            "infos": stats.count(Severity::Info),
            "suppressed": stats.n_suppressed,
            "stages": {
                "enforce": stats.count_stage(Stage::Enforce),
                "warn": stats.count_stage(Stage::Warn),
                "shadow": stats.count_stage(Stage::Shadow),
            },
            "fixed": stats.n_fixed,
            "elapsed_ms": u64::try_from(report.elapsed.as_millis()).unwrap_or(u64::MAX),
        },
    });
    // Counts of what git and baseline modes left out (`untouched`, `existing`, `baselined`,
    // `stale_baseline_entries`), present only in those modes.
    if let Some(summary) = document.get_mut("summary").and_then(Value::as_object_mut) {
        for omitted in &stats.extra {
            summary.insert(omitted.key.into(), json!(omitted.count));
        }
    }
    // Only with `--timings`.
    if let (Some(timings), Some(object)) = (&run.timings, document.as_object_mut()) {
        object.insert("timings".into(), timings.json());
    }
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn note(note: &Note) -> Value {
    let mut value = json!({
        "path": note.path.display().to_string(),
        "kind": note.kind.name(),
        "message": note.message(),
    });
    // The lines the message names, for tools: 1-based, both ends included.
    if let (NoteKind::SyntaxErrors(lines), Some(object)) = (&note.kind, value.as_object_mut()) {
        let lines = lines
            .iter()
            .map(|l| json!({ "first": l.first, "last": l.last }))
            .collect::<Vec<_>>();
        object.insert("lines".into(), json!(lines));
    }
    value
}

fn finding(finding: &Finding) -> Value {
    let mut value = json!({
        "code": &*finding.code,
        "rule_id": &*finding.rule_id,
        "severity": finding.severity.as_str(),
        "message": finding.message,
        "path": finding.path.display().to_string(),
        "start": { "line": finding.span.start.line, "column": finding.span.start.column },
        "end": { "line": finding.span.end.line, "column": finding.span.end.column },
        "byte_range": { "start": finding.span.bytes.start, "end": finding.span.bytes.end },
        "incident": finding.incident.as_ref().map(|incident| super::incident_json(incident)),
        "fix": finding.fix.as_ref().map(|fix| json!({
            "byte_range": { "start": fix.bytes.start, "end": fix.bytes.end },
            "replacement": fix.replacement,
        })),
        "suppressed": finding.suppressed.as_ref().map(suppressed),
        "stage": finding.stage.as_str(),
        "enclosing": finding.enclosing,
        "fingerprint": finding.fingerprint,
    });
    // Only findings on rendered manifests carry it, so other output is unchanged.
    if let (Some(rendered), Value::Object(map)) = (&finding.rendered, &mut value) {
        map.insert("rendered".into(), super::rendered_json(rendered));
    }
    value
}

fn suppressed(suppressed: &Suppressed) -> Value {
    let mut value = json!({
        "kind": suppressed.kind.as_str(),
        "reason": suppressed.reason,
        "line": suppressed.line,
    });
    if let (
        SuppressionKind::Waiver {
            owner,
            expires,
            ticket,
        },
        Value::Object(map),
    ) = (&suppressed.kind, &mut value)
    {
        map.insert("owner".into(), json!(owner));
        map.insert("expires".into(), json!(expires));
        map.insert("ticket".into(), json!(ticket));
    }
    value
}

/// One entry of `hindsight rules --format json`.
pub(crate) fn rule_summary(rule: &Rule) -> Value {
    json!({
        "code": &*rule.code,
        "id": &*rule.id,
        "title": rule.title,
        "severity": rule.severity.as_str(),
        "stage": rule.stage.as_str(),
        "language": rule.language.map(|l| l.name()),
        "languages": rule.languages().map(|l| l.name()).collect::<Vec<_>>(),
        "formats": rule.formats.iter().map(|f| f.name()).collect::<Vec<_>>(),
        "enforcement": rule.enforcement.as_str(),
        "fix": rule.has_fix(),
        "source": rule.origin.path,
    })
}

/// The incidents a rule cites.
pub(crate) fn incidents(rule: &Rule) -> Value {
    rule.incidents
        .iter()
        .map(|i| json!({ "id": i.id, "date": i.date, "organisation": i.organisation, "summary": i.summary, "url": i.url }))
        .collect()
}

/// `hindsight explain --format json`: the summary plus docs, incidents and examples.
pub(crate) fn rule_explanation(rule: &Rule) -> Value {
    let mut value = rule_summary(rule);
    let examples = |list: &[hindsight_engine::rule::Example]| {
        list.iter()
            .map(|e| json!({ "path": e.path, "code": e.code }))
            .collect::<Vec<_>>()
    };
    if let Value::Object(map) = &mut value {
        map.insert("message".into(), json!(rule.message));
        map.insert(
            "docs".into(),
            json!({ "what": rule.docs.what, "why": rule.docs.why, "fix": rule.docs.fix, "references": rule.docs.references }),
        );
        map.insert("incidents".into(), incidents(rule));
        map.insert(
            "examples".into(),
            json!({ "bad": examples(&rule.bad_examples), "good": examples(&rule.good_examples) }),
        );
        let forms: Vec<Value> = rule
            .forms
            .iter()
            .map(|form| {
                json!({
                    "languages": form.languages.iter().map(|l| l.name()).collect::<Vec<_>>(),
                    "message": form.message,
                    "stage": form.stage.unwrap_or(rule.stage).as_str(),
                    "what": form.what,
                    "examples": { "bad": examples(&form.bad_examples), "good": examples(&form.good_examples) },
                })
            })
            .collect();
        map.insert("forms".into(), json!(forms));
        map.insert(
            "markdown".into(),
            json!(hindsight_engine::codex::docs::render_markdown(rule)),
        );
    }
    value
}
