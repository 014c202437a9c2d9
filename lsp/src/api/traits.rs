//! What a handler is: one `impl` per LSP method, named by its `lsp_types` type (whose `METHOD` the dispatcher
//! matches on and whose `Params` and `Result` the handler takes and gives), run on the main loop with the
//! [`Context`] it may read and change.
//!
//! Where `lsp_types` is stricter than clients are (an `initialized` with `null` params) or older than the
//! protocol (snippet edits in code actions), a handler names a type of its own that keeps the `lsp_types`
//! method and takes or gives raw JSON; its definition says why.

use lsp_server::{RequestId, ResponseError};
use lsp_types::notification::Notification;
use lsp_types::request::Request;

use crate::client::Client;
use crate::schedule::Scheduler;
use crate::session::Session;

/// What a handler may use: the state, the checks and scans, and the connection back to the client.
pub(crate) struct Context<'a> {
    pub(crate) session: &'a mut Session,
    pub(crate) scheduler: &'a mut Scheduler,
    pub(crate) client: &'a mut Client,
}

/// The params of a handler's request.
pub(crate) type RequestParams<H> = <<H as RequestHandler>::Request as Request>::Params;
/// The result of a handler's request.
pub(crate) type RequestResult<H> = <<H as RequestHandler>::Request as Request>::Result;
/// The params of a handler's notification.
pub(crate) type NotificationParams<H> =
    <<H as NotificationHandler>::Notification as Notification>::Params;

/// A request answered at once.
pub(crate) trait RequestHandler {
    /// The request this handler answers.
    type Request: Request;
    /// The method the dispatcher routes here.
    const METHOD: &'static str = <Self::Request as Request>::METHOD;

    fn run(
        cx: Context<'_>,
        params: RequestParams<Self>,
    ) -> Result<RequestResult<Self>, ResponseError>;
}

/// A request that may be answered later: the handler either answers now or keeps the request's id and
/// sees to it that it is answered (or cancelled) later.
pub(crate) trait DeferredRequestHandler {
    /// The request this handler answers.
    type Request: Request;
    /// The method the dispatcher routes here.
    const METHOD: &'static str = <Self::Request as Request>::METHOD;

    /// The result now, or `None` when the answer comes later.
    fn run(
        cx: Context<'_>,
        id: &RequestId,
        params: <Self::Request as Request>::Params,
    ) -> Option<<Self::Request as Request>::Result>;
}

/// A notification; it has no answer.
pub(crate) trait NotificationHandler {
    /// The notification this handler acts on.
    type Notification: Notification;
    /// The method the dispatcher routes here.
    const METHOD: &'static str = <Self::Notification as Notification>::METHOD;

    fn run(cx: Context<'_>, params: NotificationParams<Self>);
}
