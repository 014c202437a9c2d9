//! Inline suppressions: `hindsight-allow(HS1001): <reason>` in the file's own comment syntax.
//!
//! A suppression on a line with code applies to that line; one on a line of its own applies to the next line
//! that is not itself a comment. The reason is mandatory and an optional `until=YYYY-MM-DD` makes it expire.

/// The marker that starts a suppression inside a comment.
pub const MARKER: &str = "hindsight-allow";

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

/// Parses a comment's full text (with its comment markers). `None` when it is not a suppression.
pub(crate) fn parse_comment(comment: &str) -> Option<Directive> {
    let body = strip_comment_markers(comment);
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
            if !is_date(date) {
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
        .map(|r| r.trim().trim_end_matches("*/").trim().to_string())
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

fn strip_comment_markers(comment: &str) -> &str {
    let text = comment.trim_start();
    let text = if let Some(rest) = text.strip_prefix("//") {
        rest.trim_start_matches(['/', '!'])
    } else if let Some(rest) = text.strip_prefix("/*") {
        rest.trim_start_matches(['*', '!'])
    } else if let Some(rest) = text.strip_prefix('#') {
        rest
    } else {
        text
    };
    text.trim_start()
}

/// `YYYY-MM-DD` with a plausible month and day.
pub(crate) fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let digits =
        |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<u32>().ok());
    matches!(
        (digits(0..4), digits(5..7), digits(8..10)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
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
            assert_eq!(parse_comment(comment), expected, "{comment}");
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
            let parsed = parse_comment(comment);
            assert!(
                parsed.as_ref().is_some_and(|d| d.malformed.is_some()),
                "{comment}: {parsed:?}"
            );
        }
    }
}
