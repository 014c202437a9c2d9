//! Which top-level keys of `input` a policy can read.
//!
//! A document becomes regorus values before a policy sees it, a second copy of the whole file: on the Terraform
//! benchmark set that copy, and freeing it, cost a third of what a conftest-style policy added to reading the
//! files. A policy that reaches `input` only as `input.resource` (or `input["resource"]`, or
//! `import input.resource`) cannot observe the document's other top-level entries, so they need not be
//! converted. Any other use of `input` (`input[x]`, `walk(input)`, `count(input)`, `import input`,
//! `with input as`) needs the whole document.
//!
//! The scan reads the policy's text the way Rego's lexer does as far as it matters here: comments, strings and
//! raw strings cannot refer to `input`, and `x.input` is a field of something else. Anything it does not
//! recognise counts as a use of the whole document, so a miss costs speed, never a finding.

use std::collections::BTreeSet;

/// The top-level keys of `input` that `texts` (a policy's modules) can read, or `None` when they may read the
/// whole document.
pub(super) fn read_by<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<BTreeSet<String>> {
    let mut keys = BTreeSet::new();
    for text in texts {
        scan(text, &mut keys)?;
    }
    Some(keys)
}

fn scan(text: &str, keys: &mut BTreeSet<String>) -> Option<()> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'#' => at = end_of(bytes, at, |b| b == b'\n'),
            b'`' => at = end_of(bytes, at, |b| b == b'`') + 1,
            b'"' => at = end_of_string(bytes, at) + 1,
            b if is_ident(b) => {
                let end = end_of(bytes, at, |b| !is_ident(b));
                let follows_a_dot = at > 0 && bytes[at - 1] == b'.';
                if &bytes[at..end] == b"input" && !follows_a_dot {
                    keys.insert(key_after(text, end)?);
                }
                at = end;
            }
            _ => at += 1,
        }
    }
    Some(())
}

/// The key of `input.key` or `input["key"]`, the reference continuing at `at`.
fn key_after(text: &str, at: usize) -> Option<String> {
    let rest = &text[at..];
    if let Some(field) = rest.strip_prefix('.') {
        let len = field.bytes().take_while(|&b| is_ident(b)).count();
        let name = &field[..len];
        return name
            .bytes()
            .next()
            .filter(|b| !b.is_ascii_digit())
            .map(|_| name.to_string());
    }
    let quoted = rest.strip_prefix("[\"")?;
    let (name, after) = quoted.split_once('"')?;
    (after.starts_with(']') && !name.contains('\\')).then(|| name.to_string())
}

/// The index of the first byte after `start` that `stop` accepts, or the text's length.
fn end_of(bytes: &[u8], start: usize, stop: impl Fn(u8) -> bool) -> usize {
    bytes[start + 1..]
        .iter()
        .position(|&b| stop(b))
        .map_or(bytes.len(), |p| start + 1 + p)
}

/// The index of the `"` closing the string opened at `start` (a `\` escapes the byte after it).
fn end_of_string(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'\\' => at += 2,
            b'"' | b'\n' => return at,
            _ => at += 1,
        }
    }
    bytes.len()
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::read_by;

    fn keys(text: &str) -> Option<Vec<String>> {
        read_by([text]).map(|k| k.into_iter().collect())
    }

    #[test]
    fn fields_and_quoted_keys_of_input_are_the_keys_read() {
        let policy = r#"package main
import input.variable
deny contains msg if {
	some name, r in input.resource.aws_s3_bucket
	input["module"][name]
	msg := sprintf("%s", [name])
}"#;
        assert_eq!(
            keys(policy),
            Some(vec!["module".into(), "resource".into(), "variable".into()])
        );
    }

    #[test]
    fn any_other_use_of_input_reads_the_whole_document() {
        for text in [
            "deny if { some k, v in input[k] }",
            "deny if { count(input) > 0 }",
            "deny if { walk(input, [p, v]) }",
            "import input\ndeny if { input.x }",
            "import input as doc",
            "test_x if { deny with input as {} }",
            "deny if { input[\"a\\\"b\"] }",
            "deny if { input.1 }",
            "deny if { x := input }",
        ] {
            assert_eq!(keys(text), None, "{text}");
        }
    }

    #[test]
    fn comments_strings_and_other_fields_named_input_are_not_uses() {
        let policy = "package main\n\
            # the input is a Terraform file\n\
            deny contains \"input is wrong\" if { data.x.input; input.resource; `raw input` == y.input }\n";
        assert_eq!(keys(policy), Some(vec!["resource".into()]));
        assert_eq!(keys("deny if { inputs.x; my_input }"), Some(vec![]));
        assert_eq!(
            read_by(["deny if { input.a }", "warn if { input }"]),
            None,
            "one module reading the whole document is enough"
        );
    }
}
