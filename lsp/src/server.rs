//! The main loop: it owns the [`Session`], the [`Scheduler`] and the [`Client`], and routes each message to
//! `api/` (requests, notifications, answers to the server's requests) and each finished check or scan back to
//! the scheduler. One thread handles everything in arrival order.

use std::time::Instant;

use crossbeam_channel::select;
use lsp_server::{Connection, Message};
use lsp_types::notification::{Exit as ExitNotification, Notification as _};

use crate::api::{self, Context};
use crate::client::Client;
use crate::schedule::{Event, Scheduler};
use crate::session::{Options, Session};

/// How the main loop ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// `exit` after `shutdown`, as the spec wants.
    Clean,
    /// `exit` without `shutdown`, or the client went away.
    Abrupt,
}

/// Runs the server on a connection until `exit` (or until the client goes away).
pub fn run(connection: Connection, options: Options) -> Exit {
    let mut server = Server {
        session: Session::new(options),
        scheduler: Scheduler::new(),
        client: Client::new(connection.sender.clone()),
    };
    let events = server.scheduler.events();
    loop {
        let timeout = server
            .scheduler
            .next_deadline()
            .map(|deadline| deadline.saturating_duration_since(Instant::now()));
        let exit = match timeout {
            Some(timeout) => select! {
                recv(connection.receiver) -> message => server.on_message(message.ok()),
                recv(events) -> event => server.on_event(event.ok()),
                default(timeout) => None,
            },
            None => select! {
                recv(connection.receiver) -> message => server.on_message(message.ok()),
                recv(events) -> event => server.on_event(event.ok()),
            },
        };
        if let Some(exit) = exit {
            return exit;
        }
        // Take every message that is already queued before starting checks, so a burst of edits is one check.
        while let Ok(message) = connection.receiver.try_recv() {
            if let Some(exit) = server.on_message(Some(message)) {
                return exit;
            }
        }
        server
            .scheduler
            .start_due_checks(&mut server.session, &mut server.client);
    }
}

struct Server {
    session: Session,
    scheduler: Scheduler,
    client: Client,
}

impl Server {
    fn context(&mut self) -> Context<'_> {
        Context {
            session: &mut self.session,
            scheduler: &mut self.scheduler,
            client: &mut self.client,
        }
    }

    fn on_message(&mut self, message: Option<Message>) -> Option<Exit> {
        let Some(message) = message else {
            // The client closed the connection without `exit`.
            return Some(Exit::Abrupt);
        };
        match message {
            Message::Request(request) => api::request(self.context(), request),
            Message::Response(response) => api::response(self.context(), response),
            Message::Notification(notification) => {
                if notification.method == ExitNotification::METHOD {
                    return Some(if self.session.shutdown_requested {
                        Exit::Clean
                    } else {
                        Exit::Abrupt
                    });
                }
                api::notification(self.context(), notification);
            }
        }
        None
    }

    fn on_event(&mut self, event: Option<Event>) -> Option<Exit> {
        if let Some(event) = event {
            self.scheduler
                .on_event(&mut self.session, &mut self.client, event);
        }
        None
    }
}
