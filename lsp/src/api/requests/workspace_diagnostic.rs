//! `workspace/diagnostic` (pull): the files that are not open and still have something to report
//! (repository-scope findings, broken rule files, a broken `hindsight.toml`).

use lsp_server::ResponseError;
use lsp_types::WorkspaceDiagnosticParams;
use lsp_types::request::{Request, WorkspaceDiagnosticRequest};
use serde_json::{Value, json};

use crate::api::traits::{Context, RequestHandler, RequestParams, RequestResult};

pub(crate) struct WorkspaceDiagnostic;

/// `workspace/diagnostic` answered in JSON: each report says `"version": null` (not open), which the
/// `lsp-types` report leaves out.
pub(crate) enum WorkspaceDiagnosticJson {}

impl Request for WorkspaceDiagnosticJson {
    type Params = WorkspaceDiagnosticParams;
    type Result = Value;
    const METHOD: &'static str = WorkspaceDiagnosticRequest::METHOD;
}

impl RequestHandler for WorkspaceDiagnostic {
    type Request = WorkspaceDiagnosticJson;

    fn run(
        cx: Context<'_>,
        _params: RequestParams<Self>,
    ) -> Result<RequestResult<Self>, ResponseError> {
        let Context {
            session, client, ..
        } = cx;
        let uris: Vec<_> = session
            .workspace_diagnostic_paths()
            .iter()
            .filter_map(|path| session.uri_of_path(path))
            .filter(|uri| !session.documents.contains_key(uri))
            .collect();
        let items: Vec<Value> = uris
            .iter()
            .map(|uri| json!({"kind": "full", "uri": uri, "version": null, "items": session.diagnostics_for(client, uri)}))
            .collect();
        Ok(json!({"items": items}))
    }
}
