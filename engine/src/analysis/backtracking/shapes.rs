//! The three detectors, run once per candidate character: nested quantifiers and overlapping alternations
//! (an unbounded repetition whose iterations split a run in several ways), and adjacent unbounded repetitions
//! (a sequence whose repetitions share a run between them).

use std::ops::Range;

use super::ProblemKind;
use super::counts::Counts;
use super::rejection::rejects;
use super::tree::{Kind, Node, has};

/// A candidate problem, before offsets are mapped back to the original pattern.
pub(super) struct Candidate {
    pub(super) kind: ProblemKind,
    pub(super) span: Range<usize>,
    pub(super) repeat: u8,
    /// The characters a run repeats, when more than `repeat` alone (`on` for `.*on.*=`); else empty.
    pub(super) unit: Vec<u8>,
    pub(super) then: Option<u8>,
}

/// The problems found so far, for every candidate character.
#[derive(Default)]
pub(super) struct Found {
    /// Keyed by the id of the repetition or sequence node.
    pub(super) problems: std::collections::BTreeMap<usize, Candidate>,
}

impl Found {
    /// Keeps the first candidate for a node (candidate characters come in order of readability), unless a
    /// later one has a tighter span.
    fn offer(&mut self, node_id: usize, candidate: Candidate) {
        match self.problems.get(&node_id) {
            Some(existing) if existing.span.len() <= candidate.span.len() => {}
            _ => {
                self.problems.insert(node_id, candidate);
            }
        }
    }
}

/// What follows a point of the pattern: the rest of a sequence, then what follows that.
#[derive(Clone, Copy)]
pub(super) struct Cont<'n> {
    pub(super) items: &'n [Node],
    /// `items` is the enclosing repetition: more iterations may follow, or none.
    pub(super) again: bool,
    pub(super) next: Option<&'n Cont<'n>>,
}

/// The analysis for one candidate character.
pub(super) struct PerChar<'f> {
    pub(super) c: u8,
    memo: Vec<Option<Counts>>,
    found: &'f mut Found,
}

impl<'f> PerChar<'f> {
    /// The analysis for `c` of a pattern of `n_nodes` nodes, adding what it finds to `found`.
    pub(super) fn new(c: u8, n_nodes: usize, found: &'f mut Found) -> Self {
        Self {
            c,
            memo: vec![None; n_nodes],
            found,
        }
    }

    /// Records a candidate problem for the node `node_id`.
    pub(super) fn offer(&mut self, node_id: usize, candidate: Candidate) {
        self.found.offer(node_id, candidate);
    }

    /// In how many ways `node` matches runs of the candidate character (memoised per node).
    fn counts(&mut self, node: &Node) -> Counts {
        if let Some(Some(counts)) = self.memo.get(node.id) {
            return *counts;
        }
        let counts = match &node.kind {
            Kind::Empty | Kind::NotWordBoundary => Counts::EMPTY,
            // Inside a run there is no end of text and no word boundary.
            Kind::End | Kind::OtherAssertion { .. } => Counts::default(),
            Kind::Atom(set) => {
                if has(*set, self.c) {
                    Counts {
                        one: 2,
                        two: 0,
                        unbounded: false,
                    }
                } else {
                    Counts::default()
                }
            }
            Kind::Concat(children) => children
                .iter()
                .fold(Counts::EMPTY, |acc, child| acc.then(self.counts(child))),
            Kind::Alternation(branches) => {
                let mut acc = Counts::default();
                for branch in branches {
                    acc = acc.or(self.counts(branch));
                }
                acc
            }
            Kind::Repetition { min, max, body } => self.counts(body).repeat(*min, *max),
            Kind::Group(child) => self.counts(child),
        };
        if let Some(slot) = self.memo.get_mut(node.id) {
            *slot = Some(counts);
        }
        counts
    }

    /// Looks for the shapes in `node` and below, `cont` being what follows it.
    pub(super) fn visit<'n>(&mut self, node: &'n Node, cont: Option<&Cont<'n>>) {
        match &node.kind {
            Kind::Concat(children) => {
                let mut flat: Vec<Flat<'_>> = Vec::new();
                flatten(node, &mut Vec::new(), &mut flat);
                self.adjacent(node, &flat, cont);
                self.separated(node, &flat, cont);
                for (i, child) in children.iter().enumerate() {
                    let rest = Cont {
                        items: &children[i + 1..],
                        again: false,
                        next: cont,
                    };
                    self.visit(child, Some(&rest));
                }
            }
            Kind::Alternation(branches) => {
                for branch in branches {
                    self.visit(branch, cont);
                }
            }
            Kind::Group(child) => self.visit(child, cont),
            Kind::Repetition { max, body, .. } => {
                if max.is_none() {
                    self.ambiguous_loop(node, body, cont);
                }
                // After one iteration comes another one, or what follows the repetition.
                let again = Cont {
                    items: std::slice::from_ref(node),
                    again: true,
                    next: cont,
                };
                self.visit(body, Some(&again));
            }
            Kind::Empty
            | Kind::Atom(_)
            | Kind::End
            | Kind::OtherAssertion { .. }
            | Kind::NotWordBoundary => {}
        }
    }

    /// Nested quantifiers and overlapping alternations: the iterations of `node` (an unbounded repetition of
    /// `body`) can split one run in two or more ways, which makes `2^k` ways for `k` such runs in a row.
    fn ambiguous_loop(&mut self, node: &Node, body: &Node, cont: Option<&Cont<'_>>) {
        let iterations = self.counts(body).without_empty().star();
        if iterations.two == 0 {
            return;
        }
        let Some(then) = rejects(self.c, &[], cont, body.chars) else {
            return;
        };
        // Without a repetition inside, only an alternation can match one text in two ways.
        let kind = if body.has_repetition {
            ProblemKind::NestedQuantifier
        } else {
            ProblemKind::OverlappingAlternation
        };
        self.found.offer(
            node.id,
            Candidate {
                kind,
                span: node.span.clone(),
                repeat: self.c,
                unit: Vec::new(),
                then,
            },
        );
    }

    /// Two or more unbounded repetitions in a sequence (groups opened) that can all consume the candidate
    /// character, with only things between them that can too (or match empty): each split of a run between
    /// them is tried, `n^k` ways for `k` of them.
    fn adjacent(&mut self, node: &Node, flat: &[Flat<'_>], cont: Option<&Cont<'_>>) {
        // Indices into `flat` of the repetitions of the current run.
        let mut loops: Vec<usize> = Vec::new();
        let mut best: Option<Candidate> = None;
        for (i, item) in flat.iter().enumerate() {
            let counts = self.counts(item.node);
            if counts.unbounded {
                loops.push(i);
            } else if !counts.matchable() {
                self.close_run(flat, &loops, i, cont, &mut best);
                loops.clear();
            }
        }
        self.close_run(flat, &loops, flat.len(), cont, &mut best);
        if let Some(candidate) = best {
            self.found.offer(node.id, candidate);
        }
    }

    /// A run of repetitions (`loops`, indices into `flat`) ended before `flat[end]`: report it when what
    /// follows can fail after the run.
    fn close_run(
        &mut self,
        flat: &[Flat<'_>],
        loops: &[usize],
        end: usize,
        cont: Option<&Cont<'_>>,
        best: &mut Option<Candidate>,
    ) {
        let (Some(&first), Some(&last)) = (loops.first(), loops.last()) else {
            return;
        };
        if loops.len() < 2 {
            return;
        }
        let span = balanced_span(&flat[first], &flat[last]);
        // The tightest run is the clearest to read and to fix.
        if best.as_ref().is_some_and(|b| b.span.len() <= span.len()) {
            return;
        }
        // What is between and after the repetitions can consume the character too; what follows the run
        // must not.
        let run_chars = flat[first..end].iter().fold(0, |acc, f| acc | f.node.chars);
        let after: Vec<&Node> = flat[end..].iter().map(|f| f.node).collect();
        let Some(then) = rejects(self.c, &after, cont, run_chars) else {
            return;
        };
        *best = Some(Candidate {
            kind: ProblemKind::AdjacentUnbounded,
            span,
            repeat: self.c,
            unit: Vec::new(),
            then,
        });
    }
}

/// An item of a sequence with groups and nested sequences opened, and the path to it: each enclosing
/// sequence and the index of the child that leads to the item.
pub(super) struct Flat<'n> {
    pub(super) node: &'n Node,
    path: Vec<(&'n Node, usize)>,
}

/// Opens groups and nested sequences: `a(?:b(c))` is `a`, `b`, `c`.
fn flatten<'n>(node: &'n Node, path: &mut Vec<(&'n Node, usize)>, out: &mut Vec<Flat<'n>>) {
    match &node.kind {
        Kind::Group(child) => flatten(child, path, out),
        Kind::Concat(children) => {
            for (i, child) in children.iter().enumerate() {
                path.push((node, i));
                flatten(child, path, out);
                path.pop();
            }
        }
        _ => out.push(Flat {
            node,
            path: path.clone(),
        }),
    }
}

/// The smallest span of whole items of one sequence that holds both `first` and `last` (so its text stays
/// balanced: `.*(?:.*=.*)`, not `.*(?:.*`).
pub(super) fn balanced_span(first: &Flat<'_>, last: &Flat<'_>) -> Range<usize> {
    let common = first
        .path
        .iter()
        .zip(&last.path)
        .position(|((a, i), (b, j))| !std::ptr::eq(*a, *b) || i != j);
    let child_span = |concat: &Node, index: usize| match &concat.kind {
        Kind::Concat(children) => children.get(index).map(|c| c.span.clone()),
        _ => None,
    };
    if let Some(k) = common
        && let (Some((concat, i)), Some((_, j))) = (first.path.get(k), last.path.get(k))
        && let (Some(a), Some(b)) = (child_span(concat, *i), child_span(concat, *j))
    {
        return a.start..b.end;
    }
    first.node.span.start..last.node.span.end
}
