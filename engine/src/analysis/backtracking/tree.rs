//! The pattern as the analysis sees it: regex-syntax's AST walked into [`Node`]s whose characters are ASCII sets
//! (a `u128` bit per character) with the flags in force resolved, and what each node can start with, consume
//! and match empty.

use std::ops::Range;

use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::{self, HirKind};

/// The flags in force at a point of the pattern.
#[derive(Clone, Copy, Default)]
pub(super) struct Flags {
    case_insensitive: bool,
    dot_matches_new_line: bool,
    ignore_whitespace: bool,
    crlf: bool,
}

impl Flags {
    fn apply(&mut self, flags: &ast::Flags) {
        let mut negated = false;
        for item in &flags.items {
            match item.kind {
                ast::FlagsItemKind::Negation => negated = true,
                ast::FlagsItemKind::Flag(flag) => {
                    let value = !negated;
                    match flag {
                        ast::Flag::CaseInsensitive => self.case_insensitive = value,
                        ast::Flag::DotMatchesNewLine => self.dot_matches_new_line = value,
                        ast::Flag::IgnoreWhitespace => self.ignore_whitespace = value,
                        ast::Flag::CRLF => self.crlf = value,
                        ast::Flag::MultiLine | ast::Flag::SwapGreed | ast::Flag::Unicode => {}
                    }
                }
            }
        }
    }
}

/// The pattern as the analysis sees it: characters become ASCII sets, flags are resolved.
pub(super) struct Node {
    pub(super) id: usize,
    pub(super) kind: Kind,
    /// Byte offsets in the escaped pattern.
    pub(super) span: Range<usize>,
    /// Can match the empty string (assertions count as empty).
    pub(super) nullable: bool,
    /// ASCII characters a non-empty match can start with.
    pub(super) first: u128,
    /// ASCII characters it can consume anywhere.
    pub(super) chars: u128,
    /// Holds a repetition (`?`, `*`, `+`, `{n,m}`).
    pub(super) has_repetition: bool,
    /// Holds a word-boundary assertion.
    pub(super) word_boundary: bool,
}

/// What a node is.
pub(super) enum Kind {
    Empty,
    /// One character of the set.
    Atom(u128),
    /// `$`, `\z`: the end of the text (or of a line).
    End,
    /// `^`, `\A`, `\b`, `\<` and friends: never trusted to hold or to fail inside a run.
    OtherAssertion {
        word_boundary: bool,
    },
    /// `\B`: holds between two characters of a run.
    NotWordBoundary,
    Concat(Vec<Node>),
    Alternation(Vec<Node>),
    Repetition {
        min: u32,
        max: Option<u32>,
        body: Box<Node>,
    },
    Group(Box<Node>),
}

/// Builds [`Node`]s from the AST of `pattern`, numbering them and collecting the atoms' character sets.
pub(super) struct Builder<'p> {
    pattern: &'p str,
    /// How many nodes were built: their ids are `0..n_nodes`.
    pub(super) n_nodes: usize,
    /// The distinct character sets of the pattern's atoms.
    pub(super) atoms: Vec<u128>,
}

impl<'p> Builder<'p> {
    /// A builder for the AST of `pattern` (the escaped pattern the AST was parsed from).
    pub(super) fn new(pattern: &'p str) -> Self {
        Self {
            pattern,
            n_nodes: 0,
            atoms: Vec::new(),
        }
    }

    /// The node for `ast`, under `flags` (which a flag group changes for the rest of its group).
    pub(super) fn build(&mut self, ast: &Ast, flags: &mut Flags) -> Node {
        let span = ast.span().start.offset..ast.span().end.offset;
        let kind = match ast {
            Ast::Empty(_) => Kind::Empty,
            Ast::Flags(set) => {
                // Flags set in a group apply to the rest of it.
                flags.apply(&set.flags);
                Kind::Empty
            }
            Ast::Literal(literal) => Kind::Atom(self.atom(literal_set(literal.c, flags))),
            Ast::Dot(_) => {
                let mut set = ASCII;
                if !flags.dot_matches_new_line {
                    set &= !bit(b'\n');
                    if flags.crlf {
                        set &= !bit(b'\r');
                    }
                }
                Kind::Atom(self.atom(set))
            }
            Ast::Assertion(assertion) => match assertion.kind {
                ast::AssertionKind::EndLine | ast::AssertionKind::EndText => Kind::End,
                ast::AssertionKind::NotWordBoundary => Kind::NotWordBoundary,
                ast::AssertionKind::StartLine | ast::AssertionKind::StartText => {
                    Kind::OtherAssertion {
                        word_boundary: false,
                    }
                }
                _ => Kind::OtherAssertion {
                    word_boundary: true,
                },
            },
            Ast::ClassPerl(class) => Kind::Atom(self.atom(perl_set(class))),
            Ast::ClassUnicode(_) | Ast::ClassBracketed(_) => {
                let set = self.translated_set(&span, flags);
                Kind::Atom(self.atom(set))
            }
            Ast::Repetition(repetition) => {
                let (min, max) = match &repetition.op.kind {
                    ast::RepetitionKind::ZeroOrOne => (0, Some(1)),
                    ast::RepetitionKind::ZeroOrMore => (0, None),
                    ast::RepetitionKind::OneOrMore => (1, None),
                    ast::RepetitionKind::Range(range) => match *range {
                        ast::RepetitionRange::Exactly(n) => (n, Some(n)),
                        ast::RepetitionRange::AtLeast(n) => (n, None),
                        ast::RepetitionRange::Bounded(n, m) => (n, Some(m)),
                    },
                };
                let body = self.build(&repetition.ast, flags);
                Kind::Repetition {
                    min,
                    max,
                    body: Box::new(body),
                }
            }
            Ast::Group(group) => {
                let mut inner = *flags;
                if let ast::GroupKind::NonCapturing(set) = &group.kind {
                    inner.apply(set);
                }
                Kind::Group(Box::new(self.build(&group.ast, &mut inner)))
            }
            Ast::Alternation(alternation) => Kind::Alternation(
                alternation
                    .asts
                    .iter()
                    .map(|a| self.build(a, flags))
                    .collect(),
            ),
            Ast::Concat(concat) => {
                Kind::Concat(concat.asts.iter().map(|a| self.build(a, flags)).collect())
            }
        };
        let id = self.n_nodes;
        self.n_nodes += 1;
        Node::new(id, kind, span)
    }

    fn atom(&mut self, set: u128) -> u128 {
        if !self.atoms.contains(&set) {
            self.atoms.push(set);
        }
        set
    }

    /// The ASCII members of a Unicode or bracketed class, from regex-syntax's own translation of its text.
    fn translated_set(&self, span: &Range<usize>, flags: &Flags) -> u128 {
        let Some(text) = self.pattern.get(span.clone()) else {
            return 0;
        };
        let parse = |unicode: bool| {
            regex_syntax::ParserBuilder::new()
                .case_insensitive(flags.case_insensitive)
                .ignore_whitespace(flags.ignore_whitespace)
                .unicode(unicode)
                .utf8(false)
                .build()
                .parse(text)
                .ok()
        };
        // Only the ASCII members are kept, and for a class written in ASCII they are the same whether it is
        // read by bytes or by Unicode: `\w`, `\s`, `\d` and POSIX classes have the same ASCII members, and the
        // only non-ASCII characters that case-fold into ASCII (the Kelvin sign, the long s) cannot be written
        // in a byte class, which refuses them (as it does `\p{…}` and `\x{…}` above 0xFF): those are read by
        // Unicode. Reading by bytes skips Unicode case folding, which for `(?i)[\w…]` cost regex-syntax about
        // 0.4 billion instructions a class (a 311-byte pattern found by the fuzzer took 0.24 s).
        let parsed = if text.is_ascii() {
            parse(false).or_else(|| parse(true))
        } else {
            parse(true)
        };
        let Some(hir) = parsed else {
            return 0;
        };
        match hir.kind() {
            HirKind::Class(hir::Class::Unicode(class)) => class
                .ranges()
                .iter()
                .map(|r| range_set(u32::from(r.start()), u32::from(r.end())))
                .fold(0, |a, b| a | b),
            HirKind::Class(hir::Class::Bytes(class)) => class
                .ranges()
                .iter()
                .map(|r| range_set(u32::from(r.start()), u32::from(r.end())))
                .fold(0, |a, b| a | b),
            HirKind::Literal(hir::Literal(bytes)) if bytes.len() == 1 => {
                range_set(u32::from(bytes[0]), u32::from(bytes[0]))
            }
            _ => 0,
        }
    }
}

impl Node {
    fn new(id: usize, kind: Kind, span: Range<usize>) -> Node {
        let (nullable, first, chars, has_repetition, word_boundary) = match &kind {
            Kind::Empty => (true, 0, 0, false, false),
            Kind::Atom(set) => (false, *set, *set, false, false),
            Kind::End => (true, 0, 0, false, false),
            Kind::OtherAssertion { word_boundary } => (true, 0, 0, false, *word_boundary),
            Kind::NotWordBoundary => (true, 0, 0, false, true),
            Kind::Concat(children) => {
                let mut first = 0;
                let mut nullable = true;
                for child in children {
                    if nullable {
                        first |= child.first;
                    }
                    nullable &= child.nullable;
                }
                (
                    nullable,
                    first,
                    children.iter().fold(0, |a, c| a | c.chars),
                    children.iter().any(|c| c.has_repetition),
                    children.iter().any(|c| c.word_boundary),
                )
            }
            Kind::Alternation(branches) => (
                branches.iter().any(|b| b.nullable),
                branches.iter().fold(0, |a, b| a | b.first),
                branches.iter().fold(0, |a, b| a | b.chars),
                branches.iter().any(|b| b.has_repetition),
                branches.iter().any(|b| b.word_boundary),
            ),
            Kind::Repetition { min, max, body } => {
                let never = *max == Some(0);
                (
                    *min == 0 || body.nullable,
                    if never { 0 } else { body.first },
                    if never { 0 } else { body.chars },
                    true,
                    body.word_boundary,
                )
            }
            Kind::Group(child) => (
                child.nullable,
                child.first,
                child.chars,
                child.has_repetition,
                child.word_boundary,
            ),
        };
        Node {
            id,
            kind,
            span,
            nullable,
            first,
            chars,
            has_repetition,
            word_boundary,
        }
    }
}

const ASCII: u128 = u128::MAX;

fn bit(c: u8) -> u128 {
    if c < 128 { 1u128 << c } else { 0 }
}

/// Is `c` in `set`?
pub(super) fn has(set: u128, c: u8) -> bool {
    set & bit(c) != 0
}

/// The ASCII characters in `start..=end`.
fn range_set(start: u32, end: u32) -> u128 {
    if start > 127 || end < start {
        return 0;
    }
    let end = end.min(127);
    let high = if end == 127 {
        u128::MAX
    } else {
        (1u128 << (end + 1)) - 1
    };
    let low = (1u128 << start) - 1;
    high & !low
}

fn literal_set(c: char, flags: &Flags) -> u128 {
    if !c.is_ascii() {
        return 0;
    }
    let byte = c as u8;
    if flags.case_insensitive && byte.is_ascii_alphabetic() {
        bit(byte.to_ascii_lowercase()) | bit(byte.to_ascii_uppercase())
    } else {
        bit(byte)
    }
}

fn perl_set(class: &ast::ClassPerl) -> u128 {
    let set = match class.kind {
        ast::ClassPerlKind::Digit => range_set(u32::from(b'0'), u32::from(b'9')),
        ast::ClassPerlKind::Space => range_set(u32::from(b'\t'), u32::from(b'\r')) | bit(b' '),
        ast::ClassPerlKind::Word => {
            range_set(u32::from(b'0'), u32::from(b'9'))
                | range_set(u32::from(b'A'), u32::from(b'Z'))
                | range_set(u32::from(b'a'), u32::from(b'z'))
                | bit(b'_')
        }
    };
    if class.negated { !set } else { set }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_sets() {
        assert_eq!(
            range_set(u32::from(b'a'), u32::from(b'c')),
            bit(b'a') | bit(b'b') | bit(b'c')
        );
        assert_eq!(range_set(0, 0x10FFFF), ASCII);
        assert_eq!(range_set(200, 300), 0);
        let insensitive = Flags {
            case_insensitive: true,
            ..Flags::default()
        };
        assert_eq!(literal_set('k', &insensitive), bit(b'k') | bit(b'K'));
        assert_eq!(literal_set('k', &Flags::default()), bit(b'k'));
        assert_eq!(literal_set('é', &Flags::default()), 0);
    }

    #[test]
    fn nodes_know_what_they_start_with_and_whether_they_match_empty() {
        let pattern = "(?i:a)b*";
        let ast = ast::parse::Parser::new().parse(pattern).unwrap();
        let mut builder = Builder::new(pattern);
        let root = builder.build(&ast, &mut Flags::default());
        assert_eq!(root.first, bit(b'a') | bit(b'A'));
        assert_eq!(root.chars, bit(b'a') | bit(b'A') | bit(b'b'));
        assert!(!root.nullable && root.has_repetition && !root.word_boundary);
        assert_eq!(builder.n_nodes, 5);
        assert_eq!(builder.atoms.len(), 2);
    }
}
