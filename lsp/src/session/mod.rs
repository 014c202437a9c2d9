//! The server's state, owned by the main loop: the lifecycle, what the client can do and has configured, the
//! workspace folders with their rules, the open documents with their last check, and the repository-scope
//! findings. Handlers (`api/`) and the scheduler (`schedule/`) read and change it; it knows neither of them.
//!
//! `document.rs` is one open document, `workspace.rs` one workspace folder, `settings.rs` and
//! `capabilities.rs` what the client configured and can do, `diagnostics.rs` one finding as an LSP diagnostic
//! and `reports.rs` everything hindsight reports on one file.

pub(crate) mod capabilities;
pub(crate) mod diagnostics;
mod document;
mod reports;
pub(crate) mod settings;
pub(crate) mod workspace;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use hindsight_engine::Finding;
use lsp_types::{MessageType, Uri};
use serde_json::Value;

use crate::client::Client;
use crate::uri;

pub(crate) use capabilities::ClientCaps;
pub(crate) use document::{Checked, Document};
pub(crate) use settings::Settings;
pub(crate) use workspace::Workspace;

/// What the embedding binary provides.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Today's date (`YYYY-MM-DD`) for suppression expiry: the server reads no clock of its own.
    pub today: fn() -> String,
}

/// Everything the server knows, in one place.
pub(crate) struct Session {
    options: Options,
    /// What the client can do (from `initialize`).
    pub(crate) client_caps: ClientCaps,
    pub(crate) settings: Settings,
    /// `initialize` was answered: other requests and notifications are served.
    pub(crate) initialized: bool,
    /// `shutdown` was answered: only `exit` is left.
    pub(crate) shutdown_requested: bool,
    /// Workspace folders the client named (absolute).
    folders: Vec<PathBuf>,
    /// Roots of files opened outside every folder.
    detached_roots: Vec<PathBuf>,
    /// One per folder, plus one per detached root.
    pub(crate) workspaces: Vec<Workspace>,
    /// Bumped on every reload: results computed under older rules are dropped.
    pub(crate) generation: u64,
    pub(crate) documents: HashMap<Uri, Document>,
    /// Repository-scope findings per workspace root (absolute paths).
    pub(crate) repository_findings: HashMap<PathBuf, Vec<Finding>>,
    /// URIs that have non-document diagnostics pushed (repository findings, broken rule files), to clear.
    pub(crate) published: HashSet<Uri>,
    /// Load problems already announced with `window/showMessage`.
    announced: HashSet<String>,
}

impl Session {
    pub(crate) fn new(options: Options) -> Session {
        Session {
            options,
            client_caps: ClientCaps::from_json(&Value::Null),
            settings: Settings::default(),
            initialized: false,
            shutdown_requested: false,
            folders: Vec::new(),
            detached_roots: Vec::new(),
            workspaces: Vec::new(),
            generation: 0,
            documents: HashMap::new(),
            repository_findings: HashMap::new(),
            published: HashSet::new(),
            announced: HashSet::new(),
        }
    }

    pub(crate) fn folders(&self) -> &[PathBuf] {
        &self.folders
    }

    /// Replaces the workspace folders; `true` when they changed (and the rules must be reloaded).
    pub(crate) fn set_folders(&mut self, folders: Vec<PathBuf>) -> bool {
        if folders == self.folders {
            return false;
        }
        self.folders = folders;
        true
    }

    /// How long to wait after a change before checking.
    pub(crate) fn debounce(&self) -> Duration {
        Duration::from_millis(self.settings.debounce_ms)
    }

    /// Is the document's last check of its current version, under the current rules?
    pub(crate) fn is_current(&self, uri: &Uri) -> bool {
        self.documents
            .get(uri)
            .is_some_and(|d| d.is_checked_at(self.generation))
    }

    /// (Re)loads every workspace's configuration and rules; newly broken files are announced.
    pub(crate) fn load_workspaces(&mut self, client: &Client) {
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
        self.announce_load_problems(client);
    }

    /// The index of the workspace a path belongs to; a path outside every folder gets a workspace rooted at
    /// its `hindsight.toml` (or its directory).
    pub(crate) fn workspace_index(&mut self, client: &Client, path: Option<&Path>) -> usize {
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
        self.announce_load_problems(client);
        self.workspaces.len() - 1
    }

    /// The index of the workspace of a document (open or not).
    pub(crate) fn workspace_of_uri(&mut self, client: &Client, uri: &Uri) -> usize {
        let path = self.path_of(uri);
        self.workspace_index(client, path.as_deref())
    }

    /// The path of a URI: the open document's, else the URI's own.
    pub(crate) fn path_of(&self, uri: &Uri) -> Option<PathBuf> {
        self.documents
            .get(uri)
            .and_then(|d| d.path.clone())
            .or_else(|| uri::to_path(uri))
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

    /// Shows the rule and configuration files that failed to load, once each.
    fn announce_load_problems(&mut self, client: &Client) {
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
            client.show(MessageType::ERROR, load_problems_message(&fresh));
        }
    }
}

/// The one message that announces newly broken rule or configuration files.
fn load_problems_message(fresh: &[String]) -> String {
    let what = if fresh.len() == 1 { "file" } else { "files" };
    format!(
        "hindsight: {} rule or configuration {what} failed to load and {} skipped; every other rule still runs. {}",
        fresh.len(),
        if fresh.len() == 1 { "is" } else { "are" },
        fresh.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_load_problems_message_counts_the_files() {
        let one = load_problems_message(&["a.yaml:3: bad".to_string()]);
        assert_eq!(
            one,
            "hindsight: 1 rule or configuration file failed to load and is skipped; every other rule still runs. a.yaml:3: bad"
        );
        let two = load_problems_message(&["a:1: x".to_string(), "b:2: y".to_string()]);
        assert!(
            two.starts_with(
                "hindsight: 2 rule or configuration files failed to load and are skipped;"
            ) && two.ends_with("a:1: x; b:2: y"),
            "{two}"
        );
    }

    #[test]
    fn folders_change_only_when_they_differ() {
        let mut session = Session::new(Options {
            today: || "2026-06-01".to_string(),
        });
        assert!(!session.set_folders(Vec::new()));
        assert!(session.set_folders(vec![PathBuf::from("/a")]));
        assert!(!session.set_folders(vec![PathBuf::from("/a")]));
        assert_eq!(session.folders(), [PathBuf::from("/a")]);
    }
}
