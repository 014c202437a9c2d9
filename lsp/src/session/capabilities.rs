//! What the client can do, read from the raw `initialize` params so that fields newer than `lsp-types` count
//! (what the server offers in return is `api/capabilities.rs`).

use serde_json::Value;

use crate::text::Encoding;

/// The client capabilities the server acts on, and the position encoding negotiated from them.
#[derive(Clone, Debug)]
pub(crate) struct ClientCaps {
    pub(crate) encoding: Encoding,
    /// `textDocument/diagnostic`: the client pulls, so the server does not push.
    pub(crate) pull_diagnostics: bool,
    pub(crate) diagnostic_refresh: bool,
    pub(crate) watched_files_registration: bool,
    pub(crate) workspace_folders: bool,
    pub(crate) configuration: bool,
    pub(crate) snippet_edits: bool,
    pub(crate) show_document: bool,
}

impl ClientCaps {
    pub(crate) fn from_json(capabilities: &Value) -> ClientCaps {
        let flag =
            |pointer: &str| capabilities.pointer(pointer).and_then(Value::as_bool) == Some(true);
        let offered: Vec<String> = capabilities
            .pointer("/general/positionEncodings")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|e| e.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        ClientCaps {
            encoding: Encoding::negotiate(&offered),
            pull_diagnostics: capabilities
                .pointer("/textDocument/diagnostic")
                .is_some_and(Value::is_object),
            diagnostic_refresh: flag("/workspace/diagnostics/refreshSupport"),
            watched_files_registration: flag(
                "/workspace/didChangeWatchedFiles/dynamicRegistration",
            ),
            workspace_folders: flag("/workspace/workspaceFolders"),
            configuration: flag("/workspace/configuration"),
            snippet_edits: flag("/workspace/workspaceEdit/snippetEditSupport"),
            show_document: flag("/window/showDocument/support"),
        }
    }
}
