//! Open documents: diagnostics where `hindsight check` puts them, incremental edits where the newest
//! version wins, the negotiated position encoding, incremental reparsing, excluded and oversized files.

use super::*;

#[test]
fn an_open_file_gets_diagnostics_with_code_link_incident_and_cli_positions() {
    // The default profile, and a finding of the incident's shape: an unwrap while reloading configuration.
    let mut client = Client::start(
        &[
            ("Cargo.toml", "[package]\nname = \"x\"\n"),
            ("hindsight.toml", ""),
        ],
        json!({}),
        json!({}),
    );
    client.open(
        "src/main.rs",
        "rust",
        "fn reload_config(&mut self, text: &str) {\n    self.config = toml::from_str(text).unwrap();\n}\n",
    );
    let diagnostics = client.diagnostics("src/main.rs", |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["HS1003"]);
    let d = &diagnostics[0];
    // `hindsight check` reports 2:40 (1-based, characters): the same place, 0-based.
    assert_eq!(d["range"], range((1, 39), (1, 45)));
    assert_eq!(d["source"], "hindsight");
    assert_eq!(d["severity"], 1);
    assert_eq!(
        d["codeDescription"]["href"],
        "https://blog.cloudflare.com/18-november-2025-outage/"
    );
    let related = d["relatedInformation"][0]["message"].as_str().unwrap_or("");
    assert!(
        related.starts_with("incident: 2025-11-18 Cloudflare"),
        "{related}"
    );
    assert_eq!(d["data"]["version"], 1);
    assert_eq!(client.shutdown(), Exit::Clean);
}

#[test]
fn edits_are_incremental_and_the_newest_version_wins() {
    let mut client = Client::start(&[], json!({}), json!({}));
    client.open("src/main.rs", "rust", UNWRAP);
    client.diagnostics("src/main.rs", |d| d.len() == 1);
    // Three quick edits: replace `unwrap` with `expect("PORT")`, then add a second unwrap, then undo it.
    client.change(
        "src/main.rs",
        2,
        json!([{"range": range((1, 42), (1, 50)), "text": "expect(\"PORT\")"}]),
    );
    client.change(
        "src/main.rs",
        3,
        json!([{"range": range((2, 0), (2, 0)), "text": "fn g() { None::<u8>.unwrap(); }\n"}]),
    );
    client.change(
        "src/main.rs",
        4,
        json!([{"range": range((2, 0), (3, 0)), "text": ""}]),
    );
    let params = client.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 4);
    let diagnostics = params["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(codes(&diagnostics), ["HS1001"]);
    assert_eq!(diagnostics[0]["range"], range((1, 42), (1, 48)));
    // An out-of-order version is ignored, not applied.
    client.change("src/main.rs", 3, json!([{"text": "fn main() {}\n"}]));
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": client.uri("src/main.rs")}, "position": pos(1, 44)}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("HS1001")),
        "{hover}"
    );
}

#[test]
fn positions_follow_the_negotiated_encoding() {
    // `µ` is one UTF-16 unit and two UTF-8 bytes; `𝔘` two units and four bytes.
    let text = "fn main() { let µ𝔘 = Some(1).unwrap(); }\n";
    for (encodings, expected) in [(json!(["utf-16"]), 30), (json!(["utf-8", "utf-16"]), 33)] {
        let mut client = Client::start(
            &[],
            json!({"general": {"positionEncodings": encodings}}),
            json!({}),
        );
        client.open("src/main.rs", "rust", text);
        let diagnostics = client.diagnostics("src/main.rs", |d| !d.is_empty());
        assert_eq!(
            diagnostics[0]["range"]["start"]["character"], expected,
            "{encodings}"
        );
    }
}

#[test]
fn incremental_reparsing_gives_what_a_full_parse_gives() {
    use crate::text::{Encoding, apply_change};
    use hindsight_engine::{Checker, Config, RulePack, SourceFile};

    let checker = Checker::new(std::sync::Arc::new(RulePack::builtin()), &Config::default());
    let path = Path::new("src/main.rs");
    let render = |findings: &[hindsight_engine::Finding]| -> Vec<String> {
        findings
            .iter()
            .map(|f| format!("{}:{:?}", f.code, f.span))
            .collect()
    };
    let edits = [
        // Insert a line with a finding, in a function body.
        (range((1, 0), (1, 0)), "    let µ = Some('x').unwrap();\n"),
        // Replace across lines.
        (range((1, 10), (2, 20)), "q = 1;\n    let port: u16 = \"8"),
        // Open a macro with an unwrap inside, then delete part of it.
        (
            range((0, 11), (0, 11)),
            "\n    assert!(Some(1).unwrap() == 1);",
        ),
        (range((1, 4), (1, 12)), ""),
        // Break the syntax, then repair it.
        (range((0, 0), (0, 2)), "f("),
        (range((0, 0), (0, 2)), "fn"),
    ];
    // The same edits as range changes, then as whole-text changes (clients that send the whole document).
    for whole_text in [false, true] {
        let mut text = String::from(UNWRAP);
        let (_, mut tree) = checker.check_source_with_tree(
            &SourceFile::new(path, hindsight_engine::Role::Production, &text),
            None,
        );
        for (range, new_text) in edits.clone() {
            let range: lsp_types::Range = serde_json::from_value(range).expect("a range");
            let edit = if whole_text {
                let mut next = text.clone();
                apply_change(&mut next, Some(range), new_text, Encoding::Utf16);
                apply_change(&mut text, None, &next, Encoding::Utf16)
            } else {
                apply_change(&mut text, Some(range), new_text, Encoding::Utf16)
            };
            if let Some(tree) = &mut tree {
                tree.edit(&edit);
            }
            let file = SourceFile::new(path, hindsight_engine::Role::Production, &text);
            let (incremental, new_tree) = checker.check_source_with_tree(&file, tree.as_ref());
            let (full, fresh_tree) = checker.check_source_with_tree(&file, None);
            assert_eq!(
                render(&incremental.findings),
                render(&full.findings),
                "{text}"
            );
            let sexp = |t: &Option<tree_sitter::Tree>| t.as_ref().map(|t| t.root_node().to_sexp());
            assert_eq!(sexp(&new_tree), sexp(&fresh_tree), "{text}");
            tree = new_tree;
        }
    }
}

#[test]
fn excluded_files_have_nothing_to_report() {
    let files = [(
        "hindsight.toml",
        "[rules]\nprofile = \"strict\"\n[files]\nexclude = [\"generated/\"]\n",
    )];
    let mut client = Client::start(&files, json!({}), json!({}));
    client.open("generated/bindings.rs", "rust", UNWRAP);
    client.open("src/main.rs", "rust", UNWRAP);
    assert_eq!(
        codes(&client.diagnostics("src/main.rs", |d| !d.is_empty())),
        ["HS1001"]
    );
    assert!(
        client
            .diagnostics("generated/bindings.rs", |_| true)
            .is_empty()
    );
}

#[test]
fn links_go_to_the_local_docs_site_when_it_was_built() {
    let files = [("target/hindsight-docs/rules/HS1001.html", "<html></html>")];
    let mut client = Client::start(&files, json!({}), json!({}));
    client.open("src/main.rs", "rust", UNWRAP);
    let diagnostics = client.diagnostics("src/main.rs", |d| !d.is_empty());
    let page = client.uri("target/hindsight-docs/rules/HS1001.html");
    assert_eq!(diagnostics[0]["codeDescription"]["href"], page.as_str());
}

#[test]
fn toml_configuration_gets_findings_where_the_cli_puts_them() {
    let mut client = Client::start(&[], json!({}), json!({}));
    let flags =
        "kind = \"FlagRegistry\"\n\n[flags.new-checkout]\nowner = \"team-web\"\ndefault = false\n";
    client.open("flags/web.toml", "toml", flags);
    let diagnostics = client.diagnostics("flags/web.toml", |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["HS4009"]);
    // `hindsight check` says 3:8-3:20.
    assert_eq!(diagnostics[0]["range"], range((2, 7), (2, 19)));
}

#[test]
fn terraform_gets_findings_where_the_cli_puts_them() {
    let mut client = Client::start(&[], json!({}), json!({}));
    let db = "resource \"aws_db_instance\" \"orders\" {\n  engine = \"postgres\"\n  backup_retention_period = 0\n}\n";
    // `terraform` is the language id editors give `.tf` files.
    client.open("infra/db.tf", "terraform", db);
    let diagnostics = client.diagnostics("infra/db.tf", |d| d.len() == 2);
    assert_eq!(codes(&diagnostics), ["HS8001", "HS8003"]);
    // `hindsight check` says 1:1-1:38 and 3:3-3:30.
    assert_eq!(diagnostics[0]["range"], range((0, 0), (0, 37)));
    assert_eq!(diagnostics[1]["range"], range((2, 2), (2, 29)));
}
