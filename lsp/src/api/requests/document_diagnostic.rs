//! `textDocument/diagnostic` (pull): answered at once when the document's last check is current, else when
//! the check of its current version ends (cancellable with `$/cancelRequest`).

use lsp_server::RequestId;
use lsp_types::DocumentDiagnosticParams;
use lsp_types::request::{DocumentDiagnosticRequest, Request};
use serde_json::Value;

use crate::api::traits::{Context, DeferredRequestHandler};

pub(crate) struct DocumentDiagnostic;

/// `textDocument/diagnostic` answered in JSON: the report a waiting pull gets later is built by the scheduler
/// (`Session::full_report`), and both answers must be the same.
pub(crate) enum DocumentDiagnosticJson {}

impl Request for DocumentDiagnosticJson {
    type Params = DocumentDiagnosticParams;
    type Result = Value;
    const METHOD: &'static str = DocumentDiagnosticRequest::METHOD;
}

impl DeferredRequestHandler for DocumentDiagnostic {
    type Request = DocumentDiagnosticJson;

    fn run(cx: Context<'_>, id: &RequestId, params: DocumentDiagnosticParams) -> Option<Value> {
        let uri = params.text_document.uri;
        // An open document whose check is not current waits for it; anything else is answered now.
        if cx.session.documents.contains_key(&uri) && !cx.session.is_current(&uri) {
            cx.scheduler.wait_for_check(id.clone(), &uri);
            return None;
        }
        Some(cx.session.full_report(cx.client, &uri))
    }
}
