//! When checks and scans run, and which of their results still count.
//!
//! Checks of open documents and the repository-scope scan of a workspace run on worker threads
//! (`worker.rs`, doing the work of `analysis.rs`) and come back as [`Event`]s on a channel the main loop
//! listens to. A document has at most one check in flight: changes that arrive meanwhile are coalesced into
//! one more check of the newest version, and a result for a version (or a rule configuration, the session's
//! `generation`) that is no longer current is dropped. Pull requests for diagnostics wait here for their
//! check; `publish.rs` pushes diagnostics to clients that do not pull.
//!
//! The scheduler reads and changes the [`Session`] it is given; it knows nothing of the handlers.

mod analysis;
pub(crate) mod checks;
pub(crate) mod publish;
mod scans;
mod worker;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use hindsight_engine::Finding;
use lsp_server::RequestId;
use lsp_types::Uri;

use crate::client::Client;
use crate::session::Session;

use publish::publish_workspace_diagnostics;
pub(crate) use worker::guarded;

/// Work that finished on a worker thread.
pub(crate) enum Event {
    Checked(CheckResult),
    Scanned(ScanResult),
}

/// A document's check; `findings` is `Err` with the panic's message when the check panicked.
pub(crate) struct CheckResult {
    uri: Uri,
    version: i32,
    generation: u64,
    text: Arc<str>,
    findings: Result<(Vec<Finding>, Option<tree_sitter::Tree>), String>,
    /// The rules over their time budget, when the check took longer than it should (one line each).
    slow_rules: Vec<String>,
}

/// A workspace's repository-scope scan; `Ok(None)` when it was cancelled.
pub(crate) struct ScanResult {
    root: PathBuf,
    generation: u64,
    findings: Result<Option<Vec<Finding>>, String>,
}

/// Checks and scans: what is due, what is running, what waits for them.
pub(crate) struct Scheduler {
    /// Documents waiting for a check, and when it may start.
    pending: HashMap<Uri, Instant>,
    in_flight: HashSet<Uri>,
    /// Pull requests (`textDocument/diagnostic`) answered when the check of the current version ends.
    waiting_pulls: Vec<(RequestId, Uri)>,
    scans_in_flight: HashMap<PathBuf, Arc<AtomicBool>>,
    scan_again: HashSet<PathBuf>,
    events: (Sender<Event>, Receiver<Event>),
    pool: worker::Pool,
}

impl Scheduler {
    pub(crate) fn new() -> Scheduler {
        let n_threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
        Scheduler {
            pending: HashMap::new(),
            in_flight: HashSet::new(),
            waiting_pulls: Vec::new(),
            scans_in_flight: HashMap::new(),
            scan_again: HashSet::new(),
            events: crossbeam_channel::unbounded(),
            pool: worker::Pool::new(n_threads),
        }
    }

    /// Where finished work arrives, for the main loop to hand back to [`Scheduler::on_event`].
    pub(crate) fn events(&self) -> Receiver<Event> {
        self.events.1.clone()
    }

    /// When the next pending check may start (the main loop wakes up then).
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.pending
            .iter()
            .filter(|(uri, _)| !self.in_flight.contains(*uri))
            .map(|(_, at)| *at)
            .min()
    }

    /// Checks a document after `delay`, or later if it was already due later (debounced edits).
    pub(crate) fn schedule(&mut self, uri: &Uri, delay: Duration) {
        let at = Instant::now() + delay;
        let entry = self.pending.entry(uri.clone()).or_insert(at);
        *entry = (*entry).max(at);
    }

    /// Answers a pull request when the check of the document's current version ends.
    pub(crate) fn wait_for_check(&mut self, id: RequestId, uri: &Uri) {
        self.waiting_pulls.push((id, uri.clone()));
        if !self.in_flight.contains(uri) {
            self.pending.entry(uri.clone()).or_insert_with(Instant::now);
        }
    }

    /// Stops waiting on behalf of a pull request; `true` when it was waiting (and now needs its answer).
    pub(crate) fn cancel_pull(&mut self, id: &RequestId) -> bool {
        let Some(pos) = self
            .waiting_pulls
            .iter()
            .position(|(waiting, _)| waiting == id)
        else {
            return false;
        };
        self.waiting_pulls.remove(pos);
        true
    }

    /// Work that finished on a worker thread: keep it if it is still current, else start it again.
    pub(crate) fn on_event(&mut self, session: &mut Session, client: &mut Client, event: Event) {
        match event {
            Event::Checked(result) => self.on_checked(session, client, result),
            Event::Scanned(result) => self.on_scanned(session, client, result),
        }
    }

    /// Reloads configuration and rules, then diagnoses everything again.
    pub(crate) fn reload(&mut self, session: &mut Session, client: &mut Client) {
        // Scans under the old rules are of no use any more: stop them (they are started again below).
        for cancelled in self.scans_in_flight.values() {
            cancelled.store(true, Ordering::Relaxed);
        }
        session.load_workspaces(client);
        session.repository_findings.clear();
        let uris: Vec<Uri> = session.documents.keys().cloned().collect();
        for uri in uris {
            self.schedule(&uri, Duration::ZERO);
        }
        self.start_scans(session);
        publish_workspace_diagnostics(session, client);
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr as _;

    use super::*;

    fn uri(text: &str) -> Uri {
        Uri::from_str(text).expect("a uri")
    }

    #[test]
    fn a_debounced_check_waits_for_the_latest_delay() {
        let mut scheduler = Scheduler::new();
        let a = uri("file:///a.rs");
        assert_eq!(scheduler.next_deadline(), None);
        scheduler.schedule(&a, Duration::from_secs(60));
        let later = scheduler.next_deadline().expect("a deadline");
        // An earlier request does not move the check forward: edits keep pushing it back.
        scheduler.schedule(&a, Duration::ZERO);
        assert_eq!(scheduler.next_deadline(), Some(later));
        scheduler.in_flight.insert(a.clone());
        assert_eq!(scheduler.next_deadline(), None);
    }

    #[test]
    fn a_waiting_pull_is_cancelled_once() {
        let mut scheduler = Scheduler::new();
        let a = uri("file:///a.rs");
        scheduler.wait_for_check(RequestId::from(3), &a);
        assert!(scheduler.pending.contains_key(&a));
        assert!(!scheduler.cancel_pull(&RequestId::from(4)));
        assert!(scheduler.cancel_pull(&RequestId::from(3)));
        assert!(!scheduler.cancel_pull(&RequestId::from(3)));
    }
}
