//! Answers to the server's own requests: the workspace folders replace ours, the `hindsight` settings
//! section replaces the settings (either reloads the rules when it changes something). Other answers, and
//! errors, are dropped.

use lsp_server::Response;
use lsp_types::MessageType;
use serde_json::Value;

use crate::api::traits::Context;
use crate::client::Outgoing;
use crate::uri;

/// Acts on the client's answer to a request the server sent.
pub(crate) fn response(cx: Context<'_>, response: Response) {
    let Context {
        session,
        scheduler,
        client,
    } = cx;
    let Some(kind) = client.answered(&response.id) else {
        return;
    };
    let Ok(result) = response.response_result else {
        return;
    };
    match kind {
        Outgoing::WorkspaceFolders => {
            let folders = uri::folder_paths(&result);
            if !folders.is_empty() && session.set_folders(folders) {
                scheduler.reload(session, client);
            }
        }
        Outgoing::Configuration => {
            let section = result.get(0).unwrap_or(&Value::Null);
            match session.settings.updated(section) {
                Some(Ok(settings)) if settings != session.settings => {
                    session.settings = settings;
                    scheduler.reload(session, client);
                }
                Some(Err(err)) => client.show(MessageType::ERROR, err),
                _ => {}
            }
        }
        Outgoing::Ignored => {}
    }
}
