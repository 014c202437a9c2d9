//! Bad input and panics never stop the server.

use super::*;

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
    let mut client = crate::client::Client::new(sender);
    let id = RequestId::from(7);
    let response =
        crate::api::guarded_request(&mut client, &id, "textDocument/hover", |_| panic!("boom"));
    let error = response.and_then(|r| r.response_result.err());
    assert!(error.is_some_and(|e| e.code == -32603 && e.message.contains("boom")));
}
