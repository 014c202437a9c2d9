//! Seeing inside Rust macro calls.
//!
//! tree-sitter-rust leaves a macro's arguments as an unstructured token tree, so `.unwrap()` inside
//! `assert_eq!(…)`, `vec![…]` or `tokio::select!{…}` is invisible to structural rules (ast-grep and Semgrep
//! both miss these). We rewrite each macro call *in place, byte for byte*, into plain Rust that parses:
//!
//! - `name!(args)` and `name![args]` become the call `name (args)`: `!` turns into a space and the
//!   brackets into parentheses;
//! - `name! { … }` becomes the block `{ … }` (the path is blanked), and `select!`-style arms
//!   `pat = fut => body,` become `fut; body;`.
//!
//! Every rewrite keeps every byte offset and line, so positions found in the rewritten text are positions in
//! the user's file, and the rewritten tree keeps all the context around the macro (the enclosing function,
//! its attributes, `#[cfg(test)]` modules) for relational rules. The rewritten text is reparsed
//! incrementally from the original tree; a macro whose rewrite does not parse cleanly is restored and left
//! opaque. Macros nested inside macro arguments are handled one level at a time, up to [`MAX_DEPTH`].

use std::ops::Range;

use tree_sitter::{InputEdit, Node, Parser, Point, Tree};

use crate::line_index::LineIndex;

/// How many levels of macros-inside-macro-arguments are opened.
pub(crate) const MAX_DEPTH: usize = 3;

/// How one macro call is rewritten.
#[derive(Clone, Debug)]
pub(crate) struct MacroPlan {
    /// The whole macro invocation.
    pub(crate) range: Range<usize>,
    /// The node that must cover exactly this range after the rewrite (the call or the block).
    pub(crate) expect: Range<usize>,
    /// The arguments, without delimiters: the nodes found here are new to the rewritten tree.
    pub(crate) contents: Range<usize>,
    /// Single-byte replacements.
    edits: Vec<(usize, u8)>,
}

/// One level of rewriting: a tree whose macro regions `regions` are parsed as Rust.
pub(crate) struct Level {
    pub(crate) source: String,
    pub(crate) tree: Tree,
    pub(crate) regions: Vec<Range<usize>>,
}

/// Plans the rewrite of a `macro_invocation` node, or `None` when it cannot be rewritten.
pub(crate) fn plan(node: Node<'_>, src: &[u8]) -> Option<MacroPlan> {
    if node.kind() != "macro_invocation" {
        return None;
    }
    let count = node.child_count();
    let tree = node.child(count.checked_sub(1)?)?;
    if tree.kind() != "token_tree" || tree.byte_range().len() < 2 {
        return None;
    }
    let mut cursor = node.walk();
    let bang = node.children(&mut cursor).find(|c| c.kind() == "!")?;
    let open = tree.start_byte();
    let close = tree.end_byte() - 1;
    let mut edits = Vec::new();
    match (src.get(open), src.get(close)) {
        (Some(b'('), Some(b')')) | (Some(b'['), Some(b']')) => {
            edits.push((bang.start_byte(), b' '));
            edits.push((open, b'('));
            edits.push((close, b')'));
            Some(MacroPlan {
                range: node.byte_range(),
                expect: node.byte_range(),
                contents: open + 1..close,
                edits,
            })
        }
        (Some(b'{'), Some(b'}')) => {
            blank(&mut edits, src, node.start_byte()..bang.end_byte());
            rewrite_arms(&mut edits, tree, src);
            Some(MacroPlan {
                range: node.byte_range(),
                expect: tree.byte_range(),
                contents: open + 1..close,
                edits,
            })
        }
        _ => None,
    }
}

/// `a = fut => { … }, else => x,` becomes `    fut;  { … }; x;`: the futures and bodies as statements.
fn rewrite_arms(edits: &mut Vec<(usize, u8)>, tree: Node<'_>, src: &[u8]) {
    let mut cursor = tree.walk();
    let tokens: Vec<Node<'_>> = tree.children(&mut cursor).collect();
    let inner = tokens.get(1..tokens.len().saturating_sub(1)).unwrap_or(&[]);
    if !inner.iter().any(|t| t.kind() == "=>") {
        return;
    }
    let mut arm_start: Option<usize> = None;
    let mut assign: Option<usize> = None;
    // After `=>` comes the arm's body: a `{ … }` block ends the arm by itself, anything else runs to `,`.
    let mut body_tokens = None::<usize>;
    for token in inner {
        match token.kind() {
            "=>" => {
                if let Some(start) = arm_start {
                    // Blank the pattern: up to and including `=`, or everything before `=>` (`else`).
                    let end = assign.unwrap_or(token.start_byte());
                    blank(edits, src, start..end);
                }
                edits.push((token.start_byte(), b';'));
                edits.push((token.start_byte() + 1, b' '));
                arm_start = None;
                assign = None;
                body_tokens = Some(0);
            }
            "," => {
                edits.push((token.start_byte(), b';'));
                arm_start = None;
                assign = None;
                body_tokens = None;
            }
            "=" if body_tokens.is_none() && arm_start.is_some() && assign.is_none() => {
                assign = Some(token.end_byte());
            }
            kind => match body_tokens {
                Some(n) => {
                    let is_block =
                        kind == "token_tree" && src.get(token.start_byte()) == Some(&b'{');
                    body_tokens = if n == 0 && is_block {
                        None
                    } else {
                        Some(n + 1)
                    };
                }
                None => {
                    if arm_start.is_none() {
                        arm_start = Some(token.start_byte());
                    }
                }
            },
        }
    }
}

fn blank(edits: &mut Vec<(usize, u8)>, src: &[u8], range: Range<usize>) {
    for offset in range {
        if let Some(&byte) = src.get(offset)
            && byte != b'\n'
            && byte != b'\r'
            && byte != b' '
        {
            edits.push((offset, b' '));
        }
    }
}

/// Rewrites the planned macros of `tree` and reparses; plans whose rewrite does not parse are restored.
/// Returns the new level with the regions that now hold parsed Rust, or `None` when no plan succeeded.
pub(crate) fn apply(
    parser: &mut Parser,
    tree: &Tree,
    source: &str,
    plans: &[MacroPlan],
) -> Option<Level> {
    if plans.is_empty() {
        return None;
    }
    let index = LineIndex::new(source);
    let mut bytes = source.as_bytes().to_vec();
    let mut edited = tree.clone();
    for plan in plans {
        for &(offset, byte) in &plan.edits {
            if let Some(slot) = bytes.get_mut(offset) {
                *slot = byte;
            }
        }
        edited.edit(&same_length_edit(&index, plan.range.clone()));
    }
    let mut text = String::from_utf8(bytes).ok()?;
    let mut new_tree = parser.parse(&text, Some(&edited))?;
    let (ok, failed): (Vec<&MacroPlan>, Vec<&MacroPlan>) = plans
        .iter()
        .partition(|plan| parses_cleanly(&new_tree, plan));
    if ok.is_empty() {
        return None;
    }
    if !failed.is_empty() {
        // Restore the failed rewrites and reparse, so an unparseable macro never disturbs its neighbours.
        let mut bytes = text.into_bytes();
        let mut restored = new_tree.clone();
        for plan in &failed {
            for &(offset, _) in &plan.edits {
                if let (Some(slot), Some(&orig)) =
                    (bytes.get_mut(offset), source.as_bytes().get(offset))
                {
                    *slot = orig;
                }
            }
            restored.edit(&same_length_edit(&index, plan.range.clone()));
        }
        text = String::from_utf8(bytes).ok()?;
        new_tree = parser.parse(&text, Some(&restored))?;
    }
    let regions = ok
        .iter()
        .filter(|plan| parses_cleanly(&new_tree, plan))
        .map(|plan| plan.contents.clone())
        .collect();
    Some(Level {
        source: text,
        tree: new_tree,
        regions,
    })
}

fn parses_cleanly(tree: &Tree, plan: &MacroPlan) -> bool {
    let node = tree
        .root_node()
        .descendant_for_byte_range(plan.expect.start, plan.expect.end);
    node.is_some_and(|n| {
        n.byte_range() == plan.expect
            && !n.has_error()
            && matches!(n.kind(), "call_expression" | "block")
    })
}

fn same_length_edit(index: &LineIndex<'_>, range: Range<usize>) -> InputEdit {
    let point = |offset: usize| {
        let row = index.line_of(offset);
        Point {
            row,
            column: offset - index.line_start(row),
        }
    };
    InputEdit {
        start_byte: range.start,
        old_end_byte: range.end,
        new_end_byte: range.end,
        start_position: point(range.start),
        old_end_position: point(range.end),
        new_end_position: point(range.end),
    }
}
