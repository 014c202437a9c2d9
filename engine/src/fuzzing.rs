//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz). They reach crate-private steps that text through
//! the public API reaches only rarely, and return plain facts for the target to check; they judge nothing
//! themselves. Not a stable API: hidden from the docs, and free to change with the fuzz targets.

use std::ops::Range;

use tree_sitter::{Node, Parser};

use crate::check::suppress::{self, CommentSyntax};
use crate::data::DataFormat;
use crate::line_index::LineIndex;
use crate::source::lang::{LANGUAGES, Lang};
use crate::source::macros;

/// The comment syntaxes suppressions are read in: every language's, then every data format's.
pub fn comment_syntax_count() -> usize {
    LANGUAGES.len() + crate::data::FORMATS.len()
}

fn comment_syntax(selector: usize) -> CommentSyntax {
    let selector = selector % comment_syntax_count();
    match Lang::all().nth(selector) {
        Some(lang) => CommentSyntax::of_lang(lang),
        None => CommentSyntax::of_format(data_format(selector - LANGUAGES.len())),
    }
}

/// One suppression as the checker places it in a file without a syntax tree.
#[derive(Debug)]
pub struct PlacedSuppression {
    /// The comment's bytes.
    pub range: Range<usize>,
    /// 1-based line of the comment.
    pub line: usize,
    /// 1-based line it applies to.
    pub target_line: usize,
    /// Codes as written.
    pub codes: Vec<String>,
    /// The `until=` date.
    pub until: Option<String>,
    /// Malformed: what to write instead.
    pub malformed: Option<String>,
}

/// The suppressions of `text` in the comment syntax `selector` picks (modulo [`comment_syntax_count`]):
/// found as in a file without a tree, parsed and placed on the line each applies to.
pub fn suppressions(text: &str, selector: usize) -> Vec<PlacedSuppression> {
    let syntax = comment_syntax(selector);
    let comments = suppress::text_comments(text, syntax);
    let index = LineIndex::new(text);
    suppress::collect_suppressions(&comments, &index, syntax)
        .into_iter()
        .map(|s| PlacedSuppression {
            range: s.range,
            line: s.line,
            target_line: s.target_line,
            codes: s.directive.codes,
            until: s.directive.until,
            malformed: s.directive.malformed,
        })
        .collect()
}

/// Parses one comment's text (markers included) as a suppression in the syntax `selector` picks:
/// `Some(codes)` when it is a well-formed suppression.
pub fn parse_suppression(comment: &str, selector: usize) -> Option<Vec<String>> {
    let directive = suppress::parse_comment(comment, comment_syntax(selector))?;
    directive.malformed.is_none().then_some(directive.codes)
}

/// A node of a macro fragment and where the engine reports it in the original file.
#[derive(Debug)]
pub struct MappedNode {
    /// How deep in macros-inside-macros (0: arguments of a macro in the file itself).
    pub depth: usize,
    /// The node's bytes in the fragment.
    pub fragment: Range<usize>,
    /// The fragment's text at `fragment`.
    pub fragment_text: String,
    /// The bytes it maps to in the original file.
    pub original: Range<usize>,
}

/// Re-parses the macro arguments of a Rust file as the scan does (every macro, [`macros::MAX_DEPTH`] levels)
/// and maps every node inside a parsed region back to the file.
pub fn macro_positions(text: &str) -> Vec<MappedNode> {
    let mut parser = Parser::new();
    if parser.set_language(&Lang::RUST.ts_language()).is_err() {
        return Vec::new();
    }
    let Some(tree) = parser.parse(text, None) else {
        return Vec::new();
    };
    let mut plans = Vec::new();
    plan_macros(tree.root_node(), text.as_bytes(), None, &mut plans);
    let mut out = Vec::new();
    let mut outer: Option<macros::Fragment> = None;
    for depth in 0..macros::MAX_DEPTH {
        if plans.is_empty() {
            break;
        }
        let source = outer.as_ref().map_or(text, |f| f.text.as_str());
        let to_original = |offset: usize| outer.as_ref().map_or(offset, |f| f.to_original(offset));
        let Some(fragment) = macros::parse_fragment(&mut parser, source, &plans, &to_original)
        else {
            break;
        };
        plans.clear();
        for region in &fragment.regions {
            let root = fragment.tree.root_node();
            let Some(cover) = root.descendant_for_byte_range(region.start, region.end) else {
                continue;
            };
            let bytes = fragment.text.as_bytes();
            plan_macros(cover, bytes, Some(region.clone()), &mut plans);
            let mut stack = vec![cover];
            while let Some(node) = stack.pop() {
                let range = node.byte_range();
                if range.end <= region.start || range.start >= region.end {
                    continue;
                }
                if range.start >= region.start && range.end <= region.end {
                    out.push(MappedNode {
                        depth,
                        fragment_text: fragment.text.get(range.clone()).unwrap_or("").to_string(),
                        original: fragment.range_to_original(range.clone()),
                        fragment: range,
                    });
                }
                let mut cursor = node.walk();
                stack.extend(node.children(&mut cursor));
            }
        }
        outer = Some(fragment);
    }
    out
}

/// Plans every macro invocation below `root` (inside `region`, when given), as the scan plans them.
fn plan_macros(
    root: Node<'_>,
    src: &[u8],
    region: Option<Range<usize>>,
    plans: &mut Vec<macros::MacroPlan>,
) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let range = node.byte_range();
        let inside = region
            .as_ref()
            .is_none_or(|r| range.start >= r.start && range.end <= r.end);
        if inside && node.kind() == "macro_invocation" {
            plans.extend(macros::plan(node, src, true));
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
}

/// The data format `selector` picks, modulo the number of formats.
pub fn data_format(selector: usize) -> DataFormat {
    crate::data::FORMATS[selector % crate::data::FORMATS.len()].format
}
