//! `textDocument/didOpen`: keep the text and check it at once.

use std::time::Duration;

use lsp_types::notification::DidOpenTextDocument;

use crate::api::traits::{Context, NotificationHandler, NotificationParams};
use crate::session::Document;

pub(crate) struct DidOpen;

impl NotificationHandler for DidOpen {
    type Notification = DidOpenTextDocument;

    fn run(cx: Context<'_>, params: NotificationParams<Self>) {
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
        cx.session.documents.insert(item.uri.clone(), document);
        cx.scheduler.schedule(&item.uri, Duration::ZERO);
    }
}
