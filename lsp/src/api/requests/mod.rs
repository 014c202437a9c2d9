//! One handler per request the server answers, each in its own file and named by its `lsp_types` request.
//! All run on the main loop; `textDocument/diagnostic` may answer later, when its document's check ends.

mod code_action;
mod document_diagnostic;
mod execute_command;
mod hover;
mod initialize;
mod shutdown;
mod workspace_diagnostic;

pub(super) use code_action::CodeAction;
pub(super) use document_diagnostic::DocumentDiagnostic;
pub(super) use execute_command::ExecuteCommand;
pub(super) use hover::Hover;
pub(super) use initialize::Initialize;
pub(super) use shutdown::Shutdown;
pub(super) use workspace_diagnostic::WorkspaceDiagnostic;
