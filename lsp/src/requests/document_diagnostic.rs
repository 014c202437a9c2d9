//! `textDocument/diagnostic` (pull): answered at once when the document's last check is current, else when
//! the check of its current version ends (cancellable with `$/cancelRequest`).

use lsp_server::{RequestId, Response};
use lsp_types::{DocumentDiagnosticParams, Uri};
use serde_json::{Value, json};

use crate::server::Server;

pub(crate) fn handle(
    server: &mut Server,
    id: RequestId,
    params: DocumentDiagnosticParams,
) -> Option<Response> {
    let uri = params.text_document.uri;
    let generation = server.generation;
    let waiting = server.documents.get(&uri).and_then(|document| {
        let current = document
            .checked
            .as_ref()
            .is_some_and(|c| c.version == document.version && c.generation == generation);
        (!current).then_some(())
    });
    if waiting.is_some() {
        server.wait_for_check(id, &uri);
        return None;
    }
    Some(Response::new_ok(id, full_report(server, &uri)))
}

/// A full report of everything hindsight says about one document.
pub(crate) fn full_report(server: &mut Server, uri: &Uri) -> Value {
    json!({"kind": "full", "items": server.diagnostics_for(uri)})
}
