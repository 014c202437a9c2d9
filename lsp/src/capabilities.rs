//! What the client can do (read from the raw `initialize` params, so fields newer than `lsp-types` count) and
//! what the server offers in return.

use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, DiagnosticOptions,
    DiagnosticServerCapabilities, ExecuteCommandOptions, HoverProviderCapability, OneOf,
    SaveOptions, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, WorkspaceFoldersServerCapabilities,
    WorkspaceServerCapabilities,
};
use serde_json::Value;

use crate::text::Encoding;

/// The command behind "allow here" for clients without snippet edits: it puts the cursor where the reason goes.
pub(crate) const EDIT_REASON_COMMAND: &str = "hindsight.editReason";

/// The code action kind of "fix all hindsight findings in this file".
pub(crate) const FIX_ALL_KIND: &str = "source.fixAll.hindsight";

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

pub(crate) fn server_capabilities(client: &ClientCaps) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(client.encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                will_save: None,
                will_save_wait_until: None,
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::SOURCE_FIX_ALL,
                CodeActionKind::from(FIX_ALL_KIND.to_string()),
            ]),
            work_done_progress_options: Default::default(),
            resolve_provider: Some(false),
        })),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![EDIT_REASON_COMMAND.to_string()],
            work_done_progress_options: Default::default(),
        }),
        diagnostic_provider: client.pull_diagnostics.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("hindsight".to_string()),
                inter_file_dependencies: true,
                workspace_diagnostics: true,
                work_done_progress_options: Default::default(),
            })
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}
