//! GitHub Actions workflow commands: each unsuppressed finding becomes an annotation on the pull request
//! (`::error file=…,line=…::message`), then the summary line. Described in `docs/ci-output.md`.

use std::io::Write;
use std::path::Path;

use hindsight_engine::Severity;

use crate::printer::{Format, help_note, human, incident_note, report_path, shown};
use crate::report::Run;

/// `--format github`.
pub(crate) const FORMAT: Format = Format {
    name: "github",
    help: "GitHub Actions annotations (workflow commands)",
    print: print_report,
};

/// Prints one workflow command per unsuppressed finding, tool problem and note, then the summary line.
fn print_report(out: &mut dyn Write, run: &Run<'_>, _color: bool) -> std::io::Result<()> {
    let report = &run.report;
    for finding in report.findings.iter().filter(|f| shown(f)) {
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let (start, end) = (finding.span.start, finding.span.end);
        let mut properties = vec![
            ("file", report_path(&finding.path)),
            ("line", start.line.to_string()),
        ];
        // GitHub takes columns only for a span on one line.
        if start.line == end.line {
            properties.push(("col", start.column.to_string()));
            properties.push(("endLine", end.line.to_string()));
            properties.push(("endColumn", end.column.to_string()));
        } else {
            properties.push(("endLine", end.line.to_string()));
        }
        properties.push(("title", format!("{} {}", finding.code, finding.rule_id)));
        // The lesson and where to read more, as in the human output; escaping keeps it one command.
        let mut message = finding.message.clone();
        for line in incident_note(finding)
            .into_iter()
            .chain([help_note(finding)])
        {
            message.push('\n');
            message.push_str(&line);
        }
        write_command(out, command, &properties, &message)?;
    }
    for problem in &report.problems {
        write_path_command(out, "error", &problem.path, &problem.message)?;
    }
    for note in &report.notes {
        write_path_command(out, "notice", &note.path, &note.message())?;
    }
    writeln!(out, "{}", human::summary_line(run))
}

/// A tool problem or note: attached to a file, with no line.
fn write_path_command(
    out: &mut dyn Write,
    command: &str,
    path: &Path,
    message: &str,
) -> std::io::Result<()> {
    let properties = [
        ("file", report_path(path)),
        ("title", "hindsight".to_string()),
    ];
    write_command(out, command, &properties, message)
}

fn write_command(
    out: &mut dyn Write,
    command: &str,
    properties: &[(&str, String)],
    message: &str,
) -> std::io::Result<()> {
    let properties = properties
        .iter()
        .map(|(key, value)| format!("{key}={}", escape_property(value)))
        .collect::<Vec<_>>()
        .join(",");
    writeln!(out, "::{command} {properties}::{}", escape_data(message))
}

/// The message of a workflow command: `%`, CR and LF are encoded (as `@actions/core` does), so a
/// multi-line message stays one command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: like the message, plus `:` and `,`, which end the value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_actions_core() {
        assert_eq!(
            escape_data("100% done\r\nnext: a,b"),
            "100%25 done%0D%0Anext: a,b"
        );
        assert_eq!(escape_property("src/a,b:c%.rs\n"), "src/a%2Cb%3Ac%25.rs%0A");
    }
}
