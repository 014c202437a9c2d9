//! `workspace/diagnostic` (pull): the files that are not open and still have something to report
//! (repository-scope findings, broken rule files, a broken `hindsight.toml`).

use lsp_types::WorkspaceDiagnosticParams;
use serde_json::{Value, json};

use crate::server::Server;

pub(crate) fn handle(server: &mut Server, _params: WorkspaceDiagnosticParams) -> Value {
    let uris: Vec<_> = server
        .workspace_diagnostic_paths()
        .iter()
        .filter_map(|path| server.uri_of_path(path))
        .filter(|uri| !server.documents.contains_key(uri))
        .collect();
    let items: Vec<Value> = uris
        .iter()
        .map(|uri| json!({"kind": "full", "uri": uri, "version": null, "items": server.diagnostics_for(uri)}))
        .collect();
    json!({"items": items})
}
