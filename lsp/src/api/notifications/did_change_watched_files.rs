//! `workspace/didChangeWatchedFiles` (registered dynamically at `initialized`): a changed `hindsight.toml`,
//! rule or policy file reloads the rules and re-diagnoses the open files; a changed configuration file runs
//! the repository-scope rules of its workspace again.

use lsp_types::notification::DidChangeWatchedFiles as LspDidChangeWatchedFiles;

use crate::api::traits::{Context, NotificationHandler, NotificationParams};

pub(crate) struct DidChangeWatchedFiles;

impl NotificationHandler for DidChangeWatchedFiles {
    type Notification = LspDidChangeWatchedFiles;

    fn run(cx: Context<'_>, params: NotificationParams<Self>) {
        let Context {
            session,
            scheduler,
            client,
        } = cx;
        let paths: Vec<_> = params
            .changes
            .iter()
            .filter_map(|change| crate::uri::to_path(&change.uri))
            .collect();
        if paths.iter().any(|p| session.is_rule_input(p)) {
            scheduler.reload(session, client);
            return;
        }
        let roots: Vec<_> = session
            .workspaces
            .iter()
            .filter(|w| paths.iter().any(|p| p.starts_with(&w.root)))
            .map(|w| w.root.clone())
            .collect();
        for root in roots {
            scheduler.start_scan_of(session, &root);
        }
    }
}
