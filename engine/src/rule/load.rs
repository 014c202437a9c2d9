//! Validation of a rule file into a [`Rule`]. Every error names the line and says what to write instead.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use ast_grep_config::{
    DeserializeEnv, RuleConfig, SerializableRule, SerializableRuleConfig, SerializableRuleCore,
    Transformation,
};
use ast_grep_core::Matcher as _;
use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde_saphyr::{Location, Spanned};

use super::examples::{ExampleList, examples};
use super::raw::{
    RawEnforcement, RawFocus, RawIncidentRef, RawRule, RawScope, RawStage, RawTestCode,
};
use super::{
    Docs, Enforcement, Incident, LoadProblem, MatchRule, Origin, RegoRule, Rule, Scope, Stage,
    StrictForm, TestCode,
};
use crate::data::DataFormat;
use crate::rego::{Policy, Source as RegoSource};
use crate::source::lang::Lang;

static ID_RE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9]+(-[a-z0-9]+)*$").ok());
static CODE_RE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[A-Z]{2,8}[0-9]{3,5}$").ok());
static DATE_RE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^\d{4}-\d{2}-\d{2}$").ok());

pub(super) type LoadResult<T> = Result<T, Box<LoadProblem>>;

pub(super) fn load_rule(
    path: &str,
    text: &str,
    sibling: &dyn Fn(&str) -> Option<(String, String)>,
    registry: &dyn Fn(&str) -> Option<Incident>,
) -> LoadResult<Rule> {
    let problem = |line: usize, column: usize, message: String, hint: Option<String>| {
        Box::new(LoadProblem {
            path: path.to_string(),
            line,
            column,
            message,
            hint,
        })
    };
    let at = |loc: Location, message: String, hint: Option<&str>| {
        problem(
            loc.line() as usize,
            loc.column() as usize,
            message,
            hint.map(str::to_string),
        )
    };
    let raw: RawRule = serde_saphyr::from_str(text).map_err(|err| {
        let (line, column) = err
            .location()
            .map_or((1, 1), |loc| (loc.line() as usize, loc.column() as usize));
        let message = yaml_message(&err.to_string());
        let hint = hint_for_yaml_error(&message);
        problem(line, column, message, hint)
    })?;

    let id = raw.id.value.clone();
    if !matches_re(&ID_RE, &id) {
        return Err(at(
            raw.id.referenced,
            format!("rule id `{id}` is not a kebab-case slug"),
            Some(
                "write lower-case words joined by `-` that name the bad pattern, such as `unwrap-outside-tests`",
            ),
        ));
    }
    let code = raw.code.value.clone();
    if !matches_re(&CODE_RE, &code) {
        return Err(at(
            raw.code.referenced,
            format!("rule code `{code}` is not a prefix followed by digits"),
            Some(
                "write an upper-case prefix and a number, such as `HS1001` (or your own prefix, such as `ACME1001`)",
            ),
        ));
    }
    let code_loc = raw.code.referenced;
    if raw.title.trim().is_empty() || raw.title.contains('\n') {
        return Err(at(
            code_loc,
            "`title` must be one non-empty line".into(),
            Some("write the lesson as \"If you need X, do Y\""),
        ));
    }
    let enforcement = match (raw.enforcement, raw.matcher.is_some(), raw.rego.is_some()) {
        (_, true, true) => {
            return Err(at(
                code_loc,
                "a rule has either `match:` or `rego:`, not both".into(),
                Some("for a Rego rule over code, write the structural part as `select:`"),
            ));
        }
        (None | Some(RawEnforcement::Match), true, false) => Enforcement::Match,
        (None | Some(RawEnforcement::Rego), false, true) => Enforcement::Rego,
        (Some(RawEnforcement::Builtin), false, false) => Enforcement::Builtin,
        (Some(RawEnforcement::Review), false, false) => Enforcement::Review,
        (None | Some(RawEnforcement::Match | RawEnforcement::Rego), false, false) => {
            return Err(at(
                code_loc,
                "the rule has no `match:` or `rego:`".into(),
                Some(
                    "add a `match:` in the ast-grep rule language, a `rego:` policy file, or `enforcement: review` for a lesson only review can check",
                ),
            ));
        }
        (Some(other), _, _) => {
            let name = match other {
                RawEnforcement::Builtin => "builtin",
                RawEnforcement::Review => "review",
                RawEnforcement::Match => "match",
                RawEnforcement::Rego => "rego",
            };
            return Err(at(
                code_loc,
                format!("`enforcement: {name}` does not fit the rule's `match:`/`rego:`"),
                Some("remove the `enforcement:` line; it is inferred from `match:` or `rego:`"),
            ));
        }
    };
    if raw.select.is_some() && raw.rego.is_none() {
        return Err(at(
            code_loc,
            "`select:` only goes with `rego:`".into(),
            Some("for a structural rule write `match:`"),
        ));
    }
    if enforcement != Enforcement::Builtin && raw.incidents.is_empty() {
        return Err(at(
            code_loc,
            "the rule names no incident".into(),
            Some(
                "add `incidents:` with the id of an incident record (`incidents/<id>.yaml`), or an inline {date, organisation, summary, url} of a public post-mortem",
            ),
        ));
    }
    let mut incidents = Vec::new();
    for incident in raw.incidents {
        let incident = match incident {
            RawIncidentRef::Id(id) => registry(&id).ok_or_else(|| {
                // Point at the citation: the first line after `incidents:` that names the id.
                let line = text
                    .lines()
                    .enumerate()
                    .skip_while(|(_, l)| !l.starts_with("incidents:"))
                    .find(|(_, l)| l.contains(id.as_str()))
                    .map_or(code_loc.line() as usize, |(i, _)| i + 1);
                problem(
                    line,
                    1,
                    format!(
                        "the rule cites incident `{id}`, which the incident registry does not have"
                    ),
                    Some(
                        "add `incidents/<id>.yaml` (the id is its file name) to a loaded pack"
                            .into(),
                    ),
                )
            })?,
            RawIncidentRef::Inline(incident) => {
                if !matches_re(&DATE_RE, &incident.date) {
                    return Err(at(
                        code_loc,
                        format!("incident date `{}` is not YYYY-MM-DD", incident.date),
                        None,
                    ));
                }
                if !incident.url.starts_with("https://") && !incident.url.starts_with("http://") {
                    return Err(at(
                        code_loc,
                        format!("incident url `{}` is not a web address", incident.url),
                        Some("link the public post-mortem with an https:// URL"),
                    ));
                }
                Incident {
                    id: None,
                    date: incident.date,
                    organisation: incident.organisation,
                    summary: incident.summary,
                    url: incident.url,
                }
            }
        };
        incidents.push(Arc::new(incident));
    }
    let docs = Docs {
        what: raw.docs.what,
        why: raw.docs.why,
        fix: raw.docs.fix,
        references: raw.docs.references,
    };
    if docs.what.trim().is_empty() || docs.why.trim().is_empty() {
        return Err(at(
            code_loc,
            "`docs.what` and `docs.why` must not be empty".into(),
            None,
        ));
    }
    let stage = match raw.stage {
        Some(RawStage::Shadow) => Stage::Shadow,
        Some(RawStage::Warn) => Stage::Warn,
        Some(RawStage::Enforce) | None => Stage::Enforce,
    };
    let has_fix = raw.fix.is_some();
    let bad_examples = examples(path, raw.examples.bad, ExampleList::Bad, has_fix)?;
    let good_examples = examples(path, raw.examples.good, ExampleList::Good, has_fix)?;
    let raw_strict = raw.strict;
    if raw_strict.is_some() && enforcement != Enforcement::Match {
        return Err(at(
            code_loc,
            "only a `match` rule can have a `strict:` form".into(),
            Some("remove `strict:`, or write the rule as a structural `match`"),
        ));
    }

    let files = build_globs(&raw.files)
        .map_err(|err| at(code_loc, format!("invalid `files` glob: {err}"), None))?;
    let ignores = build_globs(&raw.ignores)
        .map_err(|err| at(code_loc, format!("invalid `ignores` glob: {err}"), None))?;
    let test_code = match raw.test_code {
        Some(RawTestCode::Skip) => TestCode::Skip,
        Some(RawTestCode::Check) | None => TestCode::Check,
    };
    if matches!(enforcement, Enforcement::Match | Enforcement::Rego)
        && (bad_examples.is_empty() || good_examples.is_empty())
    {
        return Err(at(
            code_loc,
            "an automated rule needs at least one bad and one good example".into(),
            Some("add `examples: { bad: [...], good: [...] }`; they are the rule's tests"),
        ));
    }
    let lang_loc = raw.language.as_ref().map_or(code_loc, |l| l.referenced);
    let language_names: Vec<String> = raw
        .language
        .as_ref()
        .map(|l| l.value.names().into_iter().map(str::to_string).collect())
        .unwrap_or_default();
    let pieces = MatcherPieces {
        constraints: raw.constraints.as_ref(),
        utils: raw.utils.as_ref(),
        transform: raw.transform.as_ref(),
        fix: raw.fix.as_ref(),
        message: &raw.message,
        id: &id,
    };
    let mut language = None;
    let mut formats = Vec::new();
    let mut matcher = None;
    let mut rego = None;
    let mut strict_form = None;
    match enforcement {
        Enforcement::Match => {
            let lang = tree_sitter_language(&language_names, "a `match` rule")
                .map_err(|(m, h)| at(lang_loc, m, Some(&h)))?;
            language = Some(lang);
            if let Some(strict) = raw_strict {
                let strict_pieces = MatcherPieces {
                    message: strict.message.as_deref().unwrap_or(&raw.message),
                    ..pieces
                };
                let strict_focus = match &raw.focus {
                    Some(RawFocus::One(name)) => Some(RawFocus::One(name.clone())),
                    Some(RawFocus::Many(names)) => Some(RawFocus::Many(names.clone())),
                    None => None,
                };
                strict_form = Some(Box::new(StrictForm {
                    severity: strict.severity.unwrap_or(raw.severity),
                    message: strict
                        .message
                        .clone()
                        .unwrap_or_else(|| raw.message.clone()),
                    what: strict.what,
                    bad_examples: examples(path, strict.examples.bad, ExampleList::Bad, has_fix)?,
                    good_examples: examples(
                        path,
                        strict.examples.good,
                        ExampleList::Good,
                        has_fix,
                    )?,
                    matcher: build_matcher(
                        strict.matcher,
                        lang,
                        &strict_pieces,
                        strict_focus,
                        strict.enclosing,
                        &at,
                    )?,
                }));
            }
            if let Some(spanned) = raw.matcher {
                matcher = Some(build_matcher(
                    spanned,
                    lang,
                    &pieces,
                    raw.focus,
                    raw.enclosing,
                    &at,
                )?);
            }
        }
        Enforcement::Rego => {
            let scope = match raw.scope {
                Some(RawScope::Repository) => Scope::Repository,
                Some(RawScope::File) | None => Scope::File,
            };
            if let Some(select) = raw.select {
                if scope == Scope::Repository {
                    return Err(at(
                        code_loc,
                        "a repository-scope rule cannot have `select:`".into(),
                        Some(
                            "repository scope is for configuration documents; remove `select:` or `scope:`",
                        ),
                    ));
                }
                if raw.fix.is_some() {
                    return Err(at(code_loc, "a Rego rule cannot have `fix:`".into(), None));
                }
                // With several languages, the configuration formats among them are read as documents too:
                // `language: [rust, yaml, json]` selects in Rust and sees every YAML and JSON document.
                let (code_names, data_names): (Vec<String>, Vec<String>) =
                    if language_names.len() > 1 {
                        language_names
                            .iter()
                            .cloned()
                            .partition(|name| DataFormat::from_name(name).is_none())
                    } else {
                        (language_names.clone(), Vec::new())
                    };
                if code_names.is_empty() {
                    return Err(at(
                        lang_loc,
                        "a Rego rule with `select:` needs a source language to select in".into(),
                        Some(
                            "add `rust` to `language:`, or remove `select:` for a rule over configuration only",
                        ),
                    ));
                }
                let lang = tree_sitter_language(&code_names, "a Rego rule with `select:`")
                    .map_err(|(m, h)| at(lang_loc, m, Some(&h)))?;
                language = Some(lang);
                if !data_names.is_empty() {
                    formats =
                        data_formats(&data_names).map_err(|(m, h)| at(lang_loc, m, Some(&h)))?;
                }
                matcher = Some(build_matcher(
                    select,
                    lang,
                    &pieces,
                    raw.focus,
                    raw.enclosing,
                    &at,
                )?);
            } else {
                formats =
                    data_formats(&language_names).map_err(|(m, h)| at(lang_loc, m, Some(&h)))?;
            }
            let prefilter = match &raw.prefilter {
                Some(pattern) => Some(Regex::new(pattern).map_err(|err| {
                    at(
                        code_loc,
                        format!("invalid `prefilter` regex: {err}"),
                        Some("write a Rust regex, such as `(Deployment|DaemonSet)`"),
                    )
                })?),
                None => None,
            };
            let rego_file = raw.rego.unwrap_or_default();
            let timeout = Duration::from_millis(raw.timeout_ms.unwrap_or(1000));
            let options: serde_json::Map<String, serde_json::Value> =
                raw.options.into_iter().collect();
            let mut policy = load_policy(
                path, &rego_file, sibling, scope, timeout, options, code_loc, &at,
            )?;
            policy.prefilter = prefilter;
            rego = Some(Box::new(policy));
        }
        Enforcement::Builtin | Enforcement::Review => {}
    }
    Ok(Rule {
        id: id.into(),
        code: code.into(),
        title: raw.title,
        severity: raw.severity,
        stage,
        language,
        enforcement,
        message: raw.message,
        docs,
        incidents,
        bad_examples,
        good_examples,
        origin: Origin {
            path: path.to_string(),
            code_line: code_loc.line() as usize,
        },
        supersedes: raw.supersedes.into_iter().map(Arc::from).collect(),
        test_code,
        files,
        ignores,
        formats,
        matcher,
        rego,
        strict: strict_form,
    })
}

/// The parts of a rule file an ast-grep matcher is built from, besides the rule itself.
#[derive(Clone, Copy)]
struct MatcherPieces<'a> {
    constraints: Option<&'a BTreeMap<String, SerializableRule>>,
    utils: Option<&'a BTreeMap<String, SerializableRule>>,
    transform: Option<&'a BTreeMap<String, Transformation>>,
    fix: Option<&'a serde_json::Value>,
    message: &'a str,
    id: &'a str,
}

type At<'a> = dyn Fn(Location, String, Option<&str>) -> Box<LoadProblem> + 'a;

/// Compiles a `match:` (or a Rego rule's `select:`) with the rule's constraints, utils, transform, fix,
/// focus and enclosing.
fn build_matcher(
    spanned: Spanned<SerializableRule>,
    lang: Lang,
    pieces: &MatcherPieces<'_>,
    focus: Option<RawFocus>,
    enclosing: Option<Spanned<SerializableRule>>,
    at: &At<'_>,
) -> LoadResult<Box<MatchRule>> {
    let match_loc = spanned.referenced;
    let rule_json = serde_json::to_value(&spanned.value).unwrap_or_default();
    let needles = needles(&rule_json);
    let config = serde_json::json!({
        "id": pieces.id,
        "language": lang.name(),
        "severity": "error",
        "message": pieces.message,
        "rule": rule_json,
        "constraints": pieces.constraints.and_then(|c| serde_json::to_value(c).ok()),
        "utils": pieces.utils.and_then(|c| serde_json::to_value(c).ok()),
        "transform": pieces.transform.and_then(|c| serde_json::to_value(c).ok()),
        "fix": pieces.fix,
    });
    let serializable: SerializableRuleConfig<Lang> =
        serde_json::from_value(config).map_err(|err| {
            at(
                match_loc,
                format!("invalid `match`, `constraints`, `utils` or `fix`: {err}"),
                None,
            )
        })?;
    let config = RuleConfig::try_from(serializable, &Default::default()).map_err(|err| {
        let message = error_chain(&err);
        let hint = match_hint(&message);
        at(match_loc, message, Some(&hint))
    })?;
    let defined = config.matcher.defined_vars();
    let focus: Vec<String> = match focus {
        Some(RawFocus::One(name)) => vec![name],
        Some(RawFocus::Many(names)) => names,
        None => Vec::new(),
    }
    .into_iter()
    .map(|name| name.trim_start_matches('$').to_string())
    .collect();
    if let Some(missing) = focus.iter().find(|name| !defined.contains(name.as_str())) {
        return Err(at(
            match_loc,
            format!("`focus: {missing}` names a metavariable the match does not capture"),
            Some(
                "capture it in `match` (for example `pattern: $RECV.$METHOD()`) and write `focus: METHOD`",
            ),
        ));
    }
    let enclosing = match enclosing {
        Some(spanned) => {
            let core = SerializableRuleCore {
                rule: spanned.value,
                constraints: None,
                utils: pieces.utils.map(|u| u.clone().into_iter().collect()),
                transform: None,
            };
            let matcher = core.get_matcher(DeserializeEnv::new(lang)).map_err(|err| {
                let message = error_chain(&err).replace("invalid `match`", "invalid `enclosing`");
                at(
                    spanned.referenced,
                    message,
                    Some(&match_hint(&err.to_string())),
                )
            })?;
            if matcher.potential_kinds().is_none() {
                return Err(at(
                    spanned.referenced,
                    "`enclosing` must say which node kind it looks for".into(),
                    Some("add `kind:`, such as `kind: function_item`"),
                ));
            }
            Some(matcher)
        }
        None => None,
    };
    Ok(Box::new(MatchRule {
        config,
        needles,
        focus,
        enclosing,
    }))
}

fn tree_sitter_language(names: &[String], what: &str) -> Result<Lang, (String, String)> {
    let known = Lang::all().map(Lang::name).collect::<Vec<_>>().join(", ");
    match names {
        [] => Err((
            format!("{what} needs a `language:`"),
            format!("write one of: {known}"),
        )),
        [name] => Lang::from_name(name).ok_or_else(|| {
            (
                format!("unknown language `{name}`"),
                format!("write one of: {known}"),
            )
        }),
        _ => Err((
            format!("{what} checks one language"),
            format!("write one of: {known}"),
        )),
    }
}

fn data_formats(names: &[String]) -> Result<Vec<DataFormat>, (String, String)> {
    let hint = "write `yaml`, `json`, `toml` or a list of them, such as `language: [yaml, json]`"
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
#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the pieces are unrelated"
)]
fn load_policy(
    rule_path: &str,
    rego_file: &str,
    sibling: &dyn Fn(&str) -> Option<(String, String)>,
    scope: Scope,
    timeout: Duration,
    options: serde_json::Map<String, serde_json::Value>,
    code_loc: Location,
    at: &At<'_>,
) -> LoadResult<RegoRule> {
    let Some((display, text)) = sibling(rego_file) else {
        return Err(at(
            code_loc,
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
    let policy = Policy::compile(
        &sources,
        &package,
        &serde_json::Value::Object(options.clone()),
        timeout,
    )
    .map_err(|err| {
        Box::new(LoadProblem {
            path: err.file.clone().unwrap_or_else(|| rule_path.to_string()),
            line: err.line,
            column: err.column,
            message: format!("the policy does not compile: {}", err.message),
            hint: Some("run `hindsight test` on the pack to see it fail alone".into()),
        })
    })?;
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

/// A regex that any text containing a match of the rule must match, from the rule's unanchored `regex`
/// conditions (`None` when the rule has none that always applies). Used to skip macro arguments that cannot
/// hold a match.
fn needles(rule: &serde_json::Value) -> Option<String> {
    if let Some(regex) = rule.get("regex").and_then(|r| r.as_str()) {
        // A regex with anchors or word boundaries can match a node's text and not the text around it.
        let plain =
            regex_syntax::parse(regex).is_ok_and(|hir| hir.properties().look_set().is_empty());
        if plain {
            return Some(regex.to_string());
        }
    }
    if let Some(all) = rule.get("all").and_then(|a| a.as_array())
        && let Some(found) = all.iter().find_map(needles)
    {
        return Some(found);
    }
    let branches = rule.get("any")?.as_array()?;
    let parts: Option<Vec<String>> = branches.iter().map(needles).collect();
    Some(
        parts?
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|"),
    )
}

fn matches_re(re: &LazyLock<Option<Regex>>, text: &str) -> bool {
    re.as_ref().is_some_and(|re| re.is_match(text))
}

fn build_globs(globs: &[String]) -> Result<Option<GlobSet>, globset::Error> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(Glob::new(glob)?);
    }
    builder.build().map(Some)
}

/// serde-saphyr's message without its own `error: line N column M:` prefix (we report the position ourselves).
pub(crate) fn yaml_message(message: &str) -> String {
    let line = message
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(message)
        .trim();
    let line = line.strip_prefix("error:").map_or(line, str::trim_start);
    match line
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
    {
        Some((position, rest)) if position.contains("column") => rest.to_string(),
        _ => line.to_string(),
    }
}

/// ast-grep's errors put the useful part at the end of the source chain ("Kind `x` is invalid").
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut deepest = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        deepest = cause.to_string();
        source = cause.source();
    }
    format!("invalid `match`: {}", deepest.trim_end_matches('.'))
}

fn hint_for_yaml_error(message: &str) -> Option<String> {
    if message.contains("unknown field") {
        return Some(
            "remove the key or fix its spelling; `hindsight schema` prints every accepted key"
                .into(),
        );
    }
    if message.contains("missing field") {
        return Some(
            "add the missing key; `hindsight explain HS1001` shows a complete rule".into(),
        );
    }
    None
}

fn match_hint(message: &str) -> String {
    if message.contains("set of AST kinds") {
        "the match must say which node kind it starts from: add `kind:` or use a `pattern:`".into()
    } else if message.contains("Kind `") {
        "node kinds come from the language's tree-sitter grammar (its node-types.json), such as `call_expression`".into()
    } else {
        "check the ast-grep rule syntax: https://ast-grep.github.io/reference/rule.html".into()
    }
}
