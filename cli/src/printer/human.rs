//! Rustc-style diagnostics, rendered with annotate-snippets.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use hindsight_engine::data::BOM;
use hindsight_engine::rule::Stage;
use hindsight_engine::{Finding, Severity};

use crate::printer::{Format, help_note, incident_note, shown};
use crate::report::Run;

/// `--format human`, the default.
pub(crate) const FORMAT: Format = Format {
    name: "human",
    help: "Rustc-style diagnostics with source snippets",
    print: print_report,
};

/// Prints each shown finding with its source lines, then the notes and the summary line.
fn print_report(out: &mut dyn Write, run: &Run<'_>, color: bool) -> std::io::Result<()> {
    print_findings(out, run, color)?;
    for note in &run.report.notes {
        writeln!(out, "note: {}: {}", note.path.display(), note.message())?;
    }
    writeln!(out, "{}", summary_line(run))
}

/// Prints each shown finding with its source lines, and nothing else (`check --quiet`).
pub(crate) fn print_findings(
    out: &mut dyn Write,
    run: &Run<'_>,
    color: bool,
) -> std::io::Result<()> {
    let report = &run.report;
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut sources: HashMap<&Path, Option<String>> = HashMap::new();
    for finding in report.findings.iter().filter(|f| shown(f)) {
        // Staged content is shown as staged, not as the file on disk.
        let source = sources.entry(&finding.path).or_insert_with(|| {
            report.in_memory.get(&finding.path).map_or_else(
                || std::fs::read_to_string(&finding.path).ok(),
                |text| Some(text.to_string()),
            )
        });
        let rendered = render_finding(&renderer, finding, source.as_deref());
        writeln!(out, "{rendered}\n")?;
    }
    Ok(())
}

fn render_finding(renderer: &Renderer, finding: &Finding, source: Option<&str>) -> String {
    let level = match finding.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    };
    let path = finding.path.display().to_string();
    let title = level.primary_title(&finding.message).id(&*finding.code);
    let mut group = match source.and_then(|text| excerpt(text, finding)) {
        Some((text, line_start, span)) => title.element(
            Snippet::source(text)
                .line_start(line_start)
                .path(path)
                .annotation(AnnotationKind::Primary.span(span).label(&*finding.rule_id)),
        ),
        None => title.element(
            Origin::path(path)
                .line(finding.span.start.line)
                .char_column(finding.span.start.column.saturating_sub(1)),
        ),
    };
    if let Some(note) = incident_note(finding) {
        group = group.element(Level::NOTE.message(note));
    }
    group = group.element(Level::HELP.message(help_note(finding)));
    let report: &[Group<'_>] = &[group];
    renderer.render(report)
}

/// The lines a finding covers, the 1-based number of the first, and the span relative to them.
fn excerpt<'a>(
    text: &'a str,
    finding: &Finding,
) -> Option<(&'a str, usize, std::ops::Range<usize>)> {
    let start_line = finding.span.start.line.max(1);
    let end_line = finding.span.end.line.max(start_line);
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let begin = *line_starts.get(start_line - 1)?;
    // A byte order mark starting the text is not shown: annotate-snippets would count it as a column, where
    // the finding's column does not (`LineIndex`).
    let begin = if begin == 0 && text.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        begin
    };
    let end = line_starts
        .get(end_line)
        .map_or(text.len(), |&next| next.saturating_sub(1));
    // Without the `\r` of a CRLF line end, which annotate-snippets would show as `␍` once the `\n` is cut.
    let end = if text.get(..end).is_some_and(|t| t.ends_with('\r')) {
        end - 1
    } else {
        end
    };
    let excerpt = text.get(begin..end.max(begin))?;
    let mut bytes = finding.span.bytes.clone();
    if bytes.is_empty() && bytes.start == 0 {
        // Positions without a byte range (a rule file's load error): point at the line and column.
        let offset = excerpt
            .char_indices()
            .nth(finding.span.start.column.saturating_sub(1))
            .map_or(0, |(i, _)| i);
        let width = excerpt[offset..]
            .find(char::is_whitespace)
            .unwrap_or(excerpt.len() - offset)
            .max(1);
        return Some((
            excerpt,
            start_line,
            offset..(offset + width).min(excerpt.len()),
        ));
    }
    bytes.start = bytes.start.checked_sub(begin)?;
    bytes.end = bytes.end.saturating_sub(begin).min(excerpt.len());
    // annotate-snippets panics on spans past the end of the source; an empty span still gets a caret.
    if bytes.start > excerpt.len() {
        return None;
    }
    Some((excerpt, start_line, bytes))
}

/// `checked 3 files in 12 ms with 3 rules: 1 error, 0 warnings, 0 infos`, plus suppressed and fixed counts.
pub(crate) fn summary_line(run: &Run<'_>) -> String {
    let (report, stats) = (&run.report, &run.stats);
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = format!(
        "checked {} in {} ms with {}: {}, {}, {}",
        plural(report.files_checked, "file", "files"),
        report.elapsed.as_millis(),
        plural(stats.n_rules, "rule", "rules"),
        plural(stats.count(Severity::Error), "error", "errors"),
        plural(stats.count(Severity::Warning), "warning", "warnings"),
        plural(stats.count(Severity::Info), "info", "infos"),
    );
    if stats.n_suppressed > 0 {
        line.push_str(&format!(" ({} suppressed)", stats.n_suppressed));
    }
    // Stages are worth a word only when some finding is not enforced.
    if stats.count_stage(Stage::Warn) + stats.count_stage(Stage::Shadow) > 0 {
        line.push_str(&format!(
            "; by stage: {} enforce, {} warn, {} shadow (not shown)",
            stats.count_stage(Stage::Enforce),
            stats.count_stage(Stage::Warn),
            stats.count_stage(Stage::Shadow)
        ));
    }
    for omitted in stats.extra.iter().filter(|o| o.count > 0) {
        line.push_str("; ");
        line.push_str(&omitted.words);
    }
    if stats.n_fixed > 0 {
        line.push_str(&format!(
            "; fixed {}",
            plural(stats.n_fixed, "finding", "findings")
        ));
    }
    line
}
