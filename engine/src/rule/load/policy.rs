//! The Rego side of a rule: what its policy reads (configuration formats, or the syntax nodes a `select:`
//! picks in one source language), its prefilter, and the policy file next to the rule, compiled once here so
//! that a broken policy is a load problem rather than a failure on every file.

use std::collections::BTreeMap;
use std::time::Duration;

use ast_grep_config::SerializableRule;

use serde_saphyr::Spanned;

use super::matcher::{self, Languages, MatcherPieces, MatcherSpec};
use super::{LoadResult, Matching, RuleFile};
use crate::data::DataFormat;
use crate::rego::{Policy, Source as RegoSource};
use crate::rule::lazy_regex::LazyRegex;
use crate::rule::raw::{RawFocus, RawScope};
use crate::rule::{BUILTIN_PREFIX, LazyPolicy, LoadProblem, RegoRule, Scope};

/// The parts of a rule file a Rego rule is built from.
pub(super) struct RegoParts {
    pub(super) select: Option<Spanned<SerializableRule>>,
    pub(super) focus: Option<RawFocus>,
    pub(super) enclosing: Option<Spanned<SerializableRule>>,
    pub(super) scope: Option<RawScope>,
    pub(super) prefilter: Option<String>,
    pub(super) rego: Option<String>,
    pub(super) timeout_ms: Option<u64>,
    pub(super) options: BTreeMap<String, serde_json::Value>,
}

/// The matcher step of a Rego rule: what it reads, its prefilter and its compiled policy.
pub(super) fn rego_rule(
    file: &RuleFile<'_>,
    languages: &Languages,
    pieces: &MatcherPieces<'_>,
    parts: RegoParts,
    sibling: &dyn Fn(&str) -> Option<(String, String)>,
) -> LoadResult<Matching> {
    let scope = match parts.scope {
        Some(RawScope::Repository) => Scope::Repository,
        Some(RawScope::File) | None => Scope::File,
    };
    let mut matching = match parts.select {
        Some(rule) => {
            let spec = MatcherSpec {
                rule,
                focus: parts.focus,
                enclosing: parts.enclosing,
            };
            selection(file, languages, pieces, scope, spec)?
        }
        None => Matching {
            formats: data_formats(&languages.names).map_err(|err| languages.problem(file, err))?,
            ..Matching::default()
        },
    };
    let prefilter = match &parts.prefilter {
        Some(pattern) => Some(LazyRegex::new(pattern).map_err(|err| {
            file.at_code(
                format!("invalid `prefilter` regex: {err}"),
                Some("write a Rust regex, such as `(Deployment|DaemonSet)`"),
            )
        })?),
        None => None,
    };
    let rego_file = parts.rego.unwrap_or_default();
    let timeout = Duration::from_millis(parts.timeout_ms.unwrap_or(1000));
    let options: serde_json::Map<String, serde_json::Value> = parts.options.into_iter().collect();
    let mut policy = load_policy(file, &rego_file, sibling, scope, timeout, options)?;
    policy.prefilter = prefilter;
    matching.rego = Some(Box::new(policy));
    Ok(matching)
}

/// A Rego rule over source code: the language it selects in, the configuration formats it also reads, and
/// the matcher of its `select:`.
fn selection(
    file: &RuleFile<'_>,
    languages: &Languages,
    pieces: &MatcherPieces<'_>,
    scope: Scope,
    spec: MatcherSpec,
) -> LoadResult<Matching> {
    if scope == Scope::Repository {
        return Err(file.at_code(
            "a repository-scope rule cannot have `select:`".into(),
            Some("repository scope is for configuration documents; remove `select:` or `scope:`"),
        ));
    }
    if pieces.fix.is_some() {
        return Err(file.at_code("a Rego rule cannot have `fix:`".into(), None));
    }
    let (code_names, data_names) = split_languages(&languages.names);
    if code_names.is_empty() {
        return Err(file.at(
            languages.loc,
            "a Rego rule with `select:` needs a source language to select in".into(),
            Some(
                "add `rust` to `language:`, or remove `select:` for a rule over configuration only",
            ),
        ));
    }
    let lang = matcher::tree_sitter_language(&code_names, "a Rego rule with `select:`")
        .map_err(|err| languages.problem(file, err))?;
    let formats = if data_names.is_empty() {
        Vec::new()
    } else {
        data_formats(&data_names).map_err(|err| languages.problem(file, err))?
    };
    Ok(Matching {
        language: Some(lang),
        formats,
        matcher: Some(matcher::build_matcher(file, lang, pieces, spec)?),
        ..Matching::default()
    })
}

/// The source languages and the configuration formats of a `language:` list. With several languages, the
/// configuration formats among them are read as documents too: `language: [rust, yaml, json]` selects in
/// Rust and sees every YAML and JSON document. One name is always the language selected in.
fn split_languages(names: &[String]) -> (Vec<String>, Vec<String>) {
    if names.len() > 1 {
        names
            .iter()
            .cloned()
            .partition(|name| DataFormat::from_name(name).is_none())
    } else {
        (names.to_vec(), Vec::new())
    }
}

/// The configuration formats a Rego rule reads, or the message and hint saying what to write.
fn data_formats(names: &[String]) -> Result<Vec<DataFormat>, (String, String)> {
    let hint =
        "write `yaml`, `json`, `toml`, `hcl` or a list of them, such as `language: [yaml, json]`"
            .to_string();
    if names.is_empty() {
        return Err((
            "a Rego rule over configuration needs a `language:`".into(),
            hint,
        ));
    }
    names
        .iter()
        .map(|name| {
            DataFormat::from_name(name).ok_or_else(|| {
                (
                    format!("`{name}` is not a configuration format"),
                    hint.clone(),
                )
            })
        })
        .collect()
}

/// Reads, compiles and dry-runs a rule's policy file (and finds its `_test.rego`).
fn load_policy(
    file: &RuleFile<'_>,
    rego_file: &str,
    sibling: &dyn Fn(&str) -> Option<(String, String)>,
    scope: Scope,
    timeout: Duration,
    options: serde_json::Map<String, serde_json::Value>,
) -> LoadResult<RegoRule> {
    let Some((display, text)) = sibling(rego_file) else {
        return Err(file.at_code(
            format!("cannot read the policy `{rego_file}` next to the rule file"),
            Some(
                "`rego:` is a path relative to the rule file, such as `rego: rolling-update.rego`",
            ),
        ));
    };
    let Some(package) = package_of(&text) else {
        return Err(Box::new(LoadProblem {
            path: display,
            line: 1,
            column: 1,
            message: "the policy has no `package` line".into(),
            hint: Some("start it with `package hindsight.rules.<name>`".into()),
        }));
    };
    let sources = vec![RegoSource {
        path: display,
        text,
    }];
    let tests: Vec<RegoSource> = rego_file
        .strip_suffix(".rego")
        .and_then(|stem| sibling(&format!("{stem}_test.rego")))
        .map(|(path, text)| RegoSource { path, text })
        .into_iter()
        .collect();
    // The built-in pack's policies compile when first evaluated (see `LazyPolicy`).
    let policy = if file.path.starts_with(BUILTIN_PREFIX) {
        LazyPolicy::deferred()
    } else {
        LazyPolicy::compiled(
            Policy::compile(
                &sources,
                &package,
                &serde_json::Value::Object(options.clone()),
                timeout,
            )
            .map_err(|err| {
                Box::new(LoadProblem {
                    path: err.file.clone().unwrap_or_else(|| file.path.to_string()),
                    line: err.line,
                    column: err.column,
                    message: err.load_message(timeout),
                    hint: Some("run `hindsight test` on the pack to see it fail alone".into()),
                })
            })?,
        )
    };
    Ok(RegoRule {
        policy,
        sources,
        tests,
        package,
        scope,
        prefilter: None,
        timeout,
        default_options: options,
    })
}

/// `package a.b` → `data.a.b`.
pub(crate) fn package_of(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find_map(|line| line.strip_prefix("package "))
        .map(|name| format!("data.{}", name.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn packages_become_data_paths() {
        assert_eq!(
            package_of("# comment\n  package hindsight.rules.x  \n\ndeny[msg] { false }\n")
                .as_deref(),
            Some("data.hindsight.rules.x")
        );
        assert_eq!(package_of("deny[msg] { false }\n"), None);
    }

    #[test]
    fn a_language_list_splits_into_source_and_formats() {
        assert_eq!(
            split_languages(&names(&["rust", "yaml", "json"])),
            (names(&["rust"]), names(&["yaml", "json"]))
        );
        // One name is the language selected in, even a configuration format.
        assert_eq!(
            split_languages(&names(&["yaml"])),
            (names(&["yaml"]), Vec::new())
        );
        assert_eq!(
            split_languages(&names(&["yaml", "json"])),
            (Vec::new(), names(&["yaml", "json"]))
        );
    }

    #[test]
    fn data_formats_are_named_configuration_formats() {
        assert_eq!(
            data_formats(&names(&["yaml", "toml"])),
            Ok(vec![DataFormat::Yaml, DataFormat::Toml])
        );
        let message = |list: &[&str]| data_formats(&names(list)).err().map(|(m, _)| m);
        assert_eq!(
            message(&[]).as_deref(),
            Some("a Rego rule over configuration needs a `language:`")
        );
        assert_eq!(
            message(&["yaml", "rust"]).as_deref(),
            Some("`rust` is not a configuration format")
        );
    }
}
