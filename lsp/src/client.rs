//! Messages to the client: responses, notifications, and the server's own requests, whose answers are
//! matched back by id to what they were for ([`Outgoing`]).
//!
//! Methods are named by their `lsp_types` type; params are serialised as given. Some are JSON rather than
//! the `lsp_types` struct where that struct would change what goes on the wire (a `"version": null` on a
//! closed file's diagnostics, a client's unchecked `window/showDocument` arguments passed through).

use std::collections::HashMap;

use crossbeam_channel::Sender;
use lsp_server::{Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{LogMessage, ShowMessage};
use lsp_types::{LogMessageParams, MessageType, ShowMessageParams};
use serde::Serialize;

/// A request the server sent to the client, by what the answer is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outgoing {
    /// `workspace/workspaceFolders`: the answer replaces the folders.
    WorkspaceFolders,
    /// `workspace/configuration`: the answer is the `hindsight` settings section.
    Configuration,
    /// Nothing to do with the answer (`client/registerCapability`, `window/showDocument`, refreshes).
    Ignored,
}

/// The sending half of the connection, and the server's requests still waiting for an answer.
pub(crate) struct Client {
    sender: Sender<Message>,
    outgoing: HashMap<RequestId, Outgoing>,
    next_request_id: i32,
}

impl Client {
    pub(crate) fn new(sender: Sender<Message>) -> Client {
        Client {
            sender,
            outgoing: HashMap::new(),
            next_request_id: 0,
        }
    }

    pub(crate) fn respond(&self, response: Response) {
        // A closed connection is noticed by the main loop's receiver; nothing to do about it here.
        let _ = self.sender.send(Message::Response(response));
    }

    pub(crate) fn notify<N: lsp_types::notification::Notification>(&self, params: impl Serialize) {
        let notification = Notification::new(N::METHOD.to_string(), params);
        let _ = self.sender.send(Message::Notification(notification));
    }

    /// Sends a request; its answer is handed back by [`Client::answered`] as `kind`.
    pub(crate) fn request<R: lsp_types::request::Request>(
        &mut self,
        params: impl Serialize,
        kind: Outgoing,
    ) {
        self.next_request_id += 1;
        let id = RequestId::from(format!("hindsight-{}", self.next_request_id));
        self.outgoing.insert(id.clone(), kind);
        let request = Request::new(id, R::METHOD.to_string(), params);
        let _ = self.sender.send(Message::Request(request));
    }

    /// What an answer from the client is for; `None` when it answers nothing we asked (or was answered).
    pub(crate) fn answered(&mut self, id: &RequestId) -> Option<Outgoing> {
        self.outgoing.remove(id)
    }

    /// A message the user sees (`window/showMessage`).
    pub(crate) fn show(&self, typ: MessageType, message: String) {
        self.notify::<ShowMessage>(ShowMessageParams { typ, message });
    }

    /// A line in the client's log of the server (`window/logMessage`).
    pub(crate) fn log(&self, typ: MessageType, message: String) {
        self.notify::<LogMessage>(LogMessageParams { typ, message });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::request::WorkspaceConfiguration;

    #[test]
    fn answers_are_matched_to_what_was_asked_once() {
        let (sender, receiver) = crossbeam_channel::unbounded();
        let mut client = Client::new(sender);
        client.request::<WorkspaceConfiguration>(serde_json::Value::Null, Outgoing::Configuration);
        let Ok(Message::Request(request)) = receiver.try_recv() else {
            panic!("a request was sent");
        };
        assert_eq!(request.method, "workspace/configuration");
        assert_eq!(client.answered(&request.id), Some(Outgoing::Configuration));
        assert_eq!(client.answered(&request.id), None);
        assert_eq!(client.answered(&RequestId::from(1)), None);
    }
}
