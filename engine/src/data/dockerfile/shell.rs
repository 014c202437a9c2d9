//! Words and commands of a shell line, by quoting alone: enough to point a finding at the command that does
//! something (`curl … | sh`), not a shell parser. Offsets are into the file: the text given has its line
//! continuations blanked, so positions are unchanged.

use std::ops::Range;

/// Whitespace-separated words outside quotes (`ARG A="b c"` is one word), as BuildKit splits `FROM`, `COPY`
/// and the like.
pub(super) fn words(text: &str, offset: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    scan(text, |i, byte, quoted| {
        let blank = !quoted && byte.is_ascii_whitespace();
        match (start, blank) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                out.push(offset + s..offset + i);
                start = None;
            }
            _ => {}
        }
        0
    });
    if let Some(s) = start {
        out.push(offset + s..offset + text.len());
    }
    out
}

/// The commands of a shell line: split at `&&`, `||`, `;`, `&` and line ends outside quotes, each trimmed;
/// a pipeline stays one command. Comment lines (in a heredoc script) are left out.
pub(super) fn commands(text: &str, offset: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    scan(text, |i, byte, quoted| {
        if quoted {
            return 0;
        }
        let next = bytes.get(i + 1).copied();
        match (byte, next) {
            (b'&', Some(b'&')) | (b'|', Some(b'|')) => {
                cuts.push((i, i + 2));
                1
            }
            // `>&2` and `2>&1` are redirections, not a background `&`.
            (b'&', _) if i > 0 && bytes[i - 1] == b'>' => 0,
            (b'&', _) if next == Some(b'>') => 0,
            (b';' | b'&' | b'\n', _) => {
                cuts.push((i, i + 1));
                0
            }
            _ => 0,
        }
    });
    let mut out = Vec::new();
    let mut at = 0;
    for (cut_start, cut_end) in cuts.into_iter().chain([(text.len(), text.len())]) {
        let piece = &text[at..cut_start];
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            let start = offset + at + lead;
            out.push(start..start + trimmed.len());
        }
        at = cut_end;
    }
    out
}

/// Calls `visit(index, byte, quoted)` for each byte of `text`, tracking single and double quotes and
/// backslash escapes; `visit` returns how many following bytes to skip.
fn scan(text: &str, mut visit: impl FnMut(usize, u8, bool) -> usize) {
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let mut skip = 0;
        match quote {
            Some(q) if byte == q => {
                quote = None;
                visit(i, byte, true);
            }
            Some(q) => {
                if byte == b'\\' && q == b'"' {
                    skip = 1;
                }
                visit(i, byte, true);
            }
            None if byte == b'\'' || byte == b'"' => {
                quote = Some(byte);
                visit(i, byte, true);
            }
            None if byte == b'\\' => {
                visit(i, byte, true);
                skip = 1;
            }
            None => skip = visit(i, byte, false),
        }
        i += 1 + skip;
    }
}
