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
//! [files]
//! exclude = ["vendor/", "*.generated.rs"]   # gitignore syntax, relative to this file
//! max_size = 1048576                         # bytes; larger files are skipped with a note
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::finding::Severity;
use crate::rule::Rule;

/// The configuration file name, looked for from the checked path upwards.
pub const CONFIG_FILE: &str = "hindsight.toml";

/// Default cap on the size of a checked file.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;

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
    /// Parse macro arguments as Rust so rules see inside them (on by default; off only to measure its cost).
    pub expand_macros: bool,
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
            expand_macros: true,
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

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    files: RawFiles,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    enable: Vec<String>,
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    dirs: Vec<PathBuf>,
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
    #[serde(default)]
    options: BTreeMap<String, toml::Table>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    max_size: Option<u64>,
}

impl Config {
    /// Parses configuration text read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|err| {
            let offset = err.span().map_or(0, |s| s.start);
            let before = text.get(..offset).unwrap_or("");
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                column,
                message: err.message().trim().to_string(),
            }
        })?;
        let base_dir = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let base_dir = if base_dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            base_dir
        };
        Ok(Config {
            path: Some(path.to_path_buf()),
            rule_dirs: raw.rules.dirs.iter().map(|d| base_dir.join(d)).collect(),
            base_dir,
            enable: raw.rules.enable,
            disable: raw.rules.disable,
            severity: raw.rules.severity,
            options: raw
                .rules
                .options
                .into_iter()
                .filter_map(|(rule, table)| match serde_json::to_value(table) {
                    Ok(serde_json::Value::Object(map)) => Some((rule, map)),
                    _ => None,
                })
                .collect(),
            exclude: raw.files.exclude,
            max_file_size: raw.files.max_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
            today: None,
            expand_macros: true,
        })
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

    /// The severity override that applies to the rule, if any (most specific selector wins).
    pub fn severity_for(&self, rule: &Rule) -> Option<Severity> {
        self.severity
            .iter()
            .filter_map(|(selector, severity)| specificity(selector, rule).map(|s| (s, *severity)))
            .max_by_key(|(s, _)| *s)
            .map(|(_, severity)| severity)
    }
}

/// How specifically a selector names a rule: a code prefix scores its length, the exact code or id scores most.
fn specificity(selector: &str, rule: &Rule) -> Option<usize> {
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
    fn relative_paths_resolve_against_the_file() {
        let config = Config::parse(
            Path::new("repo/hindsight.toml"),
            "[rules]\ndirs = [\"codex\"]\n",
        );
        assert!(config.is_ok_and(|c| c.rule_dirs == [PathBuf::from("repo/codex")]));
    }
}
