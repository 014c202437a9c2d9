//! In how many ways a node matches a run of one character, per run length: the algebra of alternatives,
//! sequences and repetitions the detectors compute with.

/// For lengths `0..64` of a run of one character: can the node match that many, and in two or more ways?
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub(super) struct Counts {
    /// Bit `n`: matches `n` characters in at least one way.
    pub(super) one: u64,
    /// Bit `n`: matches `n` characters in at least two ways.
    pub(super) two: u64,
    /// Matches arbitrarily long runs.
    pub(super) unbounded: bool,
}

impl Counts {
    pub(super) const EMPTY: Counts = Counts {
        one: 1,
        two: 0,
        unbounded: false,
    };

    /// Can match some run (possibly the empty one).
    pub(super) fn matchable(self) -> bool {
        self.one != 0 || self.unbounded
    }

    /// Can match a non-empty run.
    pub(super) fn consumes(self) -> bool {
        self.one & !1 != 0 || self.unbounded
    }

    pub(super) fn without_empty(self) -> Counts {
        Counts {
            one: self.one & !1,
            two: self.two & !1,
            unbounded: self.unbounded,
        }
    }

    /// Alternatives: the ways add up.
    pub(super) fn or(self, other: Counts) -> Counts {
        Counts {
            one: self.one | other.one,
            two: self.two | other.two | (self.one & other.one),
            unbounded: self.unbounded || other.unbounded,
        }
    }

    /// Sequence: the ways multiply, and different splits of one length add up.
    pub(super) fn then(self, other: Counts) -> Counts {
        let mut one = 0u64;
        let mut two = 0u64;
        for i in 0..64 {
            if self.one & (1 << i) == 0 {
                continue;
            }
            let shifted = other.one << i;
            two |= (one & shifted) | (other.two << i);
            if self.two & (1 << i) != 0 {
                two |= shifted;
            }
            one |= shifted;
        }
        Counts {
            one,
            two,
            unbounded: self.matchable() && other.matchable() && (self.unbounded || other.unbounded),
        }
    }

    /// Zero or more non-empty iterations, as a backtracking engine runs them (an empty iteration ends the
    /// loop, so it never adds ways).
    pub(super) fn star(self) -> Counts {
        let step = self.without_empty();
        let mut total = Counts::EMPTY;
        // Each round adds the runs one iteration longer; lengths are below 64, iterations at least 1.
        for _ in 0..64 {
            let next = Counts::EMPTY.or_disjoint(step.then(total));
            if next == total {
                break;
            }
            total = next;
        }
        total.unbounded = step.consumes();
        total
    }

    /// `self` and `other` match disjoint lengths (the empty run and non-empty runs).
    fn or_disjoint(self, other: Counts) -> Counts {
        Counts {
            one: self.one | other.one,
            two: self.two | other.two,
            unbounded: self.unbounded || other.unbounded,
        }
    }

    pub(super) fn repeat(self, min: u32, max: Option<u32>) -> Counts {
        if max == Some(0) {
            return Counts::EMPTY;
        }
        let mut mandatory = Counts::EMPTY;
        for _ in 0..min.min(64) {
            mandatory = mandatory.then(self);
        }
        let optional = match max {
            None => self.star(),
            Some(max) => {
                let step = self.without_empty();
                let mut optional = Counts::EMPTY;
                let mut power = Counts::EMPTY;
                for _ in 0..max.saturating_sub(min).min(64) {
                    power = power.then(step);
                    optional = optional.or(power);
                }
                optional
            }
        };
        let mut total = mandatory.then(optional);
        // Runs longer than the window are not counted, but an unbounded repetition of something that consumes
        // still matches arbitrarily long ones.
        if max.is_none() && self.consumes() {
            total.unbounded = true;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One character: matches the run of length 1 in one way.
    const ONE: Counts = Counts {
        one: 0b10,
        two: 0,
        unbounded: false,
    };

    #[test]
    fn alternatives_add_and_sequences_multiply() {
        // `(a|a)` matches `a` in two ways.
        assert_eq!(ONE.or(ONE).two, 0b10);
        // `a?a?` matches `a` in two ways (either one), `aa` in one.
        let optional = ONE.repeat(0, Some(1));
        let both = optional.then(optional);
        assert_eq!((both.one, both.two), (0b111, 0b010));
    }

    #[test]
    fn repetitions_of_a_splittable_body_are_ambiguous() {
        // `a+` alone: one way for every length, unbounded.
        let plus = ONE.repeat(1, None);
        assert!(plus.unbounded && plus.two == 0 && plus.one & 0b1110 == 0b1110);
        // `(a+)+`: `aa` is one iteration or two.
        let nested = plus.repeat(1, None);
        assert_ne!(nested.two & 0b100, 0);
        assert!(!Counts::default().matchable() && Counts::EMPTY.matchable());
        assert!(!Counts::EMPTY.consumes() && ONE.consumes());
    }
}
