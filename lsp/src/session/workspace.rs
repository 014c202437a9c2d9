//! One workspace folder: its configuration, its rule pack compiled into a checker, and the files whose change
//! means a reload (`hindsight.toml`, the rule directories).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use hindsight_engine::config::{CONFIG_FILE, ConfigError};
use hindsight_engine::data::DataFormat;
use hindsight_engine::rule::LoadProblem;
use hindsight_engine::source::scope::{Role, ScopeResolver};
use hindsight_engine::walk::WalkOptions;
use hindsight_engine::{Checker, Config, RulePack};
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::settings::Settings;

/// Where the rule pages of the docs site (`hindsight docs --out target/hindsight-docs`) are, relative to a
/// workspace: `<CODE>.html` each.
const LOCAL_RULE_PAGES: &str = "target/hindsight-docs/rules";

pub(crate) struct Workspace {
    /// Absolute root folder.
    pub(crate) root: PathBuf,
    pub(crate) config: Config,
    pub(crate) checker: Arc<Checker>,
    /// What each file is for (test code, fixtures, ...).
    pub(crate) scope: Arc<Scope>,
    /// The configuration file in use, if any (absolute).
    pub(crate) config_file: Option<PathBuf>,
    /// Why the configuration file could not be used: file, line, column, message.
    pub(crate) config_problem: Option<(PathBuf, usize, usize, String)>,
    /// Rule directories loaded (absolute): a change below one reloads.
    pub(crate) rule_dirs: Vec<PathBuf>,
    /// `<base><CODE>.html` is a rule's page, when there is a docs site.
    pub(crate) docs_base: Option<String>,
    /// Does any enabled rule look at every document of the workspace at once?
    pub(crate) has_repository_rules: bool,
    /// `[files] exclude` of the configuration.
    excludes: Option<Gitignore>,
}

impl Workspace {
    /// Loads the configuration and rule packs for a folder. Never fails: a broken `hindsight.toml` is
    /// reported and the defaults apply; a broken rule file is a load problem and the other rules still load.
    pub(crate) fn load(root: &Path, settings: &Settings, today: String) -> Workspace {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let config_file = match &settings.config_path {
            Some(path) => Some(Settings::resolve(&root, path)),
            None => Config::discover(&root),
        };
        let (mut config, config_problem) = match &config_file {
            Some(path) => match Config::load(path) {
                Ok(config) => (config, None),
                Err(ConfigError::Invalid {
                    path,
                    line,
                    column,
                    message,
                }) => (Config::default(), Some((path, line, column, message))),
                Err(err @ ConfigError::Read { .. }) => (
                    Config::default(),
                    Some((path.clone(), 1, 1, err.to_string())),
                ),
            },
            None => (Config::default(), None),
        };
        config.today = Some(today);
        // The workspace's repository, as `hindsight check` finds it from the checked path: read once, when the
        // workspace loads.
        config.repository = hindsight_engine::repository::Repository::discover(&root);
        let mut pack = RulePack::new();
        pack.add_builtin();
        let mut rule_dirs: Vec<PathBuf> = config
            .rule_dirs
            .iter()
            .map(|dir| Settings::resolve(&root, dir))
            .collect();
        rule_dirs.extend(
            settings
                .rule_dirs
                .iter()
                .map(|dir| Settings::resolve(&root, dir)),
        );
        for dir in &rule_dirs {
            pack.add_dir(dir);
        }
        let checker = Checker::new(Arc::new(pack), &config);
        let has_repository_rules = checker
            .active_rules()
            .any(|(rule, _)| rule.is_repository_scope());
        // The editor's setting, else the team's hosted docs site (`[docs] url` in hindsight.toml), else the
        // pages `hindsight docs` wrote into the workspace.
        let hosted = config.docs_url.as_ref().map(|url| format!("{url}rules/"));
        let docs_base = settings.docs_base_url.clone().or(hosted).or_else(|| {
            let local = root.join(LOCAL_RULE_PAGES);
            local
                .is_dir()
                .then(|| crate::uri::from_path(&local))
                .flatten()
                .map(|uri| format!("{}/", uri.as_str().trim_end_matches('/')))
        });
        let excludes = (!config.exclude.is_empty())
            .then(|| {
                let mut builder = GitignoreBuilder::new(&config.base_dir);
                for pattern in &config.exclude {
                    // A bad pattern is reported by `hindsight check`; here it excludes nothing.
                    let _ = builder.add_line(None, pattern);
                }
                builder.build().ok()
            })
            .flatten();
        let workspace = Workspace {
            scope: Arc::new(Scope::new(&root, &config)),
            root,
            excludes,
            config,
            checker: Arc::new(checker),
            config_file,
            config_problem,
            rule_dirs,
            docs_base,
            has_repository_rules,
        };
        workspace.index_terraform();
        workspace
    }

    /// Does a change to this file mean the rules or the configuration must be reloaded?
    pub(crate) fn is_rule_input(&self, path: &Path) -> bool {
        let is_config = path.file_name().is_some_and(|name| name == CONFIG_FILE)
            && path.starts_with(&self.root);
        is_config
            || self.config_file.as_deref() == Some(path)
            || self.rule_dirs.iter().any(|dir| path.starts_with(dir))
    }

    /// Is the file excluded by `[files] exclude`?
    pub(crate) fn is_excluded(&self, path: &Path) -> bool {
        self.excludes.as_ref().is_some_and(|excludes| {
            path.starts_with(excludes.path())
                && excludes
                    .matched_path_or_any_parents(path, false)
                    .is_ignore()
        })
    }

    /// Rule files that failed to load.
    /// Reads the workspace's Terraform files for the values their modules' variables take
    /// ([`hindsight_engine::data::terraform`]), as `hindsight check` does for a run: when the workspace loads
    /// and when a Terraform file is saved. A workspace whose rules read no HCL reads nothing.
    pub(crate) fn index_terraform(&self) {
        use hindsight_engine::data::terraform::TerraformIndex;
        use hindsight_engine::walk;
        if !self.checker.formats().contains(&DataFormat::Hcl) {
            return;
        }
        let options = data_walk(&self.config, vec![DataFormat::Hcl]);
        let (files, _problems) = walk::discover(std::slice::from_ref(&self.root), &options);
        // Relative to the root, as the documents are checked, so messages name files as `hindsight check` does.
        let relative = files.iter().map(|entry| {
            let path = entry.path.strip_prefix(&self.root).unwrap_or(&entry.path);
            (path, entry.scope.role)
        });
        let index = TerraformIndex::build(&self.root, relative);
        self.checker.set_terraform(Arc::new(index));
    }

    pub(crate) fn load_problems(&self) -> &[LoadProblem] {
        self.checker.pack().problems()
    }

    /// The path a finding is reported under: relative to the root, as `hindsight check` run at the root shows it.
    pub(crate) fn relative<'p>(&self, path: &'p Path) -> &'p Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }

    /// The page of a rule on the docs site, else the first incident's post-mortem, else its first reference.
    pub(crate) fn docs_url(&self, code: &str) -> Option<String> {
        if let Some(base) = &self.docs_base {
            return Some(format!("{base}{code}.html"));
        }
        let rule = self.checker.pack().get(code)?;
        rule.incidents
            .first()
            .and_then(|incident| incident.public_url().map(str::to_string))
            .or_else(|| {
                rule.docs
                    .references
                    .iter()
                    .find(|r| r.starts_with("https://") || r.starts_with("http://"))
                    .cloned()
            })
    }
}

/// What the files of a workspace are for, decided as `hindsight check` run at its root decides it
/// ([`hindsight_engine::source::scope`]); what it reads (package manifests, parent modules) is remembered until the
/// workspace reloads. Shared with the worker threads.
pub(crate) struct Scope {
    root: PathBuf,
    resolver: Mutex<ScopeResolver>,
}

impl Scope {
    fn new(root: &Path, config: &Config) -> Self {
        Self {
            root: root.to_path_buf(),
            resolver: Mutex::new(ScopeResolver::new(config.scope.clone())),
        }
    }

    /// The role of the file at `path` (absolute).
    pub(crate) fn role_of(&self, path: &Path) -> Role {
        // A panic while classifying leaves the memo as it was: still usable.
        let mut resolver = self
            .resolver
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        resolver.classify(path, &self.root).role
    }
}

/// A walk for configuration files of these formats, with the workspace configuration's excludes and scope.
pub(crate) fn data_walk(config: &Config, formats: Vec<DataFormat>) -> WalkOptions {
    WalkOptions {
        excludes: vec![(config.base_dir.clone(), config.exclude.clone())],
        languages: Vec::new(),
        formats,
        scope: config.scope.clone(),
    }
}
