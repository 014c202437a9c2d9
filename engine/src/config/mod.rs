//! `hindsight.toml`: which rules run, how severe they are, extra rule packs and which files are skipped.
//!
//! ```toml
//! [rules]
//! disable = ["HS1002"]          # codes, code prefixes ("HS6") or rule ids
//! enable = []                   # when set, only these (most specific selector wins)
//! dirs = ["codex/rules"]        # extra rule packs, relative to this file
//! severity = { HS1001 = "warning" }
//!
//! [rules.options.HS2001]             # options of a Rego rule, as `data.hindsight.options`
//! max_unavailable_percent = 25
//!
//! profile = "strict"           # every rule's broad form (`strict:` in rule files); default: the narrow one
//!
//! [files]
//! exclude = ["vendor/", "*.generated.rs"]   # gitignore syntax, relative to this file
//! max_size = 8388608                         # bytes (the default, 8 MiB); larger files are skipped with a note
//!
//! [scope]                            # what files are for, over the conventions (`hindsight scope` shows both)
//! production = ["examples/server/"]  # checked as production code although under `examples/`
//! test = ["qa/**"]                   # also `example`, `tooling`, `vendored`: rules that skip test code skip these
//!
//! [[rollout]]                        # staged rollout of a rule: shadow → warn → enforce
//! rule = "HS1007"                    # a code, a code prefix or a rule id
//! stage = "shadow"                   # until the dates below (default: the rule file's stage)
//! warn_from = "2026-07-01"
//! enforce_from = "2026-09-01"
//! paths = ["src/parser/**"]          # optional: only here (globs, relative to this file)
//!
//! [docs]
//! url = "https://codex.example.com/" # the team's copy of `hindsight docs`: lesson links in reviews point here
//!
//! [[waiver]]                         # a known exemption, with who answers for it and until when
//! rule = "HS1001"
//! paths = ["src/legacy/**"]          # and/or fingerprints = ["95e79940c483c2c3"]
//! reason = "replaced by the new loader in Q3"
//! owner = "team-ingest"
//! expires = "2027-03-31"
//! ticket = "ING-42"                  # optional
//! ```

mod parse;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::finding::Severity;
use crate::rule::{Rule, Stage};
use crate::source::scope::ScopeOverrides;

/// The configuration file name, looked for from the checked path upwards.
pub const CONFIG_FILE: &str = "hindsight.toml";

/// Default cap on the size of a checked file: 8 MiB. The files that matter most in a manifests repository are
/// often its biggest, bundled installs of several MiB (argo-cd's `manifests/install.yaml` and its variants,
/// 1.9-2.0 MB; kube-prometheus' `grafana-dashboardDefinitions.yaml`, 1.05 MB), and a check reads about
/// 15 MB/s of YAML (release build), so the cap keeps one pathological file under a second.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// Effective configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file it was read from, if any.
    pub path: Option<PathBuf>,
    /// Directory that relative paths in the file are relative to.
    pub base_dir: PathBuf,
    /// Selectors of rules to run; empty means all.
    pub enable: Vec<String>,
    /// Selectors of rules not to run.
    pub disable: Vec<String>,
    /// Severity overrides by selector.
    pub severity: BTreeMap<String, Severity>,
    /// Options for Rego rules by code or id, passed to the policy as `data.hindsight.options` (over the rule
    /// file's defaults).
    pub options: BTreeMap<String, serde_json::Map<String, serde_json::Value>>,
    /// Extra rule directories, resolved against `base_dir`.
    pub rule_dirs: Vec<PathBuf>,
    /// Gitignore-style exclude patterns, relative to `base_dir`.
    pub exclude: Vec<String>,
    /// Files larger than this are skipped.
    pub max_file_size: u64,
    /// Today's date (`YYYY-MM-DD`), for suppression expiry. Set by the caller: the engine reads no clock.
    pub today: Option<String>,
    /// The repository checked, as its git remotes name it (`data.hindsight.repository` in policies). Set by
    /// the caller, from the checked path ([`crate::repository::Repository::discover`]); not a key of the file.
    pub repository: Option<crate::repository::Repository>,
    /// Parse macro arguments as Rust so rules see inside them (on by default; off only to measure its cost).
    pub expand_macros: bool,
    /// `[[rollout]]` entries, in file order.
    pub rollout: Vec<Rollout>,
    /// `[[waiver]]` entries, in file order.
    pub waivers: Vec<Waiver>,
    /// `[scope]`: globs that give files a role whatever the conventions say.
    pub scope: ScopeOverrides,
    /// Which form of the rules runs: the default narrow one, or the broad `strict` one.
    pub profile: Profile,
    /// `[render]` and `[[helm]]`: how Helm charts and Kustomize overlays are rendered before checking.
    pub render: Render,
    /// `[docs] url`: where the team hosts the docs site (ends in `/`), so links to lessons point at it.
    pub docs_url: Option<String>,
}

/// How charts and overlays are rendered (`[render]`, `[[helm]]`). The engine only carries it: rendering runs
/// the user's `helm` or `kustomize`, which the command line does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Render {
    /// How long one `helm template` or `kustomize build` may run before it is killed.
    pub timeout: std::time::Duration,
    /// `[[helm]]` entries, in file order.
    pub helm: Vec<HelmChart>,
}

impl Default for Render {
    fn default() -> Self {
        Self {
            timeout: std::time::Duration::from_secs(DEFAULT_RENDER_TIMEOUT_SECS),
            helm: Vec::new(),
        }
    }
}

/// Seconds a rendering tool may run by default: a chart renders in well under a second, so a minute means
/// it hangs (a `lookup` waiting for a cluster, a plugin waiting for input).
pub const DEFAULT_RENDER_TIMEOUT_SECS: u64 = 60;

/// A `[[helm]]` entry: values files a chart is rendered with, beside its own `values.yaml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelmChart {
    /// The chart directory (the one holding `Chart.yaml`), resolved against the configuration's directory.
    pub chart: PathBuf,
    /// Values files, resolved against the chart directory, passed as `--values` in this order.
    pub values: Vec<PathBuf>,
    /// The release name (`helm template NAME`); helm's `release-name` when unset.
    pub release: Option<String>,
    /// The namespace (`--namespace`).
    pub namespace: Option<String>,
    /// API versions the cluster serves beyond helm's built-in set (`--api-versions`), for charts that ask
    /// `.Capabilities.APIVersions.Has` (CRDs such as `monitoring.coreos.com/v1`).
    pub api_versions: Vec<String>,
    /// The entry's line in `hindsight.toml`.
    pub line: usize,
}

/// The rule profile: which form of each rule runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Each rule's own matcher: the shapes worth a developer's time on any codebase.
    #[default]
    Default,
    /// Rules with a `strict:` form run it: the letter of the lesson (every `.unwrap()` outside tests), for
    /// teams that want it.
    Strict,
}

impl Profile {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Default => "default",
            Profile::Strict => "strict",
        }
    }
}

/// A `[[rollout]]` entry: the stage of some rules, possibly only under some paths, changing on dates.
#[derive(Clone, Debug)]
pub struct Rollout {
    /// Code, code prefix or rule id.
    pub rule: String,
    /// Stage before the dates (default: the rule file's stage, or shadow when a date is given).
    pub stage: Option<Stage>,
    /// From this date (`YYYY-MM-DD`) on, at least `warn`.
    pub warn_from: Option<String>,
    /// From this date on, `enforce`.
    pub enforce_from: Option<String>,
    /// Globs (relative to the configuration file) the entry is limited to; empty means everywhere.
    pub paths: Vec<String>,
    paths_set: Option<globset::GlobSet>,
    /// 1-based line of the entry.
    pub line: usize,
}

/// A `[[waiver]]` entry: findings of a rule that are accepted for now, with a reason, an owner and an expiry.
#[derive(Clone, Debug)]
pub struct Waiver {
    /// Code, code prefix or rule id.
    pub rule: String,
    /// Globs (relative to the configuration file) of the files it covers.
    pub paths: Vec<String>,
    /// Fingerprints of the findings it covers.
    pub fingerprints: Vec<String>,
    /// Why the findings are accepted.
    pub reason: String,
    /// Who answers for them.
    pub owner: String,
    /// Last day it suppresses (`YYYY-MM-DD`).
    pub expires: String,
    /// The ticket tracking the debt.
    pub ticket: Option<String>,
    /// 1-based line of the entry.
    pub line: usize,
    paths_set: Option<globset::GlobSet>,
}

impl Waiver {
    /// Is it past its expiry date? (`today` is `YYYY-MM-DD`; unknown today never expires.)
    pub fn expired(&self, today: Option<&str>) -> bool {
        today.is_some_and(|today| self.expires.as_str() < today)
    }

    /// Everything the entry says, for comparing the waivers of two versions of a configuration.
    pub fn key(&self) -> impl std::hash::Hash + Ord + use<> {
        (
            self.rule.clone(),
            self.paths.clone(),
            self.fingerprints.clone(),
            self.reason.clone(),
            self.owner.clone(),
            self.expires.clone(),
            self.ticket.clone(),
        )
    }

    /// `HS1001 in src/legacy/**` or `HS1001 (2 fingerprints)`: what the waiver covers.
    pub fn scope(&self) -> String {
        let mut parts = Vec::new();
        if !self.paths.is_empty() {
            parts.push(format!("in {}", self.paths.join(", ")));
        }
        if !self.fingerprints.is_empty() {
            parts.push(format!("fingerprints {}", self.fingerprints.join(", ")));
        }
        format!("{} {}", self.rule, parts.join(" and "))
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            path: None,
            base_dir: PathBuf::from("."),
            enable: Vec::new(),
            disable: Vec::new(),
            severity: BTreeMap::new(),
            options: BTreeMap::new(),
            rule_dirs: Vec::new(),
            exclude: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            today: None,
            repository: None,
            expand_macros: true,
            rollout: Vec::new(),
            waivers: Vec::new(),
            scope: ScopeOverrides::default(),
            profile: Profile::Default,
            render: Render::default(),
            docs_url: None,
        }
    }
}

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: could not read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid configuration.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, naming the key.
        message: String,
    },
}

impl Config {
    /// Parses configuration text read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        parse::parse(path, text)
    }

    /// Reads configuration from a file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Finds `hindsight.toml` in `start` (a file or directory) or its ancestors.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = if start.is_dir() {
            start.to_path_buf()
        } else {
            start.parent()?.to_path_buf()
        };
        let absolute = std::path::absolute(&start).unwrap_or(start);
        absolute
            .ancestors()
            .map(|dir| dir.join(CONFIG_FILE))
            .find(|candidate| candidate.is_file())
    }

    /// Is the rule switched on? The most specific matching selector in `enable`/`disable` decides;
    /// with none matching, a rule is on unless `enable` lists something.
    pub fn is_enabled(&self, rule: &Rule) -> bool {
        let best =
            |selectors: &[String]| selectors.iter().filter_map(|s| specificity(s, rule)).max();
        match (best(&self.enable), best(&self.disable)) {
            (Some(on), Some(off)) => on > off,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => self.enable.is_empty(),
        }
    }

    /// Options configured for the rule (by code or id), if any.
    pub fn options_for(&self, rule: &Rule) -> Option<&serde_json::Map<String, serde_json::Value>> {
        self.options
            .get(&*rule.code)
            .or_else(|| self.options.get(&*rule.id))
    }

    /// The rollout stage of `rule` for a finding at `path` (relative to the working directory, or absolute):
    /// the most specific `[[rollout]]` entry that names the rule and whose `paths` match (an entry with paths
    /// beats one without; a later entry beats an earlier one), moved on by its dates; the rule file's stage
    /// when no entry applies.
    pub fn stage_for(&self, rule: &Rule, path: &Path) -> Stage {
        self.stage_declared(rule, rule.stage, path)
    }

    /// [`Config::stage_for`] for a finding whose rule file declares `declared` for it: a form in another
    /// language may ship in an earlier stage than the rule's own.
    pub fn stage_declared(&self, rule: &Rule, declared: Stage, path: &Path) -> Stage {
        let relative = self.relative(path);
        self.stage_where(rule, declared, |set| set.is_match(&relative))
    }

    /// [`Config::stage_for`] where `in_scope` says whether a path-scoped entry's globs cover the place asked
    /// about.
    fn stage_where(
        &self,
        rule: &Rule,
        declared: Stage,
        in_scope: impl Fn(&globset::GlobSet) -> bool,
    ) -> Stage {
        let best = self
            .rollout
            .iter()
            .enumerate()
            .filter_map(|(order, entry)| {
                let specificity = specificity(&entry.rule, rule)?;
                let scoped = match &entry.paths_set {
                    Some(set) => {
                        if !in_scope(set) {
                            return None;
                        }
                        1
                    }
                    None => 0,
                };
                Some(((scoped, specificity, order), entry))
            })
            .max_by_key(|(key, _)| *key)
            .map(|(_, entry)| entry);
        let Some(entry) = best else {
            return declared;
        };
        let dated = entry.warn_from.is_some() || entry.enforce_from.is_some();
        let mut stage = entry
            .stage
            .unwrap_or(if dated { Stage::Shadow } else { declared });
        if let Some(today) = self.today.as_deref() {
            if entry.warn_from.as_deref().is_some_and(|d| d <= today) {
                stage = stage.max(Stage::Warn);
            }
            if entry.enforce_from.as_deref().is_some_and(|d| d <= today) {
                stage = Stage::Enforce;
            }
        }
        stage
    }

    /// The stage of `rule` wherever no path-scoped `[[rollout]]` entry applies (dates counted), and how many
    /// path-scoped entries give it a stage of their own somewhere: what `hindsight rules` shows.
    pub fn configured_stage(&self, rule: &Rule) -> (Stage, usize) {
        let scoped = self
            .rollout
            .iter()
            .filter(|entry| entry.paths_set.is_some() && specificity(&entry.rule, rule).is_some())
            .count();
        (self.stage_where(rule, rule.stage, |_| false), scoped)
    }

    /// The first unexpired waiver that covers a finding of `rule` at `path` with `fingerprint`.
    pub fn waiver_for(&self, rule: &Rule, path: &Path, fingerprint: &str) -> Option<&Waiver> {
        let today = self.today.as_deref();
        let relative = self.relative(path);
        self.waivers.iter().find(|waiver| {
            !waiver.expired(today)
                && specificity(&waiver.rule, rule).is_some()
                && (waiver.fingerprints.iter().any(|f| f == fingerprint)
                    || waiver
                        .paths_set
                        .as_ref()
                        .is_some_and(|set| set.is_match(&relative)))
        })
    }

    /// `path` relative to the configuration's directory when it is below it, else as given: what the globs
    /// of `[[rollout]]` and `[[waiver]]` match.
    fn relative(&self, path: &Path) -> PathBuf {
        let clean = |p: &Path| {
            p.strip_prefix(".")
                .map_or_else(|_| p.to_path_buf(), Path::to_path_buf)
        };
        if self.base_dir == Path::new(".") && path.is_relative() {
            return clean(path);
        }
        match (
            std::path::absolute(path),
            std::path::absolute(&self.base_dir),
        ) {
            (Ok(path), Ok(base)) => path
                .strip_prefix(&base)
                .map_or_else(|_| path.clone(), Path::to_path_buf),
            _ => clean(path),
        }
    }

    /// The severity override that applies to the rule, if any (most specific selector wins).
    pub fn severity_for(&self, rule: &Rule) -> Option<Severity> {
        self.severity
            .iter()
            .filter_map(|(selector, severity)| specificity(selector, rule).map(|s| (s, *severity)))
            .max_by_key(|(s, _)| *s)
            .map(|(_, severity)| severity)
    }
}

/// How specifically a selector (of `enable`, `disable`, `severity`, `[[rollout]]`, `[[waiver]]`, or the
/// command line's `--select`) names a rule: a code prefix scores its length, the exact code or id scores most;
/// `None` when it does not name the rule.
pub fn specificity(selector: &str, rule: &Rule) -> Option<usize> {
    if selector.eq_ignore_ascii_case(&rule.code) || selector == &*rule.id {
        return Some(usize::MAX);
    }
    let upper = selector.to_ascii_uppercase();
    (rule.code.starts_with(upper.as_str())).then_some(selector.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_naming_the_key_and_line() {
        let err = Config::parse(
            Path::new("hindsight.toml"),
            "[rules]\ndisable = []\nfrobnicate = 1\n",
        );
        let Err(ConfigError::Invalid { line, message, .. }) = err else {
            panic!("expected an error, got {err:?}");
        };
        assert_eq!(line, 3);
        assert!(message.contains("frobnicate"), "{message}");
    }

    #[test]
    fn rollout_stages_follow_paths_and_dates() {
        let mut config = Config::parse(
            Path::new("hindsight.toml"),
            "[[rollout]]\nrule = \"HS1\"\nstage = \"shadow\"\nwarn_from = \"2026-07-01\"\nenforce_from = 2026-09-01\n\n[[rollout]]\nrule = \"HS1001\"\npaths = [\"core/\"]\nstage = \"enforce\"\n",
        )
        .unwrap_or_else(|err| panic!("{err}"));
        let pack = crate::RulePack::builtin();
        let rule = pack.get("HS1001").unwrap_or_else(|| panic!("HS1001"));
        for (today, path, stage) in [
            ("2026-06-30", "src/lib.rs", Stage::Shadow),
            ("2026-07-01", "src/lib.rs", Stage::Warn),
            ("2026-09-01", "src/lib.rs", Stage::Enforce),
            ("2026-06-30", "core/lib.rs", Stage::Enforce),
        ] {
            config.today = Some(today.into());
            assert_eq!(
                config.stage_for(rule, Path::new(path)),
                stage,
                "{today} {path}"
            );
        }
    }

    #[test]
    fn waivers_need_an_owner_a_reason_a_scope_and_a_date() {
        for (text, key) in [
            (
                "[[waiver]]\nrule = \"HS1001\"\npaths = [\"a\"]\nreason = \"r\"\nexpires = \"2027-01-01\"\n",
                "owner",
            ),
            (
                "[[waiver]]\nrule = \"HS1001\"\npaths = [\"a\"]\nreason = \" \"\nowner = \"o\"\nexpires = \"2027-01-01\"\n",
                "reason",
            ),
            (
                "[[waiver]]\nrule = \"HS1001\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2027-01-01\"\n",
                "paths",
            ),
            (
                "[[waiver]]\nrule = \"HS1001\"\npaths = [\"a\"]\nreason = \"r\"\nowner = \"o\"\nexpires = \"soon\"\n",
                "expires",
            ),
            (
                "\n[[waiver]]\nrule = \"HS1001\"\npaths = [\"a\"]\nreason = \"r\"\nowner = \"o\"\nexpires = \"2027-01-01\"\nowners = 1\n",
                "owners",
            ),
        ] {
            let err = Config::parse(Path::new("hindsight.toml"), text);
            let Err(ConfigError::Invalid { message, line, .. }) = err else {
                panic!("expected an error for {text}, got {err:?}");
            };
            assert!(message.contains(key), "{key}: {message}");
            // Errors point at the waiver, or at the unknown key itself.
            let expected = if key == "owners" { 8 } else { 1 };
            assert_eq!(line, expected, "{key}");
        }
    }

    #[test]
    fn relative_paths_resolve_against_the_file() {
        let config = Config::parse(
            Path::new("repo/hindsight.toml"),
            "[rules]\ndirs = [\"codex\"]\n",
        );
        assert!(config.is_ok_and(|c| c.rule_dirs == [PathBuf::from("repo/codex")]));
    }
}
