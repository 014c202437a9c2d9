//! `initialized`: register for changes to rule and configuration files, ask for the workspace folders and the
//! settings where the client can say, and run the repository-scope rules of every workspace.

use lsp_types::notification::{DidChangeWatchedFiles, Initialized as LspInitialized, Notification};
use lsp_types::request::{RegisterCapability, WorkspaceFoldersRequest};
use serde_json::{Value, json};

use super::did_change_configuration::request_configuration;
use crate::api::traits::{Context, NotificationHandler, NotificationParams};
use crate::client::Outgoing;

pub(crate) struct Initialized;

/// `initialized` with whatever params come: there is nothing to read, and `lsp-types` rejects `null`.
pub(crate) enum InitializedJson {}

impl Notification for InitializedJson {
    type Params = Value;
    const METHOD: &'static str = LspInitialized::METHOD;
}

/// The files whose change matters: configuration, rules and policies, and the data files that
/// repository-scope rules read.
const WATCHED: [&str; 3] = [
    "**/hindsight.toml",
    "**/*.{yaml,yml,rego}",
    "**/*.{json,toml}",
];

impl NotificationHandler for Initialized {
    type Notification = InitializedJson;

    fn run(cx: Context<'_>, _params: NotificationParams<Self>) {
        let Context {
            session,
            scheduler,
            client,
        } = cx;
        if session.client_caps.watched_files_registration {
            let watchers: Vec<Value> = WATCHED
                .iter()
                .map(|glob| json!({"globPattern": glob}))
                .collect();
            client.request::<RegisterCapability>(
                json!({"registrations": [{
                    "id": "hindsight-watched-files",
                    "method": DidChangeWatchedFiles::METHOD,
                    "registerOptions": {"watchers": watchers},
                }]}),
                Outgoing::Ignored,
            );
        }
        if session.client_caps.workspace_folders {
            client.request::<WorkspaceFoldersRequest>(Value::Null, Outgoing::WorkspaceFolders);
        }
        if session.client_caps.configuration {
            request_configuration(client);
        }
        scheduler.start_scans(session);
    }
}
