//! Rules judged from a trusted ref: `hindsight.toml` (rule selection, rollout stages, waivers) and rule files
//! read from a commit, so a pull request cannot weaken the rules that judge it.

use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, TreeWalkMode, TreeWalkResult};
use hindsight_engine::config::{CONFIG_FILE, Config};
use hindsight_engine::rule::LoadProblem;
use hindsight_engine::{RulePack, config::Waiver};

use crate::{GitError, Repo, Target};

/// The configuration of a ref, and where to read its rule files.
pub struct TrustedRules {
    /// The configuration read from the ref (`today` unset), or the default when the ref has none.
    pub config: Config,
    /// Where the configuration is, as shown (relative to the working directory); `None` when the ref has none.
    pub config_path: Option<PathBuf>,
    /// The ref as given.
    pub reference: String,
    tree: Oid,
    repo: Repo,
}

impl TrustedRules {
    /// Reads the configuration at `reference`: `explicit` (a path relative to `cwd`) when given, else the
    /// nearest `hindsight.toml` at or above `cwd` in the ref's tree.
    pub fn load(cwd: &Path, reference: &str, explicit: Option<&Path>) -> Result<Self, GitError> {
        let repo = Repo::discover(cwd)?;
        let tree = repo.tree_of(reference)?;
        let candidates: Vec<PathBuf> = match explicit {
            Some(path) => repo.repo_path(path).into_iter().collect(),
            None => {
                let mut dirs: Vec<PathBuf> =
                    repo.prefix.ancestors().map(Path::to_path_buf).collect();
                dirs.dedup();
                dirs.into_iter().map(|d| d.join(CONFIG_FILE)).collect()
            }
        };
        let mut found = None;
        for candidate in candidates {
            if let Some(bytes) = repo.file_in_tree(tree, &candidate)? {
                found = Some((candidate, String::from_utf8_lossy(&bytes).into_owned()));
                break;
            }
        }
        let (config, config_path) = match found {
            Some((repo_path, text)) => {
                let display = repo.display_path(&repo_path);
                let config = Config::parse(&display, &text).map_err(|source| GitError::Config {
                    reference: reference.to_string(),
                    source,
                })?;
                (config, Some(display))
            }
            None => (Config::default(), None),
        };
        Ok(Self {
            config,
            config_path,
            reference: reference.to_string(),
            tree,
            repo,
        })
    }

    /// `hindsight.toml` (or `no hindsight.toml`), as shown.
    pub fn config_display(&self) -> String {
        self.config_path
            .as_ref()
            .map_or_else(|| "no hindsight.toml".into(), |p| p.display().to_string())
    }

    /// Adds the rule files under `dir` (relative to the working directory) as they are at the ref, with their
    /// `.rego` siblings from the same tree. A directory the ref does not have is a load problem, as
    /// [`RulePack::add_dir`] makes one for a missing directory.
    pub fn add_rule_dir(&self, pack: &mut RulePack, dir: &Path) {
        let display_dir = dir.display().to_string();
        let files = match self.repo.repo_path(dir) {
            Some(repo_dir) => self.files_under(&repo_dir),
            None => Vec::new(),
        };
        if files.is_empty() {
            pack.add_problem(LoadProblem {
                path: display_dir,
                line: 1,
                column: 1,
                message: format!("rule directory does not exist at `{}`", self.reference),
                hint: Some(
                    "rules are read from the trusted ref (`--rules-from`): commit the rule directory there first"
                        .into(),
                ),
            });
            return;
        }
        for (path, text) in &files {
            let is_rule = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            );
            if !is_rule {
                continue;
            }
            let display = self.repo.display_path(path).display().to_string();
            let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let sibling = |name: &str| {
                let wanted = parent.join(name);
                files
                    .iter()
                    .find(|(p, _)| *p == wanted)
                    .map(|(p, t)| (self.repo.display_path(p).display().to_string(), t.clone()))
            };
            pack.add_file_with(&display, text, &sibling);
        }
    }

    /// Every file below `dir` (repository-relative) in the ref's tree, sorted by path.
    fn files_under(&self, dir: &Path) -> Vec<(PathBuf, String)> {
        let Ok(tree) = self.repo.repo.find_tree(self.tree) else {
            return Vec::new();
        };
        let subtree = if dir.as_os_str().is_empty() {
            Some(tree)
        } else {
            tree.get_path(dir)
                .ok()
                .and_then(|entry| self.repo.repo.find_tree(entry.id()).ok())
        };
        let Some(subtree) = subtree else {
            return Vec::new();
        };
        let mut files = Vec::new();
        let _ = subtree.walk(TreeWalkMode::PreOrder, |parent, entry| {
            if entry.kind() == Some(ObjectType::Blob)
                && let Ok(name) = entry.name()
                && let Ok(blob) = self.repo.repo.find_blob(entry.id())
            {
                let path = dir.join(parent).join(name);
                files.push((path, String::from_utf8_lossy(blob.content()).into_owned()));
            }
            TreeWalkResult::Ok
        });
        files.sort();
        files
    }

    /// What the working tree changes in the rules that judge it, compared with the ref: the configuration's
    /// rule selection, severities, rollout stages and waivers, and the rule files under `rule_dirs`. One line
    /// each, for reviewers.
    pub fn changes(&self, current: Option<&Config>, rule_dirs: &[PathBuf]) -> Vec<String> {
        let mut out = Vec::new();
        let none = Config::default();
        let current = current.unwrap_or(&none);
        let trusted = &self.config;
        let reference = &self.reference;
        let mut differs = |what: &str, old: String, new: String| {
            if old != new {
                out.push(format!("{what} changes from {old} at {reference} to {new}"));
            }
        };
        differs(
            "`[rules] disable`",
            format!("{:?}", trusted.disable),
            format!("{:?}", current.disable),
        );
        differs(
            "`[rules] enable`",
            format!("{:?}", trusted.enable),
            format!("{:?}", current.enable),
        );
        differs(
            "`[rules] severity`",
            format!("{:?}", trusted.severity),
            format!("{:?}", current.severity),
        );
        differs(
            "`[files] exclude`",
            format!("{:?}", trusted.exclude),
            format!("{:?}", current.exclude),
        );
        let rollout = |c: &Config| {
            c.rollout
                .iter()
                .map(|r| {
                    format!(
                        "{} {}{}{}{}",
                        r.rule,
                        r.stage.map_or("", |s| s.as_str()),
                        r.warn_from
                            .as_ref()
                            .map(|d| format!(" warn_from {d}"))
                            .unwrap_or_default(),
                        r.enforce_from
                            .as_ref()
                            .map(|d| format!(" enforce_from {d}"))
                            .unwrap_or_default(),
                        if r.paths.is_empty() {
                            String::new()
                        } else {
                            format!(" in {}", r.paths.join(", "))
                        }
                    )
                })
                .collect::<Vec<_>>()
        };
        differs(
            "`[[rollout]]`",
            format!("{:?}", rollout(trusted)),
            format!("{:?}", rollout(current)),
        );
        for line in waiver_changes(&trusted.waivers, &current.waivers) {
            out.push(line);
        }
        // Rule files: what the working tree has that differs from the ref.
        let pathspecs: Vec<PathBuf> = rule_dirs
            .iter()
            .filter_map(|d| self.repo.repo_path(d))
            .collect();
        if !pathspecs.is_empty()
            && let Ok((changed, deleted)) =
                self.repo
                    .changes(Some(self.tree), Target::WorkingTree, &pathspecs)
        {
            for file in changed {
                let what = if file.added { "is new" } else { "differs" };
                out.push(format!(
                    "{} {what} in this change; the check uses its version at {reference}",
                    self.repo.display_path(&file.path).display()
                ));
            }
            for path in deleted {
                out.push(format!(
                    "{} is deleted in this change; the check uses its version at {reference}",
                    self.repo.display_path(&path).display()
                ));
            }
        }
        out
    }
}

/// One line per waiver added or removed between two configurations, with its reason and owner.
pub fn waiver_changes(before: &[Waiver], after: &[Waiver]) -> Vec<String> {
    let describe = |w: &Waiver| {
        let ticket = w
            .ticket
            .as_ref()
            .map(|t| format!(", {t}"))
            .unwrap_or_default();
        format!(
            "{} (owner {}{ticket}, until {}): {}",
            w.scope(),
            w.owner,
            w.expires,
            w.reason
        )
    };
    let mut out = Vec::new();
    for waiver in after {
        if !before.iter().any(|b| b.key() == waiver.key()) {
            out.push(format!("new waiver: {}", describe(waiver)));
        }
    }
    for waiver in before {
        if !after.iter().any(|a| a.key() == waiver.key()) {
            out.push(format!("waiver removed: {}", describe(waiver)));
        }
    }
    out
}
