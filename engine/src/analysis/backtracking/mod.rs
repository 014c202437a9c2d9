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
//!
//! The files: `pcre.rs` (the two PCRE readings, before parsing), `tree.rs` (regex-syntax's AST as ASCII sets,
//! flags resolved), `counts.rs` (in how many ways a node matches a run), `shapes.rs` (the three detectors) and
//! `rejection.rs` (can what follows a run fail wherever it stops?).

use std::collections::HashSet;
use std::ops::Range;

use regex_syntax::ast;
use regex_syntax::hir;

mod counts;
mod pcre;
mod rejection;
mod separated;
mod shapes;
mod tree;

use shapes::{Found, PerChar};
use tree::{Builder, Flags, Node, has};

/// Longest pattern analysed, in bytes.
const MAX_PATTERN_LEN: usize = 64 * 1024;

/// Most problems reported for one pattern.
const MAX_PROBLEMS: usize = 16;

/// Order in which candidate characters are tried, so that problems name a readable one.
const CANDIDATES: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 =-_.,;:/'\"!?@#$%&*+~|<>()[]{}^`\\\t\r\n";

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
    /// What a long run repeats to trigger the backtracking: one character, or a few (`on` for `.*on.*=`).
    pub repeat: String,
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
    let parsed = match parse(pattern) {
        Ok(parsed) => parsed,
        Err(error) => return Analysis::Unparsed { error },
    };
    let mut builder = Builder::new(&parsed.escaped);
    let root = builder.build(&parsed.ast, &mut Flags::default());
    let found = find_shapes(&builder, &root);
    Analysis::Parsed {
        problems: report(found, pattern, &parsed.offsets),
        word_boundary: root.word_boundary,
    }
}

/// A pattern regex-syntax accepts, as it was parsed.
struct Parsed {
    /// The pattern with PCRE's literal braces escaped ([`pcre::escape_literal_braces`]).
    escaped: String,
    /// For each byte offset of `escaped` (and its end), the offset in the original pattern.
    offsets: Vec<usize>,
    ast: ast::Ast,
}

/// `ast` with every `i` flag taken out (a `-` left without flags after it is read as nothing).
fn without_case_folding(ast: &ast::Ast) -> ast::Ast {
    fn strip(flags: &ast::Flags) -> ast::Flags {
        let items = flags
            .items
            .iter()
            .filter(|item| item.kind != ast::FlagsItemKind::Flag(ast::Flag::CaseInsensitive))
            .cloned()
            .collect();
        ast::Flags {
            span: flags.span,
            items,
        }
    }
    match ast {
        ast::Ast::Flags(set) => ast::Ast::flags(ast::SetFlags {
            span: set.span,
            flags: strip(&set.flags),
        }),
        ast::Ast::Group(group) => ast::Ast::group(ast::Group {
            span: group.span,
            kind: match &group.kind {
                ast::GroupKind::NonCapturing(flags) => ast::GroupKind::NonCapturing(strip(flags)),
                other => other.clone(),
            },
            ast: Box::new(without_case_folding(&group.ast)),
        }),
        ast::Ast::Repetition(repetition) => ast::Ast::repetition(ast::Repetition {
            span: repetition.span,
            op: repetition.op.clone(),
            greedy: repetition.greedy,
            ast: Box::new(without_case_folding(&repetition.ast)),
        }),
        ast::Ast::Alternation(alternation) => ast::Ast::alternation(ast::Alternation {
            span: alternation.span,
            asts: alternation.asts.iter().map(without_case_folding).collect(),
        }),
        ast::Ast::Concat(concat) => ast::Ast::concat(ast::Concat {
            span: concat.span,
            asts: concat.asts.iter().map(without_case_folding).collect(),
        }),
        other => other.clone(),
    }
}

/// Parses a pattern as PCRE reads it, or says why it is not analysed.
fn parse(pattern: &str) -> Result<Parsed, String> {
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(format!(
            "pattern longer than {MAX_PATTERN_LEN} bytes; not analysed"
        ));
    }
    let (escaped, offsets) = pcre::escape_literal_braces(pattern);
    let ast = ast::parse::Parser::new()
        .parse(&escaped)
        .map_err(|err| err.kind().to_string())?;
    // The AST parser accepts some patterns the translator rejects (unknown Unicode classes, invalid ranges);
    // those are not regexes either. Translated without `i` flags: case folding cannot make a pattern invalid
    // (with regex-syntax's Unicode tables), and folding Unicode `\w` in each `(?i)[\w…]` cost about 0.4 billion
    // instructions a class (a 678-byte pattern from the fuzzer took 0.27 s).
    hir::translate::TranslatorBuilder::new()
        .utf8(false)
        .build()
        .translate(&escaped, &without_case_folding(&ast))
        .map_err(|err| err.kind().to_string())?;
    if let Some(span) = pcre::stacked_quantifier(&ast) {
        let text = pattern
            .get(
                offsets.get(span.start).copied().unwrap_or(0)
                    ..offsets.get(span.end).copied().unwrap_or(0),
            )
            .unwrap_or("");
        return Err(format!(
            "`{text}` is a possessive quantifier in PCRE and Oniguruma (regex-syntax reads it as two repetitions); not analysed"
        ));
    }
    Ok(Parsed {
        escaped,
        offsets,
        ast,
    })
}

/// Runs the detectors once per candidate character, skipping characters that every atom of the pattern
/// treats like one already tried.
fn find_shapes(builder: &Builder<'_>, root: &Node) -> Found {
    let mut found = Found::default();
    let mut signatures = HashSet::new();
    for c in preferred(CANDIDATES) {
        let signature: Vec<bool> = builder.atoms.iter().map(|m| has(*m, c)).collect();
        if !signatures.insert(signature) {
            continue;
        }
        let mut per_char = PerChar::new(c, builder.n_nodes, &mut found);
        per_char.visit(root, None);
    }
    found
}

/// The problems found, with spans in the original pattern, in pattern order, outermost only, at most
/// [`MAX_PROBLEMS`].
fn report(found: Found, pattern: &str, offsets: &[usize]) -> Vec<Problem> {
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
                repeat: if candidate.unit.is_empty() {
                    char::from(candidate.repeat).to_string()
                } else {
                    String::from_utf8_lossy(&candidate.unit).into_owned()
                },
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
    outermost
}

#[cfg(test)]
mod tests;
