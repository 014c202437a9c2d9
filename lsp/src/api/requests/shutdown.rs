//! `shutdown`: from now on only `exit` is served (the main loop ends on it, cleanly).

use lsp_server::ResponseError;
use lsp_types::request::Request;
use serde_json::Value;

use crate::api::traits::{Context, RequestHandler, RequestParams, RequestResult};

pub(crate) struct Shutdown;

/// `shutdown` with whatever params come: `lsp-types` takes only `null`, and there is nothing to read.
pub(crate) enum ShutdownJson {}

impl Request for ShutdownJson {
    type Params = Value;
    type Result = Value;
    const METHOD: &'static str = lsp_types::request::Shutdown::METHOD;
}

impl RequestHandler for Shutdown {
    type Request = ShutdownJson;

    fn run(
        cx: Context<'_>,
        _params: RequestParams<Self>,
    ) -> Result<RequestResult<Self>, ResponseError> {
        cx.session.shutdown_requested = true;
        Ok(Value::Null)
    }
}
