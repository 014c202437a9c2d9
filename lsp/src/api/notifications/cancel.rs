//! `$/cancelRequest`: a pull (`textDocument/diagnostic`) still waiting for its check is answered as cancelled;
//! every other request has been answered already.

use lsp_server::{ErrorCode, RequestId, Response};
use lsp_types::notification::{Cancel as LspCancel, Notification};
use serde_json::Value;

use crate::api::traits::{Context, NotificationHandler, NotificationParams};

pub(crate) struct Cancel;

/// `$/cancelRequest` read as raw JSON: an id that is no request of ours (or not an id at all) is ignored
/// rather than logged as invalid.
pub(crate) enum CancelJson {}

impl Notification for CancelJson {
    type Params = Value;
    const METHOD: &'static str = LspCancel::METHOD;
}

impl NotificationHandler for Cancel {
    type Notification = CancelJson;

    fn run(cx: Context<'_>, params: NotificationParams<Self>) {
        let Some(id) = request_id(&params) else {
            return;
        };
        if cx.scheduler.cancel_pull(&id) {
            cx.client.respond(Response::new_err(
                id,
                ErrorCode::RequestCanceled as i32,
                "cancelled".into(),
            ));
        }
    }
}

/// The id of the request to cancel: a number that fits an `i32`, or a string.
fn request_id(params: &Value) -> Option<RequestId> {
    match params.get("id") {
        Some(Value::Number(n)) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(RequestId::from),
        Some(Value::String(s)) => Some(RequestId::from(s.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn request_ids_are_numbers_or_strings() {
        assert_eq!(request_id(&json!({"id": 7})), Some(RequestId::from(7)));
        assert_eq!(
            request_id(&json!({"id": "x-1"})),
            Some(RequestId::from("x-1".to_string()))
        );
        assert_eq!(request_id(&json!({"id": 1_i64 << 40})), None);
        assert_eq!(request_id(&json!({"id": null})), None);
        assert_eq!(request_id(&Value::Null), None);
    }
}
