//! One handler per notification the server acts on, each in its own file and named by its `lsp_types`
//! notification. All run on the main loop; the checks they ask for run on workers (`schedule/`).

mod cancel;
mod did_change;
mod did_change_configuration;
mod did_change_watched_files;
mod did_change_workspace_folders;
mod did_close;
mod did_open;
mod did_save;
mod initialized;

pub(super) use cancel::Cancel;
pub(super) use did_change::DidChange;
pub(super) use did_change_configuration::DidChangeConfiguration;
pub(super) use did_change_watched_files::DidChangeWatchedFiles;
pub(super) use did_change_workspace_folders::DidChangeWorkspaceFolders;
pub(super) use did_close::DidClose;
pub(super) use did_open::DidOpen;
pub(super) use did_save::DidSave;
pub(super) use initialized::Initialized;
