//! `textDocument/didSave`: a saved rule file or `hindsight.toml` reloads the rules; a saved Terraform file
//! reads the workspace's modules again; any save checks the document again and runs the repository-scope
//! rules.

use std::time::Duration;

use hindsight_engine::data::terraform::is_module_file;
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
        // A saved Terraform file may change what its module's callers pass: the open Terraform documents are
        // checked again with the workspace's modules read anew.
        if path.as_deref().is_some_and(is_module_file)
            && let Some(workspace) = session.workspaces.get(idx)
        {
            workspace.index_terraform();
            let open: Vec<_> = session.documents.keys().cloned().collect();
            for other in open {
                if session
                    .path_of(&other)
                    .as_deref()
                    .is_some_and(is_module_file)
                {
                    scheduler.schedule(&other, Duration::ZERO);
                }
            }
        }
        if let Some(root) = session.workspaces.get(idx).map(|w| w.root.clone()) {
            scheduler.start_scan_of(session, &root);
        }
    }
}
