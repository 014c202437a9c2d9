//! Reading `hindsight.toml`: the file's serde types (one per table, unknown keys rejected) and one step per
//! table that validates it into [`Config`]. Errors name the line and column of the table or key at fault.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{
    Config, ConfigError, DEFAULT_MAX_FILE_SIZE, HelmChart, Profile, Render, Rollout, Waiver,
};
use crate::finding::Severity;
use crate::rule::Stage;
use crate::source::scope::{Role, ScopeOverrides};

/// Parses configuration text read from `path`. The tables are validated in a fixed order (`[scope]`, then
/// `[[rollout]]`, then `[[waiver]]`), so a file with several mistakes always reports the same one first.
pub(super) fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let file = ConfigFile { path, text };
    let raw: RawConfig = toml::from_str(text).map_err(|err| {
        file.invalid(
            err.span().map_or(0, |s| s.start),
            err.message().trim().to_string(),
        )
    })?;
    let base_dir = base_dir(path);
    let scope = scope(&file, &base_dir, raw.scope.as_ref())?;
    let rollout = raw
        .rollout
        .iter()
        .map(|entry| rollout(&file, entry))
        .collect::<Result<Vec<_>, _>>()?;
    let waivers = raw
        .waiver
        .iter()
        .map(|entry| waiver(&file, entry))
        .collect::<Result<Vec<_>, _>>()?;
    let render = render(&file, &base_dir, &raw)?;
    let docs_url = docs_url(&file, raw.docs.url.as_ref())?;
    Ok(Config {
        path: Some(path.to_path_buf()),
        rule_dirs: raw.rules.dirs.iter().map(|d| base_dir.join(d)).collect(),
        base_dir,
        enable: raw.rules.enable,
        disable: raw.rules.disable,
        severity: raw.rules.severity,
        options: rule_options(raw.rules.options),
        profile: raw.rules.profile.unwrap_or_default(),
        exclude: raw.files.exclude,
        max_file_size: raw.files.max_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
        rollout,
        waivers,
        scope,
        render,
        docs_url,
        // Not keys of the file: the caller sets them.
        today: None,
        repository: None,
        expand_macros: true,
    })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    files: RawFiles,
    #[serde(default)]
    rollout: Vec<toml::Spanned<RawRollout>>,
    #[serde(default)]
    waiver: Vec<toml::Spanned<RawWaiver>>,
    #[serde(default)]
    scope: Option<toml::Spanned<RawScope>>,
    #[serde(default)]
    render: Option<toml::Spanned<RawRender>>,
    #[serde(default)]
    helm: Vec<toml::Spanned<RawHelm>>,
    #[serde(default)]
    docs: RawDocsSite,
}

/// `[docs]`: where the team hosts the docs site `hindsight docs` writes.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDocsSite {
    #[serde(default)]
    url: Option<toml::Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRender {
    /// Seconds.
    #[serde(default)]
    timeout: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHelm {
    chart: PathBuf,
    #[serde(default)]
    values: Vec<PathBuf>,
    #[serde(default)]
    release: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    api_versions: Vec<String>,
}

/// `[render]` and the `[[helm]]` entries: a timeout of at least a second, and one entry per chart.
fn render(file: &ConfigFile<'_>, base_dir: &Path, raw: &RawConfig) -> Result<Render, ConfigError> {
    let mut render = Render::default();
    if let Some(table) = &raw.render
        && let Some(seconds) = table.get_ref().timeout
    {
        if seconds == 0 {
            return Err(file.invalid(
                table.span().start,
                "`[render] timeout` is in seconds and must be at least 1".into(),
            ));
        }
        render.timeout = std::time::Duration::from_secs(seconds);
    }
    for entry in &raw.helm {
        let helm = entry.get_ref();
        let chart = base_dir.join(&helm.chart);
        if render.helm.iter().any(|h| h.chart == chart) {
            return Err(file.invalid(
                entry.span().start,
                format!(
                    "a second `[[helm]]` entry for chart `{}`: give all its values files in one entry",
                    helm.chart.display()
                ),
            ));
        }
        render.helm.push(HelmChart {
            values: helm.values.iter().map(|v| chart.join(v)).collect(),
            chart,
            release: helm.release.clone(),
            namespace: helm.namespace.clone(),
            api_versions: helm.api_versions.clone(),
            line: file.line_of(entry.span().start),
        });
    }
    Ok(render)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawScope {
    #[serde(default)]
    production: Vec<String>,
    #[serde(default)]
    test: Vec<String>,
    #[serde(default)]
    example: Vec<String>,
    #[serde(default)]
    tooling: Vec<String>,
    #[serde(default)]
    vendored: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRollout {
    rule: String,
    #[serde(default)]
    stage: Option<String>,
    #[serde(default)]
    warn_from: Option<RawDate>,
    #[serde(default)]
    enforce_from: Option<RawDate>,
    #[serde(default)]
    paths: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: String,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    fingerprints: Vec<String>,
    reason: String,
    owner: String,
    expires: RawDate,
    #[serde(default)]
    ticket: Option<String>,
}

/// A date written as a string (`"2027-03-31"`) or as a TOML date (`2027-03-31`).
#[derive(Deserialize)]
#[serde(untagged)]
enum RawDate {
    Text(String),
    Date(toml::value::Datetime),
}

impl RawDate {
    fn text(&self) -> String {
        match self {
            RawDate::Text(text) => text.clone(),
            RawDate::Date(date) => date.to_string(),
        }
    }
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
    #[serde(default)]
    profile: Option<Profile>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    max_size: Option<u64>,
}

/// The configuration file being read: what each step needs to say where a problem is.
struct ConfigFile<'a> {
    path: &'a Path,
    text: &'a str,
}

impl ConfigFile<'_> {
    /// An error at a byte offset of the file.
    fn invalid(&self, offset: usize, message: String) -> ConfigError {
        let (line, column) = position(self.text, offset);
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            line,
            column,
            message,
        }
    }

    /// The 1-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        position(self.text, offset).0
    }
}

/// The 1-based line and column (in characters) of a byte offset of `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The directory relative paths of the file are relative to: the file's own, `.` for a bare file name.
/// `[docs] url`: an `http(s)://` address, kept with one trailing slash so page paths join onto it.
fn docs_url(
    file: &ConfigFile<'_>,
    url: Option<&toml::Spanned<String>>,
) -> Result<Option<String>, ConfigError> {
    let Some(url) = url else {
        return Ok(None);
    };
    let text = url.get_ref().trim();
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return Err(file.invalid(
            url.span().start,
            format!("`[docs] url` must be an http(s) address of the docs site, such as \"https://codex.example.com/\", not `{text}`"),
        ));
    }
    Ok(Some(format!("{}/", text.trim_end_matches('/'))))
}

fn base_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `[rules.options.CODE]` tables as the JSON objects policies read (`data.hindsight.options`).
fn rule_options(
    raw: BTreeMap<String, toml::Table>,
) -> BTreeMap<String, serde_json::Map<String, serde_json::Value>> {
    raw.into_iter()
        .filter_map(|(rule, table)| match serde_json::to_value(table) {
            Ok(serde_json::Value::Object(map)) => Some((rule, map)),
            _ => None,
        })
        .collect()
}

/// `[scope]`: globs per role, in the order roles are tried. Errors point at the table.
fn scope(
    file: &ConfigFile<'_>,
    base_dir: &Path,
    raw: Option<&toml::Spanned<RawScope>>,
) -> Result<ScopeOverrides, ConfigError> {
    let at = raw.map_or(0, |s| s.span().start);
    let no_scope = RawScope::default();
    let raw = raw.map_or(&no_scope, |s| s.get_ref());
    let mut globs = Vec::new();
    for (role, patterns) in [
        (Role::Production, &raw.production),
        (Role::Test, &raw.test),
        (Role::Example, &raw.example),
        (Role::Tooling, &raw.tooling),
        (Role::Vendored, &raw.vendored),
    ] {
        if let Some(set) = glob_set(patterns).map_err(|err| file.invalid(at, err))? {
            globs.push((role, patterns.clone(), set));
        }
    }
    Ok(ScopeOverrides {
        base_dir: base_dir.to_path_buf(),
        globs,
    })
}

/// One `[[rollout]]` entry. Errors point at the entry.
fn rollout(
    file: &ConfigFile<'_>,
    entry: &toml::Spanned<RawRollout>,
) -> Result<Rollout, ConfigError> {
    let at = entry.span().start;
    let value = entry.get_ref();
    let stage = match value.stage.as_deref() {
        None => None,
        Some(name) => Some(Stage::parse(name).ok_or_else(|| {
            file.invalid(
                at,
                format!("`[[rollout]]` `stage` is `shadow`, `warn` or `enforce`, not `{name}`"),
            )
        })?),
    };
    let paths_set = glob_set(&value.paths).map_err(|err| file.invalid(at, err))?;
    Ok(Rollout {
        rule: value.rule.clone(),
        stage,
        warn_from: date(file, "warn_from", value.warn_from.as_ref(), at)?,
        enforce_from: date(file, "enforce_from", value.enforce_from.as_ref(), at)?,
        paths: value.paths.clone(),
        paths_set,
        line: file.line_of(at),
    })
}

/// One `[[waiver]]` entry: it names what it covers, why, who answers for it and until when. Errors point at
/// the entry.
fn waiver(file: &ConfigFile<'_>, entry: &toml::Spanned<RawWaiver>) -> Result<Waiver, ConfigError> {
    let at = entry.span().start;
    let value = entry.get_ref();
    let required = |key: &str, text: &str| {
        if text.trim().is_empty() {
            Err(file.invalid(at, format!("`[[waiver]]` needs a non-empty `{key}`")))
        } else {
            Ok(text.trim().to_string())
        }
    };
    if value.paths.is_empty() && value.fingerprints.is_empty() {
        return Err(file.invalid(
            at,
            "`[[waiver]]` needs `paths` (globs) or `fingerprints` (from `--format json`): a waiver of a whole rule everywhere is `[rules] disable`".into(),
        ));
    }
    let paths_set = glob_set(&value.paths).map_err(|err| file.invalid(at, err))?;
    Ok(Waiver {
        paths_set,
        rule: required("rule", &value.rule)?,
        paths: value.paths.clone(),
        fingerprints: value.fingerprints.clone(),
        reason: required("reason", &value.reason)?,
        owner: required("owner", &value.owner)?,
        expires: date(file, "expires", Some(&value.expires), at)?.unwrap_or_default(),
        ticket: value.ticket.clone().filter(|t| !t.trim().is_empty()),
        line: file.line_of(at),
    })
}

/// A date key's text, which must be `YYYY-MM-DD`.
fn date(
    file: &ConfigFile<'_>,
    what: &str,
    value: Option<&RawDate>,
    at: usize,
) -> Result<Option<String>, ConfigError> {
    match value.map(RawDate::text) {
        Some(date) if !crate::problem::is_date(&date) => Err(file.invalid(
            at,
            format!("`{what}` takes a date written YYYY-MM-DD, not `{date}`"),
        )),
        other => Ok(other),
    }
}

/// The globs of a `paths` list; `None` when empty.
fn glob_set(patterns: &[String]) -> Result<Option<globset::GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = globset::GlobSetBuilder::new();
    for pattern in patterns {
        // `dir/` means everything below it, as in gitignore.
        let pattern = match pattern.strip_suffix('/') {
            Some(dir) => format!("{dir}/**"),
            None => pattern.clone(),
        };
        let glob = globset::GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            .map_err(|err| format!("invalid glob `{pattern}`: {err}"))?;
        builder.add(glob);
    }
    builder
        .build()
        .map(Some)
        .map_err(|err| format!("invalid `paths`: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> ConfigFile<'_> {
        ConfigFile {
            path: Path::new("hindsight.toml"),
            text,
        }
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "[rules]\nµ = 1\n";
        assert_eq!(position(text, 0), (1, 1));
        assert_eq!(position(text, 8), (2, 1));
        // `µ` is two bytes and one column.
        assert_eq!(position(text, 11), (2, 3));
        // An offset past the end (or inside a character) counts from the start.
        assert_eq!(position(text, 9), (1, 1));
        assert_eq!(file(text).line_of(8), 2);
    }

    #[test]
    fn the_docs_url_gets_one_trailing_slash_and_must_be_a_web_address() {
        let parse = |text: &str| parse(Path::new("h.toml"), text);
        let config = parse("[docs]\nurl = \"https://codex.example.com/hs//\"\n").unwrap();
        assert_eq!(
            config.docs_url.as_deref(),
            Some("https://codex.example.com/hs/")
        );
        assert_eq!(parse("").unwrap().docs_url, None);
        let err = parse("[docs]\nurl = \"codex/site\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("h.toml:2:7: `[docs] url` must be an http(s) address"),
            "{err}"
        );
    }

    #[test]
    fn relative_paths_are_relative_to_the_file() {
        assert_eq!(base_dir(Path::new("hindsight.toml")), PathBuf::from("."));
        assert_eq!(
            base_dir(Path::new("repo/hindsight.toml")),
            PathBuf::from("repo")
        );
        assert_eq!(base_dir(Path::new("/")), PathBuf::from("."));
    }

    #[test]
    fn globs_of_a_directory_cover_everything_below_it() {
        let set = glob_set(&["vendor/".into(), "*.rs".into()])
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("globs"));
        assert!(set.is_match("vendor/a/b.go"));
        assert!(set.is_match("lib.rs"));
        // `*` does not cross a `/`.
        assert!(!set.is_match("src/lib.rs"));
        assert!(glob_set(&[]).is_ok_and(|set| set.is_none()));
        assert!(glob_set(&["a[".into()]).is_err_and(|err| err.starts_with("invalid glob `a[`")));
    }

    #[test]
    fn dates_are_checked_and_kept_as_text() {
        let text = RawDate::Text("2027-03-31".into());
        assert_eq!(
            date(&file(""), "expires", Some(&text), 0)
                .ok()
                .flatten()
                .as_deref(),
            Some("2027-03-31")
        );
        assert!(date(&file(""), "expires", None, 0).is_ok_and(|d| d.is_none()));
        let soon = RawDate::Text("soon".into());
        let Err(ConfigError::Invalid { message, .. }) = date(&file(""), "expires", Some(&soon), 0)
        else {
            panic!("`soon` is not a date");
        };
        assert_eq!(
            message,
            "`expires` takes a date written YYYY-MM-DD, not `soon`"
        );
    }

    #[test]
    fn rule_options_become_json_objects() {
        let raw: BTreeMap<String, toml::Table> =
            toml::from_str("[HS2001]\nmax = 25\nnames = [\"a\"]\n")
                .unwrap_or_else(|err| panic!("{err}"));
        let options = rule_options(raw);
        assert_eq!(
            serde_json::Value::Object(options["HS2001"].clone()),
            serde_json::json!({ "max": 25, "names": ["a"] })
        );
    }

    #[test]
    fn scope_errors_come_before_rollout_errors() {
        let text = "[[rollout]]\nrule = \"HS1\"\nstage = \"loud\"\n\n[scope]\ntest = [\"a[\"]\n";
        let Err(ConfigError::Invalid { line, message, .. }) =
            parse(Path::new("hindsight.toml"), text)
        else {
            panic!("expected an error");
        };
        assert_eq!(line, 5);
        assert!(message.starts_with("invalid glob"), "{message}");
    }

    #[test]
    fn scope_globs_keep_their_role_and_patterns() {
        let config = parse(
            Path::new("repo/hindsight.toml"),
            "[scope]\nproduction = [\"examples/server/\"]\ntest = [\"qa/**\"]\n",
        )
        .unwrap_or_else(|err| panic!("{err}"));
        let roles: Vec<(Role, Vec<String>)> = config
            .scope
            .globs
            .iter()
            .map(|(role, patterns, _)| (*role, patterns.clone()))
            .collect();
        assert_eq!(
            roles,
            [
                (Role::Production, vec!["examples/server/".to_string()]),
                (Role::Test, vec!["qa/**".to_string()])
            ]
        );
        assert_eq!(config.scope.base_dir, PathBuf::from("repo"));
    }
}
