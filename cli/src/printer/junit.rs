//! JUnit XML, for CI systems that show test reports (GitLab `artifacts: reports: junit:`, Jenkins, Azure).
//! One `<testsuite>` per rule code with findings, one `<testcase>` per finding: unsuppressed findings fail,
//! suppressed ones are skipped. Tool problems are errors in a last `hindsight` suite. Described in
//! `docs/ci-output.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

use hindsight_engine::Finding;
use hindsight_engine::rule::Stage;

use crate::printer::{Format, help_note, incident_note, report_path};
use crate::report::Run;

/// `--format junit`.
pub(crate) const FORMAT: Format = Format {
    name: "junit",
    help: "JUnit XML test report",
    print: print_report,
};

/// Prints the report as one JUnit XML document.
fn print_report(out: &mut dyn Write, run: &Run<'_>, _color: bool) -> std::io::Result<()> {
    let report = &run.report;
    let mut by_code: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    // Shadow findings are for machine output that can tell them apart (JSON, SARIF); a JUnit report cannot.
    for finding in report.findings.iter().filter(|f| f.stage != Stage::Shadow) {
        by_code.entry(&finding.code).or_default().push(finding);
    }
    let mut suites = String::new();
    let mut totals = Counts::default();
    for findings in by_code.values() {
        let mut counts = Counts::default();
        let mut cases = String::new();
        for finding in findings {
            counts.add_finding(finding);
            cases.push_str(&testcase(finding));
        }
        let name = format!("{} {}", findings[0].code, findings[0].rule_id);
        suites.push_str(&testsuite(&name, &counts, &cases));
        totals.add(&counts);
    }
    if !report.problems.is_empty() {
        let mut counts = Counts::default();
        let mut cases = String::new();
        for problem in &report.problems {
            counts.tests += 1;
            counts.errors += 1;
            let path = report_path(&problem.path);
            let _ = write!(
                cases,
                "    <testcase name=\"{}\" classname=\"hindsight\" file=\"{}\">\n      <error message=\"{}\">{}</error>\n    </testcase>\n",
                escape(&path, true),
                escape(&path, true),
                escape(&problem.message, true),
                escape(&format!("{path}: {}", problem.message), false),
            );
        }
        suites.push_str(&testsuite("hindsight", &counts, &cases));
        totals.add(&counts);
    }
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="hindsight" tests="{}" failures="{}" errors="{}" skipped="{}" time="{:.3}">"#,
        totals.tests,
        totals.failures,
        totals.errors,
        totals.skipped,
        report.elapsed.as_secs_f64()
    )?;
    write!(out, "{suites}")?;
    writeln!(out, "</testsuites>")
}

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add_finding(&mut self, finding: &Finding) {
        self.tests += 1;
        if finding.suppressed.is_some() {
            self.skipped += 1;
        } else {
            self.failures += 1;
        }
    }

    fn add(&mut self, other: &Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
    }
}

fn testsuite(name: &str, counts: &Counts, cases: &str) -> String {
    format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n{cases}  </testsuite>\n",
        escape(name, true),
        counts.tests,
        counts.failures,
        counts.errors,
        counts.skipped,
    )
}

/// A finding as a test case named after where it is; the body reads like the human output.
fn testcase(finding: &Finding) -> String {
    let path = report_path(&finding.path);
    let at = format!(
        "{path}:{}:{}",
        finding.span.start.line, finding.span.start.column
    );
    let mut case = format!(
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\">\n",
        escape(&at, true),
        escape(&finding.code, true),
        escape(&path, true),
        finding.span.start.line,
    );
    match &finding.suppressed {
        Some(suppressed) => {
            let _ = writeln!(
                case,
                "      <skipped message=\"{}\"/>",
                escape(&format!("suppressed: {}", suppressed.reason), true)
            );
        }
        None => {
            let mut body = format!(
                "{at}: {}[{}]: {}",
                finding.severity, finding.code, finding.message
            );
            for line in incident_note(finding)
                .into_iter()
                .chain([help_note(finding)])
            {
                body.push('\n');
                body.push_str(&line);
            }
            let _ = writeln!(
                case,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                escape(&finding.message, true),
                escape(&finding.code, true),
                escape(&body, false),
            );
        }
    }
    case.push_str("    </testcase>\n");
    case
}

/// Escapes text for XML 1.0 content or a double-quoted attribute. In attributes, line breaks and tabs become
/// character references, which parsers keep (a literal one would be normalised to a space). Characters XML
/// 1.0 cannot carry at all (most C0 controls) become U+FFFD.
fn escape(text: &str, attribute: bool) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' if attribute => escaped.push_str("&quot;"),
            '\n' if attribute => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' if attribute => escaped.push_str("&#9;"),
            '\t' | '\n' => escaped.push(c),
            c if u32::from(c) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                escaped.push('\u{FFFD}');
            }
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_xml() {
        assert_eq!(
            escape("a<b && \"c\" > 'd'", true),
            "a&lt;b &amp;&amp; &quot;c&quot; &gt; 'd'"
        );
        assert_eq!(escape("\"x\"\n\ty", false), "\"x\"\n\ty");
        assert_eq!(escape("x\ny\r\u{1}", true), "x&#10;y&#13;\u{FFFD}");
    }
}
