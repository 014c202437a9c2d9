//! Regex shapes that make backtracking engines (PCRE, Oniguruma, fancy-regex's VM) take exponential or
//! polynomial time, found on the AST of the `regex-syntax` crate. Rego policies call [`analyze`] as
//! `hindsight.regex.backtracking(pattern)`.
//!
//! A backtracking engine tries the ways a pattern can match, one after another, until one succeeds. When the
//! match fails, it has tried them all. The shapes below give a run of one repeated character (`aaaa…`)
//! exponentially or polynomially many ways to match, so a long run followed by something that makes the
//! match fail costs that many steps:
//!
//! - **nested quantifier**: an unbounded repetition whose body can split one run in several ways because the
//!   body holds another repetition: `(a+)+`, `(a*)*`, `(\w+\s?)*`, `(.*)*`. A run of `n` characters has about
//!   `2^n` splits.
//! - **overlapping alternation**: an unbounded repetition of an alternation two of whose branches match the
//!   same text: `(a|a)*`, `(\d|\w)+`, `(.|\s)*`. Every repeated character doubles the ways.
//! - **adjacent unbounded**: two or more unbounded repetitions in sequence that can consume the same
//!   character, with nothing between them that must differ: `.*(?:.*=.*)`, the pattern of Cloudflare's WAF
//!   outage of 2 July 2019. `k` of them split a run in about `n^k` ways.
//!
//! # How
//!
//! For a candidate character `c`, every node of the pattern gets `Counts`: for each length `n`, whether
//! the node can match `c` repeated `n` times in no, one, or two or more ways (and whether it can match
//! arbitrarily long runs). Counts are exact for runs shorter than 64, so an ambiguity they show is real: if an
//! iteration body splits `c^n` in two ways, `c^(k·n)` has at least `2^k` ways. Candidate characters are ASCII
//! only, one per distinct combination of the pattern's character classes.
//!
//! A shape is reported only when what follows it can fail wherever the run stops: a character the run cannot
//! supply, or the end of the text before one. Otherwise the first way tried succeeds and the engine never
//! backtracks: `(a+)+` at the end of a pattern is found at once. Each problem says which character to repeat
//! (`repeat`) and what to put after the run (`then`, or the end of the input).
//!
//! Conservative by design (a reported pattern is really slow on a backtracking engine; some slow patterns are
//! missed): runs of one character only (so `((ab)+)+` is missed), ASCII only, look-arounds and anchors other
//! than the end of the text are never trusted to fail, and patterns regex-syntax rejects (look-around,
//! backreferences, possessive quantifiers, atomic groups) are not analysed at all.
//!
//! Two PCRE readings are kept: a `{` that starts no counted repetition is a literal (the Cloudflare pattern has
//! `{}`), so such braces are escaped before parsing; and `a++`, which regex-syntax reads as a repetition of a
//! repetition, is possessive in PCRE, Oniguruma and fancy-regex, so a pattern with one is not analysed.

use std::collections::HashSet;
use std::ops::Range;

use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::{self, HirKind};

/// Longest pattern analysed, in bytes.
const MAX_PATTERN_LEN: usize = 64 * 1024;

/// Most problems reported for one pattern.
const MAX_PROBLEMS: usize = 16;

/// Order in which candidate characters are tried, so that problems name a readable one.
const CANDIDATES: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 =-_.,;:/'\"!?@#$%&*+~|<>()[]{}^`\\\t\r\n";

/// Order in which characters that end a run are tried.
const TERMINATORS: &[u8] = b"!#%&,;@~-=/:?.'\"`^<>()[]{}|+* _0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\t\r";

/// The characters of `order`, then every other ASCII character.
fn preferred(order: &'static [u8]) -> impl Iterator<Item = u8> {
    order
        .iter()
        .copied()
        .chain((0..128u8).filter(move |c| !order.contains(c)))
}

/// What [`analyze`] found out about a pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Analysis {
    /// The pattern parsed and was analysed.
    Parsed {
        /// The shapes found, in pattern order (empty for a safe pattern).
        problems: Vec<Problem>,
        /// The pattern has a word-boundary assertion (`\b`, `\B`, `\<`, `\b{start}`, ...). fancy-regex runs
        /// such a pattern on its backtracking VM; any other pattern regex-syntax accepts, it hands to the
        /// linear-time `regex` crate.
        word_boundary: bool,
    },
    /// regex-syntax rejects the pattern (look-around, backreferences, possessive quantifiers, atomic groups,
    /// an unknown escape), or it is longer than 64 KiB: not analysed.
    Unparsed {
        /// Why.
        error: String,
    },
}

/// One catastrophic-backtracking shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Which shape.
    pub kind: ProblemKind,
    /// Byte offsets of the offending sub-pattern in the pattern.
    pub span: Range<usize>,
    /// The offending sub-pattern.
    pub text: String,
    /// A character whose long runs trigger the backtracking.
    pub repeat: char,
    /// What to put after the run to make the match fail (`None`: the end of the input).
    pub then: Option<char>,
}

/// The shapes [`analyze`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemKind {
    /// An unbounded repetition whose body, holding another repetition, splits a run in several ways.
    NestedQuantifier,
    /// An unbounded repetition of an alternation whose branches match the same text.
    OverlappingAlternation,
    /// Two or more unbounded repetitions in sequence over the same characters.
    AdjacentUnbounded,
}

impl ProblemKind {
    /// Kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::NestedQuantifier => "nested-quantifier",
            ProblemKind::OverlappingAlternation => "overlapping-alternation",
            ProblemKind::AdjacentUnbounded => "adjacent-unbounded",
        }
    }

    /// How the matching time grows with the length of the run.
    pub fn growth(self) -> &'static str {
        match self {
            ProblemKind::NestedQuantifier | ProblemKind::OverlappingAlternation => "exponential",
            ProblemKind::AdjacentUnbounded => "polynomial",
        }
    }
}

/// Parses `pattern` with regex-syntax and reports its catastrophic-backtracking shapes.
pub fn analyze(pattern: &str) -> Analysis {
    if pattern.len() > MAX_PATTERN_LEN {
        return Analysis::Unparsed {
            error: format!("pattern longer than {MAX_PATTERN_LEN} bytes; not analysed"),
        };
    }
    let (escaped, offsets) = escape_literal_braces(pattern);
    let ast = match ast::parse::Parser::new().parse(&escaped) {
        Ok(ast) => ast,
        Err(err) => {
            return Analysis::Unparsed {
                error: err.kind().to_string(),
            };
        }
    };
    // The AST parser accepts some patterns the translator rejects (unknown Unicode classes, invalid ranges);
    // those are not regexes either.
    let translated = hir::translate::TranslatorBuilder::new()
        .utf8(false)
        .build()
        .translate(&escaped, &ast);
    if let Err(err) = translated {
        return Analysis::Unparsed {
            error: err.kind().to_string(),
        };
    }
    if let Some(span) = stacked_quantifier(&ast) {
        let text = pattern
            .get(
                offsets.get(span.start).copied().unwrap_or(0)
                    ..offsets.get(span.end).copied().unwrap_or(0),
            )
            .unwrap_or("");
        return Analysis::Unparsed {
            error: format!(
                "`{text}` is a possessive quantifier in PCRE and Oniguruma (regex-syntax reads it as two repetitions); not analysed"
            ),
        };
    }
    let mut builder = Builder {
        pattern: &escaped,
        n_nodes: 0,
        atoms: Vec::new(),
    };
    let root = builder.build(&ast, &mut Flags::default());
    let mut found = Found::default();
    let mut signatures = HashSet::new();
    for c in preferred(CANDIDATES) {
        let signature: Vec<bool> = builder.atoms.iter().map(|m| has(*m, c)).collect();
        if !signatures.insert(signature) {
            continue;
        }
        let mut per_char = PerChar {
            c,
            memo: vec![None; builder.n_nodes],
            found: &mut found,
        };
        per_char.visit(&root, None);
    }
    let original = |span: &Range<usize>| {
        let start = offsets.get(span.start).copied().unwrap_or(pattern.len());
        let end = offsets.get(span.end).copied().unwrap_or(pattern.len());
        start..end
    };
    let mut problems: Vec<Problem> = found
        .problems
        .into_values()
        .map(|candidate| {
            let span = original(&candidate.span);
            Problem {
                kind: candidate.kind,
                text: pattern.get(span.clone()).unwrap_or("").to_string(),
                span,
                repeat: char::from(candidate.repeat),
                then: candidate.then.map(char::from),
            }
        })
        .collect();
    problems.sort_by(|a, b| {
        (a.span.start, std::cmp::Reverse(a.span.end), a.kind).cmp(&(
            b.span.start,
            std::cmp::Reverse(b.span.end),
            b.kind,
        ))
    });
    // A shape inside another reported one is part of the same problem: the fix rewrites the outer one.
    let mut outermost: Vec<Problem> = Vec::new();
    for problem in problems {
        let inside = outermost
            .iter()
            .any(|o| o.span.start <= problem.span.start && problem.span.end <= o.span.end);
        if !inside {
            outermost.push(problem);
        }
    }
    outermost.truncate(MAX_PROBLEMS);
    Analysis::Parsed {
        problems: outermost,
        word_boundary: root.word_boundary,
    }
}

/// A quantifier applied directly to a quantifier (`a++`, `a*+`, `a{2}+`): PCRE, Oniguruma and fancy-regex read
/// the second one as possessive (never giving back what it matched, so it cannot backtrack), regex-syntax as a
/// repetition of the repetition. The pattern is not regex-syntax's to judge.
fn stacked_quantifier(ast: &Ast) -> Option<Range<usize>> {
    match ast {
        Ast::Repetition(repetition) => {
            if let Ast::Repetition(inner) = &*repetition.ast {
                return Some(inner.span.start.offset..repetition.span.end.offset);
            }
            stacked_quantifier(&repetition.ast)
        }
        Ast::Group(group) => stacked_quantifier(&group.ast),
        Ast::Alternation(alternation) => alternation.asts.iter().find_map(stacked_quantifier),
        Ast::Concat(concat) => concat.asts.iter().find_map(stacked_quantifier),
        _ => None,
    }
}

/// PCRE and Oniguruma read a `{` that does not start a counted repetition (`{}`, `{foo}`, `{,3}`) as a literal
/// brace, and the Cloudflare WAF pattern has one; regex-syntax rejects it. Such braces are escaped before
/// parsing. Returns the escaped pattern and, for each of its byte offsets (and its end), the offset in
/// `pattern`.
fn escape_literal_braces(pattern: &str) -> (String, Vec<usize>) {
    let bytes = pattern.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len() + 8);
    let mut offsets: Vec<usize> = Vec::with_capacity(bytes.len() + 9);
    let copy = |out: &mut Vec<u8>, offsets: &mut Vec<usize>, range: Range<usize>| {
        for i in range {
            if let Some(&b) = bytes.get(i) {
                out.push(b);
                offsets.push(i);
            }
        }
    };
    // Depth of nested bracketed classes, in which a brace is always literal.
    let mut class_depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let end = match b {
            b'\\' => {
                // An escape and the character it escapes; `\x{..}`, `\u{..}`, `\p{..}` and `\P{..}` whole.
                let mut end = (i + 2).min(bytes.len());
                while end < bytes.len() && !pattern.is_char_boundary(end) {
                    end += 1;
                }
                if matches!(bytes.get(i + 1), Some(b'x' | b'u' | b'U' | b'p' | b'P'))
                    && bytes.get(i + 2) == Some(&b'{')
                {
                    end = bytes[i + 2..]
                        .iter()
                        .position(|&b| b == b'}')
                        .map_or(bytes.len(), |p| i + 2 + p + 1);
                }
                end
            }
            b'[' => {
                if class_depth > 0 && bytes.get(i + 1) == Some(&b':') {
                    // `[:alpha:]` inside a class.
                    bytes[i..]
                        .windows(2)
                        .position(|w| w == b":]")
                        .map_or(bytes.len(), |p| i + p + 2)
                } else {
                    class_depth += 1;
                    // A `]` right after `[` or `[^` is a literal, not the end of the class.
                    let mut end = i + 1;
                    if bytes.get(end) == Some(&b'^') {
                        end += 1;
                    }
                    if bytes.get(end) == Some(&b']') {
                        end += 1;
                    }
                    end
                }
            }
            b']' if class_depth > 0 => {
                class_depth -= 1;
                i + 1
            }
            b'{' if class_depth == 0 && !starts_counted_repetition(&bytes[i..]) => {
                out.push(b'\\');
                offsets.push(i);
                i + 1
            }
            _ => i + 1,
        };
        copy(&mut out, &mut offsets, i..end);
        i = end;
    }
    offsets.push(pattern.len());
    match String::from_utf8(out) {
        Ok(escaped) => (escaped, offsets),
        // Only ASCII backslashes were inserted, before ASCII braces, so this does not happen.
        Err(_) => (pattern.to_string(), (0..=pattern.len()).collect()),
    }
}

/// `{2}`, `{2,}`, `{2,5}` (with optional spaces, as regex-syntax accepts them).
fn starts_counted_repetition(bytes: &[u8]) -> bool {
    let mut i = 1;
    let skip_spaces = |i: &mut usize| {
        while bytes.get(*i).is_some_and(u8::is_ascii_whitespace) {
            *i += 1;
        }
    };
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    skip_spaces(&mut i);
    if !digits(&mut i) {
        return false;
    }
    skip_spaces(&mut i);
    if bytes.get(i) == Some(&b',') {
        i += 1;
        skip_spaces(&mut i);
        digits(&mut i);
        skip_spaces(&mut i);
    }
    bytes.get(i) == Some(&b'}')
}

/// The flags in force at a point of the pattern.
#[derive(Clone, Copy, Default)]
struct Flags {
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
struct Node {
    id: usize,
    kind: Kind,
    /// Byte offsets in the escaped pattern.
    span: Range<usize>,
    /// Can match the empty string (assertions count as empty).
    nullable: bool,
    /// ASCII characters a non-empty match can start with.
    first: u128,
    /// ASCII characters it can consume anywhere.
    chars: u128,
    /// Holds a repetition (`?`, `*`, `+`, `{n,m}`).
    has_repetition: bool,
    /// Holds a word-boundary assertion.
    word_boundary: bool,
}

enum Kind {
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

struct Builder<'p> {
    pattern: &'p str,
    n_nodes: usize,
    /// The distinct character sets of the pattern's atoms.
    atoms: Vec<u128>,
}

impl Builder<'_> {
    fn build(&mut self, ast: &Ast, flags: &mut Flags) -> Node {
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
        let parsed = regex_syntax::ParserBuilder::new()
            .case_insensitive(flags.case_insensitive)
            .ignore_whitespace(flags.ignore_whitespace)
            .utf8(false)
            .build()
            .parse(text);
        let Ok(hir) = parsed else {
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

fn has(set: u128, c: u8) -> bool {
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

/// For lengths `0..64` of a run of one character: can the node match that many, and in two or more ways?
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
struct Counts {
    /// Bit `n`: matches `n` characters in at least one way.
    one: u64,
    /// Bit `n`: matches `n` characters in at least two ways.
    two: u64,
    /// Matches arbitrarily long runs.
    unbounded: bool,
}

impl Counts {
    const EMPTY: Counts = Counts {
        one: 1,
        two: 0,
        unbounded: false,
    };

    /// Can match some run (possibly the empty one).
    fn matchable(self) -> bool {
        self.one != 0 || self.unbounded
    }

    /// Can match a non-empty run.
    fn consumes(self) -> bool {
        self.one & !1 != 0 || self.unbounded
    }

    fn without_empty(self) -> Counts {
        Counts {
            one: self.one & !1,
            two: self.two & !1,
            unbounded: self.unbounded,
        }
    }

    /// Alternatives: the ways add up.
    fn or(self, other: Counts) -> Counts {
        Counts {
            one: self.one | other.one,
            two: self.two | other.two | (self.one & other.one),
            unbounded: self.unbounded || other.unbounded,
        }
    }

    /// Sequence: the ways multiply, and different splits of one length add up.
    fn then(self, other: Counts) -> Counts {
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
    fn star(self) -> Counts {
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

    fn repeat(self, min: u32, max: Option<u32>) -> Counts {
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

/// A candidate problem, before offsets are mapped back to the original pattern.
struct Candidate {
    kind: ProblemKind,
    span: Range<usize>,
    repeat: u8,
    then: Option<u8>,
}

#[derive(Default)]
struct Found {
    /// Keyed by the id of the repetition or sequence node.
    problems: std::collections::BTreeMap<usize, Candidate>,
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
struct Cont<'n> {
    items: &'n [Node],
    /// `items` is the enclosing repetition: more iterations may follow, or none.
    again: bool,
    next: Option<&'n Cont<'n>>,
}

/// The analysis for one candidate character.
struct PerChar<'f> {
    c: u8,
    memo: Vec<Option<Counts>>,
    found: &'f mut Found,
}

impl PerChar<'_> {
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

    fn visit<'n>(&mut self, node: &'n Node, cont: Option<&Cont<'n>>) {
        match &node.kind {
            Kind::Concat(children) => {
                self.adjacent(node, cont);
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
        let Some(then) = self.rejects(&[], cont, body.chars) else {
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
                then,
            },
        );
    }

    /// Two or more unbounded repetitions in a sequence (groups opened) that can all consume the candidate
    /// character, with only things between them that can too (or match empty): each split of a run between
    /// them is tried, `n^k` ways for `k` of them.
    fn adjacent(&mut self, node: &Node, cont: Option<&Cont<'_>>) {
        let mut flat: Vec<Flat<'_>> = Vec::new();
        flatten(node, &mut Vec::new(), &mut flat);
        // Indices into `flat` of the repetitions of the current run.
        let mut loops: Vec<usize> = Vec::new();
        let mut best: Option<Candidate> = None;
        for (i, item) in flat.iter().enumerate() {
            let counts = self.counts(item.node);
            if counts.unbounded {
                loops.push(i);
            } else if !counts.matchable() {
                self.close_run(&flat, &loops, i, cont, &mut best);
                loops.clear();
            }
        }
        self.close_run(&flat, &loops, flat.len(), cont, &mut best);
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
        let Some(then) = self.rejects(&after, cont, run_chars) else {
            return;
        };
        *best = Some(Candidate {
            kind: ProblemKind::AdjacentUnbounded,
            span,
            repeat: self.c,
            then,
        });
    }

    /// Can what follows a run of the candidate character fail wherever the run stops? `after` comes first,
    /// then `cont`. Returns what to put after the run (`Some(None)`: the end of the input), or `None` when
    /// the rest might match (then the first way tried succeeds and nothing backtracks).
    fn rejects(
        &self,
        after: &[&Node],
        cont: Option<&Cont<'_>>,
        run_chars: u128,
    ) -> Option<Option<u8>> {
        let mut state = Rejection {
            c: self.c,
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
                    if has(node.first, self.c) {
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
}

/// An item of a sequence with groups and nested sequences opened, and the path to it: each enclosing
/// sequence and the index of the child that leads to the item.
struct Flat<'n> {
    node: &'n Node,
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
fn balanced_span(first: &Flat<'_>, last: &Flat<'_>) -> Range<usize> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The WAF rule of Cloudflare's outage of 2 July 2019, as published.
    const CLOUDFLARE_2019: &str = r#"(?:(?:\"|'|\]|\}|\\|\d|(?:nan|infinity|true|false|null|undefined|symbol|math)|\`|\-|\+)+[)]*;?((?:\s|-|~|!|{}|\|\||\+)*.*(?:.*=.*)))"#;

    /// One line per problem: kind, text, span, and the input that triggers it; or why nothing was analysed.
    fn shapes(pattern: &str) -> String {
        match analyze(pattern) {
            Analysis::Unparsed { error } => format!("unparsed: {error}"),
            Analysis::Parsed { problems, .. } if problems.is_empty() => "none".to_string(),
            Analysis::Parsed { problems, .. } => problems
                .iter()
                .map(|p| {
                    let then = p.then.map_or("end".to_string(), |t| format!("{t:?}"));
                    format!(
                        "{} `{}` {}..{} repeat {:?} then {then}",
                        p.kind.as_str(),
                        p.text,
                        p.span.start,
                        p.span.end,
                        p.repeat
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        }
    }

    fn table(patterns: &[&str]) -> String {
        patterns
            .iter()
            .map(|p| format!("{p}  =>  {}", shapes(p)))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn nested_quantifiers() {
        insta::assert_snapshot!(table(&[
            r"^(a+)+$",
            r"(a*)*b",
            r"^(\w+\s?)*$",
            r"(.*)*x",
            r"^(([a-z])+.)+[A-Z]([a-z])+$",
            r"(x+x+)+y",
            r"^(a|aa)+$",
            r"^(a{1,3})+$",
            r"((a+)+)+b",
        ]), @r"
        ^(a+)+$  =>  nested-quantifier `(a+)+` 1..6 repeat 'a' then '!'
        (a*)*b  =>  nested-quantifier `(a*)*` 0..5 repeat 'a' then end
        ^(\w+\s?)*$  =>  nested-quantifier `(\w+\s?)*` 1..10 repeat 'a' then '!'
        (.*)*x  =>  nested-quantifier `(.*)*` 0..5 repeat 'a' then end
        ^(([a-z])+.)+[A-Z]([a-z])+$  =>  nested-quantifier `(([a-z])+.)+` 1..13 repeat 'a' then end
        (x+x+)+y  =>  nested-quantifier `(x+x+)+` 0..7 repeat 'x' then end
        ^(a|aa)+$  =>  overlapping-alternation `(a|aa)+` 1..8 repeat 'a' then '!'
        ^(a{1,3})+$  =>  nested-quantifier `(a{1,3})+` 1..10 repeat 'a' then '!'
        ((a+)+)+b  =>  nested-quantifier `((a+)+)+` 0..8 repeat 'a' then end
        ");
    }

    #[test]
    fn overlapping_alternations() {
        insta::assert_snapshot!(table(&[
            r"^(a|a)*$",
            r"^(\d|\w)+$",
            r"<!--(.|\s)*?-->",
            r"(?i)^(a|A)+$",
        ]), @r"
        ^(a|a)*$  =>  overlapping-alternation `(a|a)*` 1..7 repeat 'a' then '!'
        ^(\d|\w)+$  =>  overlapping-alternation `(\d|\w)+` 1..9 repeat '0' then '!'
        <!--(.|\s)*?-->  =>  overlapping-alternation `(.|\s)*?` 4..12 repeat ' ' then end
        (?i)^(a|A)+$  =>  overlapping-alternation `(a|A)+` 5..11 repeat 'a' then '!'
        ");
    }

    #[test]
    fn adjacent_unbounded() {
        insta::assert_snapshot!(table(&[
            r".*(?:.*=.*)",
            CLOUDFLARE_2019,
            r"^\d+\s*\d+$",
            r"\w+\w+@",
        ]), @r#"
        .*(?:.*=.*)  =>  adjacent-unbounded `.*(?:.*=.*)` 0..11 repeat 'a' then end
        (?:(?:\"|'|\]|\}|\\|\d|(?:nan|infinity|true|false|null|undefined|symbol|math)|\`|\-|\+)+[)]*;?((?:\s|-|~|!|{}|\|\||\+)*.*(?:.*=.*)))  =>  adjacent-unbounded `.*(?:.*=.*)` 119..130 repeat 'a' then end
        ^\d+\s*\d+$  =>  adjacent-unbounded `\d+\s*\d+` 1..10 repeat '0' then '!'
        \w+\w+@  =>  adjacent-unbounded `\w+\w+` 0..6 repeat 'a' then end
        "#);
    }

    #[test]
    fn safe_look_alikes() {
        insta::assert_snapshot!(table(&[
            r"a+b+",
            r"(ab)+",
            r"\d+\.\d+",
            r"[a-z]+@[a-z]+\.com",
            r"(a+)+",
            r"(a+)+b?",
            r"^(\w+\s)*$",
            r"(\b\w+\b\s?)*x",
            r"(.|\n)*x",
            r"(\s|\S)*x",
            r"^(a|b)*$",
            r"^(ab|a)*$",
            r".*=.*",
            r"^\s*(.*?)\s*$",
            r"\w+\s*\w+",
            r"^[^=]*=[^=]*$",
        ]), @r"
        a+b+  =>  none
        (ab)+  =>  none
        \d+\.\d+  =>  none
        [a-z]+@[a-z]+\.com  =>  none
        (a+)+  =>  none
        (a+)+b?  =>  none
        ^(\w+\s)*$  =>  none
        (\b\w+\b\s?)*x  =>  none
        (.|\n)*x  =>  none
        (\s|\S)*x  =>  none
        ^(a|b)*$  =>  none
        ^(ab|a)*$  =>  none
        .*=.*  =>  none
        ^\s*(.*?)\s*$  =>  none
        \w+\s*\w+  =>  none
        ^[^=]*=[^=]*$  =>  none
        ");
    }

    #[test]
    fn patterns_regex_syntax_rejects_are_not_analysed() {
        insta::assert_snapshot!(table(&[
            r"(?=a)(a+)+$",
            r"(a+)\1",
            r"(?>a+)+$",
            r"a++b",
            r"(a+",
            r"\p{NoSuchClass}+",
        ]), @r"
        (?=a)(a+)+$  =>  unparsed: look-around, including look-ahead and look-behind, is not supported
        (a+)\1  =>  unparsed: backreferences are not supported
        (?>a+)+$  =>  unparsed: unrecognized flag
        a++b  =>  unparsed: `a++` is a possessive quantifier in PCRE and Oniguruma (regex-syntax reads it as two repetitions); not analysed
        (a+  =>  unparsed: unclosed group
        \p{NoSuchClass}+  =>  unparsed: Unicode property not found
        ");
    }

    #[test]
    fn literal_braces_are_read_as_pcre_does_and_spans_point_into_the_original() {
        insta::assert_snapshot!(table(&[
            r"{}(a+)+$",
            r"x{foo}(a+)+$",
            r"a{2}(b+)+$",
            r"[{](a+)+$",
            r"\x{41}(a+)+$",
        ]), @r"
        {}(a+)+$  =>  nested-quantifier `(a+)+` 2..7 repeat 'a' then '!'
        x{foo}(a+)+$  =>  nested-quantifier `(a+)+` 6..11 repeat 'a' then '!'
        a{2}(b+)+$  =>  nested-quantifier `(b+)+` 4..9 repeat 'b' then '!'
        [{](a+)+$  =>  nested-quantifier `(a+)+` 3..8 repeat 'a' then '!'
        \x{41}(a+)+$  =>  nested-quantifier `(a+)+` 6..11 repeat 'a' then '!'
        ");
    }

    #[test]
    fn word_boundaries_are_reported() {
        let has_boundary = |p: &str| {
            matches!(
                analyze(p),
                Analysis::Parsed {
                    word_boundary: true,
                    ..
                }
            )
        };
        assert!(has_boundary(r"\b(a+)+$"));
        assert!(has_boundary(r"x\By"));
        assert!(!has_boundary(r"^(a+)+$"));
        assert!(!has_boundary(r"[\b]"));
    }
}
