//! The handlers, driven in process over an in-memory connection: one `Client` helper talks JSON-RPC to a
//! server thread, and each test is the messages it sends and what it expects back.

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

use crate::{Exit, Options, run};

mod code_actions;
mod documents;
mod hover;
mod pull;
mod robustness;
mod workspace;

const TIMEOUT: Duration = Duration::from_secs(20);

/// A rule with a fix, for a pack of the test's own.
const LEGACY_CALL_RULE: &str = r#"id: legacy-call
code: ACME8001
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
