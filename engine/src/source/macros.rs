//! Seeing inside Rust macro calls.
//!
//! tree-sitter-rust leaves a macro's arguments as an unstructured token tree, so `.unwrap()` inside
//! `assert_eq!(…)`, `vec![…]` or `tokio::select!{…}` is invisible to structural rules (ast-grep and Semgrep
//! both miss these). We rewrite each macro call, byte for byte, into plain Rust that parses:
//!
//! - `name!(args)` and `name![args]` become the call `name (args)`: `!` turns into a space and the
//!   brackets into parentheses;
//! - `name! { … }` becomes the block `{ … }` (the path is blanked), and `select!`-style arms
//!   `pat = fut => body,` become `fut; body;`.
//!
//! The rewritten calls are parsed in a *fragment*: a small document holding each rewritten macro as a
//! statement of one synthetic function, so only the macro arguments are parsed again, not the file. Every
//! macro is one piece of the fragment that maps back to the original text linearly, so positions are exact.
//! A macro whose rewrite does not parse cleanly stays opaque. Macros inside macro arguments are opened one
//! level at a time, up to [`MAX_DEPTH`].
//!
//! Inside a fragment, a rule's own relational conditions (`inside`, `has`) see the macro's arguments only.
//! Questions about the surrounding code, test code and a rule's `enclosing`, are answered on the original
//! tree at the token the match came from (see `check.rs`).

use std::ops::Range;

use tree_sitter::{Node, Parser, Tree};

/// How many levels of macros-inside-macro-arguments are opened.
pub(crate) const MAX_DEPTH: usize = 3;

/// Node kinds that only exist with brackets, braces or parentheses. When every kind the rules look for is one
/// of these, a macro whose arguments hold no nested brackets (`println!("{}", x)`) cannot contain a match,
/// and is not parsed again.
pub(crate) const DELIMITED_KINDS: &[&str] = &[
    "call_expression",
    "macro_invocation",
    "index_expression",
    "array_expression",
    "tuple_expression",
    "parenthesized_expression",
    "arguments",
    "block",
    "struct_expression",
    "field_initializer_list",
    "if_expression",
    "match_expression",
    "match_block",
    "while_expression",
    "loop_expression",
    "for_expression",
    "unsafe_block",
    "async_block",
    "const_block",
];

/// How one macro call is rewritten, in the coordinates of the document it was found in.
#[derive(Clone, Debug)]
pub(crate) struct MacroPlan {
    /// The whole macro invocation.
    range: Range<usize>,
    /// The arguments, without delimiters: the nodes found here are new in the fragment.
    contents: Range<usize>,
    /// The node the rewrite must parse to: the call (the whole macro) or the block (its `{ … }`).
    expect: Range<usize>,
    /// The rewrite parses as a block (`{ … }`) rather than a call.
    is_block: bool,
    /// Single-byte replacements inside `range`.
    edits: Vec<(usize, u8)>,
}

/// A contiguous run of fragment text copied from the original file.
#[derive(Clone, Copy, Debug)]
struct Piece {
    fragment: usize,
    original: usize,
    len: usize,
}

/// A parsed fragment: rewritten macros in their skeleton, and where each piece came from.
pub(crate) struct Fragment {
    pub(crate) text: String,
    pub(crate) tree: Tree,
    pieces: Vec<Piece>,
    /// Argument ranges (fragment coordinates) of the macros that parsed cleanly: scan these.
    pub(crate) regions: Vec<Range<usize>>,
}

impl Fragment {
    /// Maps a fragment offset to the original file. Offsets inside a piece, or at its end, map exactly.
    pub(crate) fn to_original(&self, offset: usize) -> usize {
        let idx = self
            .pieces
            .partition_point(|p| p.fragment <= offset)
            .saturating_sub(1);
        self.pieces
            .get(idx)
            .map_or(offset, |p| p.original + (offset - p.fragment).min(p.len))
    }

    pub(crate) fn range_to_original(&self, range: Range<usize>) -> Range<usize> {
        self.to_original(range.start)..self.to_original(range.end)
    }
}

/// Plans the rewrite of a `macro_invocation` node, or `None` when it cannot be rewritten (or, unless `flat`
/// is set, when its arguments hold no nested brackets and so cannot contain a delimited kind).
pub(crate) fn plan(node: Node<'_>, src: &[u8], flat: bool) -> Option<MacroPlan> {
    let count = node.child_count();
    let tree = node.child(count.checked_sub(1)?)?;
    if tree.kind() != "token_tree" || tree.byte_range().len() < 2 {
        return None;
    }
    if !flat {
        let mut cursor = tree.walk();
        if !tree
            .named_children(&mut cursor)
            .any(|c| c.kind() == "token_tree")
        {
            return None;
        }
    }
    let mut cursor = node.walk();
    let bang = node.children(&mut cursor).find(|c| c.kind() == "!")?;
    let open = tree.start_byte();
    let close = tree.end_byte() - 1;
    let mut edits = Vec::new();
    let is_block = match (src.get(open), src.get(close)) {
        (Some(b'('), Some(b')')) | (Some(b'['), Some(b']')) => {
            edits.push((bang.start_byte(), b' '));
            edits.push((open, b'('));
            edits.push((close, b')'));
            false
        }
        (Some(b'{'), Some(b'}')) => {
            blank(&mut edits, src, node.start_byte()..bang.end_byte());
            rewrite_arms(&mut edits, tree, src);
            true
        }
        _ => return None,
    };
    let expect = if is_block {
        tree.byte_range()
    } else {
        node.byte_range()
    };
    Some(MacroPlan {
        range: node.byte_range(),
        contents: open + 1..close,
        expect,
        is_block,
        edits,
    })
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
            && !matches!(byte, b'\n' | b'\r' | b' ')
        {
            edits.push((offset, b' '));
        }
    }
}

/// Builds and parses the fragment for `plans`, found in a document whose text is `source` and whose own
/// offsets map to the original file through `to_original`. Returns `None` when nothing parsed cleanly.
pub(crate) fn parse_fragment(
    parser: &mut Parser,
    source: &str,
    plans: &[MacroPlan],
    to_original: &dyn Fn(usize) -> usize,
) -> Option<Fragment> {
    let plans: Vec<&MacroPlan> = plans.iter().collect();
    let (mut fragment, placed) = build(parser, source, &plans, to_original)?;
    // A rewrite that does not parse is left out. Each macro is its own statement, so tree-sitter's error
    // recovery keeps a failure local; a neighbour it disturbs fails the same exact-node check and is left
    // out too, so nothing is ever reported from a misparse.
    fragment.regions = plans
        .iter()
        .zip(&placed)
        .filter(|(plan, at)| parses_cleanly(&fragment.tree, plan, **at))
        .map(|(plan, at)| shift(&plan.contents, plan.range.start, *at))
        .collect();
    (!fragment.regions.is_empty()).then_some(fragment)
}

/// `range`, given in a document where the macro starts at `from`, moved to a fragment where it starts at `to`.
fn shift(range: &Range<usize>, from: usize, to: usize) -> Range<usize> {
    range.start - from + to..range.end - from + to
}

/// Lays out the rewritten macros as statements of one function and parses them.
/// Returns the fragment and, per plan, the fragment offset where its macro starts.
fn build(
    parser: &mut Parser,
    source: &str,
    plans: &[&MacroPlan],
    to_original: &dyn Fn(usize) -> usize,
) -> Option<(Fragment, Vec<usize>)> {
    const OPEN: &[u8] = b"fn __hindsight_macro_arguments__() {\n";
    let bytes = source.as_bytes();
    let mut text: Vec<u8> =
        Vec::with_capacity(OPEN.len() + plans.iter().map(|p| p.range.len() + 2).sum::<usize>() + 2);
    text.extend_from_slice(OPEN);
    let mut pieces = Vec::with_capacity(plans.len());
    let mut placed = Vec::with_capacity(plans.len());
    for plan in plans {
        let chunk = bytes.get(plan.range.clone())?;
        let at = text.len();
        text.extend_from_slice(chunk);
        for &(offset, byte) in &plan.edits {
            if let Some(slot) = text.get_mut(at + offset - plan.range.start) {
                *slot = byte;
            }
        }
        pieces.push(Piece {
            fragment: at,
            original: to_original(plan.range.start),
            len: plan.range.len(),
        });
        placed.push(at);
        // Each macro becomes its own statement.
        text.extend_from_slice(b";\n");
    }
    text.extend_from_slice(b"}\n");
    let text = String::from_utf8(text).ok()?;
    parser.reset();
    let tree = parser.parse(&text, None)?;
    Some((
        Fragment {
            text,
            tree,
            pieces,
            regions: Vec::new(),
        },
        placed,
    ))
}

/// Did the macro placed at `at` parse as the call or block it was rewritten into, without errors?
fn parses_cleanly(tree: &Tree, plan: &MacroPlan, at: usize) -> bool {
    let expect = shift(&plan.expect, plan.range.start, at);
    let Some(node) = tree
        .root_node()
        .descendant_for_byte_range(expect.start, expect.end)
    else {
        return false;
    };
    let kind = if plan.is_block {
        "block"
    } else {
        "call_expression"
    };
    node.byte_range() == expect && node.kind() == kind && !node.has_error()
}
