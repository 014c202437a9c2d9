//! `workspace/didChangeWorkspaceFolders`: folders come and go; each has its own configuration and rules.

use lsp_types::notification::DidChangeWorkspaceFolders as LspDidChangeWorkspaceFolders;

use crate::api::traits::{Context, NotificationHandler, NotificationParams};

pub(crate) struct DidChangeWorkspaceFolders;

impl NotificationHandler for DidChangeWorkspaceFolders {
    type Notification = LspDidChangeWorkspaceFolders;

    fn run(cx: Context<'_>, params: NotificationParams<Self>) {
        let Context {
            session,
            scheduler,
            client,
        } = cx;
        let removed: Vec<_> = params
            .event
            .removed
            .iter()
            .filter_map(|f| crate::uri::to_path(&f.uri))
            .collect();
        let mut folders: Vec<_> = session
            .folders()
            .iter()
            .filter(|f| !removed.contains(f))
            .cloned()
            .collect();
        for added in params
            .event
            .added
            .iter()
            .filter_map(|f| crate::uri::to_path(&f.uri))
        {
            if !folders.contains(&added) {
                folders.push(added);
            }
        }
        if session.set_folders(folders) {
            scheduler.reload(session, client);
        }
    }
}
