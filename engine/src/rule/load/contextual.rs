//! Patterns that need surrounding code to parse as what they mean.
//!
//! Go allows statements only inside a function, and reads `os.Exit(1)` alone at the top of a file as a type
//! conversion, so a pattern written the obvious way would never match a call. ast-grep's answer is a
//! `pattern: {context, selector}` object; hindsight writes it for the author: a plain pattern that does not
//! parse on its own, in a language whose table entry gives a [`LanguageSpec::pattern_context`], is wrapped in
//! that context, and matches as the node it is inside the wrapper.
//!
//! [`LanguageSpec::pattern_context`]: crate::source::lang::LanguageSpec::pattern_context

use serde_json::Value;

use crate::source::lang::Lang;

/// Rewrites, in place, every plain `pattern:` of a rule (as JSON: `match`, `constraints`, `utils`,
/// `enclosing`, recursively) that needs its language's context.
fn contextualise(lang: Lang, rule: &mut Value) {
    let Some(context) = lang.spec().pattern_context else {
        return;
    };
    match rule {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "pattern"
                    && let Value::String(pattern) = value
                    && let Some(selector) = selector_in_context(lang, context, pattern)
                {
                    let wrapped = format!("{}{pattern}{}", context.0, context.1);
                    *value = serde_json::json!({ "context": wrapped, "selector": selector });
                } else {
                    contextualise(lang, value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| contextualise(lang, item)),
        _ => {}
    }
}

/// Puts in context the patterns of a matcher's configuration as ast-grep reads it: its `rule`,
/// `constraints` and `utils` (not its `fix` or `transform`, which are no patterns to match).
pub(crate) fn contextualise_config(lang: Lang, config: &mut Value) {
    for key in ["rule", "constraints", "utils"] {
        if let Some(part) = config.get_mut(key) {
            contextualise(lang, part);
        }
    }
}

/// An `enclosing` rule with its patterns, and its utils' patterns, put in context.
pub(crate) fn typed_core(
    lang: Lang,
    core: ast_grep_config::SerializableRuleCore,
) -> ast_grep_config::SerializableRuleCore {
    ast_grep_config::SerializableRuleCore {
        rule: typed(lang, core.rule),
        utils: core.utils.map(|utils| {
            utils
                .into_iter()
                .map(|(name, rule)| (name, typed(lang, rule)))
                .collect()
        }),
        ..core
    }
}

/// A typed rule with its patterns put in context (through JSON, as ast-grep reads it).
pub(super) fn typed(
    lang: Lang,
    rule: ast_grep_config::SerializableRule,
) -> ast_grep_config::SerializableRule {
    if lang.spec().pattern_context.is_none() {
        return rule;
    }
    let Ok(mut json) = serde_json::to_value(&rule) else {
        return rule;
    };
    contextualise(lang, &mut json);
    serde_json::from_value(json).unwrap_or(rule)
}

/// The node kind the pattern is inside `context`, when it does not parse on its own and does there.
fn selector_in_context(lang: Lang, context: (&str, &str), pattern: &str) -> Option<String> {
    let parse = |text: &str| {
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&lang.ts_language()).ok()?;
        // Metavariables are parsed as the identifiers ast-grep turns them into.
        let mut expando = [0; 4];
        parser.parse(
            text.replace('$', lang.spec().expando.encode_utf8(&mut expando)),
            None,
        )
    };
    let alone = parse(pattern)?;
    if !alone.root_node().has_error() {
        return None;
    }
    let (before, after) = context;
    let wrapped = parse(&format!("{before}{pattern}{after}"))?;
    let root = wrapped.root_node();
    if root.has_error() {
        return None;
    }
    // The pattern's bytes in the wrapped text, after replacing `$` (one byte) by the expando (maybe more).
    let expanded = |text: &str| {
        text.chars()
            .map(|c| {
                if c == '$' {
                    lang.spec().expando.len_utf8()
                } else {
                    c.len_utf8()
                }
            })
            .sum::<usize>()
    };
    let trimmed = pattern.trim();
    let leading = &pattern[..pattern.len() - pattern.trim_start().len()];
    let start = expanded(before) + expanded(leading);
    let end = start + expanded(trimmed);
    let node = root.named_descendant_for_byte_range(start, end)?;
    if node.start_byte() != start || node.end_byte() != end {
        return None;
    }
    // ast-grep selects the first node of the kind in the context: it must be the pattern's, not a node of
    // the wrapper (a lone `$F` is an identifier, like the wrapper function's name).
    let first = first_of_kind(root, node.kind_id())?;
    (first.id() == node.id()).then(|| node.kind().to_string())
}

/// The first node of a kind, in pre-order.
fn first_of_kind(root: tree_sitter::Node<'_>, kind: u16) -> Option<tree_sitter::Node<'_>> {
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.kind_id() == kind {
            return Some(node);
        }
        if cursor.goto_first_child() || cursor.goto_next_sibling() {
            continue;
        }
        loop {
            if !cursor.goto_parent() {
                return None;
            }
            if cursor.goto_next_sibling() {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(lang: Lang, rule: Value) -> Value {
        let mut rule = rule;
        contextualise(lang, &mut rule);
        rule
    }

    #[test]
    fn a_go_call_is_matched_as_a_call_inside_a_function() {
        let rule = rewritten(
            Lang::GO,
            serde_json::json!({"pattern": "os.Exit($$$)", "inside": {"pattern": "func $F() { $$$ }"}}),
        );
        assert_eq!(rule["pattern"]["selector"], "call_expression");
        assert!(
            rule["pattern"]["context"]
                .as_str()
                .is_some_and(|c| c.contains("func µ() {\nos.Exit($$$)\n}"))
        );
        // A declaration parses on its own and is left as written.
        assert_eq!(rule["inside"]["pattern"], "func $F() { $$$ }");
        // A lone metavariable would select the wrapper's own name: it is left as written too.
        assert_eq!(
            rewritten(Lang::GO, serde_json::json!({"pattern": "$F"}))["pattern"],
            "$F"
        );
    }

    #[test]
    fn only_patterns_that_need_it_are_rewritten_at_any_depth() {
        let rule = rewritten(
            Lang::GO,
            serde_json::json!({"any": [{"pattern": "$X, err := $F($$$)"}], "not": {"has": {"pattern": "time.Sleep($D)"}}}),
        );
        // tree-sitter-go reads a statement at the top of a file: it stays as written.
        assert_eq!(rule["any"][0]["pattern"], "$X, err := $F($$$)");
        assert_eq!(rule["not"]["has"]["pattern"]["selector"], "call_expression");
    }

    #[test]
    fn languages_without_a_context_are_left_alone() {
        let rule = serde_json::json!({"pattern": "sys.exit($$$)"});
        assert_eq!(rewritten(Lang::PYTHON, rule.clone()), rule);
    }
}
