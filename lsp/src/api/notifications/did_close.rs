//! `textDocument/didClose`: forget the text; what is left to report on the file (repository findings, a
//! broken rule file) stays, the rest is cleared.

use lsp_types::notification::DidCloseTextDocument;

use crate::api::traits::{Context, NotificationHandler, NotificationParams};
use crate::schedule::publish::publish;

pub(crate) struct DidClose;

impl NotificationHandler for DidClose {
    type Notification = DidCloseTextDocument;

    fn run(cx: Context<'_>, params: NotificationParams<Self>) {
        let uri = params.text_document.uri;
        if cx.session.documents.remove(&uri).is_none() {
            return;
        }
        if !cx.session.client_caps.pull_diagnostics {
            publish(cx.session, cx.client, &uri);
        }
    }
}
