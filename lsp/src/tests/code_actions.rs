//! Code actions: a finding's fix, fix-all, and "allow here" with a reason (snippet or command).

use super::*;

#[test]
fn code_actions_fix_fix_all_and_allow_with_a_reason() {
    let rules = [("codex/legacy-call.yaml", LEGACY_CALL_RULE)];
    let text = "pub fn f() -> i32 {\n    legacy_call(1) + legacy_call(2)\n}\n";
    for snippets in [false, true] {
        let capabilities =
            json!({"workspace": {"workspaceEdit": {"snippetEditSupport": snippets}}});
        let mut client = Client::start(&rules, capabilities, json!({"ruleDirs": ["codex"]}));
        client.open("src/lib.rs", "rust", text);
        let diagnostics = client.diagnostics("src/lib.rs", |d| d.len() == 2);
        assert_eq!(codes(&diagnostics), ["ACME8001", "ACME8001"]);
        assert_eq!(
            diagnostics[0]["codeDescription"]["href"],
            "https://example.com/postmortem"
        );
        let uri = client.uri("src/lib.rs");
        let actions = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostics[0]["range"], "context": {"diagnostics": diagnostics}}),
        );
        let titles: Vec<&str> = actions
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["title"].as_str())
            .collect();
        // Both findings are on one line: one fix each, one "allow" for the line.
        assert_eq!(
            titles,
            [
                "Fix ACME8001: replace with `checked_call(1)`",
                "Allow ACME8001 here (write why it is safe)",
                "Fix ACME8001: replace with `checked_call(2)`",
                "Fix all hindsight findings in this file",
            ]
        );
        let fix = &actions[0]["edit"]["changes"][&uri][0];
        assert_eq!(fix["newText"], "checked_call(1)");
        assert_eq!(fix["range"], range((1, 4), (1, 18)));
        let allow = &actions[1];
        if snippets {
            let edit = &allow["edit"]["documentChanges"][0]["edits"][0];
            assert_eq!(
                edit["snippet"]["value"],
                "    // hindsight-allow(ACME8001): ${1:why this is safe}\n"
            );
        } else {
            let edit = &allow["edit"]["changes"][&uri][0];
            // No reason yet: until one is written the comment suppresses nothing (and says so, HS9001).
            assert_eq!(edit["newText"], "    // hindsight-allow(ACME8001): \n");
            assert_eq!(edit["range"], range((1, 0), (1, 0)));
            assert_eq!(allow["command"]["command"], "hindsight.editReason");
            assert_eq!(allow["command"]["arguments"][1], range((1, 34), (1, 34)));
        }
        let fix_all = &actions[3]["edit"]["changes"][&uri];
        assert_eq!(fix_all.as_array().map(Vec::len), Some(2));
        // Only the source action when asked for it.
        let only = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range((0, 0), (0, 0)), "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
        );
        assert_eq!(only[0]["kind"], "source.fixAll.hindsight");
    }
}

#[test]
fn a_stale_fix_is_not_offered() {
    let rules = [("codex/legacy-call.yaml", LEGACY_CALL_RULE)];
    let mut client = Client::start(&rules, json!({}), json!({"ruleDirs": ["codex"]}));
    client.open("src/lib.rs", "rust", "fn f() { legacy_call(1); }\n");
    let diagnostics = client.diagnostics("src/lib.rs", |d| d.len() == 1);
    client.change(
        "src/lib.rs",
        2,
        json!([{"range": range((0, 0), (0, 0)), "text": "\n"}]),
    );
    let uri = client.uri("src/lib.rs");
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diagnostics[0]["range"], "context": {"diagnostics": diagnostics, "only": ["quickfix"]}}),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert_eq!(titles, ["Allow ACME8001 here (write why it is safe)"]);
}

#[test]
fn an_allow_comment_in_xml_is_closed() {
    use crate::session::diagnostics::{comment_close, comment_prefix};
    let pom = std::path::Path::new("pom.xml");
    assert_eq!(comment_prefix(pom), Some("<!--"));
    assert_eq!(comment_close(pom), " -->");
    assert_eq!(comment_close(std::path::Path::new("src/lib.rs")), "");
    assert_eq!(comment_close(std::path::Path::new("main.tf")), "");
}
