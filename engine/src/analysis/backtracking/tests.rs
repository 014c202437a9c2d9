//! The detectors end to end: patterns in, the problems `analyze` reports out, as tables.

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
                let mut chars = p.repeat.chars();
                let repeat = match (chars.next(), chars.next()) {
                    (Some(c), None) => format!("{c:?}"),
                    _ => format!("{:?}", p.repeat),
                };
                format!(
                    "{} `{}` {}..{} repeat {} then {then}",
                    p.kind.as_str(),
                    p.text,
                    p.span.start,
                    p.span.end,
                    repeat
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

/// Two repetitions of one class around a run of several characters both can consume (a WAF rule seen in the
/// review of HS8005: `.*[oO][nN].*=.*$`, cubic in Python's `re` on `onon…`). Left alone: nothing after the
/// run that can fail, a repetition that cannot take the run's characters, and a repetition of a group
/// (`(.domain)+`, which this detector does not read).
#[test]
fn unbounded_repetitions_around_a_run_of_several_characters() {
    insta::assert_snapshot!(table(&[
            r".*[oO][nN].*=.*$",
            r"^.*(some-url).*((.domain)+)\.com$",
            r"(.*wp\-config.*)",
            r".*on.*",
            r"[a-z]*on[0-9]*=",
            r".*ab.*=",
        ]), @r#"
        .*[oO][nN].*=.*$  =>  adjacent-unbounded `.*[oO][nN].*` 0..12 repeat "on" then end
        ^.*(some-url).*((.domain)+)\.com$  =>  none
        (.*wp\-config.*)  =>  none
        .*on.*  =>  none
        [a-z]*on[0-9]*=  =>  none
        .*ab.*=  =>  adjacent-unbounded `.*ab.*` 0..6 repeat "ab" then end
        "#);
}
