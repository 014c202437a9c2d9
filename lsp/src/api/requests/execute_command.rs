//! `workspace/executeCommand`. `hindsight.editReason [uri, range]` follows "allow here" on clients without
//! snippet edits: it asks the client (`window/showDocument`) to put the cursor where the reason goes.

use lsp_server::ResponseError;
use lsp_types::request::ShowDocument;
use serde_json::json;

use crate::api::capabilities::EDIT_REASON_COMMAND;
use crate::api::traits::{Context, RequestHandler, RequestParams, RequestResult};
use crate::client::Outgoing;

pub(crate) struct ExecuteCommand;

impl RequestHandler for ExecuteCommand {
    type Request = lsp_types::request::ExecuteCommand;

    fn run(
        cx: Context<'_>,
        params: RequestParams<Self>,
    ) -> Result<RequestResult<Self>, ResponseError> {
        if params.command == EDIT_REASON_COMMAND
            && cx.session.client_caps.show_document
            && let [uri, range] = params.arguments.as_slice()
        {
            // The arguments are passed on as they came: they are the ones "allow here" gave the client.
            cx.client.request::<ShowDocument>(
                json!({"uri": uri, "takeFocus": true, "selection": range}),
                Outgoing::Ignored,
            );
        }
        Ok(None)
    }
}
