//! Incremental `didChange` edits: any sequence of range edits (positions anywhere, in every encoding) and
//! whole-text replacements keeps the document equal to a reference implementation (naive offsets and a String
//! splice), and the edit told to tree-sitter describes exactly the bytes and points that changed.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    text: String,
    encoding: u8,
    edits: Vec<Change>,
}

#[derive(Arbitrary, Debug)]
struct Change {
    /// `None`: the whole text.
    range: Option<(At, At)>,
    text: String,
}

/// A position: small lines and characters mostly, sometimes far past the end.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct At {
    line: u8,
    character: u8,
    far: bool,
}

impl At {
    fn get(self) -> (u32, u32) {
        if self.far {
            (
                u32::from(self.line) << 24,
                u32::MAX - u32::from(self.character),
            )
        } else {
            (u32::from(self.line % 16), u32::from(self.character))
        }
    }
}

/// Width of a character in the encoding's units.
fn width(c: char, encoding: u8) -> u32 {
    match encoding % 3 {
        0 => c.len_utf8() as u32,
        1 => c.len_utf16() as u32,
        _ => 1,
    }
}

/// The byte offset of an LSP position, the slow way: walk the text character by character. Lines end at
/// `\n`; a line's `\r\n` (or a last line's trailing `\r`) is not part of the line; a character past the end of
/// its line is the end of the line, one inside a character is that character, and a line past the end is the
/// end of the text.
fn reference_offset(text: &str, (line, character): (u32, u32), encoding: u8) -> usize {
    let mut current = 0u32;
    let mut units = 0u32;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if current == line {
            let next = chars.get(k + 1).map(|&(_, n)| n);
            let at_line_end = c == '\n' || (c == '\r' && matches!(next, Some('\n') | None));
            if at_line_end || units >= character {
                return i;
            }
            units += width(c, encoding);
        } else if c == '\n' {
            current += 1;
        }
    }
    text.len()
}

/// Tree-sitter's point of a byte offset: row, and column in bytes.
fn point(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let row = before.matches('\n').count();
    (row, offset - before.rfind('\n').map_or(0, |i| i + 1))
}

fuzz_target!(|input: Input| {
    let mut text = input.text.clone();
    let mut reference = input.text;
    for change in input.edits.iter().take(64) {
        let range = change.range.map(|(a, b)| (a.get(), b.get()));
        let edit = hindsight_lsp::fuzzing::apply_change(
            &mut text,
            range.map(|((l0, c0), (l1, c1))| [l0, c0, l1, c1]),
            &change.text,
            input.encoding,
        );
        let before = reference.clone();
        match range {
            None => {
                reference.clone_from(&change.text);
                // The edit keeps what the old and new text share before and after it.
                let (start, old_end, new_end) = (edit.start_byte, edit.old_end_byte, edit.new_end_byte);
                assert!(start <= old_end && start <= new_end);
                assert_eq!(before.get(..start), reference.get(..start));
                assert_eq!(before.get(old_end..), reference.get(new_end..));
                let p = |p: hindsight_lsp::fuzzing::Point| (p.row, p.column);
                assert_eq!(p(edit.start_position), point(&before, start));
                assert_eq!(p(edit.old_end_position), point(&before, old_end));
                assert_eq!(p(edit.new_end_position), point(&reference, new_end));
            }
            Some((start, end)) => {
                let start = reference_offset(&reference, start, input.encoding);
                let end = reference_offset(&reference, end, input.encoding).max(start);
                reference.replace_range(start..end, &change.text);
                let new_end = start + change.text.len();
                assert_eq!(
                    (edit.start_byte, edit.old_end_byte, edit.new_end_byte),
                    (start, end, new_end)
                );
                let p = |p: hindsight_lsp::fuzzing::Point| (p.row, p.column);
                assert_eq!(p(edit.start_position), point(&before, start));
                assert_eq!(p(edit.old_end_position), point(&before, end));
                assert_eq!(p(edit.new_end_position), point(&reference, new_end));
            }
        }
        assert_eq!(text, reference, "after {change:?}");
    }
    // Offsets and positions agree both ways on every character boundary.
    for (offset, _) in text.char_indices().take(256) {
        let (line, character) = hindsight_lsp::fuzzing::position(&text, offset, input.encoding);
        let back = hindsight_lsp::fuzzing::offset(&text, line, character, input.encoding);
        let is_line_end = text[offset..].starts_with("\r\n")
            || text[offset..].starts_with('\n')
            || &text[offset..] == "\r";
        assert!(
            back == offset || is_line_end,
            "offset {offset} -> ({line}, {character}) -> {back}"
        );
    }
});
