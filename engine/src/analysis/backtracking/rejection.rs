//! Can what follows a run of the candidate character fail wherever the run stops? Only then does a shape cost
//! anything: otherwise the first way the engine tries succeeds and nothing backtracks.

use super::preferred;
use super::shapes::Cont;
use super::tree::{Kind, Node, has};

/// Order in which characters that end a run are tried.
const TERMINATORS: &[u8] = b"!#%&,;@~-=/:?.'\"`^<>()[]{}|+* _0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\t\r";

/// Can what follows a run of the candidate character fail wherever the run stops? `after` comes first,
/// then `cont`. Returns what to put after the run (`Some(None)`: the end of the input), or `None` when
/// the rest might match (then the first way tried succeeds and nothing backtracks).
pub(super) fn rejects(
    c: u8,
    after: &[&Node],
    cont: Option<&Cont<'_>>,
    run_chars: u128,
) -> Option<Option<u8>> {
    let mut state = Rejection {
        c,
        absorbed: run_chars,
    };
    for node in after {
        match state.feed(node) {
            Step::Continue => {}
            Step::Rejects(then) => return Some(then),
            Step::Unknown => return None,
        }
    }
    let mut cont = cont;
    while let Some(current) = cont {
        if current.again {
            // Another iteration may follow, or none: it must not start with the run's character.
            for node in current.items {
                if has(node.first, c) {
                    return None;
                }
                state.absorbed |= node.chars;
            }
            cont = current.next;
            continue;
        }
        for node in current.items {
            match state.feed(node) {
                Step::Continue => {}
                Step::Rejects(then) => return Some(then),
                Step::Unknown => return None,
            }
        }
        cont = current.next;
    }
    // The pattern ends: the match succeeds.
    None
}

/// What one part of the rest says about the run.
enum Step {
    /// This part can match empty without touching the run; look further.
    Continue,
    /// This part fails after the run; the payload is what to put after it (`None`: the end of the input).
    Rejects(Option<u8>),
    /// This part might match: give up.
    Unknown,
}

/// Walks what follows a run of `c`, proving it fails wherever the run stops.
struct Rejection {
    c: u8,
    /// Characters the run, or optional parts skipped so far, could consume: the terminator must be none.
    absorbed: u128,
}

impl Rejection {
    fn feed(&mut self, node: &Node) -> Step {
        match &node.kind {
            Kind::Empty => Step::Continue,
            Kind::Group(child) => self.feed(child),
            Kind::Concat(children) => {
                for child in children {
                    match self.feed(child) {
                        Step::Continue => {}
                        other => return other,
                    }
                }
                Step::Continue
            }
            // `$` fails before any character the run and the skipped parts cannot consume; a newline is never
            // used, since `$` may match before one.
            Kind::End => {
                if self.c == b'\n' {
                    return Step::Unknown;
                }
                preferred(TERMINATORS)
                    .find(|&t| t != b'\n' && !has(self.absorbed, t))
                    .map_or(Step::Unknown, |t| Step::Rejects(Some(t)))
            }
            Kind::OtherAssertion { .. } | Kind::NotWordBoundary => Step::Unknown,
            Kind::Atom(_) | Kind::Alternation(_) | Kind::Repetition { .. } => {
                if has(node.first, self.c) {
                    // It could take characters back from the run and succeed.
                    Step::Unknown
                } else if !node.nullable {
                    // It needs a character the run does not have: it fails inside the run and at its end.
                    Step::Rejects(None)
                } else {
                    self.absorbed |= node.chars;
                    Step::Continue
                }
            }
        }
    }
}
