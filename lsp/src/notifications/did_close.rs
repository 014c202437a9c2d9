//! `textDocument/didClose`: forget the text; what is left to report on the file (repository findings, a
//! broken rule file) stays, the rest is cleared.

use lsp_types::DidCloseTextDocumentParams;

use crate::server::Server;

pub(crate) fn handle(server: &mut Server, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    if server.documents.remove(&uri).is_none() {
        return;
    }
    if !server.client.pull_diagnostics {
        server.publish(&uri);
    }
}
