//! Rule messages: `$VAR` and `$$$VAR` in a message template replaced by the text the match captured.

use std::ops::Range;

use ast_grep_core::NodeMatch;
use ast_grep_core::tree_sitter::StrDoc;

use crate::source::lang::Lang;

/// Replaces `$VAR` and `$$$VAR` in a message with the captured text, read from the user's original text.
pub(super) fn interpolate(
    template: &str,
    node_match: &NodeMatch<'_, StrDoc<Lang>>,
    original: &str,
    to_original: &dyn Fn(Range<usize>) -> Range<usize>,
) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos..];
        let n_dollars = after.chars().take_while(|&c| c == '$').count().min(3);
        let name_len = after[n_dollars..]
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .map_or(after.len() - n_dollars, |(i, _)| i);
        let name = &after[n_dollars..n_dollars + name_len];
        let env = node_match.get_env();
        let range = match (n_dollars, name.is_empty()) {
            (1, false) => env.get_match(name).map(|n| n.range()),
            (3, false) => {
                let nodes = env.get_multiple_matches(name);
                match (nodes.first(), nodes.last()) {
                    (Some(first), Some(last)) => Some(first.range().start..last.range().end),
                    _ => Some(0..0),
                }
            }
            _ => None,
        };
        match range {
            Some(range) => out.push_str(original.get(to_original(range)).unwrap_or("")),
            None => out.push_str(&after[..n_dollars + name_len]),
        }
        rest = &after[n_dollars + name_len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use ast_grep_core::Pattern;
    use ast_grep_core::tree_sitter::LanguageExt;

    use super::*;

    const SOURCE: &str = "fn f() { send(tenant, 1, 2); }";

    /// Interpolates `template` with the match of `send($A, $$$REST)` in `source`, read from `original`.
    fn message(
        template: &str,
        source: &str,
        original: &str,
        to_original: &dyn Fn(Range<usize>) -> Range<usize>,
    ) -> String {
        let pattern =
            Pattern::try_new("send($A, $$$REST)", Lang::RUST).expect("the pattern parses");
        let root = Lang::RUST.ast_grep(source);
        let node_match = root.root().find(&pattern).expect("the pattern matches");
        interpolate(template, &node_match, original, to_original)
    }

    fn same(range: Range<usize>) -> Range<usize> {
        range
    }

    #[test]
    fn metavariables_are_replaced_by_what_they_captured() {
        assert_eq!(
            message("`$A` is sent with $$$REST", SOURCE, SOURCE, &same),
            "`tenant` is sent with 1, 2"
        );
        assert_eq!(message("$A$A", SOURCE, SOURCE, &same), "tenanttenant");
        assert_eq!(
            message("no variables", SOURCE, SOURCE, &same),
            "no variables"
        );
    }

    #[test]
    fn what_is_not_a_captured_variable_is_left_as_written() {
        // A single `$` name the match did not capture, a lowercase name, two dollars, a bare dollar.
        assert_eq!(
            message("$B, $a, $$A, costs $", SOURCE, SOURCE, &same),
            "$B, $a, $$A, costs $"
        );
    }

    #[test]
    fn an_uncaptured_multiple_variable_is_empty() {
        assert_eq!(message("[$$$NONE]", SOURCE, SOURCE, &same), "[]");
    }

    #[test]
    fn captures_are_read_from_the_original_text() {
        // As for a match in a macro's arguments: the matched text sits at another offset in the user's file.
        let original = "/**/fn f() { send(TENANT, 1, 2); }";
        let shift = |range: Range<usize>| range.start + 4..range.end + 4;
        assert_eq!(message("$A", SOURCE, original, &shift), "TENANT");
        // A range the original does not have gives nothing rather than a panic.
        let past_end = |range: Range<usize>| range.start + 100..range.end + 100;
        assert_eq!(message("[$A]", SOURCE, original, &past_end), "[]");
    }
}
