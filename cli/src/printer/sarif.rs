//! SARIF 2.1.0, for GitHub code scanning and other SARIF viewers. One run; every field is described in
//! `docs/ci-output.md`, and `scripts/validate-sarif.sh` checks the output against the official schema.

use std::io::Write;
use std::path::Path;

use hindsight_engine::rule::Stage;
use hindsight_engine::{Finding, Severity, Span, SuppressionKind};
use serde_json::{Map, Value, json};

use crate::paths::forward_slashes;
use crate::printer::{Format, REPOSITORY, report_path, rule_tags};
use crate::report::{RuleEntry, RuleSet, Run};

/// `--format sarif`.
pub(crate) const FORMAT: Format = Format {
    name: "sarif",
    help: "SARIF 2.1.0, for GitHub code scanning (docs/ci-output.md)",
    print: print_report,
};

/// The `uriBaseId` of every relative path: the directory hindsight ran in.
const SRCROOT: &str = "%SRCROOT%";

/// Prints the report as one SARIF 2.1.0 log.
fn print_report(out: &mut dyn Write, run: &Run<'_>, _color: bool) -> std::io::Result<()> {
    let (report, rules) = (&run.report, &run.rules);
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|finding| result(finding, rules))
        .collect();
    let mut notifications: Vec<Value> = report
        .problems
        .iter()
        .map(|problem| notification("error", None, &problem.message, &problem.path))
        .collect();
    notifications.extend(
        report
            .notes
            .iter()
            .map(|note| notification("note", Some(note.kind.name()), &note.message(), &note.path)),
    );
    let mut invocation = Map::new();
    invocation.insert(
        "executionSuccessful".into(),
        json!(report.problems.is_empty()),
    );
    if !notifications.is_empty() {
        invocation.insert("toolExecutionNotifications".into(), json!(notifications));
    }
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "hindsight",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": REPOSITORY,
                "rules": rules.entries().iter().map(rule_descriptor).collect::<Vec<_>>(),
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    // Where `%SRCROOT%` is on this machine; viewers resolve the relative paths against it.
    if let (Value::Object(run), Ok(cwd)) = (&mut run, std::env::current_dir()) {
        run.insert(
            "originalUriBaseIds".into(),
            json!({ SRCROOT: { "uri": directory_uri(&cwd) } }),
        );
    }
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn rule_descriptor(entry: &RuleEntry<'_>) -> Value {
    let mut descriptor = Map::new();
    descriptor.insert("id".into(), json!(&*entry.code));
    descriptor.insert("name".into(), json!(&*entry.id));
    if let Some(rule) = entry.rule {
        let help = hindsight_engine::codex::docs::render_markdown(rule);
        descriptor.insert("shortDescription".into(), json!({ "text": rule.title }));
        descriptor.insert(
            "fullDescription".into(),
            json!({ "text": rule.docs.what.trim_end() }),
        );
        descriptor.insert("help".into(), json!({ "text": help, "markdown": help }));
        if let Some(uri) = crate::printer::help_uri(rule) {
            descriptor.insert("helpUri".into(), json!(uri));
        }
    }
    descriptor.insert(
        "defaultConfiguration".into(),
        json!({ "level": level(entry.severity) }),
    );
    if let Some(rule) = entry.rule {
        descriptor.insert(
            "properties".into(),
            json!({
                "incidents": rule.incidents.iter().map(|incident| super::incident_json(incident)).collect::<Vec<_>>(),
                "stage": rule.stage.as_str(),
                "tags": rule_tags(rule),
            }),
        );
    }
    Value::Object(descriptor)
}

fn result(finding: &Finding, rules: &RuleSet<'_>) -> Value {
    let mut result = Map::new();
    result.insert("ruleId".into(), json!(&*finding.code));
    if let Some(index) = rules.index_of(&finding.code) {
        result.insert("ruleIndex".into(), json!(index));
    }
    // A shadow finding is a note whatever its severity: it is there to be watched, not acted on.
    let level = match finding.stage {
        Stage::Shadow => "note",
        Stage::Warn | Stage::Enforce => level(finding.severity),
    };
    result.insert("level".into(), json!(level));
    result.insert("message".into(), json!({ "text": finding.message }));
    result.insert(
        "locations".into(),
        json!([{
            "physicalLocation": {
                "artifactLocation": artifact_location(&finding.path),
                "region": region(&finding.span),
            }
        }]),
    );
    result.insert(
        "partialFingerprints".into(),
        json!({ hindsight_engine::fingerprint::VERSION: finding.fingerprint }),
    );
    let mut properties = Map::new();
    properties.insert("stage".into(), json!(finding.stage.as_str()));
    if let Some(rendered) = &finding.rendered {
        properties.insert("rendered".into(), super::rendered_json(rendered));
    }
    if let Some(enclosing) = &finding.enclosing {
        properties.insert("enclosing".into(), json!(enclosing));
    }
    if let Some(fix) = &finding.fix {
        result.insert(
            "fixes".into(),
            json!([{
                "description": { "text": format!("apply the fix of {} (`hindsight check --fix`)", finding.code) },
                "artifactChanges": [{
                    "artifactLocation": artifact_location(&finding.path),
                    "replacements": [{
                        "deletedRegion": {
                            "byteOffset": fix.bytes.start,
                            "byteLength": fix.bytes.len(),
                        },
                        "insertedContent": { "text": fix.replacement },
                    }],
                }],
            }]),
        );
    }
    if let Some(suppressed) = &finding.suppressed {
        // An inline `hindsight-allow` is in the source; a waiver or a baseline entry lives outside it.
        let suppression = match &suppressed.kind {
            SuppressionKind::Inline => {
                json!({ "kind": "inSource", "justification": suppressed.reason })
            }
            SuppressionKind::Waiver {
                owner,
                expires,
                ticket,
            } => json!({
                "kind": "external",
                "status": "accepted",
                "justification": suppressed.reason,
                "properties": { "hindsight": "waiver", "owner": owner, "expires": expires, "ticket": ticket },
            }),
            SuppressionKind::Baseline => json!({
                "kind": "external",
                "status": "accepted",
                "justification": suppressed.reason,
                "properties": { "hindsight": "baseline" },
            }),
            // The policy's own `exception` rule: written in the policy, not in the checked file.
            SuppressionKind::Exception => json!({
                "kind": "external",
                "status": "accepted",
                "justification": suppressed.reason,
                "properties": { "hindsight": "exception" },
            }),
        };
        result.insert("suppressions".into(), json!([suppression]));
    }
    result.insert("properties".into(), Value::Object(properties));
    Value::Object(result)
}

/// SARIF regions are 1-based, and `endColumn` is just past the span, like ours; columns count Unicode
/// characters (the run says so with `columnKind`).
fn region(span: &Span) -> Value {
    json!({
        "startLine": span.start.line.max(1),
        "startColumn": span.start.column.max(1),
        "endLine": span.end.line.max(span.start.line).max(1),
        "endColumn": span.end.column.max(1),
    })
}

fn notification(level: &str, kind: Option<&str>, message: &str, path: &Path) -> Value {
    let mut notification = Map::new();
    if let Some(kind) = kind {
        notification.insert("descriptor".into(), json!({ "id": kind }));
    }
    notification.insert("level".into(), json!(level));
    notification.insert("message".into(), json!({ "text": message }));
    notification.insert(
        "locations".into(),
        json!([{ "physicalLocation": { "artifactLocation": artifact_location(path) } }]),
    );
    Value::Object(notification)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path becomes a URI relative to `%SRCROOT%`; a path outside the working directory an absolute
/// `file:` URI; a built-in rule file (`builtin:code/x.yaml`) is a URI already.
fn artifact_location(path: &Path) -> Value {
    let display = report_path(path);
    if display.starts_with("builtin:") {
        return json!({ "uri": display });
    }
    if Path::new(&display).is_absolute() {
        return json!({ "uri": file_uri(&display) });
    }
    json!({ "uri": encode_uri_path(&display), "uriBaseId": SRCROOT })
}

/// `file:` URI of a directory, ending in `/` as SARIF requires of `originalUriBaseIds`.
fn directory_uri(dir: &Path) -> String {
    let mut uri = file_uri(&forward_slashes(dir));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// `file:` URI of an absolute path written with forward slashes.
fn file_uri(path: &str) -> String {
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        // A Windows path (`C:/x`): `file:///C:/x`.
        format!("/{path}")
    };
    format!("file://{}", encode(&path, true))
}

/// Percent-encodes a relative path: see [`encode`].
fn encode_uri_path(path: &str) -> String {
    encode(path, false)
}

/// Percent-encodes everything but unreserved characters and `/` (RFC 3986), so any file name is a valid
/// URI reference. In a relative path `:` is encoded too, or a first segment like `a:b.rs` would read as a
/// URI scheme; after `file://` it is kept, for Windows drive letters.
fn encode(path: &str, keep_colon: bool) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/')
            || (keep_colon && byte == b':');
        if keep {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(encode_uri_path("src/lib.rs"), "src/lib.rs");
        assert_eq!(
            encode_uri_path("src/a b,c:d%.rs"),
            "src/a%20b%2Cc%3Ad%25.rs"
        );
        assert_eq!(encode_uri_path("é"), "%C3%A9");
        assert_eq!(file_uri("/tmp/x y"), "file:///tmp/x%20y");
        assert_eq!(file_uri("C:/work"), "file:///C:/work");
    }
}
