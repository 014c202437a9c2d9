//! The combined scan of one syntax tree: parse once, walk once, offer each node to the rules of its kind.
//!
//! The walk keeps the path from the root, so test-code verdicts and `enclosing` rules never walk back up the
//! tree, and it skips subtrees [`super::kinds`] says cannot hold an interesting kind (and test code, when every
//! applicable rule skips it). Rust macro arguments are opened by [`crate::source::macros`] and walked the same
//! way, region by region.

use std::collections::HashMap;
use std::ops::Range;

use ast_grep_core::matcher::MatcherExt;
use ast_grep_core::tree_sitter::StrDoc;
use ast_grep_core::{AstGrep, Matcher, NodeMatch};
use tree_sitter::Parser;

use super::kinds::{KIND_DESCEND, KIND_MACRO, KIND_RULES, KindMap};
use super::message::interpolate;
use super::suppress::{self, Comment};
use super::{ActiveRule, Checker, Collected, Hit, SourceFile, policies, with_parser};
use crate::finding::Edit;
use crate::rule::{Compiled, MatchRule, Rule};
use crate::source::context;
use crate::source::lang::Lang;
use crate::source::macros;

impl Checker {
    /// The structural pass: parse once, walk once, then the Rego code rules over their matches. Returns the
    /// syntax tree when the file was parsed.
    pub(super) fn scan_tree(
        &self,
        file: &SourceFile<'_>,
        lang: Lang,
        out: &mut Collected,
        old_tree: Option<&tree_sitter::Tree>,
    ) -> Option<tree_sitter::Tree> {
        let map = self.kind_map(lang)?;
        // A file with suppressions is looked at by every rule it could name, so that an unused one is still
        // reported as unused; any other file only by the rules whose needles it holds.
        let has_suppressions = file.text.contains(suppress::MARKER);
        // The literals the file holds, looked for once, when some rule gets as far as asking.
        let found = std::cell::OnceCell::new();
        let applicable: Vec<bool> = self
            .active
            .iter()
            .enumerate()
            .map(|(idx, active)| {
                let rule = self.rule(*active);
                map.rules.contains(&idx)
                    && rule.applies_to(file.path)
                    && rule.prefilter_admits(file)
                    && (has_suppressions
                        || map.file_needles.is_empty()
                        || map
                            .file_needles
                            .admits(idx, found.get_or_init(|| map.file_needles.scan(file.text))))
            })
            .collect();
        if !applicable.iter().any(|&a| a) {
            return None;
        }
        let skip_test_code = applicable
            .iter()
            .enumerate()
            .filter(|&(_, &a)| a)
            .all(|(idx, _)| self.rule(self.active[idx]).skips_test_code());
        let file_is_test = !file.role.is_production();
        // A test file none of whose rules look at tests is not even parsed, unless it holds suppressions
        // (which are then checked, and reported unused).
        if skip_test_code && file_is_test && !has_suppressions {
            return None;
        }
        let mut scan = Scan {
            checker: self,
            map,
            applicable: &applicable,
            file,
            file_is_test,
            hits: Vec::new(),
            rego_matches: Vec::new(),
            comments: Vec::new(),
            plans: Vec::new(),
            syntax_errors: Vec::new(),
            enclosing_cache: HashMap::new(),
            skip_test_code,
            // A rule without needles (HS6002's constants) counts only in the files it applies to.
            macro_needles: map
                .macro_needles
                .as_ref()
                .filter(|_| !map.needle_less.iter().any(|&idx| applicable[idx])),
        };
        let tree = with_parser(lang, |parser| scan.run(parser, old_tree)).flatten();
        let Scan {
            hits,
            rego_matches,
            comments,
            syntax_errors,
            ..
        } = scan;
        out.hits.extend(hits);
        out.comments.extend(comments);
        out.syntax_errors.extend(syntax_errors);
        if !rego_matches.is_empty() {
            self.evaluate_code_rules(file, lang, rego_matches, out);
        }
        tree
    }
}

/// One file's walk: the state the visits share, and what they collect.
struct Scan<'c, 'f> {
    checker: &'c Checker,
    map: &'c KindMap,
    applicable: &'c [bool],
    file: &'f SourceFile<'f>,
    file_is_test: bool,
    hits: Vec<Hit>,
    /// Matches of Rego code rules' `select`, judged by their policy after the walk.
    rego_matches: Vec<policies::RegoMatch>,
    comments: Vec<Comment>,
    plans: Vec<macros::MacroPlan>,
    syntax_errors: Vec<Range<usize>>,
    /// `enclosing` verdicts: (rule, ancestor node id) → satisfied.
    enclosing_cache: HashMap<(usize, usize), bool>,
    /// Every applicable rule skips test code, so test code need not be walked.
    skip_test_code: bool,
    /// Macro arguments matching none of these cannot hold a match (`None`: every macro's are parsed).
    macro_needles: Option<&'c regex::Regex>,
}

/// A parsed text as ast-grep sees it.
pub(crate) type Root = AstGrep<StrDoc<Lang>>;

/// The path from the root of the original tree to the node being visited.
#[derive(Clone, Copy)]
struct OriginalPath<'a, 't> {
    nodes: &'a [tree_sitter::Node<'t>],
    in_test: bool,
}

/// A node offered to the rules of its kind, and where questions about its context are answered.
struct Site<'a, 'r, 't> {
    /// The original tree: inside macro arguments, context questions (test code, enclosing nodes) are
    /// answered there, at the token the match came from.
    original: &'t Root,
    /// The node, in the tree it was found in (the original's or a macro fragment's).
    node: ast_grep_core::Node<'r, StrDoc<Lang>>,
    /// The macro fragment the node is in, if any.
    fragment: Option<&'a macros::Fragment>,
    /// The path from the root, when the node is in the original tree.
    path: Option<OriginalPath<'a, 't>>,
}

impl<'t> Site<'_, '_, 't> {
    /// A range of the node's tree as a range of the user's text.
    fn to_original(&self, range: Range<usize>) -> Range<usize> {
        match self.fragment {
            Some(fragment) => fragment.range_to_original(range),
            None => range,
        }
    }

    /// The node of the original tree that covers the node's text.
    fn original_node(&self) -> Option<tree_sitter::Node<'t>> {
        let range = self.to_original(self.node.get_inner_node().byte_range());
        self.original
            .root()
            .get_inner_node()
            .descendant_for_byte_range(range.start, range.end)
    }

    /// The node's ancestors in the original tree, innermost first: read off the path when the walk keeps one,
    /// else found by walking up from the original node.
    fn ancestors(&self) -> impl Iterator<Item = tree_sitter::Node<'t>> {
        let on_path = self
            .path
            .map(|path| path.nodes.iter().rev().skip(1).copied());
        let walked = match self.path {
            Some(_) => None,
            None => Some(std::iter::successors(
                self.original_node().and_then(|n| n.parent()),
                |n| n.parent(),
            )),
        };
        on_path
            .into_iter()
            .flatten()
            .chain(walked.into_iter().flatten())
    }

    /// Is the node test code? The walk knows on the original tree; inside macro arguments the original node
    /// is asked (never test code in a language that does not mark test code).
    fn in_test_code(&self, lang: Lang, text: &str) -> bool {
        match self.path {
            Some(path) => path.in_test,
            None => self
                .original_node()
                .is_some_and(|n| context::in_test_code(lang, n, text.as_bytes())),
        }
    }
}

impl Scan<'_, '_> {
    /// Parses (reusing `old_tree` where it still holds) and scans the file; returns its syntax tree.
    fn run(
        &mut self,
        parser: &mut Parser,
        old_tree: Option<&tree_sitter::Tree>,
    ) -> Option<tree_sitter::Tree> {
        let tree = self.checker.time_parse(self.map.lang.name(), || {
            parser.parse(self.file.text, old_tree)
        })?;
        let parsed = tree.clone();

        if tree.root_node().has_error() {
            self.syntax_errors = error_ranges(tree.root_node());
        }
        let original = Root::doc(StrDoc {
            src: self.file.text.to_string(),
            lang: self.map.lang,
            tree,
        });
        let ts_root = original.root().get_inner_node();
        self.collect_suppression_comments(ts_root);
        self.walk_original(&original, ts_root);
        if !self.checker.expand_macros {
            return Some(parsed);
        }
        let mut outer: Option<macros::Fragment> = None;
        for _depth in 0..macros::MAX_DEPTH {
            if self.plans.is_empty() {
                break;
            }
            let plans = std::mem::take(&mut self.plans);
            let source = outer.as_ref().map_or(self.file.text, |f| f.text.as_str());
            let to_original =
                |offset: usize| outer.as_ref().map_or(offset, |f| f.to_original(offset));
            let Some(fragment) = macros::parse_fragment(parser, source, &plans, &to_original)
            else {
                break;
            };

            let frag_root = Root::doc(StrDoc {
                src: fragment.text.clone(),
                lang: self.map.lang,
                tree: fragment.tree.clone(),
            });
            let frag_ts_root = frag_root.root().get_inner_node();
            for region in &fragment.regions {
                if let Some(cover) =
                    frag_ts_root.descendant_for_byte_range(region.start, region.end)
                {
                    self.walk_region(&original, &frag_root, cover, region.clone(), &fragment);
                }
            }
            outer = Some(fragment);
        }
        Some(parsed)
    }

    /// Suppressions are rare: find the marker in the text and take the comment around each occurrence,
    /// instead of looking at every comment node.
    fn collect_suppression_comments(&mut self, ts_root: tree_sitter::Node<'_>) {
        let text = self.file.text;
        for (offset, _) in text.match_indices(suppress::MARKER) {
            let Some(node) =
                ts_root.descendant_for_byte_range(offset, offset + suppress::MARKER.len())
            else {
                continue;
            };
            let comment = std::iter::successors(Some(node), |n| n.parent())
                .take(2)
                .find(|n| self.map.lang.is_comment_kind(n.kind()));
            if let Some(comment) = comment
                && self
                    .comments
                    .last()
                    .is_none_or(|c| c.range != comment.byte_range())
            {
                let text = comment.utf8_text(text.as_bytes()).unwrap_or("").to_string();
                self.comments.push(Comment {
                    range: comment.byte_range(),
                    text,
                });
            }
        }
    }

    /// Pre-order walk of the whole original tree, keeping the path from the root so that context questions
    /// (test code, enclosing items) never have to walk back up the tree.
    fn walk_original(&mut self, root: &Root, ts_root: tree_sitter::Node<'_>) {
        let src = root.get_text().as_bytes();
        let kinds = self.map.test.as_ref();
        let skip_tests = self.skip_test_code;
        let mut path: Vec<tree_sitter::Node<'_>> = Vec::with_capacity(64);
        // Per depth: is the node on the path test code, and the test attributes waiting for the next sibling.
        let mut test: Vec<bool> = Vec::with_capacity(64);
        let mut pending: Vec<u8> = vec![0; 64];
        // An explicit stack of (node, depth): the per-depth vectors are cut back when a node is popped.
        let mut stack = vec![(ts_root, 0)];
        let mut cursor = ts_root.walk();
        while let Some((node, depth)) = stack.pop() {
            path.truncate(depth);
            test.truncate(depth);
            let kind = node.kind_id();
            let parent_test = depth > 0 && test[depth - 1];
            let mut is_test = parent_test;
            if let Some(kinds) = kinds {
                if pending.len() <= depth + 1 {
                    pending.resize(depth + 2, 0);
                }
                if kind == kinds.outer_attribute {
                    pending[depth] |= context::test_marks_in(kinds.code, node, src);
                } else if kind == kinds.inner_attribute {
                    if depth > 0
                        && context::test_marks_in(kinds.code, node, src) & context::MARK_CFG_TEST
                            != 0
                    {
                        test[depth - 1] = true;
                    }
                } else if !kinds.comments.contains(&kind) {
                    let own = std::mem::take(&mut pending[depth]);
                    is_test |= own & context::MARK_CFG_TEST != 0
                        || (own & context::MARK_TEST_FN != 0 && kinds.functions.contains(&kind));
                }
            }
            path.push(node);
            test.push(is_test);
            // When every rule here skips test code, a test module or test function is not looked at at all.
            if skip_tests && is_test {
                continue;
            }
            let flags = self
                .map
                .flags
                .get(usize::from(kind))
                .copied()
                .unwrap_or(KIND_DESCEND);
            if flags & (KIND_RULES | KIND_MACRO) != 0 {
                self.visit(
                    root,
                    root,
                    node,
                    kind,
                    None,
                    Some(OriginalPath {
                        nodes: &path,
                        in_test: is_test,
                    }),
                );
            }
            if flags & KIND_DESCEND != 0 {
                if let Some(slot) = pending.get_mut(depth + 1) {
                    *slot = 0;
                }
                push_children(
                    &mut stack,
                    node,
                    depth + 1,
                    self.map.named_only,
                    &mut cursor,
                );
            }
        }
    }

    /// Pre-order walk of the nodes of a macro fragment that lie inside `region`.
    fn walk_region(
        &mut self,
        original: &Root,
        root: &Root,
        start: tree_sitter::Node<'_>,
        region: Range<usize>,
        fragment: &macros::Fragment,
    ) {
        let mut stack = vec![(start, 0)];
        let mut cursor = start.walk();
        while let Some((node, _)) = stack.pop() {
            let range = node.byte_range();
            if range.end <= region.start || range.start >= region.end {
                continue;
            }
            let kind = node.kind_id();
            if range.start >= region.start && range.end <= region.end {
                self.visit(original, root, node, kind, Some(fragment), None);
            }
            if self.descends(kind) {
                push_children(&mut stack, node, 0, self.map.named_only, &mut cursor);
            }
        }
    }

    fn descends(&self, kind: u16) -> bool {
        self.map
            .flags
            .get(usize::from(kind))
            .is_none_or(|f| f & KIND_DESCEND != 0)
    }

    /// Offers a node to the rules of its kind, and plans the parsing of a macro's arguments.
    fn visit<'t>(
        &mut self,
        original: &'t Root,
        root: &Root,
        inner: tree_sitter::Node<'_>,
        kind: u16,
        fragment: Option<&macros::Fragment>,
        path: Option<OriginalPath<'_, 't>>,
    ) {
        let kind = usize::from(kind);
        let flags = self.map.flags.get(kind).copied().unwrap_or(0);
        if flags == 0 {
            return;
        }
        if flags & KIND_MACRO != 0 && self.checker.expand_macros {
            self.plan_macro(root, inner);
        }
        if flags & KIND_RULES == 0 {
            return;
        }
        let site = Site {
            original,
            node: root.adopt(inner),
            fragment,
            path,
        };
        let map = self.map;
        for &active_idx in &map.by_kind[kind] {
            if self.applicable[active_idx] {
                self.offer(active_idx, &site);
            }
        }
    }

    /// Plans the parsing of a macro invocation's arguments, unless they match none of the needles.
    fn plan_macro(&mut self, root: &Root, inner: tree_sitter::Node<'_>) {
        let source = root.get_text().as_bytes();
        let flat = self.map.flat_macros;
        let worth_parsing = self.macro_needles.is_none_or(|needles| {
            inner
                .utf8_text(source)
                .is_ok_and(|text| needles.is_match(text))
        });
        if worth_parsing {
            self.plans.extend(macros::plan(inner, source, flat));
        }
    }

    /// Runs one rule on a node: its `enclosing`, its matcher, its test-code setting; a match becomes a hit, or
    /// for a Rego code rule a match its policy judges after the walk.
    fn offer(&mut self, active_idx: usize, site: &Site<'_, '_, '_>) {
        let checker = self.checker;
        if checker.clocks.is_some() {
            // A built-in rule's matcher compiles on first use: not the rule's matching time.
            let active = checker.active[active_idx];
            if let Some(matcher) = active.matcher(checker.rule(active)) {
                matcher.compiled();
            }
        }
        checker.time_matching(active_idx, || self.offer_untimed(active_idx, site));
    }

    /// [`Scan::offer`] without the clock.
    fn offer_untimed(&mut self, active_idx: usize, site: &Site<'_, '_, '_>) {
        let checker = self.checker;
        let active = checker.active[active_idx];
        let rule = checker.rule(active);
        let Some(matcher) = active.matcher(rule) else {
            return;
        };
        let Some(compiled) = matcher.compiled() else {
            return;
        };
        // `enclosing` before the rule's own matcher: its verdicts are cached per enclosing node, so it costs
        // a walk up the ancestors, and it rejects most candidates before a matcher that searches the
        // function around them (HS1003's "is the length checked anywhere here") runs at all.
        if let Some(enclosing) = &compiled.enclosing
            && !self.enclosing_satisfied(active_idx, enclosing, site.original, site.ancestors())
        {
            return;
        }
        let Some(node_match) = compiled.config.matcher.match_node(site.node.clone()) else {
            return;
        };
        if rule.test_code == crate::rule::TestCode::Skip
            && (self.file_is_test || site.in_test_code(self.map.lang, self.file.text))
        {
            return;
        }
        if active.feeds_policy(rule) {
            let ancestors: Vec<tree_sitter::Node<'_>> = site.ancestors().collect();
            self.rego_matches.push(policies::RegoMatch::new(
                active_idx,
                &node_match,
                &|range: Range<usize>| site.to_original(range),
                &ancestors,
                self.file.text,
            ));
            return;
        }
        let hit = self.hit(
            active_idx,
            active,
            rule,
            (matcher, compiled),
            &node_match,
            site,
        );
        self.hits.push(hit);
    }

    /// A structural rule's match as a hit: its range (the `focus` capture's, if the rule names one), message
    /// and fix, and the enclosing item.
    fn hit(
        &self,
        active_idx: usize,
        active: ActiveRule,
        rule: &Rule,
        (matcher, compiled): (&MatchRule, &Compiled),
        node_match: &NodeMatch<'_, StrDoc<Lang>>,
        site: &Site<'_, '_, '_>,
    ) -> Hit {
        let to_original = |range: Range<usize>| site.to_original(range);
        let focus = matcher
            .focus
            .iter()
            .find_map(|var| node_match.get_env().get_match(var));
        let range = to_original(focus.map_or_else(|| node_match.range(), |f| f.range()));
        let message = interpolate(
            active.message(rule),
            node_match,
            self.file.text,
            &to_original,
        );
        // Fixes are offered only on the user's own text: a fix computed on rewritten macro arguments
        // could carry the rewrite into the file.
        let fix = match compiled.config.fixer.first() {
            Some(fixer) if site.fragment.is_none() => {
                let edit = node_match.make_edit(&compiled.config.matcher, fixer);
                String::from_utf8(edit.inserted_text)
                    .ok()
                    .map(|replacement| Edit {
                        bytes: edit.position..edit.position + edit.deleted_length,
                        replacement,
                    })
            }
            _ => None,
        };
        let enclosing = crate::fingerprint::enclosing_item_in(
            self.map.lang,
            site.ancestors(),
            self.file.text.as_bytes(),
        );
        Hit {
            active_idx,
            range,
            message,
            fix,
            severity: None,
            enclosing,
            exempted: None,
        }
    }

    /// Does some ancestor (of the original tree) satisfy the rule's `enclosing`? Each ancestor is judged once
    /// per rule and file.
    fn enclosing_satisfied<'t>(
        &mut self,
        active_idx: usize,
        enclosing: &ast_grep_config::RuleCore,
        original: &'t Root,
        ancestors: impl Iterator<Item = tree_sitter::Node<'t>>,
    ) -> bool {
        let kinds = enclosing.potential_kinds();
        for ancestor in ancestors {
            if kinds
                .as_ref()
                .is_some_and(|k| !k.contains(usize::from(ancestor.kind_id())))
            {
                continue;
            }
            let key = (active_idx, ancestor.id());
            let verdict = *self
                .enclosing_cache
                .entry(key)
                .or_insert_with(|| enclosing.match_node(original.adopt(ancestor)).is_some());
            if verdict {
                return true;
            }
        }
        false
    }
}

/// Pushes a node's children (named ones only when `named_only`) so they pop in source order.
fn push_children<'t>(
    stack: &mut Vec<(tree_sitter::Node<'t>, usize)>,
    node: tree_sitter::Node<'t>,
    depth: usize,
    named_only: bool,
    cursor: &mut tree_sitter::TreeCursor<'t>,
) {
    // `child(i)` is O(i) in tree-sitter but cheaper than a cursor for the few children most nodes have.
    const FEW: usize = 6;
    let at = stack.len();
    if named_only {
        let n = node.named_child_count();
        if n <= FEW {
            stack.extend(
                (0..n)
                    .rev()
                    .filter_map(|i| node.named_child(i as u32))
                    .map(|c| (c, depth)),
            );
            return;
        }
        stack.extend(node.named_children(cursor).map(|c| (c, depth)));
    } else {
        let n = node.child_count();
        if n as usize <= FEW {
            stack.extend(
                (0..n)
                    .rev()
                    .filter_map(|i| node.child(i))
                    .map(|c| (c, depth)),
            );
            return;
        }
        stack.extend(node.children(cursor).map(|c| (c, depth)));
    }
    stack[at..].reverse();
}

/// What the parser could not read, in file order: MISSING nodes, and the tokens tree-sitter's error recovery
/// skipped (the leaves of ERROR nodes). A well-formed subtree inside an ERROR node (a whole function after an
/// unclosed parenthesis) was read and is checked, so it does not count: an ERROR node can span most of a file
/// because of one stray token.
pub(super) fn error_ranges(root: tree_sitter::Node<'_>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // (node, is its parent an ERROR node?)
    let mut stack = vec![(root, false)];
    while let Some((node, in_error)) = stack.pop() {
        if node.is_missing() || (node.child_count() == 0 && (in_error || node.is_error())) {
            out.push(node.byte_range());
        } else if node.is_error() || node.has_error() {
            let is_error = node.is_error();
            stack.extend(
                (0..node.child_count())
                    .rev()
                    .filter_map(|i| node.child(i))
                    .map(|child| (child, is_error)),
            );
        }
    }
    out
}
