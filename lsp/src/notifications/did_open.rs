//! `textDocument/didOpen`: keep the text and check it at once.

use std::time::Duration;

use lsp_types::DidOpenTextDocumentParams;

use crate::server::{Document, Server};

pub(crate) fn handle(server: &mut Server, params: DidOpenTextDocumentParams) {
    let item = params.text_document;
    let document = Document {
        path: crate::uri::to_path(&item.uri),
        uri: item.uri.clone(),
        language_id: item.language_id,
        version: item.version,
        text: item.text,
        checked: None,
        tree: None,
    };
    server.documents.insert(item.uri.clone(), document);
    server.schedule(&item.uri, Duration::ZERO);
}
