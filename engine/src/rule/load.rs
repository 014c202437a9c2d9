//! Validation of a rule file into a [`Rule`]. Every error names the line and says what to write instead.

use std::sync::{Arc, LazyLock};

use ast_grep_config::{DeserializeEnv, RuleConfig, SerializableRuleConfig, SerializableRuleCore};
use ast_grep_core::Matcher as _;
use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde_saphyr::Location;

use super::raw::{RawEnforcement, RawExample, RawFocus, RawRule, RawStage, RawTestCode};
use super::{
    Docs, Enforcement, Example, Incident, LoadProblem, MatchRule, Origin, Rule, Stage, TestCode,
};
use crate::lang::Lang;

static ID_RE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9]+(-[a-z0-9]+)*$").ok());
static CODE_RE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[A-Z]{2,8}[0-9]{3,5}$").ok());
static DATE_RE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^\d{4}-\d{2}-\d{2}$").ok());

type LoadResult<T> = Result<T, Box<LoadProblem>>;

pub(super) fn load_rule(path: &str, text: &str) -> LoadResult<Rule> {
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
    let enforcement = match (raw.enforcement, raw.matcher.is_some()) {
        (None | Some(RawEnforcement::Match), true) => Enforcement::Match,
        (Some(RawEnforcement::Builtin), false) => Enforcement::Builtin,
        (Some(RawEnforcement::Review), false) => Enforcement::Review,
        (None | Some(RawEnforcement::Match), false) => {
            return Err(at(
                code_loc,
                "the rule has no `match:`".into(),
                Some(
                    "add a `match:` in the ast-grep rule language, or `enforcement: review` for a lesson only review can check",
                ),
            ));
        }
        (Some(other), true) => {
            let name = if other == RawEnforcement::Builtin {
                "builtin"
            } else {
                "review"
            };
            return Err(at(
                code_loc,
                format!("an `enforcement: {name}` rule cannot have a `match:`"),
                Some("remove `match:`, or remove the `enforcement:` line"),
            ));
        }
    };
    if enforcement != Enforcement::Builtin && raw.incidents.is_empty() {
        return Err(at(
            code_loc,
            "the rule names no incident".into(),
            Some(
                "add `incidents:` with at least one {date, organisation, summary, url} of a public post-mortem",
            ),
        ));
    }
    let mut incidents = Vec::new();
    for incident in raw.incidents {
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
        incidents.push(Arc::new(Incident {
            date: incident.date,
            organisation: incident.organisation,
            summary: incident.summary,
            url: incident.url,
        }));
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
    let to_examples = |examples: Vec<RawExample>| {
        examples
            .into_iter()
            .map(|example| match example {
                RawExample::Code(code) => Example { path: None, code },
                RawExample::WithPath { path, code } => Example {
                    path: Some(path),
                    code,
                },
            })
            .collect::<Vec<_>>()
    };
    let bad_examples = to_examples(raw.examples.bad);
    let good_examples = to_examples(raw.examples.good);

    let mut language = None;
    let mut matcher = None;
    if let Some(spanned) = raw.matcher {
        let lang_loc = raw.language.as_ref().map_or(code_loc, |l| l.referenced);
        let lang_name = raw.language.map(|l| l.value).unwrap_or_default();
        let lang = Lang::from_name(&lang_name).ok_or_else(|| {
            let known = Lang::all().map(Lang::name).collect::<Vec<_>>().join(", ");
            at(
                lang_loc,
                if lang_name.is_empty() {
                    "a `match` rule needs a `language:`".to_string()
                } else {
                    format!("unknown language `{lang_name}`")
                },
                Some(&format!("write one of: {known}")),
            )
        })?;
        language = Some(lang);
        if bad_examples.is_empty() || good_examples.is_empty() {
            return Err(at(
                code_loc,
                "a `match` rule needs at least one bad and one good example".into(),
                Some("add `examples: { bad: [...], good: [...] }`; they are the rule's tests"),
            ));
        }
        let match_loc = spanned.referenced;
        let rule_json = serde_json::to_value(&spanned.value).unwrap_or_default();
        let needles = needles(&rule_json);
        let config = serde_json::json!({
            "id": id,
            "language": lang.name(),
            "severity": "error",
            "message": raw.message,
            "rule": rule_json,
            "constraints": raw.constraints.as_ref().and_then(|c| serde_json::to_value(c).ok()),
            "utils": raw.utils.as_ref().and_then(|c| serde_json::to_value(c).ok()),
            "transform": raw.transform.as_ref().and_then(|c| serde_json::to_value(c).ok()),
            "fix": raw.fix,
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
        let focus: Vec<String> = match raw.focus {
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
        let enclosing = match raw.enclosing {
            Some(spanned) => {
                let core = SerializableRuleCore {
                    rule: spanned.value,
                    constraints: None,
                    utils: raw.utils.as_ref().map(|u| u.clone().into_iter().collect()),
                    transform: None,
                };
                let matcher = core.get_matcher(DeserializeEnv::new(lang)).map_err(|err| {
                    let message =
                        error_chain(&err).replace("invalid `match`", "invalid `enclosing`");
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
        let files = build_globs(&raw.files)
            .map_err(|err| at(code_loc, format!("invalid `files` glob: {err}"), None))?;
        let ignores = build_globs(&raw.ignores)
            .map_err(|err| at(code_loc, format!("invalid `ignores` glob: {err}"), None))?;
        let test_code = match raw.test_code {
            Some(RawTestCode::Skip) => TestCode::Skip,
            Some(RawTestCode::Check) | None => TestCode::Check,
        };
        matcher = Some(Box::new(MatchRule {
            config,
            needles,
            focus,
            enclosing,
            test_code,
            files,
            ignores,
        }));
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
        matcher,
    })
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
fn yaml_message(message: &str) -> String {
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
