//! The `regex:` of a structural match reads `\w`, `\d`, `\s` and `\b` as ASCII, as Semgrep's (PCRE) regexes
//! do: they test node text (identifiers, literals, calls), and code names are ASCII. With the regex crate's
//! Unicode classes, the built-in pack's patterns took three times as long to compile (60 ms of CPU for all
//! 295 of them against 21 ms), which every cold run and every run over a few changed files pays for the
//! languages it meets. A pattern that sets the `u` flag itself (`(?u)`, `(?-u:…)`) is left as written: that
//! is how an author asks for Unicode classes (`(?u:\w)`).

use regex_syntax::ast::{self, Ast, ClassPerlKind, ClassSetItem};

use crate::rule::match_rule::for_each_regex;

/// Rewrites every `regex:` string of a rule (as JSON: `rule`, `constraints`, `utils`) with ASCII classes.
pub(super) fn ascii_regexes(value: &mut serde_json::Value) {
    for_each_regex(value, &mut |pattern| {
        if let Some(ascii) = ascii_classes(pattern) {
            *pattern = ascii;
        }
    });
}

/// `pattern` with its Perl classes and word boundaries in their ASCII forms, or `None` to leave it as it is
/// (nothing to change, a `u` flag of its own, or a pattern that does not parse: compiling it reports that).
pub(super) fn ascii_classes(pattern: &str) -> Option<String> {
    let parsed = ast::parse::Parser::new().parse(pattern).ok()?;
    let mut found = ast::visit(&parsed, Found::default()).ok()?;
    if found.sets_unicode || found.edits.is_empty() {
        return None;
    }
    let mut out = pattern.to_string();
    // Spans never overlap; replacing from the end keeps the earlier offsets valid.
    found.edits.sort_by_key(|edit| std::cmp::Reverse(edit.0));
    for (start, end, replacement) in found.edits {
        let replacement = if replacement.is_empty() {
            format!("(?-u:{})", &pattern[start..end])
        } else {
            replacement
        };
        out.replace_range(start..end, &replacement);
    }
    Some(out)
}

/// What the walk of a pattern found: the edits (byte range, replacement) and whether it sets `u` itself.
#[derive(Default)]
struct Found {
    edits: Vec<(usize, usize, String)>,
    sets_unicode: bool,
}

/// The edit that writes a Perl class (`\w`, `\D`, …) as its ASCII POSIX class: the item itself inside
/// brackets (`[:word:]`, `[:^digit:]`), a bracketed class outside (`[[:word:]]`, `[^[:digit:]]`).
fn posix_edit(class: &ast::ClassPerl, in_brackets: bool) -> (usize, usize, String) {
    let name = match class.kind {
        ClassPerlKind::Digit => "digit",
        ClassPerlKind::Space => "space",
        ClassPerlKind::Word => "word",
    };
    let negated = if class.negated { "^" } else { "" };
    let replacement = if in_brackets {
        format!("[:{negated}{name}:]")
    } else {
        format!("[{negated}[:{name}:]]")
    };
    (class.span.start.offset, class.span.end.offset, replacement)
}

fn mentions_unicode(flags: &ast::Flags) -> bool {
    flags
        .items
        .iter()
        .any(|item| matches!(item.kind, ast::FlagsItemKind::Flag(ast::Flag::Unicode)))
}

impl ast::Visitor for Found {
    type Output = Found;
    type Err = ();

    fn finish(self) -> Result<Found, ()> {
        Ok(self)
    }

    fn visit_pre(&mut self, node: &Ast) -> Result<(), ()> {
        match node {
            Ast::Flags(set) if mentions_unicode(&set.flags) => self.sets_unicode = true,
            Ast::Group(group) => {
                if let ast::GroupKind::NonCapturing(flags) = &group.kind
                    && mentions_unicode(flags)
                {
                    self.sets_unicode = true;
                }
            }
            // Outside brackets: a bracketed POSIX class (ASCII whatever the flags).
            Ast::ClassPerl(class) => self.edits.push(posix_edit(class, false)),
            Ast::Assertion(assertion) => {
                use ast::AssertionKind as Kind;
                let word = !matches!(
                    assertion.kind,
                    Kind::StartLine | Kind::EndLine | Kind::StartText | Kind::EndText
                );
                if word {
                    // Wrapped in `(?-u:…)` (the empty replacement says so): an ASCII word boundary, which a
                    // `&str` regex accepts.
                    let span = assertion.span;
                    self.edits
                        .push((span.start.offset, span.end.offset, String::new()));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn visit_class_set_item_pre(&mut self, item: &ClassSetItem) -> Result<(), ()> {
        // Inside brackets: the POSIX item itself (`[\w.]` → `[[:word:].]`).
        if let ClassSetItem::Perl(class) = item {
            self.edits.push(posix_edit(class, true));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_classes_and_word_boundaries_become_ascii() {
        let cases = [
            (r"^\w+$", r"^[[:word:]]+$"),
            (
                r"\bfoo\B\d\s\W\D\S",
                r"(?-u:\b)foo(?-u:\B)[[:digit:]][[:space:]][^[:word:]][^[:digit:]][^[:space:]]",
            ),
            (r"[\w.]*[^\s\d]", r"[[:word:].]*[^[:space:][:digit:]]"),
            (r"[\W]", r"[[:^word:]]"),
            (r"(?i)\b(err\w*)\b", r"(?i)(?-u:\b)(err[[:word:]]*)(?-u:\b)"),
            (r"\b{start}x\<", r"(?-u:\b{start})x(?-u:\<)"),
        ];
        for (pattern, want) in cases {
            let got = ascii_classes(pattern).expect(pattern);
            assert_eq!(got, want, "{pattern}");
            regex::Regex::new(&got).expect(&got);
        }
    }

    #[test]
    fn what_it_leaves_alone() {
        // Nothing to change; the author's own `u` flag; a pattern that does not parse.
        for pattern in [
            "^unwrap$",
            r"(?u:\w)+",
            r"(?-u:\w)x",
            r"(?u)\w",
            "(unclosed",
            r"\p{L}+",
        ] {
            assert_eq!(ascii_classes(pattern), None, "{pattern}");
        }
    }

    #[test]
    fn ascii_patterns_match_ascii_text_as_the_unicode_ones_do_and_skip_other_letters() {
        let pattern = r"(?i)\b(default\w*|err\w*)\b\s*\(";
        let unicode = regex::Regex::new(pattern).expect("valid");
        let ascii = regex::Regex::new(&ascii_classes(pattern).expect("changed")).expect("valid");
        for text in [
            "x.default_value (",
            "ERR_X(",
            "errors  (",
            "no match",
            "defaultz(",
            "_err(",
        ] {
            assert_eq!(unicode.is_match(text), ascii.is_match(text), "{text}");
        }
        // The difference, by design: a non-ASCII letter is not a word character.
        assert!(unicode.is_match("errå("));
        assert!(!ascii.is_match("errå("));
    }

    #[test]
    fn every_regex_of_a_rule_is_rewritten() {
        let mut rule = serde_json::json!({
            "rule": {"all": [{"kind": "x", "regex": "\\w"}, {"has": {"regex": "\\d"}}]},
            "utils": {"u": {"regex": "\\s"}},
            "constraints": {"A": {"regex": "^a$"}},
            "fix": "\\w",
        });
        ascii_regexes(&mut rule);
        assert_eq!(rule["rule"]["all"][0]["regex"], "[[:word:]]");
        assert_eq!(rule["rule"]["all"][1]["has"]["regex"], "[[:digit:]]");
        assert_eq!(rule["utils"]["u"]["regex"], "[[:space:]]");
        assert_eq!(rule["constraints"]["A"]["regex"], "^a$");
        assert_eq!(rule["fix"], "\\w");
    }
}
