//! Facts about where a node sits in its file: is it test code? (Where a whole file sits is [`crate::source::scope`].)
//!
//! Rust only for now: tree-sitter-rust puts attributes (`#[test]`) as siblings *before* the item they
//! annotate, so "is this in a test" is a walk up the ancestors looking at each item's preceding siblings.

use tree_sitter::Node;

/// An attribute makes the next item test code whatever it is (`#[cfg(test)]`).
pub(crate) const MARK_CFG_TEST: u8 = 1;
/// An attribute makes the next item test code if it is a function (`#[test]`, `#[tokio::test]`).
pub(crate) const MARK_TEST_FN: u8 = 2;

/// The test marks of an attribute node (outer or inner).
pub(crate) fn test_marks(attr: Node<'_>, src: &[u8]) -> u8 {
    let body = attribute_body(attr, src);
    let mut marks = 0;
    if is_cfg_test(body) {
        marks |= MARK_CFG_TEST;
    }
    if is_test_fn_attribute(body) {
        marks |= MARK_TEST_FN;
    }
    marks
}

/// Is `node` inside test code: a `#[cfg(test)]` item, a test function, or a file with `#![cfg(test)]`?
pub(crate) fn in_rust_test_code(node: Node<'_>, src: &[u8]) -> bool {
    std::iter::successors(Some(node), |n| n.parent()).any(|n| marks_test_code(n, src))
}

/// Does this node itself make its subtree test code (its own attributes, or inner attributes it holds)?
pub(crate) fn marks_test_code(node: Node<'_>, src: &[u8]) -> bool {
    match node.kind() {
        "function_item" => {
            attributes(node, src).any(|attr| is_test_fn_attribute(attr) || is_cfg_test(attr))
        }
        "mod_item"
        | "impl_item"
        | "trait_item"
        | "struct_item"
        | "enum_item"
        | "const_item"
        | "static_item"
        | "macro_invocation"
        | "expression_statement"
        | "let_declaration" => attributes(node, src).any(is_cfg_test),
        "source_file" | "declaration_list" | "block" => {
            inner_attributes(node, src).any(is_cfg_test)
        }
        _ => false,
    }
}

/// The outer attributes written before an item, nearest first (`#[test]` → `test`).
pub(crate) fn attributes<'a>(item: Node<'a>, src: &'a [u8]) -> impl Iterator<Item = &'a str> + 'a {
    let mut sibling = item.prev_sibling();
    std::iter::from_fn(move || {
        while let Some(node) = sibling {
            sibling = node.prev_sibling();
            match node.kind() {
                "attribute_item" => return Some(attribute_body(node, src)),
                "line_comment" | "block_comment" => {}
                _ => {
                    sibling = None;
                    return None;
                }
            }
        }
        None
    })
}

/// Inner attributes (`#![cfg(test)]`) come first in their block or file: stop at the first other item.
pub(crate) fn inner_attributes<'a>(
    container: Node<'a>,
    src: &'a [u8],
) -> impl Iterator<Item = &'a str> + 'a {
    let mut cursor = container.walk();
    let mut started = false;
    std::iter::from_fn(move || {
        loop {
            let moved = if started {
                cursor.goto_next_sibling()
            } else {
                cursor.goto_first_child()
            };
            started = true;
            if !moved {
                return None;
            }
            let child = cursor.node();
            match child.kind() {
                "inner_attribute_item" => return Some(attribute_body(child, src)),
                "line_comment" | "block_comment" | "{" => {}
                _ => return None,
            }
        }
    })
}

/// `#[tokio::test(flavor = "x")]` → `tokio::test(flavor = "x")`.
fn attribute_body<'a>(attr: Node<'a>, src: &'a [u8]) -> &'a str {
    let text = attr.utf8_text(src).unwrap_or("");
    text.trim_start_matches("#!")
        .trim_start_matches('#')
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim()
}

/// `test`, `tokio::test`, `rstest`, `test_case(...)`, `test_log::test` and the like.
pub(crate) fn is_test_fn_attribute(body: &str) -> bool {
    let path = body.split(['(', '=', ' ']).next().unwrap_or("");
    let last = path.rsplit("::").next().unwrap_or(path);
    last == "test"
        || last.starts_with("test_")
        || matches!(last, "rstest" | "quickcheck" | "proptest" | "bench")
}

/// `cfg(test)`, `cfg(all(test, feature = "x"))`, but not `cfg(not(test))` or `cfg(feature = "test")`.
pub(crate) fn is_cfg_test(body: &str) -> bool {
    is_cfg(body, "test")
}

/// A `cfg(…)` attribute body that needs the configuration option `option` (`test`, `fuzzing`) to be set.
pub(crate) fn is_cfg(body: &str, option: &str) -> bool {
    let Some(args) = body.strip_prefix("cfg") else {
        return false;
    };
    let args = args.trim_start();
    if !args.starts_with('(') {
        return false;
    }
    // Drop string literals first: `feature = "test"` is not the `test` cfg.
    let mut in_string = false;
    let compact: String = args
        .chars()
        .filter(|&c| {
            if c == '"' {
                in_string = !in_string;
                return false;
            }
            !in_string && !c.is_whitespace()
        })
        .collect();
    if compact.contains(&format!("not({option}")) {
        return false;
    }
    compact
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| word == option)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_attributes_are_recognised() {
        for attr in [
            "test",
            "tokio::test",
            "tokio::test(flavor = \"multi_thread\")",
            "rstest",
            "test_case(1)",
        ] {
            assert!(is_test_fn_attribute(attr), "{attr}");
        }
        for attr in ["inline", "derive(Debug)", "testing", "cfg(test)"] {
            assert!(!is_test_fn_attribute(attr), "{attr}");
        }
        for attr in [
            "cfg(test)",
            "cfg(all(test, feature = \"x\"))",
            "cfg( test )",
        ] {
            assert!(is_cfg_test(attr), "{attr}");
        }
        for attr in [
            "cfg(not(test))",
            "cfg(feature = \"test\")",
            "cfg_attr(test, derive(Debug))",
        ] {
            assert!(!is_cfg_test(attr), "{attr}");
        }
    }
}
