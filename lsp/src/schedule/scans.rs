//! Repository-scope scans: each workspace with such rules is scanned on a worker (when it opens, on save, on
//! reload), one scan per workspace at a time; a request for another while one runs is remembered and run
//! after it, and a scan under old rules is run again under the new ones.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use lsp_types::MessageType;

use super::publish::publish_workspace_diagnostics;
use super::worker::guarded;
use super::{Event, ScanResult, Scheduler, analysis};
use crate::client::Client;
use crate::session::Session;

impl Scheduler {
    /// Runs the repository-scope rules of every workspace.
    pub(crate) fn start_scans(&mut self, session: &Session) {
        let roots: Vec<PathBuf> = session.workspaces.iter().map(|w| w.root.clone()).collect();
        for root in roots {
            self.start_scan_of(session, &root);
        }
    }

    /// Runs the repository-scope rules of one workspace (after the running scan, if there is one).
    pub(crate) fn start_scan_of(&mut self, session: &Session, root: &Path) {
        let Some(workspace) = session.workspaces.iter().find(|w| w.root == root) else {
            return;
        };
        if !workspace.has_repository_rules {
            return;
        }
        if self.scans_in_flight.contains_key(root) {
            self.scan_again.insert(root.to_path_buf());
            return;
        }
        let checker = workspace.checker.clone();
        let config = workspace.config.clone();
        let root = root.to_path_buf();
        // The open documents' text stands in for what is on disk.
        let open: HashMap<PathBuf, Arc<str>> = session
            .documents
            .values()
            .filter_map(|d| Some((d.path.clone()?, Arc::from(d.text.as_str()))))
            .collect();
        let cancelled = Arc::new(AtomicBool::new(false));
        self.scans_in_flight.insert(root.clone(), cancelled.clone());
        let generation = session.generation;
        let sender = self.events.0.clone();
        self.pool.spawn(move || {
            let findings =
                guarded(|| analysis::scan_repository(&checker, &config, &root, &open, &cancelled));
            let _ = sender.send(Event::Scanned(ScanResult {
                root,
                generation,
                findings,
            }));
        });
    }

    /// A scan ended: keep its findings if they are under the current rules, else scan again.
    pub(super) fn on_scanned(
        &mut self,
        session: &mut Session,
        client: &mut Client,
        result: ScanResult,
    ) {
        let ScanResult {
            root,
            generation,
            findings,
        } = result;
        self.scans_in_flight.remove(&root);
        if generation != session.generation {
            self.start_scan_of(session, &root);
            return;
        }
        match findings {
            Ok(Some(findings)) => {
                session.repository_findings.insert(root.clone(), findings);
                publish_workspace_diagnostics(session, client);
            }
            Ok(None) => {}
            Err(panic) => client.log(
                MessageType::ERROR,
                format!("internal error scanning {}: {panic}", root.display()),
            ),
        }
        if self.scan_again.remove(&root) {
            self.start_scan_of(session, &root);
        }
    }
}
