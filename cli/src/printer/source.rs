//! The text of the files findings point into, read once per file, for what the report itself does not carry:
//! UTF-8 byte columns (rdjson).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hindsight_engine::Position;

/// Files read so far; a file that cannot be read (deleted since, or a built-in rule) is remembered as `None`.
#[derive(Default)]
pub(crate) struct Sources {
    files: HashMap<PathBuf, Option<SourceText>>,
}

/// One file's text and where its lines start.
pub(crate) struct SourceText {
    text: String,
    line_starts: Vec<usize>,
}

impl Sources {
    /// Sources that know the texts a report checked from memory (staged content).
    pub(crate) fn of(report: &hindsight_engine::walk::Report) -> Self {
        let files = report
            .in_memory
            .iter()
            .map(|(path, text)| (path.clone(), Some(SourceText::new(text.to_string()))))
            .collect();
        Self { files }
    }

    /// The text of `path`, read on first use.
    pub(crate) fn get(&mut self, path: &Path) -> Option<&SourceText> {
        self.files
            .entry(path.to_path_buf())
            .or_insert_with(|| std::fs::read_to_string(path).ok().map(SourceText::new))
            .as_ref()
    }
}

impl SourceText {
    /// Indexes the line starts of `text`.
    pub(crate) fn new(text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { text, line_starts }
    }

    /// The 1-based UTF-8 byte column of a position whose column counts characters.
    /// Past the end of its line, the column counts on as if the line were longer.
    pub(crate) fn byte_column(&self, position: Position) -> usize {
        let Some(&start) = self.line_starts.get(position.line.saturating_sub(1)) else {
            return position.column;
        };
        let line = self.text[start..].split('\n').next().unwrap_or("");
        let n_chars = position.column.saturating_sub(1);
        let mut chars = line.char_indices();
        match chars.nth(n_chars) {
            Some((offset, _)) => offset + 1,
            None => line.len() + 1 + n_chars.saturating_sub(line.chars().count()),
        }
    }

    /// The 1-based line and 1-based UTF-8 byte column of a byte offset (clamped to the text).
    pub(crate) fn byte_position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        (line + 1, offset - self.line_starts[line] + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn byte_columns_count_utf8_bytes() {
        // rdjson's own example: in `a𐐀b`, b is at byte column 6.
        let source = SourceText::new("x\na\u{10400}b\n".into());
        assert_eq!(source.byte_column(position(2, 1)), 1);
        assert_eq!(source.byte_column(position(2, 2)), 2);
        assert_eq!(source.byte_column(position(2, 3)), 6);
        assert_eq!(source.byte_column(position(2, 4)), 7, "just past the line");
        assert_eq!(source.byte_column(position(9, 4)), 4, "no such line");
        assert_eq!(source.byte_position(0), (1, 1));
        assert_eq!(source.byte_position(2), (2, 1));
        assert_eq!(source.byte_position(7), (2, 6));
        assert_eq!(source.byte_position(99), (3, 1));
    }
}
