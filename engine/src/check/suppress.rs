//! Inline suppressions: `hindsight-allow(HS1001): <reason>` in the file's own comment syntax.
//!
//! A suppression on a line with code applies to that line; one on a line of its own applies to the next line
//! that is not itself a comment. The reason is mandatory and an optional `until=YYYY-MM-DD` makes it expire.
//!
//! This module parses the marker ([`parse_comment`]), finds the comments in files without a syntax tree
//! ([`text_comments`]), places each suppression on the line it applies to ([`collect_suppressions`]) and
//! matches findings against them ([`claim`]); `resolve.rs` reports the ones that are unused, expired or
//! lack a reason.

use std::ops::Range;

use crate::data::DataFormat;
use crate::finding::{Suppressed, SuppressionKind};
use crate::line_index::LineIndex;
use crate::source::lang::Lang;

/// The marker that starts a suppression inside a comment.
pub const MARKER: &str = "hindsight-allow";

/// How a file writes comments, from its row of the language table or, for a file read only as data, of the
/// format table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CommentSyntax {
    /// Prefix of a line comment (`//`, `#`).
    pub(crate) line: &'static str,
    /// A second line-comment prefix, where the format has two (HCL: `#` and `//`).
    pub(crate) alt_line: Option<&'static str>,
    /// Opening and closing of a block comment (`/*`, `*/`), where there are block comments.
    pub(crate) block: Option<(&'static str, &'static str)>,
}

impl CommentSyntax {
    /// The comments of a language.
    pub(crate) fn of_lang(lang: Lang) -> Self {
        let spec = lang.spec();
        Self {
            line: spec.line_comment,
            alt_line: None,
            block: spec.block_comment,
        }
    }

    /// The comments of a data format: line comments, or XML's block comments written on one line.
    pub(crate) fn of_format(format: DataFormat) -> Self {
        Self {
            line: format.spec().line_comment,
            alt_line: format.spec().alt_line_comment,
            block: format.spec().block_comment,
        }
    }

    /// The comments of a file: its language's if it is parsed, else its data format's, else `#`.
    pub(crate) fn of_file(lang: Option<Lang>, format: Option<DataFormat>) -> Self {
        match (lang, format) {
            (Some(lang), _) => Self::of_lang(lang),
            (None, Some(format)) => Self::of_format(format),
            (None, None) => Self {
                line: "#",
                alt_line: None,
                block: None,
            },
        }
    }

    /// Does `text` open with a comment?
    fn opens_comment(self, text: &str) -> bool {
        self.line_openings().any(|open| text.starts_with(open))
            || self.block.is_some_and(|(open, _)| text.starts_with(open))
    }

    /// The line-comment prefixes: one, or two in HCL.
    fn line_openings(self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.line).chain(self.alt_line)
    }

    /// The comment's body after its opening marker. Doc comments extend a two-character opening with its
    /// last character again or `!` (`///`, `//!`, `/**`, `/*!`): that is part of the opening. A one-character
    /// opening is taken alone (`## hindsight-allow` is not a suppression, as it never was).
    fn strip_opening(self, comment: &str) -> &str {
        let text = comment.trim_start();
        let openings = self.line_openings().chain(self.block.map(|(open, _)| open));
        for open in openings {
            if let Some(rest) = text.strip_prefix(open) {
                let rest = match open.chars().last() {
                    Some(last) if open.len() > 1 => rest.trim_start_matches([last, '!']),
                    _ => rest,
                };
                return rest.trim_start();
            }
        }
        text
    }

    /// The comment's text without a block comment's closing marker.
    fn strip_closing(self, text: &str) -> &str {
        match self.block {
            Some((_, close)) => text.trim_end_matches(close),
            None => text,
        }
    }
}

/// What a suppression comment says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Directive {
    /// Codes or ids as written.
    pub(crate) codes: Vec<String>,
    /// `until=` date, `YYYY-MM-DD`.
    pub(crate) until: Option<String>,
    /// The reason; `None` when missing or empty.
    pub(crate) reason: Option<String>,
    /// Set when the comment is not a well-formed suppression; says what to write.
    pub(crate) malformed: Option<String>,
}

/// Parses a comment's full text (with its comment markers, written in `syntax`). `None` when it is not a
/// suppression.
pub(crate) fn parse_comment(comment: &str, syntax: CommentSyntax) -> Option<Directive> {
    let body = syntax.strip_opening(comment);
    let rest = body.strip_prefix(MARKER)?;
    let Some(rest) = rest.strip_prefix('(') else {
        return Some(malformed("write `hindsight-allow(CODE): reason`"));
    };
    let Some((args, after)) = rest.split_once(')') else {
        return Some(malformed(
            "the code list is not closed: write `hindsight-allow(CODE): reason`",
        ));
    };
    let mut codes = Vec::new();
    let mut until = None;
    for arg in args.split(',').map(str::trim).filter(|a| !a.is_empty()) {
        if let Some(date) = arg
            .strip_prefix("until=")
            .or_else(|| arg.strip_prefix("until ="))
        {
            let date = date.trim();
            if !crate::problem::is_date(date) {
                return Some(malformed("`until=` takes a date written YYYY-MM-DD"));
            }
            until = Some(date.to_string());
        } else if arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            codes.push(arg.to_string());
        } else {
            return Some(malformed(
                "list rule codes separated by commas, such as `hindsight-allow(HS1001, HS1002)`",
            ));
        }
    }
    if codes.is_empty() {
        return Some(malformed(
            "name the rule codes to allow, such as `hindsight-allow(HS1001): reason`",
        ));
    }
    let after = after.trim_start();
    let reason = after
        .strip_prefix(':')
        .map(|r| syntax.strip_closing(r.trim()).trim().to_string())
        .filter(|r| !r.is_empty());
    Some(Directive {
        codes,
        until,
        reason,
        malformed: None,
    })
}

fn malformed(what: &str) -> Directive {
    Directive {
        codes: Vec::new(),
        until: None,
        reason: None,
        malformed: Some(what.to_string()),
    }
}

/// Suppression comments of a file without a syntax tree (TOML, JSON, HCL): comments opened by one of its
/// format's line-comment prefixes and holding the marker, found in the text. The last opening before the marker
/// starts the comment, so an opening inside a string earlier on the line (`"http://x"` in TOML) is not taken
/// for one.
pub(crate) fn text_comments(text: &str, syntax: CommentSyntax) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(marker) = line.find(MARKER) {
            let before = &line[..marker];
            if let Some(start) = syntax
                .line_openings()
                .filter_map(|open| before.rfind(open))
                .max()
            {
                let body = line[start..].trim_end_matches(['\n', '\r']);
                out.push(Comment {
                    range: offset + start..offset + start + body.len(),
                    text: body.to_string(),
                });
            }
        }
        offset += line.len();
    }
    out
}

/// A comment that holds the suppression marker.
pub(crate) struct Comment {
    /// Where the comment is, markers included.
    pub(crate) range: Range<usize>,
    /// Its full text, markers included.
    pub(crate) text: String,
}

/// A suppression comment of one file, where it applies and which of its codes suppressed something.
pub(crate) struct Suppression {
    /// The comment.
    pub(crate) range: Range<usize>,
    /// 1-based line of the comment.
    pub(crate) line: usize,
    /// 1-based line whose findings it suppresses.
    pub(crate) target_line: usize,
    /// What the comment says.
    pub(crate) directive: Directive,
    /// Per code of the directive: did it suppress a finding?
    pub(super) used: Vec<bool>,
}

impl Suppression {
    /// Has its `until=` date passed? Never without a date or without today's.
    pub(super) fn expired(&self, today: Option<&str>) -> bool {
        matches!((&self.directive.until, today), (Some(until), Some(today)) if until.as_str() < today)
    }
}

/// The suppressions among `comments`, each with the line it applies to: its own line when it follows code,
/// else the next line that is not itself only a comment (in the file's comment `syntax`).
pub(crate) fn collect_suppressions(
    comments: &[Comment],
    index: &LineIndex<'_>,
    syntax: CommentSyntax,
) -> Vec<Suppression> {
    // Lines that hold nothing but a comment: a suppression there applies to the next line of code.
    let own_line = |c: &Comment| {
        let line = index.line_of(c.range.start);
        let before = index
            .line_text(line)
            .get(..c.range.start - index.line_start(line))
            .unwrap_or("");
        // A byte order mark starting the file is nothing before the comment either.
        before
            .trim_start_matches(crate::data::BOM)
            .trim()
            .is_empty()
    };
    // A following line that is itself only a comment (more explanation, another suppression) is skipped.
    let comment_only_line = |line: usize| {
        let text = index.line_text(line).trim_start();
        !text.is_empty() && syntax.opens_comment(text)
    };
    let mut out = Vec::new();
    for comment in comments {
        let Some(directive) = parse_comment(&comment.text, syntax) else {
            continue;
        };
        let line = index.line_of(comment.range.start);
        let target = if own_line(comment) {
            let mut target = index.line_of(comment.range.end.saturating_sub(1)) + 1;
            while comment_only_line(target) && target < index.line_of(usize::MAX) {
                target += 1;
            }
            target
        } else {
            line
        };
        let used = vec![false; directive.codes.len()];
        out.push(Suppression {
            range: comment.range.clone(),
            line: line + 1,
            target_line: target + 1,
            directive,
            used,
        });
    }
    out
}

/// Finds the suppression of a finding of rule `code` (or `id`) on 1-based `line`, marks its code used and
/// says why. A suppression without a reason, malformed or expired suppresses nothing; codes compare without
/// case, ids exactly.
pub(super) fn claim(
    suppressions: &mut [Suppression],
    line: usize,
    code: &str,
    id: &str,
    today: Option<&str>,
) -> Option<Suppressed> {
    for suppression in suppressions.iter_mut().filter(|s| s.target_line == line) {
        if suppression.directive.reason.is_none() || suppression.directive.malformed.is_some() {
            continue;
        }
        let Some(pos) = suppression
            .directive
            .codes
            .iter()
            .position(|c| c.eq_ignore_ascii_case(code) || *c == id)
        else {
            continue;
        };
        if suppression.expired(today) {
            continue;
        }
        suppression.used[pos] = true;
        return Some(Suppressed {
            reason: suppression.directive.reason.clone().unwrap_or_default(),
            line: suppression.line,
            kind: SuppressionKind::Inline,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directive(codes: &[&str], until: Option<&str>, reason: Option<&str>) -> Option<Directive> {
        Some(Directive {
            codes: codes.iter().map(|c| c.to_string()).collect(),
            until: until.map(str::to_string),
            reason: reason.map(str::to_string),
            malformed: None,
        })
    }

    #[test]
    fn suppressions_are_parsed_in_every_comment_syntax() {
        let cases = [
            (
                "// hindsight-allow(HS1001): startup only",
                directive(&["HS1001"], None, Some("startup only")),
            ),
            (
                "# hindsight-allow(HS2001, HS2002): legacy",
                directive(&["HS2001", "HS2002"], None, Some("legacy")),
            ),
            (
                "/* hindsight-allow(HS1001): bounded */",
                directive(&["HS1001"], None, Some("bounded")),
            ),
            (
                "// hindsight-allow(HS1001, until=2027-03-31): migration",
                directive(&["HS1001"], Some("2027-03-31"), Some("migration")),
            ),
            (
                "// hindsight-allow(HS1001)",
                directive(&["HS1001"], None, None),
            ),
            (
                "// hindsight-allow(HS1001):   ",
                directive(&["HS1001"], None, None),
            ),
            ("// see hindsight-allow(HS1001): prose", None),
            ("// ordinary comment", None),
        ];
        for (comment, expected) in cases {
            let syntax = if comment.starts_with('#') { TOML } else { RUST };
            assert_eq!(parse_comment(comment, syntax), expected, "{comment}");
        }
    }

    #[test]
    fn malformed_suppressions_say_what_to_write() {
        for comment in [
            "// hindsight-allow: x",
            "// hindsight-allow(HS1001",
            "// hindsight-allow(): x",
            "// hindsight-allow(HS1001, until=soon): x",
        ] {
            let parsed = parse_comment(comment, RUST);
            assert!(
                parsed.as_ref().is_some_and(|d| d.malformed.is_some()),
                "{comment}: {parsed:?}"
            );
        }
    }

    const CODE: &str = "\
let a = 1; // hindsight-allow(HS1001): same line
// hindsight-allow(HS1002, until=2020-01-01): expired
// more explanation
let b = 2;
// hindsight-allow(HS9999): no rule has this code
let c = 3; // hindsight-allow(unwrap-in-handler): by id
let d = 4; // hindsight-allow(HS1004)
// hindsight-allow: malformed

let e = 5;
";

    const RUST: CommentSyntax = CommentSyntax {
        line: "//",
        alt_line: None,
        block: Some(("/*", "*/")),
    };
    const TOML: CommentSyntax = CommentSyntax {
        line: "#",
        alt_line: None,
        block: None,
    };

    fn suppressions(text: &str, syntax: CommentSyntax) -> Vec<Suppression> {
        collect_suppressions(&text_comments(text, syntax), &LineIndex::new(text), syntax)
    }

    #[test]
    fn the_comment_syntax_comes_from_the_tables() {
        assert_eq!(CommentSyntax::of_lang(Lang::RUST), RUST);
        assert_eq!(CommentSyntax::of_format(DataFormat::Toml), TOML);
        assert_eq!(
            CommentSyntax::of_file(None, Some(DataFormat::Json)).line,
            "//"
        );
        // A YAML file is parsed: its language's row answers.
        assert_eq!(
            CommentSyntax::of_file(Some(Lang::YAML), Some(DataFormat::Yaml)),
            TOML
        );
        assert_eq!(CommentSyntax::of_file(None, None), TOML);
    }

    #[test]
    fn comment_openings_are_stripped_by_the_syntax() {
        assert_eq!(RUST.strip_opening("  /// doc"), "doc");
        assert_eq!(RUST.strip_opening("//! inner"), "inner");
        assert_eq!(RUST.strip_opening("/** block */"), "block */");
        assert_eq!(RUST.strip_closing("block */"), "block ");
        assert_eq!(TOML.strip_opening("# note"), "note");
        assert_eq!(TOML.strip_opening("## note"), "# note");
        // Another syntax's opening is not an opening.
        assert_eq!(TOML.strip_opening("// note"), "// note");
        assert_eq!(TOML.strip_closing("note */"), "note */");
    }

    #[test]
    fn comments_with_the_marker_are_found_in_text() {
        let text = "a = 1\nb = 2 # hindsight-allow(HS6001): fixture\r\nc = \"hindsight-allow\"\n";
        let comments = text_comments(text, TOML);
        assert_eq!(
            comments.len(),
            1,
            "a marker outside a comment is not a suppression"
        );
        assert_eq!(comments[0].text, "# hindsight-allow(HS6001): fixture");
        assert_eq!(&text[comments[0].range.clone()], comments[0].text);
        let json = "{\n  \"a\": 1 // hindsight-allow(HS6002): known\n}";
        assert_eq!(
            text_comments(json, CommentSyntax::of_format(DataFormat::Json))[0].text,
            "// hindsight-allow(HS6002): known"
        );
    }

    #[test]
    fn a_suppression_applies_to_its_own_line_or_the_next_line_of_code() {
        let found = suppressions(CODE, RUST);
        let places: Vec<(usize, usize)> = found.iter().map(|s| (s.line, s.target_line)).collect();
        // After code: its own line. On a line of its own: the next line that is not only a comment (line 3
        // is skipped); a blank line is not a comment, so it ends the search.
        assert_eq!(places, [(1, 1), (2, 4), (5, 6), (6, 6), (7, 7), (8, 9)]);
        assert!(found.iter().all(|s| s.used.iter().all(|used| !used)));
        assert_eq!(found[0].used.len(), 1);
        // Unknown codes are kept as written (the checker reports them); a malformed comment is kept to be
        // reported too.
        assert_eq!(found[2].directive.codes, ["HS9999"]);
        assert!(found[5].directive.malformed.is_some());
    }

    #[test]
    fn a_byte_order_mark_before_a_suppression_leaves_it_on_a_line_of_its_own() {
        let found = suppressions(
            "\u{feff}// hindsight-allow(HS1003): fixture\nlet x = y.unwrap();\n",
            RUST,
        );
        let places: Vec<(usize, usize)> = found.iter().map(|s| (s.line, s.target_line)).collect();
        assert_eq!(places, [(1, 2)]);
    }

    #[test]
    fn the_comment_syntax_decides_which_lines_are_skipped() {
        let yaml = "# hindsight-allow(HS6001): fixture\n# more\nkey: value\n";
        assert_eq!(suppressions(yaml, TOML)[0].target_line, 3);
        // Under `//` comments, a `#` line is code.
        let rust = "// hindsight-allow(HS6001): fixture\n# more\nkey();\n";
        assert_eq!(suppressions(rust, RUST)[0].target_line, 2);
        // A line opening a block comment is a comment where there are block comments, and code elsewhere.
        let rust = "// hindsight-allow(HS6001): fixture\n/* x */\nkey();\n";
        assert_eq!(suppressions(rust, RUST)[0].target_line, 3);
        let toml = "# hindsight-allow(HS6001): fixture\n/* x */\nkey = 1\n";
        assert_eq!(suppressions(toml, TOML)[0].target_line, 2);
    }

    #[test]
    fn hcl_suppressions_are_written_with_either_line_comment() {
        let hcl = CommentSyntax::of_format(DataFormat::Hcl);
        let text = "# hindsight-allow(HS8001): scratch bucket\n// more\nresource \"a\" \"b\" {\n  url = \"http://x#y\" // hindsight-allow(HS8002): mirror\n}\n";
        let found = suppressions(text, hcl);
        assert_eq!(
            found
                .iter()
                .map(|s| (s.directive.codes.clone(), s.target_line))
                .collect::<Vec<_>>(),
            [
                (vec!["HS8001".to_string()], 3),
                (vec!["HS8002".to_string()], 4)
            ]
        );
        assert_eq!(
            found[1].directive.reason.as_deref(),
            Some("mirror"),
            "the `//` after the string opens the comment"
        );
    }

    #[test]
    fn xml_suppressions_are_block_comments_on_one_line() {
        let xml = CommentSyntax::of_format(DataFormat::Xml);
        let text = "<a>\n  <!-- hindsight-allow(HS8001): pinned on purpose -->\n  <!-- more -->\n  <b>1</b>\n  <c>2</c> <!--hindsight-allow(HS8002): legacy-->\n</a>\n";
        let found = suppressions(text, xml);
        assert_eq!(
            found
                .iter()
                .map(|s| (s.directive.reason.clone(), s.target_line))
                .collect::<Vec<_>>(),
            [
                (Some("pinned on purpose".to_string()), 4),
                (Some("legacy".to_string()), 5)
            ]
        );
    }

    #[test]
    fn a_comment_opening_inside_a_string_is_not_a_comment() {
        // Regression: with `//` and `#` both looked for, `//x" # …` was taken for the comment, and its text
        // did not start with the marker.
        let toml = "url = \"http://x\" # hindsight-allow(HS6001): pinned mirror\n";
        let comments = text_comments(toml, CommentSyntax::of_format(DataFormat::Toml));
        assert_eq!(comments.len(), 1);
        assert_eq!(comments[0].text, "# hindsight-allow(HS6001): pinned mirror");
        let found = suppressions(toml, TOML);
        assert_eq!(found[0].directive.codes, ["HS6001"]);
        assert_eq!(found[0].directive.reason.as_deref(), Some("pinned mirror"));
        assert_eq!(found[0].target_line, 1);
    }

    #[test]
    fn a_suppression_expires_the_day_after_its_date() {
        let found = suppressions(CODE, RUST);
        let expiring = &found[1];
        assert_eq!(expiring.directive.until.as_deref(), Some("2020-01-01"));
        assert!(!expiring.expired(Some("2020-01-01")));
        assert!(expiring.expired(Some("2020-01-02")));
        assert!(
            !expiring.expired(None),
            "without today's date nothing expires"
        );
        assert!(
            !found[0].expired(Some("2999-01-01")),
            "without `until=` it never expires"
        );
    }

    #[test]
    fn a_finding_is_claimed_by_a_reasoned_unexpired_suppression_naming_it() {
        let mut found = suppressions(CODE, RUST);
        let claimed = claim(&mut found, 1, "hs1001", "unwrap-in-handler", None);
        assert_eq!(
            claimed,
            Some(Suppressed {
                reason: "same line".to_string(),
                line: 1,
                kind: SuppressionKind::Inline,
            }),
            "codes compare without case"
        );
        assert_eq!(found[0].used, [true]);
        // Not on another line.
        assert_eq!(claim(&mut found, 2, "HS1001", "x", None), None);
    }

    #[test]
    fn ids_compare_exactly_and_unknown_codes_claim_nothing() {
        let mut found = suppressions(CODE, RUST);
        assert_eq!(
            claim(&mut found, 6, "HS1003", "Unwrap-In-Handler", None),
            None
        );
        assert_eq!(claim(&mut found, 6, "HS2001", "other-rule", None), None);
        assert!(found[2].used == [false] && found[3].used == [false]);
        let by_id = claim(&mut found, 6, "HS1003", "unwrap-in-handler", None);
        assert_eq!(by_id.map(|s| s.line), Some(6));
        assert_eq!(
            (found[2].used.clone(), found[3].used.clone()),
            (vec![false], vec![true])
        );
    }

    #[test]
    fn expired_reasonless_and_malformed_suppressions_claim_nothing() {
        let mut found = suppressions(CODE, RUST);
        assert_eq!(
            claim(&mut found, 4, "HS1002", "x", Some("2021-01-01")),
            None
        );
        assert_eq!(claim(&mut found, 7, "HS1004", "x", None), None);
        assert_eq!(claim(&mut found, 9, "HS1001", "x", None), None);
        assert!(found.iter().all(|s| s.used.iter().all(|used| !used)));
        // Without today's date the expiring one still holds.
        assert!(claim(&mut found, 4, "HS1002", "x", None).is_some());
    }
}
