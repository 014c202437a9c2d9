//! Typed dispatch: each request and notification is routed on its `lsp_types` method to one handler in
//! `requests/` or `notifications/` (one file each), its params parsed into the handler's type. Answers to the
//! server's own requests go to `responses.rs`.
//!
//! Every handler runs on the main loop, in arrival order; a check that takes long runs on a worker
//! (`schedule/`), and `textDocument/diagnostic` is answered when it ends. Before `initialize` only
//! `initialize` is served; after `shutdown` nothing is. A panic in a handler becomes an error response (or a
//! logged error for a notification) and the server goes on.

pub(crate) mod capabilities;
mod notifications;
mod requests;
mod responses;
pub(crate) mod traits;

use lsp_server::{ErrorCode, Notification, Request, RequestId, Response};
use lsp_types::MessageType;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::Client;
use crate::schedule::guarded;
pub(crate) use responses::response;
pub(crate) use traits::Context;
use traits::{DeferredRequestHandler, NotificationHandler, RequestHandler};

/// Answers a request from the client (now, or later for a pull that waits for its check).
pub(crate) fn request(cx: Context<'_>, request: Request) {
    let Context {
        session,
        scheduler,
        client,
    } = cx;
    let id = request.id.clone();
    if !session.initialized && request.method != requests::Initialize::METHOD {
        client.respond(Response::new_err(
            id,
            ErrorCode::ServerNotInitialized as i32,
            "the server is not initialized yet".into(),
        ));
        return;
    }
    if session.shutdown_requested {
        client.respond(Response::new_err(
            id,
            ErrorCode::InvalidRequest as i32,
            "the server is shutting down".into(),
        ));
        return;
    }
    let method = request.method.clone();
    let response = guarded_request(client, &id, &method, |client| {
        let cx = Context {
            session,
            scheduler,
            client,
        };
        dispatch_request(cx, request)
    });
    if let Some(response) = response {
        client.respond(response);
    }
}

/// Acts on a notification from the client (`exit` is the main loop's own).
pub(crate) fn notification(cx: Context<'_>, notification: Notification) {
    let Context {
        session,
        scheduler,
        client,
    } = cx;
    if !session.initialized {
        return;
    }
    let method = notification.method.clone();
    let outcome = guarded(|| {
        let cx = Context {
            session,
            scheduler,
            client: &mut *client,
        };
        dispatch_notification(cx, notification)
    });
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(err)) => client.log(MessageType::WARNING, format!("{method}: {err}")),
        Err(panic) => client.log(
            MessageType::ERROR,
            format!("internal error in {method}: {panic}"),
        ),
    }
}

/// Runs a request handler; a panic becomes an error response and the server keeps serving.
pub(crate) fn guarded_request(
    client: &mut Client,
    id: &RequestId,
    method: &str,
    handler: impl FnOnce(&mut Client) -> Option<Response>,
) -> Option<Response> {
    match guarded(|| handler(&mut *client)) {
        Ok(response) => response,
        Err(panic) => {
            client.log(
                MessageType::ERROR,
                format!("internal error in {method}: {panic}"),
            );
            Some(Response::new_err(
                id.clone(),
                ErrorCode::InternalError as i32,
                format!("hindsight: internal error in {method}: {panic}; the server keeps serving"),
            ))
        }
    }
}

/// The handler of each request; `None` when the answer comes later.
fn dispatch_request(cx: Context<'_>, request: Request) -> Option<Response> {
    match request.method.as_str() {
        requests::Initialize::METHOD => run::<requests::Initialize>(cx, request),
        requests::Shutdown::METHOD => run::<requests::Shutdown>(cx, request),
        requests::Hover::METHOD => run::<requests::Hover>(cx, request),
        requests::CodeAction::METHOD => run::<requests::CodeAction>(cx, request),
        requests::ExecuteCommand::METHOD => run::<requests::ExecuteCommand>(cx, request),
        requests::DocumentDiagnostic::METHOD => {
            run_deferred::<requests::DocumentDiagnostic>(cx, request)
        }
        requests::WorkspaceDiagnostic::METHOD => run::<requests::WorkspaceDiagnostic>(cx, request),
        method => Some(Response::new_err(
            request.id.clone(),
            ErrorCode::MethodNotFound as i32,
            format!("hindsight does not handle `{method}`"),
        )),
    }
}

/// The handler of each notification; `Err` says why it could not run.
fn dispatch_notification(cx: Context<'_>, notification: Notification) -> Result<(), String> {
    let Notification { method, params } = notification;
    match method.as_str() {
        notifications::Initialized::METHOD => notify::<notifications::Initialized>(cx, params),
        notifications::DidOpen::METHOD => notify::<notifications::DidOpen>(cx, params),
        notifications::DidChange::METHOD => notify::<notifications::DidChange>(cx, params),
        notifications::DidSave::METHOD => notify::<notifications::DidSave>(cx, params),
        notifications::DidClose::METHOD => notify::<notifications::DidClose>(cx, params),
        notifications::DidChangeConfiguration::METHOD => {
            notify::<notifications::DidChangeConfiguration>(cx, params)
        }
        notifications::DidChangeWatchedFiles::METHOD => {
            notify::<notifications::DidChangeWatchedFiles>(cx, params)
        }
        notifications::DidChangeWorkspaceFolders::METHOD => {
            notify::<notifications::DidChangeWorkspaceFolders>(cx, params)
        }
        notifications::Cancel::METHOD => notify::<notifications::Cancel>(cx, params),
        // `$/setTrace`, `$/progress` and any other notification: nothing to do.
        _ => Ok(()),
    }
}

fn run<H: RequestHandler>(cx: Context<'_>, request: Request) -> Option<Response> {
    let Request { id, params, .. } = request;
    let params = match parse(params) {
        Ok(params) => params,
        Err(message) => return Some(invalid_params(id, message)),
    };
    Some(match H::run(cx, params) {
        Ok(result) => Response::new_ok(id, result),
        Err(error) => Response {
            id,
            response_result: Err(error),
        },
    })
}

fn run_deferred<H: DeferredRequestHandler>(cx: Context<'_>, request: Request) -> Option<Response> {
    let Request { id, params, .. } = request;
    let params = match parse(params) {
        Ok(params) => params,
        Err(message) => return Some(invalid_params(id, message)),
    };
    H::run(cx, &id, params).map(|result| Response::new_ok(id, result))
}

fn notify<H: NotificationHandler>(cx: Context<'_>, params: Value) -> Result<(), String> {
    H::run(cx, parse(params)?);
    Ok(())
}

fn parse<P: DeserializeOwned>(params: Value) -> Result<P, String> {
    serde_json::from_value(params).map_err(|err| format!("invalid params: {err}"))
}

fn invalid_params(id: RequestId, message: String) -> Response {
    Response::new_err(id, ErrorCode::InvalidParams as i32, message)
}
