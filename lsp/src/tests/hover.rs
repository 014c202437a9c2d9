//! Hover: a rule's explanation on a finding and on a code in a suppression comment.

use super::*;

#[test]
fn hover_explains_findings_and_suppression_codes() {
    let text = "fn main() {\n    // hindsight-allow(HS1001): the variable is set by the launcher\n    let a = std::env::var(\"A\").unwrap();\n    let b = std::env::var(\"B\").unwrap();\n}\n";
    let mut client = Client::start(&[], json!({}), json!({}));
    client.open("src/main.rs", "rust", text);
    client.diagnostics("src/main.rs", |d| d.len() == 1);
    let hover = |client: &mut Client, line, character| {
        client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": client.uri("src/main.rs")}, "position": pos(line, character)}),
        )
    };
    let on_finding = hover(&mut client, 3, 33);
    let markdown = on_finding["contents"]["value"].as_str().unwrap_or("");
    // The same renderer as `hindsight explain`: title, why, incidents with links, how to fix.
    for part in [
        "# HS1001 `unwrap-outside-tests`",
        "## Why is this bad?",
        "## Incidents",
        "(https://blog.cloudflare.com/18-november-2025-outage/)",
        "## How to fix",
    ] {
        assert!(markdown.contains(part), "{part} in {markdown}");
    }
    assert_eq!(on_finding["range"], range((3, 31), (3, 37)));
    let on_code = hover(&mut client, 1, 26);
    assert!(
        on_code["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.starts_with("# HS1001")),
        "{on_code}"
    );
    assert_eq!(hover(&mut client, 0, 1), Value::Null);
    // A document that is not open: no hover, no error.
    let unopened = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": client.uri("src/other.rs")}, "position": pos(0, 0)}),
    );
    assert_eq!(unopened, Value::Null);
}
