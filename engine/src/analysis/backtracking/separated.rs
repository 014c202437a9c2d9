//! Unbounded repetitions of one character class with a fixed run of several characters between them
//! (`.*on.*=`, `.*(some-url).*x`): the per-character detectors see one repeated character, which cannot be both
//! `o` and `n`, but a text of `onon…` lets the separator sit after every pair of characters the first
//! repetition could stop at, `n²` ways for two repetitions, when what follows fails.

use super::rejection::rejects;
use super::shapes::{Candidate, Cont, Flat, PerChar, balanced_span};
use super::tree::{Kind, Node, has};
use super::{CANDIDATES, ProblemKind, preferred};

impl PerChar<'_> {
    /// Looks in the sequence `node` (its items `flat`, groups opened) for a repetition, two or more single
    /// characters, and a repetition, where both repetitions can consume every one of those characters; reported
    /// in the pass of the unit's first character, when what follows can fail after a run of the unit, whichever
    /// character it stops at.
    pub(super) fn separated(&mut self, node: &Node, flat: &[Flat<'_>], cont: Option<&Cont<'_>>) {
        for (i, item) in flat.iter().enumerate() {
            let Some(left) = class_loop(item.node) else {
                continue;
            };
            let between: Vec<u128> = flat[i + 1..]
                .iter()
                .map_while(|f| match f.node.kind {
                    Kind::Atom(set) => Some(set),
                    _ => None,
                })
                .collect();
            let j = i + 1 + between.len();
            let Some(right) = flat.get(j).and_then(|f| class_loop(f.node)) else {
                continue;
            };
            // One atom between is a run of one character: the per-character detector's case.
            if between.len() < 2 {
                continue;
            }
            let Some(unit) = between
                .iter()
                .map(|&set| readable(set & left & right))
                .collect::<Option<Vec<u8>>>()
            else {
                continue;
            };
            if unit[0] != self.c {
                continue;
            }
            let after: Vec<&Node> = flat[j + 1..].iter().map(|f| f.node).collect();
            let run_chars = between.iter().fold(left | right, |acc, &set| acc | set);
            let thens: Option<Vec<Option<u8>>> = unit
                .iter()
                .map(|&c| rejects(c, &after, cont, run_chars))
                .collect();
            let Some(&then) = thens.as_ref().and_then(|thens| thens.first()) else {
                continue;
            };
            self.offer(
                node.id,
                Candidate {
                    kind: ProblemKind::AdjacentUnbounded,
                    span: balanced_span(&flat[i], &flat[j]),
                    repeat: self.c,
                    unit,
                    then,
                },
            );
        }
    }
}

/// The character class of an unbounded repetition of one character (`.*`, `[^/]+`, `(?:\w)*?`). Items of a
/// flattened sequence are never groups, so only the body's groups are opened.
fn class_loop(node: &Node) -> Option<u128> {
    let Kind::Repetition {
        max: None, body, ..
    } = &node.kind
    else {
        return None;
    };
    let mut body: &Node = body;
    while let Kind::Group(inner) = &body.kind {
        body = inner;
    }
    match body.kind {
        Kind::Atom(set) => Some(set),
        _ => None,
    }
}

/// The most readable character of a set, in the order candidate characters are tried.
fn readable(set: u128) -> Option<u8> {
    preferred(CANDIDATES).find(|&c| has(set, c))
}
