//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz): the transport's reading loop and the text edits
//! of `didChange`, which are crate-private. Not a stable API: hidden from the docs, free to change with the
//! fuzz targets.

use std::sync::Mutex;

use crossbeam_channel::unbounded;
use lsp_types::{Position, Range};
pub use tree_sitter::{InputEdit, Point};

use crate::text::{Encoding, LineIndex};

/// The position encoding `selector` picks: UTF-8, UTF-16 or UTF-32.
fn encoding(selector: u8) -> Encoding {
    match selector % 3 {
        0 => Encoding::Utf8,
        1 => Encoding::Utf16,
        _ => Encoding::Utf32,
    }
}

/// Applies one `didChange` content change as the server does: a range edit (start line and character, end
/// line and character) or, without a range, the whole text. Returns the edit told to tree-sitter (for a
/// whole-text change, the span between the common prefix and suffix).
pub fn apply_change(
    text: &mut String,
    range: Option<[u32; 4]>,
    new_text: &str,
    encoding_selector: u8,
) -> InputEdit {
    let range = range.map(|[l0, c0, l1, c1]| Range {
        start: Position::new(l0, c0),
        end: Position::new(l1, c1),
    });
    crate::text::apply_change(text, range, new_text, encoding(encoding_selector))
}

/// The byte offset of an LSP position in `text`.
pub fn offset(text: &str, line: u32, character: u32, encoding_selector: u8) -> usize {
    LineIndex::new(text, encoding(encoding_selector)).offset(Position::new(line, character))
}

/// The LSP position (line, character) of a byte offset in `text`.
pub fn position(text: &str, offset: usize, encoding_selector: u8) -> (u32, u32) {
    let position = LineIndex::new(text, encoding(encoding_selector)).position(offset);
    (position.line, position.character)
}

/// Reads `input` as the stdio transport reads standard input: the methods of the messages passed on (a
/// response as an empty string), and what was written back (parse errors).
pub fn read_messages(input: &[u8]) -> (Vec<String>, Vec<u8>) {
    let (sender, receiver) = unbounded();
    let out = Mutex::new(Vec::new());
    crate::transport::read_loop(&mut &*input, &sender, &out);
    let methods = receiver
        .try_iter()
        .map(|message| match message {
            lsp_server::Message::Request(r) => r.method,
            lsp_server::Message::Notification(n) => n.method,
            lsp_server::Message::Response(_) => String::new(),
        })
        .collect();
    let written = match out.into_inner() {
        Ok(written) => written,
        Err(poisoned) => poisoned.into_inner(),
    };
    (methods, written)
}
