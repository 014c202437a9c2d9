//! The handlers, driven in process over an in-memory connection: one `Client` helper talks JSON-RPC to a
//! server thread, and each test is the messages it sends and what it expects back.

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

use crate::{Exit, Options, run};

const TIMEOUT: Duration = Duration::from_secs(20);

/// A rule with a fix, for a pack of the test's own.
const LEGACY_CALL_RULE: &str = r#"id: legacy-call
code: HS8001
title: If you need to call the service, use `checked_call`; don't use `legacy_call`
severity: warning
language: rust
message: "`legacy_call` skips the checks"
match:
  pattern: legacy_call($$$ARGS)
fix: checked_call($$$ARGS)
docs:
  what: Reports `legacy_call`.
  why: It skips the checks.
  fix: Call `checked_call`.
incidents:
  - date: "2025-11-18"
    organisation: Example
    summary: A legacy call skipped the checks.
    url: https://example.com/postmortem
examples:
  bad:
    - "fn f() { legacy_call(1); }"
  good:
    - "fn f() { checked_call(1); }"
"#;

/// The configuration of a test workspace: the strict profile.
const STRICT: &str = "[rules]\nprofile = \"strict\"\n";

const UNWRAP: &str =
    "fn main() {\n    let port: u16 = std::env::var(\"PORT\").unwrap().parse().unwrap_or(80);\n}\n";

struct Client {
    connection: Connection,
    server: Option<JoinHandle<Exit>>,
    next_id: i32,
    /// Notifications received while waiting for something else.
    inbox: Vec<Notification>,
    root: PathBuf,
    _dir: tempfile::TempDir,
}

impl Client {
    /// A server over a temporary workspace holding `files`, initialized with these client capabilities and
    /// initialization options.
    fn start(files: &[(&str, &str)], capabilities: Value, options: Value) -> Client {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let root = dir.path().canonicalize().expect("a canonical path");
        // The server is tested on the simplest findings there are (a bare `.unwrap()`), which only the strict
        // profile reports; a test that brings its own configuration says so there.
        if !files.iter().any(|(path, _)| *path == "hindsight.toml") {
            write(&root.join("hindsight.toml"), STRICT);
        }
        for (path, text) in files {
            write(&root.join(path), text);
        }
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || {
            run(
                server_side,
                Options {
                    today: || "2026-06-01".to_string(),
                },
            )
        });
        let mut client = Client {
            connection: client_side,
            server: Some(server),
            next_id: 0,
            inbox: Vec::new(),
            root,
            _dir: dir,
        };
        let root_uri = client.uri("");
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "root"}],
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        assert!(result.get("capabilities").is_some(), "{result}");
        client.notify("initialized", json!({}));
        client
    }

    fn uri(&self, path: &str) -> String {
        let path = self.root.join(path);
        crate::uri::from_path(&path)
            .expect("a uri")
            .as_str()
            .trim_end_matches('/')
            .to_string()
    }

    fn notify(&self, method: &str, params: Value) {
        let notification = Notification::new(method.to_string(), params);
        self.connection
            .sender
            .send(Message::Notification(notification))
            .expect("the server is listening");
    }

    fn send_request(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let request = Request::new(id.clone(), method.to_string(), params);
        self.connection
            .sender
            .send(Message::Request(request))
            .expect("the server is listening");
        id
    }

    /// Sends a request and waits for its result (or its error, as `{"error": ...}`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(&id)
    }

    fn response(&mut self, id: &RequestId) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self.next_message(deadline) {
                Message::Response(Response {
                    id: got,
                    response_result,
                }) if got == *id => {
                    return match response_result {
                        Ok(result) => result,
                        Err(err) => json!({"error": {"code": err.code, "message": err.message}}),
                    };
                }
                Message::Notification(n) => self.inbox.push(n),
                _ => {}
            }
        }
    }

    /// The next message from the server; answers the server's own requests on the way.
    fn next_message(&mut self, deadline: Instant) -> Message {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = self
            .connection
            .receiver
            .recv_timeout(left)
            .expect("the server answered in time");
        if let Message::Request(request) = &message {
            let result = match request.method.as_str() {
                "workspace/workspaceFolders" => json!([{"uri": self.uri(""), "name": "root"}]),
                "workspace/configuration" => json!([null]),
                _ => Value::Null,
            };
            let response = Response::new_ok(request.id.clone(), result);
            let _ = self.connection.sender.send(Message::Response(response));
        }
        message
    }

    /// Waits for a notification that satisfies `accept` (earlier ones are kept in the inbox).
    fn wait_for(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
        if let Some(pos) = self
            .inbox
            .iter()
            .position(|n| n.method == method && accept(&n.params))
        {
            return self.inbox.remove(pos).params;
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Message::Notification(n) = self.next_message(deadline) {
                if n.method == method && accept(&n.params) {
                    return n.params;
                }
                self.inbox.push(n);
            }
        }
    }

    /// The next diagnostics published for `path` that satisfy `accept`.
    fn diagnostics(&mut self, path: &str, accept: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let uri = self.uri(path);
        let params = self.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && p["diagnostics"].as_array().is_some_and(|d| accept(d))
        });
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn open(&self, path: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": self.uri(path), "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&self, path: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": self.uri(path), "version": version}, "contentChanges": changes}),
        );
    }

    fn shutdown(mut self) -> Exit {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        self.server
            .take()
            .expect("a server thread")
            .join()
            .expect("the server thread ended")
    }
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("a directory");
    }
    std::fs::write(path, text).expect("a written file");
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect()
}

fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({"start": pos(start.0, start.1), "end": pos(end.0, end.1)})
}

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
        assert_eq!(codes(&diagnostics), ["HS8001", "HS8001"]);
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
                "Fix HS8001: replace with `checked_call(1)`",
                "Allow HS8001 here (write why it is safe)",
                "Fix HS8001: replace with `checked_call(2)`",
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
                "    // hindsight-allow(HS8001): ${1:why this is safe}\n"
            );
        } else {
            let edit = &allow["edit"]["changes"][&uri][0];
            // No reason yet: until one is written the comment suppresses nothing (and says so, HS9001).
            assert_eq!(edit["newText"], "    // hindsight-allow(HS8001): \n");
            assert_eq!(edit["range"], range((1, 0), (1, 0)));
            assert_eq!(allow["command"]["command"], "hindsight.editReason");
            assert_eq!(allow["command"]["arguments"][1], range((1, 32), (1, 32)));
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
    assert_eq!(titles, ["Allow HS8001 here (write why it is safe)"]);
}

#[test]
fn rule_changes_reload_and_broken_rule_files_are_shown_where_they_are() {
    let rules = [("codex/legacy-call.yaml", LEGACY_CALL_RULE)];
    let capabilities =
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let mut client = Client::start(&rules, capabilities, json!({"ruleDirs": ["codex"]}));
    client.open("src/lib.rs", "rust", "fn f() { legacy_call(1); }\n");
    client.diagnostics("src/lib.rs", |d| codes(d) == ["HS8001"]);
    // Edit the rule on disk: a new message.
    let rule_path = client.root.join("codex/legacy-call.yaml");
    write(
        &rule_path,
        &LEGACY_CALL_RULE.replace("skips the checks\"", "is gone\""),
    );
    let rule_uri = client.uri("codex/legacy-call.yaml");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": rule_uri, "type": 2}]}),
    );
    let diagnostics = client.diagnostics("src/lib.rs", |d| {
        d.iter().any(|d| d["message"] == "`legacy_call` is gone")
    });
    assert_eq!(codes(&diagnostics), ["HS8001"]);
    // Break it: a diagnostic on the rule file at the error, one message, and the other rules still run.
    write(
        &rule_path,
        &LEGACY_CALL_RULE.replace("severity: warning", "severity: [warning"),
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": rule_uri, "type": 2}]}),
    );
    let on_rule = client.diagnostics("codex/legacy-call.yaml", |d| !d.is_empty());
    assert_eq!(codes(&on_rule), ["HS9003"]);
    // Where `hindsight check` puts it: 4:11.
    assert_eq!(on_rule[0]["range"]["start"], pos(3, 10));
    let message = client.wait_for("window/showMessage", |_| true);
    assert!(
        message["message"]
            .as_str()
            .is_some_and(|m| m.contains("legacy-call.yaml")),
        "{message}"
    );
    client.change(
        "src/lib.rs",
        2,
        json!([{"text": "fn f() { legacy_call(1); std::env::var(\"A\").unwrap(); }\n"}]),
    );
    client.diagnostics("src/lib.rs", |d| codes(d) == ["HS1001"]);
    // Fixing the file clears its diagnostic and brings the rule back.
    write(&rule_path, LEGACY_CALL_RULE);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": rule_uri, "type": 2}]}),
    );
    client.diagnostics("codex/legacy-call.yaml", <[Value]>::is_empty);
    client.diagnostics("src/lib.rs", |d| codes(d) == ["HS8001", "HS1001"]);
}

#[test]
fn configuration_files_get_rego_findings_and_repository_rules_reach_every_file() {
    let daemonset = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\n  namespace: obs\nspec:\n  template:\n    spec:\n      serviceAccountName: agent\n";
    let rbac = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules:\n  - apiGroups: [\"\"]\n    resources: [\"pods\"]\n    verbs: [\"list\", \"watch\"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: reader\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: reader\nsubjects:\n  - kind: ServiceAccount\n    name: agent\n    namespace: obs\n";
    // HS2002 ships in shadow, which editors do not show: this workspace enforces it.
    let config =
        "[rules]\nprofile = \"strict\"\n\n[[rollout]]\nrule = \"HS2002\"\nstage = \"enforce\"\n";
    let files = [
        ("hindsight.toml", config),
        ("deploy/agent.yaml", daemonset),
        ("deploy/rbac.yaml", rbac),
    ];
    let mut client = Client::start(&files, json!({}), json!({}));
    // The workspace scan at start publishes to the closed file the repository-scope rule concerns.
    let diagnostics = client.diagnostics("deploy/agent.yaml", |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["HS2002"]);
    // A file-scope Rego rule on an open YAML document.
    let recreate = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  strategy:\n    type: Recreate\n";
    client.open("deploy/api.yaml", "yaml", recreate);
    let diagnostics = client.diagnostics("deploy/api.yaml", |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["HS2001"]);
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 7);
    // The same manifest as JSON, at the same key.
    let json = "{\n  \"apiVersion\": \"apps/v1\",\n  \"kind\": \"Deployment\",\n  \"metadata\": {\"name\": \"api\"},\n  \"spec\": {\n    \"replicas\": 3,\n    \"strategy\": {\n      \"type\": \"Recreate\"\n    }\n  }\n}\n";
    client.open("deploy/api.json", "json", json);
    let diagnostics = client.diagnostics("deploy/api.json", |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["HS2001"]);
    assert_eq!(diagnostics[0]["range"]["start"], pos(7, 6));
    // On save, the repository-scope rules run again: without the binding, the DaemonSet watches nothing.
    write(
        &client.root.join("deploy/rbac.yaml"),
        rbac.split("---").next().unwrap_or(""),
    );
    let rbac_uri = client.uri("deploy/rbac.yaml");
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": rbac_uri}}),
    );
    client.diagnostics("deploy/agent.yaml", <[Value]>::is_empty);
}

#[test]
fn settings_and_a_saved_hindsight_toml_reload_the_rules() {
    let files = [
        ("codex/legacy-call.yaml", LEGACY_CALL_RULE),
        ("hindsight.toml", STRICT),
    ];
    let mut client = Client::start(&files, json!({}), json!({}));
    let text = "fn f() { legacy_call(1); std::env::var(\"A\").unwrap(); }\n";
    client.open("src/lib.rs", "rust", text);
    client.diagnostics("src/lib.rs", |d| codes(d) == ["HS1001"]);
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"hindsight": {"ruleDirs": ["codex"], "docsBaseUrl": "https://codex.example/rules/"}}}),
    );
    let diagnostics = client.diagnostics("src/lib.rs", |d| codes(d) == ["HS8001", "HS1001"]);
    assert_eq!(
        diagnostics[1]["codeDescription"]["href"],
        "https://codex.example/rules/HS1001.html"
    );
    // A client without file watchers: saving hindsight.toml in the editor reloads it.
    write(
        &client.root.join("hindsight.toml"),
        "[rules]\ndisable = [\"HS1001\"]\n",
    );
    let config_uri = client.uri("hindsight.toml");
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config_uri}}),
    );
    client.diagnostics("src/lib.rs", |d| codes(d) == ["HS8001"]);
}

#[test]
fn pulling_clients_get_document_and_workspace_reports() {
    let capabilities = json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}});
    let mut client = Client::start(
        &[("codex/broken.yaml", "id: [\n")],
        capabilities,
        json!({"ruleDirs": ["codex"]}),
    );
    client.open("src/main.rs", "rust", UNWRAP);
    let uri = client.uri("src/main.rs");
    let report = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(report["kind"], "full");
    assert_eq!(
        codes(report["items"].as_array().map_or(&[], Vec::as_slice)),
        ["HS1001"]
    );
    let workspace = client.request("workspace/diagnostic", json!({"previousResultIds": []}));
    let items = workspace["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{workspace}");
    assert_eq!(items[0]["uri"], client.uri("codex/broken.yaml"));
    assert_eq!(
        codes(items[0]["items"].as_array().map_or(&[], Vec::as_slice)),
        ["HS9003"]
    );
    // Nothing is pushed to a pulling client.
    assert!(
        !client
            .inbox
            .iter()
            .any(|n| n.method == "textDocument/publishDiagnostics")
    );
}

#[test]
fn each_workspace_folder_has_its_own_configuration() {
    let files = [
        ("a/Cargo.toml", "[package]\nname = \"a\"\n"),
        ("b/Cargo.toml", "[package]\nname = \"b\"\n"),
        (
            "b/hindsight.toml",
            "[rules]\nprofile = \"strict\"\ndisable = [\"HS1001\"]\n",
        ),
    ];
    let mut client = Client::start(&files, json!({}), json!({}));
    let folder = |client: &Client, name: &str| json!({"uri": client.uri(name), "name": name});
    let event = json!({"event": {"added": [folder(&client, "a"), folder(&client, "b")], "removed": [folder(&client, "")]}});
    client.notify("workspace/didChangeWorkspaceFolders", event);
    client.open("a/src/main.rs", "rust", UNWRAP);
    client.open("b/src/main.rs", "rust", UNWRAP);
    assert_eq!(
        codes(&client.diagnostics("a/src/main.rs", |d| !d.is_empty())),
        ["HS1001"]
    );
    assert!(client.diagnostics("b/src/main.rs", |_| true).is_empty());
}

#[test]
fn bad_input_never_stops_the_server() {
    let mut client = Client::start(
        &[(
            "hindsight.toml",
            "[rules]\nprofile = \"strict\"\n[files]\nmax_size = 64\n",
        )],
        json!({}),
        json!({}),
    );
    let unknown = client.request("hindsight/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    let invalid = client.request("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(invalid["error"]["code"], -32602);
    client.change("src/never-opened.rs", 7, json!([{"text": "x"}]));
    client.notify("textDocument/didOpen", json!({"garbage": 1}));
    // Over the size cap: one informational diagnostic, no analysis.
    client.open(
        "src/big.rs",
        "rust",
        &"fn f() { None::<u8>.unwrap(); }\n".repeat(10),
    );
    let diagnostics = client.diagnostics("src/big.rs", |d| !d.is_empty());
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0]["severity"], 3);
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("over the 64-byte limit"))
    );
    // Still serving.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": client.uri("src/big.rs")}, "position": pos(0, 0)}),
    );
    assert_eq!(hover, Value::Null);
    assert_eq!(client.shutdown(), Exit::Clean);
}

#[test]
fn a_panicking_handler_becomes_an_error_response() {
    let (sender, _receiver) = crossbeam_channel::unbounded();
    let mut server = crate::server::Server::new(
        sender,
        Options {
            today: || "2026-06-01".to_string(),
        },
    );
    let id = RequestId::from(7);
    let response = server.guarded_request(&id, "textDocument/hover", |_| panic!("boom"));
    let error = response.and_then(|r| r.response_result.err());
    assert!(error.is_some_and(|e| e.code == -32603 && e.message.contains("boom")));
}

#[test]
fn pull_requests_can_be_cancelled_and_exit_without_shutdown_is_abrupt() {
    let capabilities = json!({"textDocument": {"diagnostic": {}}});
    let mut client = Client::start(&[], capabilities, json!({"debounceMs": 60000}));
    client.open("src/main.rs", "rust", UNWRAP);
    let uri = client.uri("src/main.rs");
    // The change waits a minute (debounce), so the pull waits for it until cancelled.
    client.change("src/main.rs", 2, json!([{"text": "fn main() {}\n"}]));
    let id = client.send_request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    client.notify("$/cancelRequest", json!({"id": id}));
    let response = client.response(&id);
    assert_eq!(response["error"]["code"], -32800, "{response}");
    client.notify("exit", Value::Null);
    let exit = client
        .server
        .take()
        .map(|s| s.join().expect("the server thread ended"));
    assert_eq!(exit, Some(Exit::Abrupt));
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
    let mut text = String::from(UNWRAP);
    let (_, mut tree) = checker.check_source_with_tree(
        &SourceFile::new(path, hindsight_engine::Role::Production, &text),
        None,
    );
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
    for (range, new_text) in edits {
        let range: lsp_types::Range = serde_json::from_value(range).expect("a range");
        let edit =
            apply_change(&mut text, Some(range), new_text, Encoding::Utf16).expect("an edit");
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

#[test]
fn a_policy_that_does_not_compile_is_shown_on_the_policy_file() {
    let rule = "id: open-port
code: HS8101
title: If you need to expose a service, name its port; don't leave it open
severity: error
language: [yaml]
rego: open-port.rego
docs:
  what: Reports services.
  why: Because.
  fix: Name the port.
incidents:
  - date: \"2025-11-18\"
    organisation: Example
    summary: An open port.
    url: https://example.com/postmortem
examples:
  bad:
    - \"kind: Service\"
  good:
    - \"kind: Pod\"
";
    let policy =
        "package hindsight.rules.open_port\n\ndeny contains msg if {\n\tx := input.a +\n}\n";
    let files = [
        ("codex/open-port.yaml", rule),
        ("codex/open-port.rego", policy),
    ];
    let mut client = Client::start(&files, json!({}), json!({"ruleDirs": ["codex"]}));
    let on_policy = client.diagnostics("codex/open-port.rego", |d| !d.is_empty());
    assert_eq!(codes(&on_policy), ["HS9003"]);
    assert!(
        on_policy[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("does not compile")),
        "{on_policy:?}"
    );
    assert_eq!(on_policy[0]["range"]["start"]["line"], 3);
    // Every other rule still runs.
    client.open("src/main.rs", "rust", UNWRAP);
    client.diagnostics("src/main.rs", |d| codes(d) == ["HS1001"]);
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
fn the_workspace_repository_owner_is_first_party() {
    // The server reads `.git/config` as text, as `hindsight check` does: the owner of `origin` is first-party.
    let files = [(
        ".git/config",
        "[remote \"origin\"]\n\turl = git@github.com:linkerd/linkerd2-proxy.git\n",
    )];
    let mut client = Client::start(&files, json!({}), json!({}));
    let workflow = "on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: linkerd/dev/actions/setup-tools@v50\n      - uses: acme/upload@v1\n        with:\n          token: ${{ secrets.UPLOAD_TOKEN }}\n";
    client.open(".github/workflows/ci.yml", "yaml", workflow);
    let diagnostics = client.diagnostics(".github/workflows/ci.yml", |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["HS3001"]);
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 7);
    assert_eq!(diagnostics[0]["severity"], 1);
}
