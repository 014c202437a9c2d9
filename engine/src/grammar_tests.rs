//! The Rust grammar as hindsight links it: ordinary code keeps the syntax tree it always had (a snapshot of
//! `testdata/ordinary.rs`).

use insta::assert_snapshot;
use tree_sitter::{Node, Parser, Tree};

use crate::lang::Lang;

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
