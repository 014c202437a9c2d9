//! One module per request the server answers; each has a `handle` function called from the main loop.

pub(crate) mod code_action;
pub(crate) mod document_diagnostic;
pub(crate) mod execute_command;
pub(crate) mod hover;
pub(crate) mod workspace_diagnostic;
