//! Checking open documents: starting the checks that are due on a worker, taking their results (or dropping
//! stale ones), and checking one document at once on the main loop when a request needs its findings now.

use std::sync::Arc;
use std::time::Instant;

use lsp_server::{RequestId, Response};
use lsp_types::{MessageType, Uri};

use super::publish::publish;
use super::worker::guarded;
use super::{CheckResult, Event, Scheduler, analysis};
use crate::client::Client;
use crate::session::{Checked, Session};

impl Scheduler {
    /// Starts every pending check whose time has come (and whose document has no check running).
    pub(crate) fn start_due_checks(&mut self, session: &mut Session, client: &mut Client) {
        let now = Instant::now();
        let due: Vec<Uri> = self
            .pending
            .iter()
            .filter(|(uri, at)| **at <= now && !self.in_flight.contains(*uri))
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in due {
            self.pending.remove(&uri);
            self.start_check(session, client, &uri);
        }
    }

    fn start_check(&mut self, session: &mut Session, client: &mut Client, uri: &Uri) {
        let workspace_idx = session.workspace_of_uri(client, uri);
        let generation = session.generation;
        let Some(workspace) = session.workspaces.get(workspace_idx) else {
            return;
        };
        let Some(document) = session.documents.get_mut(uri) else {
            return;
        };
        let max_size = workspace.config.max_file_size;
        let too_large = document.text.len() as u64 > max_size;
        // `[files] exclude` applies as in `hindsight check`: an excluded file has nothing to report.
        if too_large
            || document
                .path
                .as_deref()
                .is_some_and(|p| workspace.is_excluded(p))
        {
            document.checked = Some(Checked {
                version: document.version,
                generation,
                text: Arc::from(""),
                findings: Vec::new(),
                too_large: too_large.then_some((document.text.len(), max_size)),
            });
            self.diagnostics_ready(session, client, uri);
            return;
        }
        let checker = workspace.checker.clone();
        let scope = workspace.scope.clone();
        let relative = document.check_path(workspace);
        let absolute = document.path.clone();
        let text: Arc<str> = Arc::from(document.text.as_str());
        let version = document.version;
        let old_tree = document.tree.clone();
        let sender = self.events.0.clone();
        let uri = uri.clone();
        self.in_flight.insert(uri.clone());
        self.pool.spawn(move || {
            let started = Instant::now();
            let findings = guarded(|| {
                analysis::check_document(
                    &checker,
                    &scope,
                    &relative,
                    absolute.as_deref(),
                    &text,
                    old_tree.as_ref(),
                )
            });
            // A check the user waits for: measure it once more, rule by rule, to name the slow rule.
            let slow_rules = if started.elapsed() > analysis::CHECK_BUDGET {
                guarded(|| {
                    analysis::slow_rules(&checker, &scope, &relative, absolute.as_deref(), &text)
                })
                .unwrap_or_default()
            } else {
                Vec::new()
            };
            let _ = sender.send(Event::Checked(CheckResult {
                uri,
                version,
                generation,
                text,
                findings,
                slow_rules,
            }));
        });
    }

    /// A check ended: keep its findings if they are of the current version and rules, else check again.
    pub(super) fn on_checked(
        &mut self,
        session: &mut Session,
        client: &mut Client,
        result: CheckResult,
    ) {
        let CheckResult {
            uri,
            version,
            generation,
            text,
            findings,
            slow_rules,
        } = result;
        self.in_flight.remove(&uri);
        for line in slow_rules {
            client.log(MessageType::WARNING, format!("{}: {line}", uri.as_str()));
        }
        let current_generation = session.generation;
        let Some(document) = session.documents.get_mut(&uri) else {
            return;
        };
        if version != document.version || generation != current_generation {
            // Stale: a newer version (or newer rules) exists; check that instead.
            self.pending.entry(uri).or_insert_with(Instant::now);
            return;
        }
        let (findings, panic) = match findings {
            Ok((findings, tree)) => {
                document.tree = tree;
                (findings, None)
            }
            Err(panic) => {
                document.tree = None;
                (Vec::new(), Some(panic))
            }
        };
        document.checked = Some(Checked {
            version,
            generation,
            text,
            findings,
            too_large: None,
        });
        if let Some(panic) = panic {
            client.log(
                MessageType::ERROR,
                format!("internal error checking {}: {panic}", uri.as_str()),
            );
        }
        self.diagnostics_ready(session, client, &uri);
    }

    /// A document's check for its current version is done: push its diagnostics, or answer the pulls.
    fn diagnostics_ready(&mut self, session: &mut Session, client: &mut Client, uri: &Uri) {
        let waiting: Vec<RequestId> = self
            .waiting_pulls
            .iter()
            .filter(|(_, u)| u == uri)
            .map(|(id, _)| id.clone())
            .collect();
        self.waiting_pulls.retain(|(_, u)| u != uri);
        if !waiting.is_empty() {
            let report = session.full_report(client, uri);
            for id in waiting {
                client.respond(Response::new_ok(id, report.clone()));
            }
        }
        if !session.client_caps.pull_diagnostics {
            publish(session, client, uri);
        }
    }
}

/// Checks a document now, on this thread, unless its last check is current (code actions and hover need
/// the findings of the version they are asked about).
pub(crate) fn check_now<'s>(
    session: &'s mut Session,
    client: &Client,
    uri: &Uri,
) -> Option<&'s Checked> {
    if !session.is_current(uri) {
        let generation = session.generation;
        let workspace_idx = session.workspace_of_uri(client, uri);
        let workspace = session.workspaces.get(workspace_idx)?;
        let document = session.documents.get_mut(uri)?;
        let relative = document.check_path(workspace);
        let text: Arc<str> = Arc::from(document.text.as_str());
        let too_large = (document.text.len() as u64 > workspace.config.max_file_size)
            .then_some((document.text.len(), workspace.config.max_file_size));
        let excluded = document
            .path
            .as_deref()
            .is_some_and(|p| workspace.is_excluded(p));
        let findings = if too_large.is_some() || excluded {
            Vec::new()
        } else {
            let (findings, tree) = analysis::check_document(
                &workspace.checker,
                &workspace.scope,
                &relative,
                document.path.as_deref(),
                &text,
                document.tree.as_ref(),
            );
            document.tree = tree;
            findings
        };
        document.checked = Some(Checked {
            version: document.version,
            generation,
            text,
            findings,
            too_large,
        });
    }
    session.documents.get(uri).and_then(|d| d.checked.as_ref())
}
