//! Two PCRE readings regex-syntax does not share: a `{` that starts no counted repetition is a literal, and a
//! quantifier on a quantifier (`a++`) is possessive.

use std::ops::Range;

use regex_syntax::ast::Ast;

/// A quantifier applied directly to a quantifier (`a++`, `a*+`, `a{2}+`): PCRE, Oniguruma and fancy-regex read
/// the second one as possessive (never giving back what it matched, so it cannot backtrack), regex-syntax as a
/// repetition of the repetition. The pattern is not regex-syntax's to judge.
pub(super) fn stacked_quantifier(ast: &Ast) -> Option<Range<usize>> {
    match ast {
        Ast::Repetition(repetition) => {
            if let Ast::Repetition(inner) = &*repetition.ast {
                return Some(inner.span.start.offset..repetition.span.end.offset);
            }
            stacked_quantifier(&repetition.ast)
        }
        Ast::Group(group) => stacked_quantifier(&group.ast),
        Ast::Alternation(alternation) => alternation.asts.iter().find_map(stacked_quantifier),
        Ast::Concat(concat) => concat.asts.iter().find_map(stacked_quantifier),
        _ => None,
    }
}

/// PCRE and Oniguruma read a `{` that does not start a counted repetition (`{}`, `{foo}`, `{,3}`) as a literal
/// brace, and the Cloudflare WAF pattern has one; regex-syntax rejects it. Such braces are escaped before
/// parsing. Returns the escaped pattern and, for each of its byte offsets (and its end), the offset in
/// `pattern`.
pub(super) fn escape_literal_braces(pattern: &str) -> (String, Vec<usize>) {
    let bytes = pattern.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len() + 8);
    let mut offsets: Vec<usize> = Vec::with_capacity(bytes.len() + 9);
    let copy = |out: &mut Vec<u8>, offsets: &mut Vec<usize>, range: Range<usize>| {
        for i in range {
            if let Some(&b) = bytes.get(i) {
                out.push(b);
                offsets.push(i);
            }
        }
    };
    // Depth of nested bracketed classes, in which a brace is always literal.
    let mut class_depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let end = match b {
            b'\\' => {
                // An escape and the character it escapes; `\x{..}`, `\u{..}`, `\p{..}` and `\P{..}` whole.
                let mut end = (i + 2).min(bytes.len());
                while end < bytes.len() && !pattern.is_char_boundary(end) {
                    end += 1;
                }
                if matches!(bytes.get(i + 1), Some(b'x' | b'u' | b'U' | b'p' | b'P'))
                    && bytes.get(i + 2) == Some(&b'{')
                {
                    end = bytes[i + 2..]
                        .iter()
                        .position(|&b| b == b'}')
                        .map_or(bytes.len(), |p| i + 2 + p + 1);
                }
                end
            }
            b'[' => {
                if class_depth > 0 && bytes.get(i + 1) == Some(&b':') {
                    // `[:alpha:]` inside a class.
                    bytes[i..]
                        .windows(2)
                        .position(|w| w == b":]")
                        .map_or(bytes.len(), |p| i + p + 2)
                } else {
                    class_depth += 1;
                    // A `]` right after `[` or `[^` is a literal, not the end of the class.
                    let mut end = i + 1;
                    if bytes.get(end) == Some(&b'^') {
                        end += 1;
                    }
                    if bytes.get(end) == Some(&b']') {
                        end += 1;
                    }
                    end
                }
            }
            b']' if class_depth > 0 => {
                class_depth -= 1;
                i + 1
            }
            b'{' if class_depth == 0 && !starts_counted_repetition(&bytes[i..]) => {
                out.push(b'\\');
                offsets.push(i);
                i + 1
            }
            _ => i + 1,
        };
        copy(&mut out, &mut offsets, i..end);
        i = end;
    }
    offsets.push(pattern.len());
    match String::from_utf8(out) {
        Ok(escaped) => (escaped, offsets),
        // Only ASCII backslashes were inserted, before ASCII braces, so this does not happen.
        Err(_) => (pattern.to_string(), (0..=pattern.len()).collect()),
    }
}

/// `{2}`, `{2,}`, `{2,5}` (with optional spaces, as regex-syntax accepts them).
fn starts_counted_repetition(bytes: &[u8]) -> bool {
    let mut i = 1;
    let skip_spaces = |i: &mut usize| {
        while bytes.get(*i).is_some_and(u8::is_ascii_whitespace) {
            *i += 1;
        }
    };
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    skip_spaces(&mut i);
    if !digits(&mut i) {
        return false;
    }
    skip_spaces(&mut i);
    if bytes.get(i) == Some(&b',') {
        i += 1;
        skip_spaces(&mut i);
        digits(&mut i);
        skip_spaces(&mut i);
    }
    bytes.get(i) == Some(&b'}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_that_start_no_repetition_are_escaped_and_offsets_map_back() {
        let (escaped, offsets) = escape_literal_braces("a{}b{2}");
        assert_eq!(escaped, r"a\{}b{2}");
        // The inserted backslash maps to the brace it escapes; the end maps to the end.
        assert_eq!(offsets, [0, 1, 1, 2, 3, 4, 5, 6, 7]);
        // Inside a class, and as part of `\x{..}` or `\p{..}`, braces are left alone.
        assert_eq!(
            escape_literal_braces(r"[{}]\x{41}\p{L}").0,
            r"[{}]\x{41}\p{L}"
        );
        assert_eq!(escape_literal_braces("{,3}").0, r"\{,3}");
    }

    #[test]
    fn counted_repetitions_are_told_from_literal_braces() {
        for yes in ["{2}", "{2,}", "{2,5}", "{ 2 , 5 }"] {
            assert!(starts_counted_repetition(yes.as_bytes()), "{yes}");
        }
        for no in ["{}", "{,3}", "{foo}", "{2"] {
            assert!(!starts_counted_repetition(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn a_quantified_quantifier_is_found() {
        let parse = |p: &str| regex_syntax::ast::parse::Parser::new().parse(p).unwrap();
        assert_eq!(stacked_quantifier(&parse("x(a++)")), Some(2..5));
        assert_eq!(stacked_quantifier(&parse("(a+)+")), None);
    }
}
