//! `workspace/executeCommand`. `hindsight.editReason [uri, range]` follows "allow here" on clients without
//! snippet edits: it asks the client (`window/showDocument`) to put the cursor where the reason goes.

use lsp_types::ExecuteCommandParams;
use serde_json::{Value, json};

use crate::capabilities::EDIT_REASON_COMMAND;
use crate::server::Server;

pub(crate) fn handle(server: &mut Server, params: ExecuteCommandParams) -> Value {
    if params.command == EDIT_REASON_COMMAND
        && server.client.show_document
        && let [uri, range] = params.arguments.as_slice()
    {
        server.request_ignored(
            "window/showDocument",
            json!({"uri": uri, "takeFocus": true, "selection": range}),
        );
    }
    Value::Null
}
