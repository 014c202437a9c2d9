//! Checks the fuzz targets share: what every position the engine reports must satisfy.

use std::ops::Range;

use hindsight_engine::data::{DataNode, DataValue};
use hindsight_engine::{FileReport, Span};

/// `range` lies inside `text`, in order, on character boundaries.
pub fn assert_range_in(range: &Range<usize>, text: &str, what: &str) {
    assert!(
        range.start <= range.end && range.end <= text.len(),
        "{what}: {range:?} is outside the text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
        "{what}: {range:?} splits a character"
    );
}

/// A span's bytes lie in the text and its line and column are those of its bytes (1-based, columns in
/// characters).
pub fn assert_span(span: &Span, text: &str, what: &str) {
    // A finding placed by line (a data file's parse error) has no bytes: only its line is checked.
    assert!(
        span.start.line >= 1 && span.start.column >= 1,
        "{what}: {span:?} is not 1-based"
    );
    if span.bytes.is_empty() && span.bytes.start == 0 {
        return;
    }
    assert_range_in(&span.bytes, text, what);
    let (line, column) = line_column(text, span.bytes.start);
    assert_eq!(
        (span.start.line, span.start.column),
        (line, column),
        "{what}: the start of {span:?} is not where its bytes are"
    );
}

/// 1-based line and character column of a byte offset, counted naively.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Every key and value of a data tree has a span inside the text; walked without recursion, so a deep tree
/// is checked as deep as the reader went.
pub fn assert_data_tree(root: &DataNode, text: &str) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        assert_range_in(&node.span, text, "a data value's span");
        match &node.value {
            DataValue::Seq(items) => stack.extend(items),
            DataValue::Map(entries) => {
                for (key, value) in entries {
                    assert_range_in(&key.span, text, "a data key's span");
                    stack.push(value);
                }
            }
            _ => {}
        }
    }
}

/// A checked file's findings, syntax errors and fixes all point inside the file, and findings are sorted.
pub fn assert_report(report: &FileReport, text: &str) {
    for finding in &report.findings {
        assert_span(&finding.span, text, &format!("finding {}", finding.code));
        if let Some(fix) = &finding.fix {
            assert_range_in(&fix.bytes, text, &format!("the fix of {}", finding.code));
        }
    }
    for span in &report.syntax_errors {
        assert_span(span, text, "a syntax error");
    }
    let keys: Vec<_> = report
        .findings
        .iter()
        .map(|f| (f.span.start.line, f.span.start.column))
        .collect();
    assert!(
        keys.is_sorted(),
        "findings are not sorted by position: {keys:?}"
    );
    let mut fixed = text.to_string();
    hindsight_engine::Edit::apply_all(
        &mut fixed,
        report.findings.iter().filter_map(|f| f.fix.as_ref()),
    );
}

/// The built-in pack under the default configuration, compiled once per fuzzing process.
pub fn checker() -> &'static hindsight_engine::Checker {
    static CHECKER: std::sync::OnceLock<hindsight_engine::Checker> = std::sync::OnceLock::new();
    CHECKER.get_or_init(|| {
        let pack = std::sync::Arc::new(hindsight_engine::RulePack::builtin());
        hindsight_engine::Checker::new(pack, &hindsight_engine::Config::default())
    })
}

/// Checks each `(path, text)` once before fuzzing starts, so the built-in pack's lazily compiled matchers and
/// policies for those files are compiled outside the timed executions (the first check of a YAML file compiles
/// every configuration policy: seconds on a loaded machine, which libFuzzer would report as a timeout).
pub fn warm_up(files: &[(&str, &str)]) {
    for (path, text) in files {
        let file = hindsight_engine::SourceFile::new(
            std::path::Path::new(path),
            hindsight_engine::Role::Production,
            text,
        );
        let _ = checker().check_source(&file);
    }
}

/// How many lines `text` has when a lone `\r` ends a line as `\n` and `\r\n` do: YAML's count (and the LSP
/// spec's and editors'), which the YAML readers' error positions use. At least the `\n` count.
pub fn yaml_lines(text: &str) -> usize {
    text.replace("\r\n", "\n").matches(['\r', '\n']).count() + 1
}
