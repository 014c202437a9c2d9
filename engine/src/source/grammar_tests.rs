//! The Rust grammar as hindsight links it (grammars/tree-sitter-rust: tree-sitter-rust 0.24.2 with additions):
//! valid Rust the published grammar could not read parses without errors, and ordinary code keeps the syntax
//! tree it always had (a snapshot of `testdata/ordinary.rs`, taken with the published grammar).

use ast_grep_core::Pattern;
use ast_grep_core::tree_sitter::LanguageExt;
use insta::assert_snapshot;
use tree_sitter::{Node, Parser, Tree};

use crate::source::lang::Lang;

/// Valid Rust that tree-sitter-rust 0.24.2 read with errors: a name, the code (from the crate or service where
/// it was seen), and a node kind the patched grammar must produce for it.
const CONSTRUCTS: &[(&str, &str, &str)] = &[
    (
        "safe items in an unsafe extern block (getrandom)",
        "unsafe extern \"C\" {\n    safe fn get_random_u64() -> u64;\n    pub safe static T: [u32; 4];\n    unsafe static R: *const u8;\n}\n",
        "safe",
    ),
    (
        "a closure parameter that is a struct pattern with a turbofish (linkerd2-proxy)",
        "fn f() {\n    let mk = move |policy::RoutePolicy::<F, P> {\n        meta,\n        ..\n    }| meta;\n}\n",
        "struct_pattern",
    ),
    (
        "an attribute on a struct-pattern field (qdrant, proc-macro2)",
        "fn f(d: Diff) {\n    let Diff {\n        #[expect(deprecated)]\n        memmap_threshold,\n        #[cfg(x)]\n        inner: literal,\n        ..\n    } = d;\n}\n",
        "field_pattern",
    ),
    (
        "an attribute on a tuple element (zerovec)",
        "fn f() {\n    let p = (first, #[expect(clippy::unwrap_used)] rest.unwrap());\n}\n",
        "tuple_expression",
    ),
    (
        "a turbofish in a type path (rgb)",
        "fn f() {\n    let g = x as *const Gray::<T>;\n    let h = x.cast::<GrayA::<T, A>>();\n}\n",
        "generic_type",
    ),
    (
        "a trait object whose first bound is a lifetime (regorus)",
        "fn clone_box<'a>(&self) -> Box<dyn 'a + Extension> {\n    todo()\n}\n",
        "dynamic_type",
    ),
    (
        "a unit struct with a where clause (syn)",
        "struct Test\nwhere\n    Error: Send + Sync;\n",
        "where_clause",
    ),
    (
        "`~` and a lone `$` in macro token trees (syn, anyhow, cfg_aliases, vstd)",
        "macro_rules! p {\n    ($m:ident, ~) => { 1 };\n    ($m:ident, $) => { 1 };\n    [$] => { Dollar };\n}\nToken![=~=];\n",
        "macro_definition",
    ),
    (
        "a macro named like a primitive type (snapbox's `str!` in toml_parser, winnow)",
        "fn f() {\n    let e = str![[r#\"abc\"#]];\n}\n",
        "macro_invocation",
    ),
    (
        "`try!` in Rust 2015 code (autocfg, vcpkg)",
        "fn f() -> Result<(), E> {\n    let v = try!(read());\n    Ok(v)\n}\n",
        "macro_invocation",
    ),
    (
        "a foreign type with a visibility in an extern block (wasm-bindgen, in lldap)",
        "#[wasm_bindgen]\nextern \"C\" {\n    #[wasm_bindgen(js_namespace = bootstrap)]\n    pub type Modal;\n\n    #[wasm_bindgen(constructor, js_namespace = bootstrap)]\n    pub fn new(e: web_sys::Element) -> Modal;\n}\n",
        "associated_type",
    ),
];

fn parse(text: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&Lang::RUST.ts_language())
        .expect("the Rust grammar loads");
    parser.parse(text, None).expect("the parser returns a tree")
}

/// Every ERROR and MISSING node, as `kind at line:col` (1-based).
fn errors(tree: &Tree) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            let at = node.start_position();
            let kind = if node.is_missing() {
                "MISSING"
            } else {
                "ERROR"
            };
            out.push(format!("{kind} at {}:{}", at.row + 1, at.column + 1));
        }
        stack.extend((0..node.child_count()).rev().filter_map(|i| node.child(i)));
    }
    out
}

/// Does the tree hold a node (named or not) of this kind?
fn has_kind(tree: &Tree, kind: &str) -> bool {
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.kind() == kind {
            return true;
        }
        stack.extend((0..node.child_count()).filter_map(|i| node.child(i)));
    }
    false
}

/// The named nodes of a tree, one a line, indented by depth, with their field names; leaves show their text.
fn outline(tree: &Tree, text: &str) -> String {
    fn walk(node: Node<'_>, field: Option<&str>, depth: usize, text: &str, out: &mut String) {
        out.push_str(&"  ".repeat(depth));
        if let Some(field) = field {
            out.push_str(field);
            out.push_str(": ");
        }
        out.push_str(node.kind());
        if node.named_child_count() == 0 {
            out.push_str(" `");
            out.push_str(&text[node.byte_range()]);
            out.push('`');
        }
        out.push('\n');
        let mut cursor = node.walk();
        if cursor.goto_first_child() {
            loop {
                let child = cursor.node();
                if child.is_named() {
                    walk(child, cursor.field_name(), depth + 1, text, out);
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
    }
    let mut out = String::new();
    walk(tree.root_node(), None, 0, text, &mut out);
    out
}

#[test]
fn an_ordinary_file_parses_as_it_always_did() {
    let text = include_str!("testdata/ordinary.rs");
    let tree = parse(text);
    assert_eq!(errors(&tree), Vec::<String>::new());
    assert_snapshot!(outline(&tree, text));
}

#[test]
fn valid_rust_the_published_grammar_could_not_read_parses_without_errors() {
    for (name, text, kind) in CONSTRUCTS {
        let tree = parse(text);
        assert_eq!(errors(&tree), Vec::<String>::new(), "{name}:\n{text}");
        assert!(
            has_kind(&tree, kind),
            "{name}: no `{kind}` node in\n{}",
            outline(&tree, text)
        );
    }
}

#[test]
fn safe_stays_a_name_where_it_is_not_a_qualifier() {
    let text = "fn safe(safe: bool) -> bool {\n    let safe = safe;\n    safe\n}\n";
    let tree = parse(text);
    assert_eq!(errors(&tree), Vec::<String>::new());
    assert!(!has_kind(&tree, "safe"), "{}", outline(&tree, text));
}

#[test]
fn rule_patterns_parse_with_the_same_grammar() {
    // ast-grep builds patterns with `Lang`, so a pattern can use the added syntax too.
    let pattern =
        Pattern::try_new("safe fn $NAME() -> $RET;", Lang::RUST).expect("the pattern parses");
    let source = Lang::RUST.ast_grep("unsafe extern \"C\" {\n    safe fn now() -> u64;\n}\n");
    let found = source.root().find(&pattern).map(|m| m.text().to_string());
    assert_eq!(found.as_deref(), Some("safe fn now() -> u64;"));
}
