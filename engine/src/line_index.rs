//! Byte offsets to 1-based line and character columns.

use crate::finding::{Position, Span};

/// Line starts of one text, for turning byte offsets into positions.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { text, starts }
    }

    /// 0-based line of a byte offset.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// Byte offset where a 0-based line starts (the text length past the last line).
    pub(crate) fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.text.len())
    }

    pub(crate) fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let start = self.starts[line];
        // Offsets come from tree-sitter token boundaries; fall back to bytes if one ever splits a character. A
        // byte order mark starting the text is not a column: editors do not show it, and rustc, Terraform and
        // BuildKit do not read it.
        let before = self.text.get(start..offset).map(|s| {
            if line == 0 {
                s.trim_start_matches(crate::data::BOM)
            } else {
                s
            }
        });
        let column = before.map_or(offset - start, |s| s.chars().count());
        Position {
            line: line + 1,
            column: column + 1,
        }
    }

    pub(crate) fn span(&self, bytes: std::ops::Range<usize>) -> Span {
        Span {
            start: self.position(bytes.start),
            end: self.position(bytes.end),
            bytes,
        }
    }

    /// The text of a 0-based line without its line break.
    pub(crate) fn line_text(&self, line: usize) -> &'a str {
        let start = self.line_start(line);
        let end = self.line_start(line + 1);
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let index = LineIndex::new("ab\nµx = 1\n");
        assert_eq!(index.position(0), Position { line: 1, column: 1 });
        assert_eq!(index.position(3), Position { line: 2, column: 1 });
        // `µ` is two bytes: the `x` after it is byte 5 but column 2.
        assert_eq!(index.position(5), Position { line: 2, column: 2 });
        assert_eq!(index.position(100), Position { line: 3, column: 1 });
        assert_eq!(index.line_text(1), "µx = 1");
    }

    #[test]
    fn a_byte_order_mark_starting_the_text_is_no_column() {
        let index = LineIndex::new("\u{feff}FROM node\nRUN x\n");
        assert_eq!(index.position(3), Position { line: 1, column: 1 });
        assert_eq!(index.position(8), Position { line: 1, column: 6 });
        assert_eq!(index.position(13), Position { line: 2, column: 1 });
    }
}
