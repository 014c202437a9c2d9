//! Pushing diagnostics (`textDocument/publishDiagnostics`) to clients that do not pull them, and asking
//! pulling clients to pull again (`workspace/diagnostic/refresh`) when something outside the open documents
//! changed.

use lsp_types::Uri;
use lsp_types::notification::PublishDiagnostics;
use lsp_types::request::WorkspaceDiagnosticRefresh;
use serde_json::{Value, json};

use crate::client::{Client, Outgoing};
use crate::session::Session;

/// Pushes one document's diagnostics.
pub(crate) fn publish(session: &mut Session, client: &mut Client, uri: &Uri) {
    let diagnostics = session.diagnostics_for(client, uri);
    let version = session.documents.get(uri).map(|d| d.version);
    if !session.documents.contains_key(uri) {
        if diagnostics.is_empty() {
            session.published.remove(uri);
        } else {
            session.published.insert(uri.clone());
        }
    }
    // JSON rather than `PublishDiagnosticsParams`, which would leave out the `null` version of a closed file.
    client.notify::<PublishDiagnostics>(
        json!({"uri": uri, "diagnostics": diagnostics, "version": version}),
    );
}

/// Pushes (or, for pulling clients, asks to re-pull) everything that is not an open document's own
/// check: repository findings, broken rule files, broken configuration; clears what went away.
pub(crate) fn publish_workspace_diagnostics(session: &mut Session, client: &mut Client) {
    if session.client_caps.pull_diagnostics {
        if session.client_caps.diagnostic_refresh {
            client.request::<WorkspaceDiagnosticRefresh>(Value::Null, Outgoing::Ignored);
        }
        return;
    }
    let mut uris: Vec<Uri> = session
        .workspace_diagnostic_paths()
        .iter()
        .filter_map(|path| session.uri_of_path(path))
        .collect();
    uris.extend(session.published.iter().cloned());
    uris.sort();
    uris.dedup();
    for uri in uris {
        // Open documents are published when their check ends.
        if !session.documents.contains_key(&uri) {
            publish(session, client, &uri);
        }
    }
}
