//! `workspace/didChangeConfiguration`: new settings reload the rules. A client that sends no settings (the
//! pull model) is asked for the `hindsight` section.

use lsp_types::MessageType;
use lsp_types::notification::{DidChangeConfiguration as LspDidChangeConfiguration, Notification};
use lsp_types::request::WorkspaceConfiguration;
use serde_json::{Value, json};

use crate::api::traits::{Context, NotificationHandler, NotificationParams};
use crate::client::{Client, Outgoing};

pub(crate) struct DidChangeConfiguration;

/// `workspace/didChangeConfiguration` read as raw JSON: clients of the pull model send no `settings` at all,
/// which `lsp-types` rejects.
pub(crate) enum DidChangeConfigurationJson {}

impl Notification for DidChangeConfigurationJson {
    type Params = Value;
    const METHOD: &'static str = LspDidChangeConfiguration::METHOD;
}

impl NotificationHandler for DidChangeConfiguration {
    type Notification = DidChangeConfigurationJson;

    fn run(cx: Context<'_>, params: NotificationParams<Self>) {
        let Context {
            session,
            scheduler,
            client,
        } = cx;
        let settings = params.get("settings").unwrap_or(&Value::Null);
        match session.settings.updated(settings) {
            Some(Ok(settings)) if settings != session.settings => {
                session.settings = settings;
                scheduler.reload(session, client);
            }
            Some(Ok(_)) => {}
            Some(Err(err)) => client.show(MessageType::ERROR, err),
            None if session.client_caps.configuration => request_configuration(client),
            None => {}
        }
    }
}

/// Asks the client for the `hindsight` settings section (the answer goes to `api/responses.rs`).
pub(crate) fn request_configuration(client: &mut Client) {
    client.request::<WorkspaceConfiguration>(
        json!({"items": [{"section": "hindsight"}]}),
        Outgoing::Configuration,
    );
}
