//! `initialize`: what the client can do and has configured, the workspace folders and their rules; the
//! answer is what the server offers in return.

use std::path::PathBuf;

use lsp_server::{ErrorCode, ResponseError};
use lsp_types::request::Request;
use lsp_types::{MessageType, Uri};
use serde_json::{Value, json};

use crate::api::capabilities::server_capabilities;
use crate::api::traits::{Context, RequestHandler, RequestParams, RequestResult};
use crate::session::ClientCaps;
use crate::uri;

pub(crate) struct Initialize;

/// `initialize` read as raw JSON: capabilities newer than `lsp-types` count (`ClientCaps::from_json`), and
/// params `lsp-types` would reject (no `capabilities` at all, a bad folder) still start the server.
pub(crate) enum InitializeJson {}

impl Request for InitializeJson {
    type Params = Value;
    type Result = Value;
    const METHOD: &'static str = lsp_types::request::Initialize::METHOD;
}

impl RequestHandler for Initialize {
    type Request = InitializeJson;

    fn run(
        cx: Context<'_>,
        params: RequestParams<Self>,
    ) -> Result<RequestResult<Self>, ResponseError> {
        let Context {
            session, client, ..
        } = cx;
        if session.initialized {
            return Err(ResponseError {
                code: ErrorCode::InvalidRequest as i32,
                message: "initialize was already called".into(),
                data: None,
            });
        }
        session.client_caps =
            ClientCaps::from_json(params.get("capabilities").unwrap_or(&Value::Null));
        if let Some(options) = params.get("initializationOptions")
            && let Some(settings) = session.settings.updated(options)
        {
            match settings {
                Ok(settings) => session.settings = settings,
                Err(err) => client.show(MessageType::ERROR, err),
            }
        }
        // The first folders: nothing is loaded yet, so there is nothing to reload either.
        session.set_folders(folders_of(&params));
        session.initialized = true;
        session.load_workspaces(client);
        Ok(json!({
            "capabilities": server_capabilities(&session.client_caps),
            "serverInfo": {"name": "hindsight", "version": env!("CARGO_PKG_VERSION")},
        }))
    }
}

/// The workspace folders of `initialize`: `workspaceFolders`, else the deprecated `rootUri`/`rootPath`.
fn folders_of(params: &Value) -> Vec<PathBuf> {
    if let Some(folders) = params.get("workspaceFolders").filter(|f| f.is_array()) {
        return uri::folder_paths(folders);
    }
    if let Some(root) = params.get("rootUri").and_then(Value::as_str)
        && let Ok(uri) = root.parse::<Uri>()
        && let Some(path) = uri::to_path(&uri)
    {
        return vec![path];
    }
    params
        .get("rootPath")
        .and_then(Value::as_str)
        .map(|p| vec![PathBuf::from(p)])
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_come_from_workspace_folders_then_root_uri_then_root_path() {
        let both = json!({
            "workspaceFolders": [{"uri": "file:///a", "name": "a"}],
            "rootUri": "file:///b",
            "rootPath": "/c",
        });
        assert_eq!(folders_of(&both), [PathBuf::from("/a")]);
        let no_folders =
            json!({"workspaceFolders": null, "rootUri": "file:///b", "rootPath": "/c"});
        assert_eq!(folders_of(&no_folders), [PathBuf::from("/b")]);
        let root_path = json!({"rootUri": null, "rootPath": "/c"});
        assert_eq!(folders_of(&root_path), [PathBuf::from("/c")]);
        assert!(folders_of(&json!({})).is_empty());
    }
}
