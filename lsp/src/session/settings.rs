//! Client settings, from `initializationOptions` and `workspace/didChangeConfiguration` (or the client's
//! `workspace/configuration`, section `hindsight`). The workspace's `hindsight.toml` still applies on top.
//!
//! ```json
//! { "ruleDirs": ["codex/rules"], "configPath": "ci/hindsight.toml",
//!   "docsBaseUrl": "https://codex.example.com/rules/", "debounceMs": 0 }
//! ```
//!
//! A settings object changes only the keys it holds (clients send partial objects, or other tools' settings,
//! or `{}`); `null` or `""` clears `configPath` and `docsBaseUrl`.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

/// The keys hindsight reads.
const KEYS: [&str; 4] = ["ruleDirs", "configPath", "docsBaseUrl", "debounceMs"];

/// What the client configured. Relative paths are relative to each workspace folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Settings {
    /// Extra rule directories, loaded after the built-in pack and those of `hindsight.toml`.
    pub(crate) rule_dirs: Vec<PathBuf>,
    /// The configuration file to use instead of looking for `hindsight.toml`.
    pub(crate) config_path: Option<PathBuf>,
    /// Where rule pages live: `<docsBaseUrl><CODE>.html` is each diagnostic's `codeDescription.href`.
    pub(crate) docs_base_url: Option<String>,
    /// Wait this long after a change before checking (changes during a check are coalesced anyway).
    pub(crate) debounce_ms: u64,
}

impl Settings {
    /// These settings with the keys of `value` applied: the settings object itself, or one with a
    /// `hindsight` key. `None` when the value holds no key of ours.
    pub(crate) fn updated(&self, value: &Value) -> Option<Result<Settings, String>> {
        let object = value.get("hindsight").unwrap_or(value).as_object()?;
        if !KEYS.iter().any(|key| object.contains_key(*key)) {
            return None;
        }
        let mut settings = self.clone();
        let result = (|| {
            if let Some(dirs) = object.get("ruleDirs") {
                settings.rule_dirs = parse("ruleDirs", dirs)?;
            }
            if let Some(path) = object.get("configPath") {
                settings.config_path = optional("configPath", path)?.map(PathBuf::from);
            }
            if let Some(url) = object.get("docsBaseUrl") {
                settings.docs_base_url = optional("docsBaseUrl", url)?;
            }
            if let Some(ms) = object.get("debounceMs") {
                settings.debounce_ms = parse("debounceMs", ms)?;
            }
            Ok(settings)
        })();
        Some(result)
    }

    pub(crate) fn resolve(root: &Path, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            root.join(path)
        }
    }
}

fn parse<T: DeserializeOwned>(key: &str, value: &Value) -> Result<T, String> {
    serde_json::from_value(value.clone())
        .map_err(|err| format!("invalid hindsight setting `{key}`: {err}"))
}

/// A string setting where `null` and `""` mean "not set".
fn optional(key: &str, value: &Value) -> Result<Option<String>, String> {
    let text: Option<String> = parse(key, value)?;
    Ok(text.filter(|t| !t.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_change_only_the_keys_they_hold() {
        let base = Settings::default();
        let flat = serde_json::json!({"ruleDirs": ["codex"], "docsBaseUrl": "https://x/"});
        let nested = serde_json::json!({"hindsight": flat.clone()});
        for value in [flat, nested] {
            let settings = base
                .updated(&value)
                .and_then(Result::ok)
                .unwrap_or_default();
            assert_eq!(settings.rule_dirs, [PathBuf::from("codex")]);
            assert_eq!(settings.docs_base_url.as_deref(), Some("https://x/"));
        }
        let configured = Settings {
            rule_dirs: vec![PathBuf::from("codex")],
            ..Settings::default()
        };
        // `null`, `{}` and other tools' settings change nothing.
        for value in [
            serde_json::Value::Null,
            serde_json::json!({}),
            serde_json::json!({"rust-analyzer": {"check": {"command": "clippy"}}}),
        ] {
            assert_eq!(configured.updated(&value), None, "{value}");
        }
        let partial = configured.updated(&serde_json::json!({"debounceMs": 5, "docsBaseUrl": ""}));
        assert_eq!(
            partial,
            Some(Ok(Settings {
                rule_dirs: vec![PathBuf::from("codex")],
                debounce_ms: 5,
                ..Settings::default()
            }))
        );
        let invalid = base.updated(&serde_json::json!({"ruleDirs": 3}));
        assert!(invalid.is_some_and(|r| r.is_err_and(|e| e.contains("ruleDirs"))));
    }
}
