//! `workspace/didChangeWorkspaceFolders`: folders come and go; each has its own configuration and rules.

use lsp_types::DidChangeWorkspaceFoldersParams;

use crate::server::Server;

pub(crate) fn handle(server: &mut Server, params: DidChangeWorkspaceFoldersParams) {
    let removed: Vec<_> = params
        .event
        .removed
        .iter()
        .filter_map(|f| crate::uri::to_path(&f.uri))
        .collect();
    let mut folders: Vec<_> = server
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
    server.set_folders(folders);
}
