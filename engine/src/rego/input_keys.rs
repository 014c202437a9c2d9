//! Which top-level keys of `input` a policy can read.
//!
//! A document becomes regorus values before a policy sees it, a second copy of the whole file: on the Terraform
//! benchmark set that copy, and freeing it, cost a third of what a conftest-style policy added to reading the
//! files. A policy that reaches `input` only as `input.resource` (or `input["resource"]`, or
//! `import input.resource`) cannot observe the document's other top-level entries, so they need not be
//! converted. Any other use of `input` (`input[x]`, `walk(input)`, `count(input)`, `import input`,
//! `with input as`) needs the whole document.
//!
//! The policy's text is read as regorus's own lexer reads it (`regorus::unstable::Lexer`), so comments, strings
//! and raw strings are never taken for references, and `x.input` is a field of something else. Anything else
//! after `input` (or a text the lexer rejects) counts as a use of the whole document, so a miss costs speed,
//! never a finding.

use std::collections::BTreeSet;

use regorus::unstable::{Lexer, Source, Token, TokenKind};

/// The top-level keys of `input` that `texts` (a policy's modules) can read, or `None` when they may read the
/// whole document.
pub(super) fn read_by<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<BTreeSet<String>> {
    let mut keys = BTreeSet::new();
    for text in texts {
        let tokens = tokens(text)?;
        for (at, token) in tokens.iter().enumerate() {
            let field_of_another = at > 0 && symbol(&tokens[at - 1], ".");
            if matches!(token.0, TokenKind::Ident) && token.1.text() == "input" && !field_of_another
            {
                keys.insert(key_after(token, &tokens[at + 1..])?);
            }
        }
    }
    Some(keys)
}

/// The tokens of a module, `None` when the lexer rejects it.
fn tokens(text: &str) -> Option<Vec<Token>> {
    let source = Source::from_contents(String::new(), text.to_string()).ok()?;
    let mut lexer = Lexer::new(&source);
    let mut tokens = Vec::new();
    loop {
        let token = lexer.next_token().ok()?;
        if matches!(token.0, TokenKind::Eof) {
            return Some(tokens);
        }
        tokens.push(token);
    }
}

/// The key of `input.key` or `input["key"]`, written on the line of `input`, from the tokens after it.
fn key_after(input: &Token, after: &[Token]) -> Option<String> {
    let on_its_line = |token: &Token| token.1.line == input.1.line;
    match after {
        [dot, name, ..]
            if symbol(dot, ".") && matches!(name.0, TokenKind::Ident) && on_its_line(name) =>
        {
            Some(name.1.text().to_string())
        }
        [open, name, close, ..]
            if symbol(open, "[")
                && matches!(name.0, TokenKind::String)
                && !name.1.text().contains('\\')
                && symbol(close, "]")
                && on_its_line(close) =>
        {
            Some(name.1.text().to_string())
        }
        _ => None,
    }
}

fn symbol(token: &Token, text: &str) -> bool {
    matches!(token.0, TokenKind::Symbol) && token.1.text() == text
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
            "deny if {\n\tinput\n\t[\"a\"]\n}",
        ] {
            assert_eq!(keys(text), None, "{text}");
        }
    }

    #[test]
    fn comments_strings_and_other_fields_named_input_are_not_uses() {
        let policy = "package main\n\
            # the input is a Terraform file\n\
            deny contains \"input # is wrong\" if { data.x.input; input.resource; `raw # input` == y.input }\n";
        assert_eq!(keys(policy), Some(vec!["resource".into()]));
        assert_eq!(keys("deny if { inputs.x; my_input }"), Some(vec![]));
        assert_eq!(
            read_by(["deny if { input.a }", "warn if { input }"]),
            None,
            "one module reading the whole document is enough"
        );
    }
}
