//! `textDocument/didSave`: a saved rule file or `hindsight.toml` reloads the rules; any save checks the
//! document again and runs the repository-scope rules.

use std::time::Duration;

use lsp_types::notification::DidSaveTextDocument;

use crate::api::traits::{Context, NotificationHandler, NotificationParams};

pub(crate) struct DidSave;

impl NotificationHandler for DidSave {
    type Notification = DidSaveTextDocument;

    fn run(cx: Context<'_>, params: NotificationParams<Self>) {
        let Context {
            session,
            scheduler,
            client,
        } = cx;
        let uri = params.text_document.uri;
        let path = crate::uri::to_path(&uri);
        if path.as_deref().is_some_and(|p| session.is_rule_input(p)) {
            scheduler.reload(session, client);
            return;
        }
        if session.documents.contains_key(&uri) {
            scheduler.schedule(&uri, Duration::ZERO);
        }
        let idx = session.workspace_of_uri(client, &uri);
        if let Some(root) = session.workspaces.get(idx).map(|w| w.root.clone()) {
            scheduler.start_scan_of(session, &root);
        }
    }
}
