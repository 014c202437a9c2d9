//! Pulling clients: document and workspace reports, a waiting pull cancelled.

use super::*;

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
