//! Client settings, from `initializationOptions` and `workspace/didChangeConfiguration` (or the client's
//! `workspace/configuration`, section `hindsight`). The workspace's `hindsight.toml` still applies on top.
//!
//! ```json
//! { "ruleDirs": ["codex/rules"], "configPath": "ci/hindsight.toml",
//!   "docsBaseUrl": "https://codex.example.com/rules/", "debounceMs": 0 }
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// What the client configured. Relative paths are relative to each workspace folder.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
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
    /// Reads settings from a JSON value: the settings object itself or one with a `hindsight` key. Returns
    /// `None` when the value holds no settings of ours (a client that sends `null` and expects a pull).
    pub(crate) fn from_json(value: &serde_json::Value) -> Option<Result<Settings, String>> {
        let object = match value.get("hindsight") {
            Some(inner) => inner,
            None => value,
        };
        if !object.is_object() {
            return None;
        }
        Some(
            serde_json::from_value(object.clone())
                .map_err(|err| format!("invalid hindsight settings: {err}")),
        )
    }

    pub(crate) fn resolve(root: &Path, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            root.join(path)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_read_flat_or_under_hindsight() {
        let flat = serde_json::json!({"ruleDirs": ["codex"], "docsBaseUrl": "https://x/"});
        let nested = serde_json::json!({"hindsight": flat.clone()});
        for value in [flat, nested] {
            let settings = Settings::from_json(&value)
                .and_then(Result::ok)
                .unwrap_or_default();
            assert_eq!(settings.rule_dirs, [PathBuf::from("codex")]);
            assert_eq!(settings.docs_base_url.as_deref(), Some("https://x/"));
        }
        assert_eq!(Settings::from_json(&serde_json::Value::Null), None);
        assert!(matches!(
            Settings::from_json(&serde_json::json!({"ruleDirs": 3})),
            Some(Err(_))
        ));
    }
}
