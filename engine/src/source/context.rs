//! Facts about where a node sits in its file: is it test code? (Where a whole file sits is [`crate::source::scope`].)
//!
//! Read from the language's [`TestCode`] entry; only Rust has one today. tree-sitter-rust puts attributes
//! (`#[test]`) as siblings *before* the item they annotate, so "is this in a test" is a walk up the ancestors
//! looking at each item's preceding siblings.

use tree_sitter::Node;

use crate::source::lang::{Lang, TestCode};

/// An attribute makes the next item test code whatever it is (`#[cfg(test)]`).
pub(crate) const MARK_CFG_TEST: u8 = 1;
/// An attribute makes the next item test code if it is a function (`#[test]`, `#[tokio::test]`).
pub(crate) const MARK_TEST_FN: u8 = 2;

/// The test marks of an attribute node (outer or inner), by a language's [`TestCode`] entry.
pub(crate) fn test_marks_in(test: &TestCode, attr: Node<'_>, src: &[u8]) -> u8 {
    let body = attribute_body(attr, src);
    let mut marks = 0;
    if is_test_gate(test, body) {
        marks |= MARK_CFG_TEST;
    }
    if is_test_fn_attribute(test, body) {
        marks |= MARK_TEST_FN;
    }
    marks
}

/// Is `node` inside test code: a `#[cfg(test)]` item, a test function, or a file with `#![cfg(test)]`? Never
/// in a language without a [`TestCode`] entry.
pub(crate) fn in_test_code(lang: Lang, node: Node<'_>, src: &[u8]) -> bool {
    std::iter::successors(Some(node), |n| n.parent()).any(|n| marks_test_code(lang, n, src))
}

/// Does this node itself make its subtree test code (its own attributes, or inner attributes it holds)?
pub(crate) fn marks_test_code(lang: Lang, node: Node<'_>, src: &[u8]) -> bool {
    let Some(test) = lang.test_code() else {
        return false;
    };
    let kind = node.kind();
    if test.functions.contains(&kind) {
        attributes_in(lang, node, src)
            .any(|attr| is_test_fn_attribute(test, attr) || is_test_gate(test, attr))
    } else if test.gated_items.contains(&kind) {
        attributes_in(lang, node, src).any(|attr| is_test_gate(test, attr))
    } else if test.attribute_holders.contains(&kind) {
        inner_attributes(lang, node, src).any(|attr| is_test_gate(test, attr))
    } else {
        false
    }
}

/// The outer attributes written before an item, nearest first (`#[test]` → `test`); none in a language
/// without attributes.
pub(crate) fn attributes_in<'a>(
    lang: Lang,
    item: Node<'a>,
    src: &'a [u8],
) -> impl Iterator<Item = &'a str> + 'a {
    let outer = lang.test_code().map(|test| test.outer_attribute);
    let mut sibling = outer.and_then(|_| item.prev_sibling());
    std::iter::from_fn(move || {
        while let Some(node) = sibling {
            sibling = node.prev_sibling();
            let kind = node.kind();
            if Some(kind) == outer {
                return Some(attribute_body(node, src));
            }
            if !lang.is_comment_kind(kind) {
                sibling = None;
                return None;
            }
        }
        None
    })
}

/// Inner attributes (`#![cfg(test)]`) come first in their block or file: stop at the first other item.
pub(crate) fn inner_attributes<'a>(
    lang: Lang,
    container: Node<'a>,
    src: &'a [u8],
) -> impl Iterator<Item = &'a str> + 'a {
    let test = lang.test_code();
    let mut cursor = container.walk();
    let mut started = false;
    std::iter::from_fn(move || {
        let test = test?;
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
            let kind = child.kind();
            if kind == test.inner_attribute {
                return Some(attribute_body(child, src));
            }
            if !(lang.is_comment_kind(kind) || test.holder_openers.contains(&kind)) {
                return None;
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

/// Does an attribute make a function a test: `test`, `tokio::test`, `rstest`, `test_case(...)`,
/// `test_log::test` and the like (by its last path segment)?
pub(crate) fn is_test_fn_attribute(test: &TestCode, body: &str) -> bool {
    let path = body.split(['(', '=', ' ']).next().unwrap_or("");
    let last = path.rsplit("::").next().unwrap_or(path);
    test.test_attributes.contains(&last)
        || test
            .test_attribute_prefixes
            .iter()
            .any(|prefix| last.starts_with(prefix))
}

/// Is an attribute a gate only test builds pass: `cfg(test)`, `cfg(all(test, feature = "x"))`, but not
/// `cfg(not(test))` or `cfg(feature = "test")`?
pub(crate) fn is_test_gate(test: &TestCode, body: &str) -> bool {
    is_cfg(body, test.test_cfg)
}

/// Cargo's `cfg(test)`, where no tree is at hand: in manifests (`[target.'cfg(test)'.dependencies]`) and in the
/// line scan of `mod` declarations ([`crate::source::scope`]).
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

    fn rust() -> &'static TestCode {
        Lang::RUST.test_code().expect("Rust marks test code")
    }

    /// Is the first node whose text is `needle` test code, in `text` parsed as `lang`?
    fn is_test(lang: Lang, text: &str, needle: &str) -> bool {
        crate::source::with_node_at(lang, text, needle, |node| {
            in_test_code(lang, node, text.as_bytes())
        })
    }

    #[test]
    fn test_code_is_found_from_the_attributes_the_entry_names() {
        let text = "fn serve() { a(); }\n#[cfg(test)]\n// helpers\nmod tests {\n    fn helper() { b(); }\n}\n#[tokio::test]\nasync fn t() { c(); }\n#[test]\nstruct NotAFunction { d: u8 }\nfn inner() {\n    #![cfg(test)]\n    gated_call();\n}\n";
        assert!(!is_test(Lang::RUST, text, "a()"));
        assert!(is_test(Lang::RUST, text, "b()"));
        assert!(is_test(Lang::RUST, text, "c()"));
        // `#[test]` makes only functions test code; `#![cfg(test)]` makes the block it opens test code.
        assert!(!is_test(Lang::RUST, text, "d: u8"));
        assert!(is_test(Lang::RUST, text, "gated_call()"));
        // A language without a `TestCode` entry has no test code inside files.
        assert!(!is_test(Lang::YAML, "# cfg(test)\nkey: value\n", "value"));
    }

    #[test]
    fn test_attributes_are_recognised() {
        for attr in [
            "test",
            "tokio::test",
            "tokio::test(flavor = \"multi_thread\")",
            "rstest",
            "test_case(1)",
        ] {
            assert!(is_test_fn_attribute(rust(), attr), "{attr}");
        }
        for attr in ["inline", "derive(Debug)", "testing", "cfg(test)"] {
            assert!(!is_test_fn_attribute(rust(), attr), "{attr}");
        }
        for attr in [
            "cfg(test)",
            "cfg(all(test, feature = \"x\"))",
            "cfg( test )",
        ] {
            assert!(is_test_gate(rust(), attr), "{attr}");
        }
        for attr in [
            "cfg(not(test))",
            "cfg(feature = \"test\")",
            "cfg_attr(test, derive(Debug))",
        ] {
            assert!(!is_test_gate(rust(), attr), "{attr}");
        }
    }
}
