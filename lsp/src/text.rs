//! Document text: LSP positions (in the negotiated encoding) to byte offsets and back, and incremental edits.

use std::ops::Range;

use hindsight_engine::Span;
use lsp_types::{Position, PositionEncodingKind, Range as LspRange};
use tree_sitter::{InputEdit, Point};

/// How LSP `character` offsets count: UTF-16 code units unless the client offered something else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    pub(crate) fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// The encoding to use from the client's `general.positionEncodings`: UTF-8 (our native offsets) when
    /// offered, then UTF-32, else the mandatory UTF-16.
    pub(crate) fn negotiate(offered: &[String]) -> Encoding {
        if offered.iter().any(|e| e == "utf-8") {
            Encoding::Utf8
        } else if offered.iter().any(|e| e == "utf-32") {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    fn width(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }
}

/// Line starts of one text.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    encoding: Encoding,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str, encoding: Encoding) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self {
            text,
            starts,
            encoding,
        }
    }

    /// The LSP position of a byte offset (clamped to the text, snapped back to a character boundary).
    pub(crate) fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character = self
            .text
            .get(start..offset)
            .unwrap_or("")
            .chars()
            .map(|c| self.encoding.width(c))
            .sum();
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character,
        }
    }

    pub(crate) fn range(&self, bytes: Range<usize>) -> LspRange {
        LspRange {
            start: self.position(bytes.start),
            end: self.position(bytes.end),
        }
    }

    /// The byte offset of an LSP position. A line past the end is the end of the text; a character past the
    /// end of its line is the end of the line (the spec's rule), and one inside a character snaps to it.
    pub(crate) fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line = self.text.get(start..end).unwrap_or("");
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= position.character {
                return start + i;
            }
            units += self.encoding.width(c);
        }
        start + line.len()
    }

    /// A 1-based line and character column (the engine's `Position`) as an LSP position.
    pub(crate) fn position_at_line_column(&self, line: usize, column: usize) -> Position {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return self.position(self.text.len());
        };
        let rest = self.text.get(start..).unwrap_or("");
        let line_text = rest.split('\n').next().unwrap_or("");
        let offset = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i);
        self.position(start + offset)
    }

    /// Where a finding's span is: its bytes, or its line and column when it has no bytes (findings placed by
    /// line, such as a parse error in a data file or a broken rule file).
    pub(crate) fn span_range(&self, span: &Span) -> LspRange {
        if span.bytes.is_empty()
            && span.bytes.start == 0
            && (span.start.line, span.start.column) != (1, 1)
        {
            let start = self.position_at_line_column(span.start.line, span.start.column);
            let end = self.position_at_line_column(span.end.line, span.end.column);
            return LspRange { start, end };
        }
        self.range(span.bytes.clone())
    }

    /// The text of a 0-based line, without its line break.
    pub(crate) fn line_text(&self, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line) else {
            return "";
        };
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// A byte offset as a tree-sitter point: row, and column in bytes.
    fn point(&self, offset: usize) -> Point {
        let row = self
            .starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let start = self.starts.get(row).copied().unwrap_or(0);
        Point {
            row,
            column: offset - start,
        }
    }

    /// Byte offset where a 0-based line starts.
    pub(crate) fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.text.len())
    }
}

/// Applies one `didChange` content change: a range edit, or the whole text when it has no range. Returns the
/// edit as tree-sitter wants to hear of it, so the next check reparses only what changed. A client that sends
/// the whole text on every keystroke (many do) gets the same: the edit is the span between the common prefix
/// and the common suffix of the old and new text.
pub(crate) fn apply_change(
    text: &mut String,
    range: Option<LspRange>,
    new_text: &str,
    encoding: Encoding,
) -> InputEdit {
    let Some(range) = range else {
        let edit = whole_text_edit(text, new_text, encoding);
        new_text.clone_into(text);
        return edit;
    };
    let index = LineIndex::new(text, encoding);
    let start = index.offset(range.start);
    let end = index.offset(range.end).max(start);
    let start_position = index.point(start);
    let old_end_position = index.point(end);
    text.replace_range(start..end, new_text);
    InputEdit {
        start_byte: start,
        old_end_byte: end,
        new_end_byte: start + new_text.len(),
        start_position,
        old_end_position,
        new_end_position: point_after(start_position, new_text),
    }
}

/// The smallest edit that turns `old` into `new`: what lies between their common prefix and their common
/// suffix (on character boundaries; the suffix never overlaps the prefix).
fn whole_text_edit(old: &str, new: &str, encoding: Encoding) -> InputEdit {
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let room = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    let index = LineIndex::new(old, encoding);
    let start_position = index.point(prefix);
    InputEdit {
        start_byte: prefix,
        old_end_byte: old.len() - suffix,
        new_end_byte: new.len() - suffix,
        start_position,
        old_end_position: index.point(old.len() - suffix),
        new_end_position: point_after(start_position, &new[prefix..new.len() - suffix]),
    }
}

/// Where `inserted` ends when written at `start`.
fn point_after(start: Point, inserted: &str) -> Point {
    match inserted.rfind('\n') {
        Some(last) => Point {
            row: start.row + inserted.matches('\n').count(),
            column: inserted.len() - last - 1,
        },
        None => Point {
            row: start.row,
            column: start.column + inserted.len(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn offsets_and_positions_agree_in_every_encoding() {
        // `µ` is 2 bytes and 1 UTF-16 unit; `𝔘` is 4 bytes and 2 UTF-16 units.
        let text = "ab\nµ𝔘x = 1\r\nlast";
        let x = text.find('x').expect("an x");
        let cases = [
            (Encoding::Utf8, pos(1, 6)),
            (Encoding::Utf16, pos(1, 3)),
            (Encoding::Utf32, pos(1, 2)),
        ];
        for (encoding, expected) in cases {
            let index = LineIndex::new(text, encoding);
            assert_eq!(index.position(x), expected, "{encoding:?}");
            assert_eq!(index.offset(expected), x, "{encoding:?}");
            // Past the end of a line: the end of the line, before `\r\n`.
            assert_eq!(index.offset(pos(1, 99)), text.find('\r').expect("a CR"));
            assert_eq!(index.offset(pos(9, 0)), text.len());
            assert_eq!(
                index.position_at_line_column(2, 3),
                expected,
                "{encoding:?}"
            );
        }
    }

    #[test]
    fn incremental_changes_edit_the_right_bytes() {
        let mut text = String::from("fn main() {\n    let µ = 1;\n}\n");
        apply_change(
            &mut text,
            Some(LspRange {
                start: pos(1, 8),
                end: pos(1, 9),
            }),
            "mu",
            Encoding::Utf16,
        );
        assert_eq!(text, "fn main() {\n    let mu = 1;\n}\n");
        apply_change(
            &mut text,
            Some(LspRange {
                start: pos(3, 0),
                end: pos(3, 0),
            }),
            "// end\n",
            Encoding::Utf16,
        );
        assert_eq!(text, "fn main() {\n    let mu = 1;\n}\n// end\n");
        apply_change(&mut text, None, "x", Encoding::Utf16);
        assert_eq!(text, "x");
    }

    #[test]
    fn a_whole_text_change_is_the_span_between_common_prefix_and_suffix() {
        let mut text = String::from("fn a() {}\nfn b() { x.unwrap(); }\nfn c() {}\n");
        let edit = apply_change(
            &mut text,
            None,
            "fn a() {}\nfn b() { x.expect(\"µ\"); }\nfn c() {}\n",
            Encoding::Utf16,
        );
        assert_eq!(text, "fn a() {}\nfn b() { x.expect(\"µ\"); }\nfn c() {}\n");
        // `unwrap(` became `expect("µ"`: the `)` after them and everything before `u` are common.
        assert_eq!((edit.start_byte, edit.old_end_byte), (21, 28));
        assert_eq!(edit.new_end_byte, 32);
        assert_eq!(edit.start_position, Point { row: 1, column: 11 });
        assert_eq!(edit.old_end_position, Point { row: 1, column: 18 });
        assert_eq!(edit.new_end_position, Point { row: 1, column: 22 });
        // A repeated character: the suffix stops where the prefix ends.
        let mut text = String::from("aaa");
        let edit = apply_change(&mut text, None, "aaaa", Encoding::Utf16);
        assert_eq!(
            (edit.start_byte, edit.old_end_byte, edit.new_end_byte),
            (3, 3, 4)
        );
        // A change inside a multi-byte character backs off to its start.
        let mut text = String::from("xé");
        let edit = apply_change(&mut text, None, "xè", Encoding::Utf16);
        assert_eq!(
            (edit.start_byte, edit.old_end_byte, edit.new_end_byte),
            (1, 3, 3)
        );
    }
}
