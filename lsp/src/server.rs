//! The server state and its main loop.
//!
//! One thread owns all state and handles every message in arrival order; checks and workspace scans run on
//! worker threads and come back as [`Event`]s on a channel the main loop also listens to. A document has at
//! most one check in flight: changes that arrive meanwhile are coalesced into one more check of the newest
//! version, and a result for a version (or a rule configuration) that is no longer current is dropped.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, select};
use hindsight_engine::Finding;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{Diagnostic, DiagnosticSeverity, MessageType, Uri};
use serde_json::{Value, json};

use crate::capabilities::{ClientCaps, server_capabilities};
use crate::diagnostics;
use crate::settings::Settings;
use crate::text::LineIndex;
use crate::worker::{Pool, guarded};
use crate::workspace::Workspace;
use crate::{Options, analysis, notifications, requests, uri};

/// LSP's "request cancelled" error code.
pub(crate) const REQUEST_CANCELLED: i32 = -32800;

/// How the main loop ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// `exit` after `shutdown`, as the spec wants.
    Clean,
    /// `exit` without `shutdown`, or the client went away.
    Abrupt,
}

/// An open document.
pub(crate) struct Document {
    pub(crate) uri: Uri,
    /// Absolute path for `file:` URIs.
    pub(crate) path: Option<PathBuf>,
    /// The language id the client gave, used for documents without a path.
    pub(crate) language_id: String,
    pub(crate) version: i32,
    pub(crate) text: String,
    /// The last finished check.
    pub(crate) checked: Option<Checked>,
    /// The syntax tree of the last check, edited in step with `text` since.
    pub(crate) tree: Option<tree_sitter::Tree>,
}

/// The result of checking one version of a document.
pub(crate) struct Checked {
    pub(crate) version: i32,
    pub(crate) generation: u64,
    /// The text that was checked (positions are computed against it).
    pub(crate) text: Arc<str>,
    pub(crate) findings: Vec<Finding>,
    /// Set when the document was over the size cap and not analysed: its size and the cap.
    pub(crate) too_large: Option<(usize, u64)>,
}

/// Work that finished on a worker thread.
pub(crate) enum Event {
    Checked {
        uri: Uri,
        version: i32,
        generation: u64,
        text: Arc<str>,
        findings: Result<(Vec<Finding>, Option<tree_sitter::Tree>), String>,
    },
    Scanned {
        root: PathBuf,
        generation: u64,
        findings: Result<Option<Vec<Finding>>, String>,
    },
}

/// A request the server sent to the client, by what the answer is for.
enum Outgoing {
    WorkspaceFolders,
    Configuration,
    Ignored,
}

pub(crate) struct Server {
    sender: Sender<Message>,
    options: Options,
    pub(crate) client: ClientCaps,
    pub(crate) settings: Settings,
    initialized: bool,
    shutdown_requested: bool,
    /// Workspace folders the client named (absolute).
    folders: Vec<PathBuf>,
    /// Roots of files opened outside every folder.
    detached_roots: Vec<PathBuf>,
    /// One per folder, plus one per detached root.
    pub(crate) workspaces: Vec<Workspace>,
    /// Bumped on every reload: results computed under older rules are dropped.
    pub(crate) generation: u64,
    pub(crate) documents: HashMap<Uri, Document>,
    /// Documents waiting for a check, and when it may start.
    pending: HashMap<Uri, Instant>,
    in_flight: HashSet<Uri>,
    /// Pull requests (`textDocument/diagnostic`) answered when the check of the current version ends.
    waiting_pulls: Vec<(RequestId, Uri)>,
    /// Repository-scope findings per workspace root (absolute paths).
    repository_findings: HashMap<PathBuf, Vec<Finding>>,
    scans_in_flight: HashMap<PathBuf, Arc<AtomicBool>>,
    scan_again: HashSet<PathBuf>,
    /// URIs that have non-document diagnostics pushed (repository findings, broken rule files), to clear.
    published: HashSet<Uri>,
    /// Load problems already announced with `window/showMessage`.
    announced: HashSet<String>,
    outgoing: HashMap<RequestId, Outgoing>,
    next_request_id: i32,
    events: (Sender<Event>, Receiver<Event>),
    pool: Pool,
}

/// Runs the server on a connection until `exit` (or until the client goes away).
pub fn run(connection: Connection, options: Options) -> Exit {
    let mut server = Server::new(connection.sender.clone(), options);
    let events = server.events.1.clone();
    loop {
        let timeout = server
            .next_deadline()
            .map(|deadline| deadline.saturating_duration_since(Instant::now()));
        let exit = match timeout {
            Some(timeout) => select! {
                recv(connection.receiver) -> message => server.on_incoming(message.ok()),
                recv(events) -> event => server.on_event_opt(event.ok()),
                default(timeout) => None,
            },
            None => select! {
                recv(connection.receiver) -> message => server.on_incoming(message.ok()),
                recv(events) -> event => server.on_event_opt(event.ok()),
            },
        };
        if let Some(exit) = exit {
            return exit;
        }
        // Take every message that is already queued before starting checks, so a burst of edits is one check.
        while let Ok(message) = connection.receiver.try_recv() {
            if let Some(exit) = server.on_incoming(Some(message)) {
                return exit;
            }
        }
        server.start_due_checks();
    }
}

impl Server {
    pub(crate) fn new(sender: Sender<Message>, options: Options) -> Server {
        let n_threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
        Server {
            sender,
            options,
            client: ClientCaps::from_json(&Value::Null),
            settings: Settings::default(),
            initialized: false,
            shutdown_requested: false,
            folders: Vec::new(),
            detached_roots: Vec::new(),
            workspaces: Vec::new(),
            generation: 0,
            documents: HashMap::new(),
            pending: HashMap::new(),
            in_flight: HashSet::new(),
            waiting_pulls: Vec::new(),
            repository_findings: HashMap::new(),
            scans_in_flight: HashMap::new(),
            scan_again: HashSet::new(),
            published: HashSet::new(),
            announced: HashSet::new(),
            outgoing: HashMap::new(),
            next_request_id: 0,
            events: crossbeam_channel::unbounded(),
            pool: Pool::new(n_threads),
        }
    }

    fn on_incoming(&mut self, message: Option<Message>) -> Option<Exit> {
        let Some(message) = message else {
            // The client closed the connection without `exit`.
            return Some(Exit::Abrupt);
        };
        match message {
            Message::Request(request) => self.on_request(request),
            Message::Response(response) => self.on_response(response),
            Message::Notification(notification) => {
                if notification.method == "exit" {
                    return Some(if self.shutdown_requested {
                        Exit::Clean
                    } else {
                        Exit::Abrupt
                    });
                }
                self.on_notification(notification);
            }
        }
        None
    }

    fn on_event_opt(&mut self, event: Option<Event>) -> Option<Exit> {
        if let Some(event) = event {
            self.on_event(event);
        }
        None
    }

    // ---- requests -------------------------------------------------------------------------------------------

    fn on_request(&mut self, request: Request) {
        let id = request.id.clone();
        if !self.initialized && request.method != "initialize" {
            self.respond(Response::new_err(
                id,
                ErrorCode::ServerNotInitialized as i32,
                "the server is not initialized yet".into(),
            ));
            return;
        }
        if self.shutdown_requested {
            self.respond(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            ));
            return;
        }
        let method = request.method.clone();
        if let Some(response) =
            self.guarded_request(&id, &method, |server| server.dispatch(request))
        {
            self.respond(response);
        }
    }

    /// Runs a request handler; a panic becomes an error response and the server keeps serving.
    pub(crate) fn guarded_request(
        &mut self,
        id: &RequestId,
        method: &str,
        handler: impl FnOnce(&mut Server) -> Option<Response>,
    ) -> Option<Response> {
        match guarded(|| handler(self)) {
            Ok(response) => response,
            Err(panic) => {
                self.log(
                    MessageType::ERROR,
                    format!("internal error in {method}: {panic}"),
                );
                Some(Response::new_err(
                    id.clone(),
                    ErrorCode::InternalError as i32,
                    format!(
                        "hindsight: internal error in {method}: {panic}; the server keeps serving"
                    ),
                ))
            }
        }
    }

    /// Answers a request, or returns `None` when the answer comes later (a pull waiting for its check).
    fn dispatch(&mut self, request: Request) -> Option<Response> {
        let Request { id, method, params } = request;
        match method.as_str() {
            "initialize" => Some(self.initialize(id, &params)),
            "shutdown" => {
                self.shutdown_requested = true;
                Some(Response::new_ok(id, Value::Null))
            }
            "textDocument/hover" => with_params(id, params, |id, p| {
                Some(Response::new_ok(id, requests::hover::handle(self, p)))
            }),
            "textDocument/codeAction" => with_params(id, params, |id, p| {
                Some(Response::new_ok(id, requests::code_action::handle(self, p)))
            }),
            "workspace/executeCommand" => with_params(id, params, |id, p| {
                Some(Response::new_ok(
                    id,
                    requests::execute_command::handle(self, p),
                ))
            }),
            "textDocument/diagnostic" => with_params(id, params, |id, p| {
                requests::document_diagnostic::handle(self, id, p)
            }),
            "workspace/diagnostic" => with_params(id, params, |id, p| {
                Some(Response::new_ok(
                    id,
                    requests::workspace_diagnostic::handle(self, p),
                ))
            }),
            _ => Some(Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("hindsight does not handle `{method}`"),
            )),
        }
    }

    fn initialize(&mut self, id: RequestId, params: &Value) -> Response {
        if self.initialized {
            return Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "initialize was already called".into(),
            );
        }
        self.client = ClientCaps::from_json(params.get("capabilities").unwrap_or(&Value::Null));
        if let Some(options) = params.get("initializationOptions")
            && let Some(settings) = self.settings.updated(options)
        {
            match settings {
                Ok(settings) => self.settings = settings,
                Err(err) => self.show(MessageType::ERROR, err),
            }
        }
        self.folders = folders_of(params);
        self.initialized = true;
        self.load_workspaces();
        let result = json!({
            "capabilities": server_capabilities(&self.client),
            "serverInfo": {"name": "hindsight", "version": env!("CARGO_PKG_VERSION")},
        });
        Response::new_ok(id, result)
    }

    fn on_response(&mut self, response: Response) {
        let Some(kind) = self.outgoing.remove(&response.id) else {
            return;
        };
        let Ok(result) = response.response_result else {
            return;
        };
        match kind {
            Outgoing::WorkspaceFolders => {
                let folders = folder_paths(&result);
                if !folders.is_empty() && folders != self.folders {
                    self.folders = folders;
                    self.reload();
                }
            }
            Outgoing::Configuration => {
                let section = result.get(0).unwrap_or(&Value::Null);
                match self.settings.updated(section) {
                    Some(Ok(settings)) if settings != self.settings => {
                        self.settings = settings;
                        self.reload();
                    }
                    Some(Err(err)) => self.show(MessageType::ERROR, err),
                    _ => {}
                }
            }
            Outgoing::Ignored => {}
        }
    }

    // ---- notifications --------------------------------------------------------------------------------------

    fn on_notification(&mut self, notification: Notification) {
        if !self.initialized {
            return;
        }
        let method = notification.method.clone();
        let outcome = guarded(|| self.dispatch_notification(notification));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(err)) => self.log(MessageType::WARNING, format!("{method}: {err}")),
            Err(panic) => self.log(
                MessageType::ERROR,
                format!("internal error in {method}: {panic}"),
            ),
        }
    }

    fn dispatch_notification(&mut self, notification: Notification) -> Result<(), String> {
        let Notification { method, params } = notification;
        fn parse<P: serde::de::DeserializeOwned>(params: Value) -> Result<P, String> {
            serde_json::from_value(params).map_err(|err| format!("invalid params: {err}"))
        }
        match method.as_str() {
            "initialized" => self.on_initialized(),
            "textDocument/didOpen" => notifications::did_open::handle(self, parse(params)?),
            "textDocument/didChange" => notifications::did_change::handle(self, parse(params)?),
            "textDocument/didSave" => notifications::did_save::handle(self, parse(params)?),
            "textDocument/didClose" => notifications::did_close::handle(self, parse(params)?),
            "workspace/didChangeConfiguration" => {
                notifications::did_change_configuration::handle(self, params)
            }
            "workspace/didChangeWatchedFiles" => {
                notifications::did_change_watched_files::handle(self, parse(params)?)
            }
            "workspace/didChangeWorkspaceFolders" => {
                notifications::did_change_workspace_folders::handle(self, parse(params)?)
            }
            "$/cancelRequest" => self.cancel(&params),
            // `$/setTrace`, `$/progress` and any other notification: nothing to do.
            _ => {}
        }
        Ok(())
    }

    fn on_initialized(&mut self) {
        if self.client.watched_files_registration {
            let watchers: Vec<Value> = [
                "**/hindsight.toml",
                "**/*.{yaml,yml,rego}",
                "**/*.{json,toml}",
            ]
            .iter()
            .map(|glob| json!({"globPattern": glob}))
            .collect();
            self.request(
                "client/registerCapability",
                json!({"registrations": [{
                    "id": "hindsight-watched-files",
                    "method": "workspace/didChangeWatchedFiles",
                    "registerOptions": {"watchers": watchers},
                }]}),
                Outgoing::Ignored,
            );
        }
        if self.client.workspace_folders {
            self.request(
                "workspace/workspaceFolders",
                Value::Null,
                Outgoing::WorkspaceFolders,
            );
        }
        if self.client.configuration {
            self.request_configuration();
        }
        self.start_scans();
    }

    pub(crate) fn request_configuration(&mut self) {
        self.request(
            "workspace/configuration",
            json!({"items": [{"section": "hindsight"}]}),
            Outgoing::Configuration,
        );
    }

    fn cancel(&mut self, params: &Value) {
        let id = match params.get("id") {
            Some(Value::Number(n)) => n
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .map(RequestId::from),
            Some(Value::String(s)) => Some(RequestId::from(s.clone())),
            _ => None,
        };
        let Some(id) = id else { return };
        if let Some(pos) = self
            .waiting_pulls
            .iter()
            .position(|(waiting, _)| *waiting == id)
        {
            self.waiting_pulls.remove(pos);
            self.respond(Response::new_err(id, REQUEST_CANCELLED, "cancelled".into()));
        }
    }

    // ---- workspaces -----------------------------------------------------------------------------------------

    /// (Re)loads every workspace's configuration and rules.
    pub(crate) fn load_workspaces(&mut self) {
        let today = (self.options.today)();
        let mut roots: Vec<PathBuf> = self.folders.clone();
        // Files opened outside every folder keep a workspace of their own.
        for root in &self.detached_roots {
            if !self.folders.iter().any(|f| root.starts_with(f)) && !roots.contains(root) {
                roots.push(root.clone());
            }
        }
        self.workspaces = roots
            .iter()
            .map(|root| Workspace::load(root, &self.settings, today.clone()))
            .collect();
        self.generation += 1;
        self.announce_load_problems();
    }

    /// Reloads configuration and rules, then diagnoses everything again.
    pub(crate) fn reload(&mut self) {
        // Scans under the old rules are of no use any more: stop them (they are started again below).
        for cancelled in self.scans_in_flight.values() {
            cancelled.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        self.load_workspaces();
        self.repository_findings.clear();
        let uris: Vec<Uri> = self.documents.keys().cloned().collect();
        for uri in uris {
            self.schedule(&uri, Duration::ZERO);
        }
        self.start_scans();
        self.publish_workspace_diagnostics();
    }

    fn announce_load_problems(&mut self) {
        let mut fresh = Vec::new();
        for workspace in &self.workspaces {
            for problem in workspace.load_problems() {
                let key = format!("{}:{}:{}", problem.path, problem.line, problem.message);
                if self.announced.insert(key) {
                    fresh.push(format!(
                        "{}:{}: {}",
                        problem.path, problem.line, problem.message
                    ));
                }
            }
            if let Some((path, line, _, message)) = &workspace.config_problem {
                let key = format!("{}:{line}:{message}", path.display());
                if self.announced.insert(key) {
                    fresh.push(format!("{}:{line}: {message}", path.display()));
                }
            }
        }
        if !fresh.is_empty() {
            let what = if fresh.len() == 1 { "file" } else { "files" };
            self.show(
                MessageType::ERROR,
                format!(
                    "hindsight: {} rule or configuration {what} failed to load and {} skipped; every other rule still runs. {}",
                    fresh.len(),
                    if fresh.len() == 1 { "is" } else { "are" },
                    fresh.join("; ")
                ),
            );
        }
    }

    /// The index of the workspace a path belongs to; a path outside every folder gets a workspace rooted at
    /// its `hindsight.toml` (or its directory).
    pub(crate) fn workspace_index(&mut self, path: Option<&Path>) -> usize {
        let best = self
            .workspaces
            .iter()
            .enumerate()
            .filter(|(_, w)| path.is_some_and(|p| p.starts_with(&w.root)))
            .max_by_key(|(_, w)| w.root.as_os_str().len())
            .map(|(i, _)| i);
        if let Some(best) = best {
            return best;
        }
        if path.is_none()
            && let Some(first) = (!self.workspaces.is_empty()).then_some(0)
        {
            return first;
        }
        let root = path
            .and_then(|p| {
                hindsight_engine::Config::discover(p)
                    .and_then(|c| c.parent().map(Path::to_path_buf))
                    .or_else(|| p.parent().map(Path::to_path_buf))
            })
            .unwrap_or_else(|| std::env::current_dir().unwrap_or_default());
        let workspace = Workspace::load(&root, &self.settings, (self.options.today)());
        self.detached_roots.push(workspace.root.clone());
        self.workspaces.push(workspace);
        self.announce_load_problems();
        self.workspaces.len() - 1
    }

    pub(crate) fn workspace_of_uri(&mut self, uri: &Uri) -> usize {
        let path = self
            .documents
            .get(uri)
            .and_then(|d| d.path.clone())
            .or_else(|| uri::to_path(uri));
        self.workspace_index(path.as_deref())
    }

    // ---- checks ---------------------------------------------------------------------------------------------

    /// Answers a pull request when the check of the document's current version ends.
    pub(crate) fn wait_for_check(&mut self, id: RequestId, uri: &Uri) {
        self.waiting_pulls.push((id, uri.clone()));
        if !self.in_flight.contains(uri) {
            self.pending.entry(uri.clone()).or_insert_with(Instant::now);
        }
    }

    pub(crate) fn schedule(&mut self, uri: &Uri, delay: Duration) {
        let at = Instant::now() + delay;
        let entry = self.pending.entry(uri.clone()).or_insert(at);
        *entry = (*entry).max(at);
    }

    pub(crate) fn debounce(&self) -> Duration {
        Duration::from_millis(self.settings.debounce_ms)
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.pending
            .iter()
            .filter(|(uri, _)| !self.in_flight.contains(*uri))
            .map(|(_, at)| *at)
            .min()
    }

    pub(crate) fn start_due_checks(&mut self) {
        let now = Instant::now();
        let due: Vec<Uri> = self
            .pending
            .iter()
            .filter(|(uri, at)| **at <= now && !self.in_flight.contains(*uri))
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in due {
            self.pending.remove(&uri);
            self.start_check(&uri);
        }
    }

    fn start_check(&mut self, uri: &Uri) {
        let workspace_idx = self.workspace_of_uri(uri);
        let generation = self.generation;
        let Some(workspace) = self.workspaces.get(workspace_idx) else {
            return;
        };
        let Some(document) = self.documents.get_mut(uri) else {
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
            self.diagnostics_ready(uri);
            return;
        }
        let checker = workspace.checker.clone();
        let scope = workspace.scope.clone();
        let relative = match &document.path {
            Some(path) => workspace.relative(path).to_path_buf(),
            None => untitled_path(&document.language_id),
        };
        let absolute = document.path.clone();
        let text: Arc<str> = Arc::from(document.text.as_str());
        let version = document.version;
        let old_tree = document.tree.clone();
        let sender = self.events.0.clone();
        let uri = uri.clone();
        self.in_flight.insert(uri.clone());
        self.pool.spawn(move || {
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
            let _ = sender.send(Event::Checked {
                uri,
                version,
                generation,
                text,
                findings,
            });
        });
    }

    /// Checks a document now, on this thread, unless its last check is current (code actions and hover need
    /// the findings of the version they are asked about).
    pub(crate) fn current_check(&mut self, uri: &Uri) -> Option<&Checked> {
        let generation = self.generation;
        let is_current = self.documents.get(uri).is_some_and(|d| {
            d.checked
                .as_ref()
                .is_some_and(|c| c.version == d.version && c.generation == generation)
        });
        if !is_current {
            let workspace_idx = self.workspace_of_uri(uri);
            let workspace = self.workspaces.get(workspace_idx)?;
            let document = self.documents.get_mut(uri)?;
            let relative = match &document.path {
                Some(path) => workspace.relative(path).to_path_buf(),
                None => untitled_path(&document.language_id),
            };
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
        self.documents.get(uri).and_then(|d| d.checked.as_ref())
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Checked {
                uri,
                version,
                generation,
                text,
                findings,
            } => {
                self.in_flight.remove(&uri);
                let current_generation = self.generation;
                let Some(document) = self.documents.get_mut(&uri) else {
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
                    self.log(
                        MessageType::ERROR,
                        format!("internal error checking {}: {panic}", uri.as_str()),
                    );
                }
                self.diagnostics_ready(&uri);
            }
            Event::Scanned {
                root,
                generation,
                findings,
            } => {
                self.scans_in_flight.remove(&root);
                if generation != self.generation {
                    self.start_scan_of(&root);
                    return;
                }
                match findings {
                    Ok(Some(findings)) => {
                        self.repository_findings.insert(root.clone(), findings);
                        self.publish_workspace_diagnostics();
                    }
                    Ok(None) => {}
                    Err(panic) => self.log(
                        MessageType::ERROR,
                        format!("internal error scanning {}: {panic}", root.display()),
                    ),
                }
                if self.scan_again.remove(&root) {
                    self.start_scan_of(&root);
                }
            }
        }
    }

    /// A document's check for its current version is done: push its diagnostics, or answer the pulls.
    fn diagnostics_ready(&mut self, uri: &Uri) {
        let waiting: Vec<RequestId> = self
            .waiting_pulls
            .iter()
            .filter(|(_, u)| u == uri)
            .map(|(id, _)| id.clone())
            .collect();
        self.waiting_pulls.retain(|(_, u)| u != uri);
        if !waiting.is_empty() {
            let report = requests::document_diagnostic::full_report(self, uri);
            for id in waiting {
                self.respond(Response::new_ok(id, report.clone()));
            }
        }
        if !self.client.pull_diagnostics {
            self.publish(uri);
        }
    }

    /// Runs the repository-scope rules of every workspace (when the workspace opens, on save, on reload).
    pub(crate) fn start_scans(&mut self) {
        let roots: Vec<PathBuf> = self.workspaces.iter().map(|w| w.root.clone()).collect();
        for root in roots {
            self.start_scan_of(&root);
        }
    }

    pub(crate) fn start_scan_of(&mut self, root: &Path) {
        let Some(workspace) = self.workspaces.iter().find(|w| w.root == root) else {
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
        let open: HashMap<PathBuf, Arc<str>> = self
            .documents
            .values()
            .filter_map(|d| Some((d.path.clone()?, Arc::from(d.text.as_str()))))
            .collect();
        let cancelled = Arc::new(AtomicBool::new(false));
        self.scans_in_flight.insert(root.clone(), cancelled.clone());
        let generation = self.generation;
        let sender = self.events.0.clone();
        self.pool.spawn(move || {
            let findings =
                guarded(|| analysis::scan_repository(&checker, &config, &root, &open, &cancelled));
            let _ = sender.send(Event::Scanned {
                root,
                generation,
                findings,
            });
        });
    }

    // ---- diagnostics ----------------------------------------------------------------------------------------

    /// Everything hindsight reports on one file: the document's findings (when open), repository-scope
    /// findings, a broken rule file or configuration.
    pub(crate) fn diagnostics_for(&mut self, uri: &Uri) -> Vec<Diagnostic> {
        let path = self
            .documents
            .get(uri)
            .and_then(|d| d.path.clone())
            .or_else(|| uri::to_path(uri));
        let workspace_idx = self.workspace_index(path.as_deref());
        let mut out = Vec::new();
        let document = self.documents.get(uri);
        let Some(workspace) = self.workspaces.get(workspace_idx) else {
            return out;
        };
        if let Some(document) = document
            && let Some(checked) = &document.checked
        {
            if let Some((size, limit)) = checked.too_large {
                out.push(diagnostics::at_line(
                    None,
                    1,
                    1,
                    DiagnosticSeverity::INFORMATION,
                    format!(
                        "hindsight did not analyse this file: {size} bytes is over the {limit}-byte limit (`[files] max_size` in hindsight.toml)"
                    ),
                ));
            } else {
                let index = LineIndex::new(&checked.text, self.client.encoding);
                out.extend(checked.findings.iter().filter_map(|f| {
                    diagnostics::from_finding(workspace, &index, Some(checked.version), f)
                }));
            }
        }
        let Some(path) = path else {
            return out;
        };
        let disk_text = std::cell::OnceCell::new();
        let text = || -> Option<&str> {
            match document {
                Some(document) => Some(document.text.as_str()),
                None => disk_text
                    .get_or_init(|| std::fs::read_to_string(&path).ok())
                    .as_deref(),
            }
        };
        let version = document.map(|d| d.version);
        for workspace in &self.workspaces {
            if let Some(findings) = self.repository_findings.get(&workspace.root) {
                for finding in findings.iter().filter(|f| f.path == path) {
                    let index = LineIndex::new(text().unwrap_or(""), self.client.encoding);
                    out.extend(diagnostics::from_finding(
                        workspace, &index, version, finding,
                    ));
                }
            }
            for problem in workspace.load_problems() {
                if Path::new(&problem.path) == path {
                    let index = text().map(|t| LineIndex::new(t, self.client.encoding));
                    let diagnostic =
                        diagnostics::from_load_problem(workspace, index.as_ref(), problem);
                    if !out.contains(&diagnostic) {
                        out.push(diagnostic);
                    }
                }
            }
            if workspace.config_file.as_deref() == Some(path.as_path()) {
                let index = text().map(|t| LineIndex::new(t, self.client.encoding));
                if let Some((_, line, column, message)) = &workspace.config_problem {
                    out.push(diagnostics::at_line(
                        index.as_ref(),
                        *line,
                        *column,
                        DiagnosticSeverity::ERROR,
                        format!("invalid configuration, so hindsight uses its defaults: {message}"),
                    ));
                }
                let index = LineIndex::new(text().unwrap_or(""), self.client.encoding);
                for finding in workspace.checker.option_problems(&path) {
                    out.extend(diagnostics::from_finding(
                        workspace, &index, version, &finding,
                    ));
                }
            }
        }
        out
    }

    /// Files outside the open documents that have something to report (repository findings, broken rule files
    /// and configuration).
    pub(crate) fn workspace_diagnostic_paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = Vec::new();
        for workspace in &self.workspaces {
            if let Some(findings) = self.repository_findings.get(&workspace.root) {
                paths.extend(findings.iter().map(|f| f.path.clone()));
            }
            paths.extend(
                workspace
                    .load_problems()
                    .iter()
                    .map(|p| PathBuf::from(&p.path)),
            );
            if let Some(config) = &workspace.config_file
                && (workspace.config_problem.is_some()
                    || !workspace.checker.option_problems(config).is_empty())
            {
                paths.push(config.clone());
            }
        }
        paths.sort();
        paths.dedup();
        paths
    }

    /// Pushes one document's diagnostics.
    pub(crate) fn publish(&mut self, uri: &Uri) {
        let diagnostics = self.diagnostics_for(uri);
        let version = self.documents.get(uri).map(|d| d.version);
        if !self.documents.contains_key(uri) {
            if diagnostics.is_empty() {
                self.published.remove(uri);
            } else {
                self.published.insert(uri.clone());
            }
        }
        self.notify(
            "textDocument/publishDiagnostics",
            json!({"uri": uri, "diagnostics": diagnostics, "version": version}),
        );
    }

    /// Pushes (or, for pulling clients, asks to re-pull) everything that is not an open document's own
    /// check: repository findings, broken rule files, broken configuration; clears what went away.
    pub(crate) fn publish_workspace_diagnostics(&mut self) {
        if self.client.pull_diagnostics {
            if self.client.diagnostic_refresh {
                self.request(
                    "workspace/diagnostic/refresh",
                    Value::Null,
                    Outgoing::Ignored,
                );
            }
            return;
        }
        let mut uris: Vec<Uri> = self
            .workspace_diagnostic_paths()
            .iter()
            .filter_map(|path| self.uri_of_path(path))
            .collect();
        uris.extend(self.published.iter().cloned());
        uris.sort();
        uris.dedup();
        for uri in uris {
            // Open documents are published when their check ends.
            if !self.documents.contains_key(&uri) {
                self.publish(&uri);
            }
        }
    }

    /// The URI of a path: the open document's own URI when it is open (clients spell URIs differently).
    pub(crate) fn uri_of_path(&self, path: &Path) -> Option<Uri> {
        self.documents
            .values()
            .find(|d| d.path.as_deref() == Some(path))
            .map(|d| d.uri.clone())
            .or_else(|| uri::from_path(path))
    }

    /// Is this path an input of some workspace's rules (its `hindsight.toml`, a rule or policy file)?
    pub(crate) fn is_rule_input(&self, path: &Path) -> bool {
        self.workspaces.iter().any(|w| w.is_rule_input(path))
    }

    // ---- messages to the client -----------------------------------------------------------------------------

    pub(crate) fn respond(&self, response: Response) {
        let _ = self.sender.send(Message::Response(response));
    }

    pub(crate) fn notify(&self, method: &str, params: Value) {
        let _ = self.sender.send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )));
    }

    fn request(&mut self, method: &str, params: Value, kind: Outgoing) {
        self.next_request_id += 1;
        let id = RequestId::from(format!("hindsight-{}", self.next_request_id));
        self.outgoing.insert(id.clone(), kind);
        let _ = self.sender.send(Message::Request(Request::new(
            id,
            method.to_string(),
            params,
        )));
    }

    /// A request whose answer does not matter (`workspace/applyEdit`, `window/showDocument`).
    pub(crate) fn request_ignored(&mut self, method: &str, params: Value) {
        self.request(method, params, Outgoing::Ignored);
    }

    pub(crate) fn show(&self, kind: MessageType, message: String) {
        self.notify(
            "window/showMessage",
            json!({"type": kind, "message": message}),
        );
    }

    pub(crate) fn log(&self, kind: MessageType, message: String) {
        self.notify(
            "window/logMessage",
            json!({"type": kind, "message": message}),
        );
    }

    pub(crate) fn set_folders(&mut self, folders: Vec<PathBuf>) {
        if folders != self.folders {
            self.folders = folders;
            self.reload();
        }
    }

    pub(crate) fn folders(&self) -> &[PathBuf] {
        &self.folders
    }
}

fn with_params<P: serde::de::DeserializeOwned>(
    id: RequestId,
    params: Value,
    handler: impl FnOnce(RequestId, P) -> Option<Response>,
) -> Option<Response> {
    match serde_json::from_value(params) {
        Ok(params) => handler(id, params),
        Err(err) => Some(Response::new_err(
            id,
            ErrorCode::InvalidParams as i32,
            format!("invalid params: {err}"),
        )),
    }
}

/// The workspace folders of `initialize`: `workspaceFolders`, else the deprecated `rootUri`/`rootPath`.
fn folders_of(params: &Value) -> Vec<PathBuf> {
    if let Some(folders) = params.get("workspaceFolders").filter(|f| f.is_array()) {
        return folder_paths(folders);
    }
    if let Some(root) = params.get("rootUri").and_then(Value::as_str)
        && let Ok(uri) = root.parse::<Uri>()
        && let Some(path) = uri::to_path(&uri)
    {
        return vec![path];
    }
    params
        .get("rootPath")
        .and_then(Value::as_str)
        .map(|p| vec![PathBuf::from(p)])
        .unwrap_or_default()
}

/// Paths of a `WorkspaceFolder[]` value.
pub(crate) fn folder_paths(folders: &Value) -> Vec<PathBuf> {
    folders
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f.get("uri").and_then(Value::as_str))
        .filter_map(|u| u.parse::<Uri>().ok())
        .filter_map(|u| uri::to_path(&u))
        .collect()
}

/// A stand-in path for a document without one (`untitled:`), so its language is known.
fn untitled_path(language_id: &str) -> PathBuf {
    let extension = match language_id {
        "rust" => "rs",
        "yaml" => "yaml",
        "json" | "jsonc" => "json",
        "toml" => "toml",
        other => other,
    };
    PathBuf::from(format!("untitled.{extension}"))
}
