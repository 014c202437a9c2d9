//! Notes about single files: why a file was skipped or only partly checked, and how the lines a syntax error
//! covers are named to a reader.

use std::path::PathBuf;

use crate::finding::Span;

/// Why a file was skipped or only partly checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// The file has syntax errors: the lines the parser could not read, grouped ([`unparsed_lines`]). The
    /// rest of the file was checked.
    SyntaxErrors(Vec<Lines>),
    /// Larger than the size cap.
    TooLarge {
        /// File size in bytes.
        size: u64,
        /// The cap.
        limit: u64,
    },
    /// Contains NUL bytes.
    Binary,
    /// Not valid UTF-8.
    NotUtf8,
    /// A Helm (or other) template: `{{ }}` is not YAML, so it was not read as data.
    Template,
    /// A Helm chart or Kustomize overlay that was not rendered (no tool, a timeout, a failed render), or how
    /// one was: the text says what, and what to do.
    Render(String),
    /// The result cache could not be used as it should (an unwritable directory): the run went on without
    /// it. The text says what.
    Cache(String),
    /// Something a reviewer should see that is not a finding: an exemption added or removed by a change, the
    /// rules or waivers a pull request changes. The text says what.
    Review(String),
    /// `--fix` left the file alone (it changed since it was checked): the text says why.
    NotFixed(String),
}

/// A range of lines of a file, 1-based, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lines {
    /// The first line.
    pub first: usize,
    /// The last line.
    pub last: usize,
}

/// Syntax-error spans closer than this many lines apart are reported as one range: a reader sees one broken
/// place, not the several nodes tree-sitter's error recovery made of it.
const NEARBY_LINES: usize = 3;

/// At most this many line ranges are named in a note's message; the rest are counted.
const NAMED_RANGES: usize = 5;

/// The lines syntax errors cover, as a reader would point at them: each span's lines (a span ending at the
/// start of a line does not cover that line), overlapping and nearby ones merged, in order.
pub fn unparsed_lines(spans: &[Span]) -> Vec<Lines> {
    let mut ranges: Vec<Lines> = spans
        .iter()
        .map(|span| {
            let ends_at_line_start = span.end.column == 1 && span.end.line > span.start.line;
            let last = if ends_at_line_start {
                span.end.line - 1
            } else {
                span.end.line
            };
            Lines {
                first: span.start.line,
                last: last.max(span.start.line),
            }
        })
        .collect();
    ranges.sort_by_key(|r| (r.first, r.last));
    let mut out: Vec<Lines> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match out.last_mut() {
            Some(prev) if range.first <= prev.last + NEARBY_LINES => {
                prev.last = prev.last.max(range.last);
            }
            _ => out.push(range),
        }
    }
    out
}

/// `line 7`, `lines 7-9`, `lines 7, 12-14 and 30`, `lines 7, 9, 12, 20, 31 and 4 other places`.
fn describe_lines(ranges: &[Lines]) -> String {
    let one = |r: &Lines| {
        if r.first == r.last {
            r.first.to_string()
        } else {
            format!("{}-{}", r.first, r.last)
        }
    };
    let mut named: Vec<String> = ranges.iter().take(NAMED_RANGES).map(one).collect();
    let word = if ranges.len() == 1 && ranges[0].first == ranges[0].last {
        "line"
    } else {
        "lines"
    };
    let rest = ranges.len().saturating_sub(NAMED_RANGES);
    if rest > 0 {
        let places = if rest == 1 { "place" } else { "places" };
        return format!("{word} {} and {rest} other {places}", named.join(", "));
    }
    match named.pop() {
        Some(last) if !named.is_empty() => format!("{word} {} and {last}", named.join(", ")),
        Some(last) => format!("{word} {last}"),
        None => "some lines".into(),
    }
}

/// A note about one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The file.
    pub path: PathBuf,
    /// What happened.
    pub kind: NoteKind,
}

impl NoteKind {
    /// A stable kebab-case name, used in machine output.
    pub fn name(&self) -> &'static str {
        match self {
            NoteKind::SyntaxErrors(_) => "syntax-errors",
            NoteKind::TooLarge { .. } => "too-large",
            NoteKind::Binary => "binary",
            NoteKind::NotUtf8 => "not-utf8",
            NoteKind::Template => "template",
            NoteKind::Render(_) => "render",
            NoteKind::Review(_) => "review",
            NoteKind::NotFixed(_) => "not-fixed",
            NoteKind::Cache(_) => "cache",
        }
    }
}

impl Note {
    /// A one-line description.
    pub fn message(&self) -> String {
        match &self.kind {
            NoteKind::SyntaxErrors(lines) => {
                format!(
                    "could not parse {} (the rest of the file was checked)",
                    describe_lines(lines)
                )
            }
            NoteKind::TooLarge { size, limit } => {
                format!(
                    "skipped: {size} bytes is over the {limit}-byte limit (`[files] max_size` in hindsight.toml)"
                )
            }
            NoteKind::Binary => "skipped: binary file".into(),
            NoteKind::NotUtf8 => "skipped: not valid UTF-8".into(),
            NoteKind::Template => {
                "skipped: a template (`{{ }}` or `%{ }`), read only once rendered".into()
            }
            NoteKind::Render(text)
            | NoteKind::Review(text)
            | NoteKind::NotFixed(text)
            | NoteKind::Cache(text) => text.clone(),
        }
    }
}
