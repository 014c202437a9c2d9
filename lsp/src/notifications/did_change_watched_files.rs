//! `workspace/didChangeWatchedFiles` (registered dynamically at `initialized`): a changed `hindsight.toml`,
//! rule or policy file reloads the rules and re-diagnoses the open files; a changed configuration file runs
//! the repository-scope rules of its workspace again.

use lsp_types::DidChangeWatchedFilesParams;

use crate::server::Server;

pub(crate) fn handle(server: &mut Server, params: DidChangeWatchedFilesParams) {
    let paths: Vec<_> = params
        .changes
        .iter()
        .filter_map(|change| crate::uri::to_path(&change.uri))
        .collect();
    if paths.iter().any(|p| server.is_rule_input(p)) {
        server.reload();
        return;
    }
    let roots: Vec<_> = server
        .workspaces
        .iter()
        .filter(|w| paths.iter().any(|p| p.starts_with(&w.root)))
        .map(|w| w.root.clone())
        .collect();
    for root in roots {
        server.start_scan_of(&root);
    }
}
