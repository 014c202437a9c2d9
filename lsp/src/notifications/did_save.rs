//! `textDocument/didSave`: a saved rule file or `hindsight.toml` reloads the rules; any save checks the
//! document again and runs the repository-scope rules.

use std::time::Duration;

use lsp_types::DidSaveTextDocumentParams;

use crate::server::Server;

pub(crate) fn handle(server: &mut Server, params: DidSaveTextDocumentParams) {
    let uri = params.text_document.uri;
    let path = crate::uri::to_path(&uri);
    if path.as_deref().is_some_and(|p| server.is_rule_input(p)) {
        server.reload();
        return;
    }
    if server.documents.contains_key(&uri) {
        server.schedule(&uri, Duration::ZERO);
    }
    let idx = server.workspace_of_uri(&uri);
    if let Some(root) = server.workspaces.get(idx).map(|w| w.root.clone()) {
        server.start_scan_of(&root);
    }
}
