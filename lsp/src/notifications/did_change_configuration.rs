//! `workspace/didChangeConfiguration`: new settings reload the rules. A client that sends no settings (the
//! pull model) is asked for the `hindsight` section.

use lsp_types::MessageType;
use serde_json::Value;

use crate::server::Server;

pub(crate) fn handle(server: &mut Server, params: Value) {
    let settings = params.get("settings").unwrap_or(&Value::Null);
    match server.settings.updated(settings) {
        Some(Ok(settings)) if settings != server.settings => {
            server.settings = settings;
            server.reload();
        }
        Some(Ok(_)) => {}
        Some(Err(err)) => server.show(MessageType::ERROR, err),
        None if server.client.configuration => server.request_configuration(),
        None => {}
    }
}
