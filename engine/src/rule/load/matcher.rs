//! The structural matcher of a rule: a `match:` (or a Rego rule's `select:`) in the ast-grep rule language,
//! compiled with the rule's constraints, utils, transform, fix, focus and enclosing; and the `strict:` form,
//! a second matcher run under the `strict` profile.

use std::collections::BTreeMap;

use ast_grep_config::{
    DeserializeEnv, RuleConfig, SerializableRule, SerializableRuleConfig, SerializableRuleCore,
    Transformation,
};
use ast_grep_core::Matcher as _;
use serde_saphyr::{Location, Spanned};

use super::{LoadResult, Matching, RuleFile, ascii_regex, contextual, examples};
use crate::finding::Severity;
use crate::rule::needles::FileNeedles;
use crate::rule::raw::{RawFocus, RawLanguages, RawStrict};
use crate::rule::{
    BUILTIN_PREFIX, Compiled, Enforcement, LoadProblem, MatchRule, Recipe, StrictForm,
};
use crate::source::lang::Lang;

/// The parts of a rule file an ast-grep matcher is built from, besides the rule itself.
#[derive(Clone, Copy)]
pub(super) struct MatcherPieces<'a> {
    pub(super) constraints: Option<&'a BTreeMap<String, SerializableRule>>,
    pub(super) utils: Option<&'a BTreeMap<String, SerializableRule>>,
    pub(super) transform: Option<&'a BTreeMap<String, Transformation>>,
    pub(super) fix: Option<&'a serde_json::Value>,
    pub(super) message: &'a str,
    pub(super) id: &'a str,
}

/// One matcher as the rule file writes it: the rule, the metavariable the finding points at, and a
/// condition on an enclosing node.
pub(super) struct MatcherSpec {
    pub(super) rule: Spanned<SerializableRule>,
    pub(super) focus: Option<RawFocus>,
    pub(super) enclosing: Option<Spanned<SerializableRule>>,
}

/// The rule file's `language:` names, and where to point when they are wrong (the `code:` key without one).
pub(super) struct Languages {
    pub(super) names: Vec<String>,
    pub(super) loc: Location,
}

impl Languages {
    pub(super) fn of(language: Option<&Spanned<RawLanguages>>, code_loc: Location) -> Self {
        Languages {
            names: language
                .map(|l| l.value.names().into_iter().map(str::to_string).collect())
                .unwrap_or_default(),
            loc: language.map_or(code_loc, |l| l.referenced),
        }
    }

    /// A problem with the `language:` key, from a message and a hint.
    pub(super) fn problem(
        &self,
        file: &RuleFile<'_>,
        (message, hint): (String, String),
    ) -> Box<LoadProblem> {
        file.at(self.loc, message, Some(&hint))
    }
}

/// The parts of a rule file a `match` rule is built from.
pub(super) struct MatchParts {
    pub(super) matcher: Option<Spanned<SerializableRule>>,
    pub(super) focus: Option<RawFocus>,
    pub(super) enclosing: Option<Spanned<SerializableRule>>,
    pub(super) strict: Option<RawStrict>,
    /// The rule's severity, the strict form's default.
    pub(super) severity: Severity,
}

/// The matcher step of a `match` rule: its language, its strict form (built first, so its errors come
/// first) and its matcher.
pub(super) fn match_rule(
    file: &RuleFile<'_>,
    languages: &Languages,
    pieces: &MatcherPieces<'_>,
    parts: MatchParts,
) -> LoadResult<Matching> {
    let lang = tree_sitter_language(&languages.names, "a `match` rule")
        .map_err(|err| languages.problem(file, err))?;
    let strict = match parts.strict {
        Some(strict) => {
            let focus = copy_focus(parts.focus.as_ref());
            Some(strict_form(
                file,
                lang,
                pieces,
                strict,
                focus,
                parts.severity,
            )?)
        }
        None => None,
    };
    let matcher = match parts.matcher {
        Some(rule) => {
            let spec = MatcherSpec {
                rule,
                focus: parts.focus,
                enclosing: parts.enclosing,
            };
            Some(build_matcher(file, lang, pieces, spec)?)
        }
        None => None,
    };
    Ok(Matching {
        language: Some(lang),
        matcher,
        strict,
        ..Matching::default()
    })
}

/// Only a structural rule has a broad form to run instead.
pub(super) fn check_strict_fits(
    file: &RuleFile<'_>,
    enforcement: Enforcement,
    has_strict: bool,
) -> LoadResult<()> {
    if has_strict && enforcement != Enforcement::Match {
        return Err(file.at_code(
            "only a `match` rule can have a `strict:` form".into(),
            Some("remove `strict:`, or write the rule as a structural `match`"),
        ));
    }
    Ok(())
}

/// The broad form of a rule: its own matcher with the rule's focus, and the rule's severity and message
/// unless it gives its own.
fn strict_form(
    file: &RuleFile<'_>,
    lang: Lang,
    pieces: &MatcherPieces<'_>,
    strict: RawStrict,
    focus: Option<RawFocus>,
    severity: Severity,
) -> LoadResult<Box<StrictForm>> {
    let strict_pieces = MatcherPieces {
        message: strict.message.as_deref().unwrap_or(pieces.message),
        ..*pieces
    };
    let examples = examples::examples(file, strict.examples, pieces.fix.is_some())?;
    let spec = MatcherSpec {
        rule: strict.matcher,
        focus,
        enclosing: strict.enclosing,
    };
    Ok(Box::new(StrictForm {
        severity: strict.severity.unwrap_or(severity),
        message: strict
            .message
            .clone()
            .unwrap_or_else(|| pieces.message.to_string()),
        what: strict.what,
        bad_examples: examples.bad,
        good_examples: examples.good,
        matcher: build_matcher(file, lang, &strict_pieces, spec)?,
    }))
}

/// `RawFocus` is a serde type without `Clone`; the strict form shares the rule's focus.
fn copy_focus(focus: Option<&RawFocus>) -> Option<RawFocus> {
    focus.map(copy_focus_of)
}

/// A copy of a focus, for a form compiled once per language.
pub(super) fn copy_focus_of(focus: &RawFocus) -> RawFocus {
    match focus {
        RawFocus::One(name) => RawFocus::One(name.clone()),
        RawFocus::Many(names) => RawFocus::Many(names.clone()),
    }
}

/// Compiles a `match:` (or a Rego rule's `select:`) with the rule's constraints, utils, transform, fix,
/// focus and enclosing.
pub(super) fn build_matcher(
    file: &RuleFile<'_>,
    lang: Lang,
    pieces: &MatcherPieces<'_>,
    spec: MatcherSpec,
) -> LoadResult<Box<MatchRule>> {
    let match_loc = spec.rule.referenced;
    let rule_json = serde_json::to_value(&spec.rule.value).unwrap_or_default();
    let needles = needles(&rule_json);
    let json = |rules: Option<&BTreeMap<String, SerializableRule>>| {
        rules.and_then(|c| serde_json::to_value(c).ok())
    };
    let mut config = serde_json::json!({
        "id": pieces.id,
        "language": lang.name(),
        "severity": "error",
        "message": pieces.message,
        "rule": rule_json,
        "constraints": json(pieces.constraints),
        "utils": json(pieces.utils),
        "transform": pieces.transform.and_then(|c| serde_json::to_value(c).ok()),
        "fix": pieces.fix,
    });
    ascii_regex::ascii_regexes(&mut config);
    let focus = focus_names(spec.focus);
    // The built-in pack is compiled when a file of its language is first checked: the test suite compiles every
    // one of its matchers eagerly (`builtin_matchers_compile`), so deferring hides no error from anyone.
    if file.path.starts_with(BUILTIN_PREFIX) {
        let enclosing = spec
            .enclosing
            .map(|spanned| enclosing_core(pieces, spanned));
        let has_fix = pieces.fix.is_some();
        // Patterns are put in their language's context when the recipe is first used.
        let recipe = Recipe::new(lang, config, enclosing);
        return Ok(Box::new(MatchRule::deferred(
            recipe, needles, focus, has_fix,
        )));
    }
    contextual::contextualise_config(lang, &mut config);
    let enclosing_json = spec
        .enclosing
        .as_ref()
        .and_then(|e| serde_json::to_value(&e.value).ok());
    let file_needles = FileNeedles::of_config(&config, enclosing_json.as_ref());
    let serializable: SerializableRuleConfig<Lang> =
        serde_json::from_value(config).map_err(|err| {
            file.at(
                match_loc,
                format!("invalid `match`, `constraints`, `utils` or `fix`: {err}"),
                None,
            )
        })?;
    let config = RuleConfig::try_from(serializable, &Default::default()).map_err(|err| {
        let message = error_chain(&err);
        let hint = match_hint(&message);
        file.at(match_loc, message, Some(&hint))
    })?;
    let defined = config.matcher.defined_vars();
    if let Some(missing) = focus.iter().find(|name| !defined.contains(name.as_str())) {
        return Err(file.at(
            match_loc,
            format!("`focus: {missing}` names a metavariable the match does not capture"),
            Some(
                "capture it in `match` (for example `pattern: $RECV.$METHOD()`) and write `focus: METHOD`",
            ),
        ));
    }
    let enclosing = match spec.enclosing {
        Some(spanned) => Some(enclosing_matcher(file, lang, pieces, spanned)?),
        None => None,
    };
    Ok(Box::new(MatchRule::compiled_now(
        Compiled { config, enclosing },
        file_needles,
        needles,
        focus,
    )))
}

/// The metavariable names of `focus:`, with or without their `$`.
fn focus_names(focus: Option<RawFocus>) -> Vec<String> {
    match focus {
        Some(RawFocus::One(name)) => vec![name],
        Some(RawFocus::Many(names)) => names,
        None => Vec::new(),
    }
    .into_iter()
    .map(|name| name.trim_start_matches('$').to_string())
    .collect()
}

/// An `enclosing:` condition, which may use the rule's utils, and must name the node kind it looks for (it
/// is evaluated once per enclosing node of that kind).
fn enclosing_matcher(
    file: &RuleFile<'_>,
    lang: Lang,
    pieces: &MatcherPieces<'_>,
    spanned: Spanned<SerializableRule>,
) -> LoadResult<ast_grep_config::RuleCore> {
    let referenced = spanned.referenced;
    let core = contextual::typed_core(lang, enclosing_core(pieces, spanned));
    let matcher = core.get_matcher(DeserializeEnv::new(lang)).map_err(|err| {
        let message = error_chain(&err).replace("invalid `match`", "invalid `enclosing`");
        file.at(referenced, message, Some(&match_hint(&err.to_string())))
    })?;
    if matcher.potential_kinds().is_none() {
        return Err(file.at(
            referenced,
            "`enclosing` must say which node kind it looks for".into(),
            Some("add `kind:`, such as `kind: function_item`"),
        ));
    }
    Ok(matcher)
}

/// The `enclosing:` rule as ast-grep reads it, with the rule's utils.
fn enclosing_core(
    pieces: &MatcherPieces<'_>,
    spanned: Spanned<SerializableRule>,
) -> SerializableRuleCore {
    SerializableRuleCore {
        rule: ascii_rule(spanned.value),
        constraints: None,
        utils: pieces.utils.map(|u| {
            u.iter()
                .map(|(k, v)| (k.clone(), ascii_rule(v.clone())))
                .collect()
        }),
        transform: None,
    }
}

/// A typed rule with its regexes' classes in ASCII ([`ascii_regex::ascii_regexes`]).
fn ascii_rule(rule: SerializableRule) -> SerializableRule {
    let Ok(mut json) = serde_json::to_value(&rule) else {
        return rule;
    };
    ascii_regex::ascii_regexes(&mut json);
    serde_json::from_value(json).unwrap_or(rule)
}

/// The one source language a structural match is written in, or the message and hint saying what to write.
pub(super) fn tree_sitter_language(names: &[String], what: &str) -> Result<Lang, (String, String)> {
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

fn match_hint(message: &str) -> String {
    if message.contains("set of AST kinds") {
        "the match must say which node kind it starts from: add `kind:` or use a `pattern:`".into()
    } else if message.contains("Kind `") {
        "node kinds come from the language's tree-sitter grammar (its node-types.json), such as `call_expression`".into()
    } else {
        "check the ast-grep rule syntax: https://ast-grep.github.io/reference/rule.html".into()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn needles_come_from_unanchored_regexes() {
        assert_eq!(
            needles(&json!({ "kind": "call_expression", "regex": "unwrap" })).as_deref(),
            Some("unwrap")
        );
        // Anchors and word boundaries can match a node and not the text around it.
        assert_eq!(needles(&json!({ "regex": "^unwrap$" })), None);
        assert_eq!(needles(&json!({ "regex": r"\bunwrap" })), None);
        assert_eq!(
            needles(&json!({ "all": [{ "kind": "x" }, { "regex": "expect" }] })).as_deref(),
            Some("expect")
        );
        assert_eq!(
            needles(&json!({ "any": [{ "regex": "a+" }, { "regex": "b" }] })).as_deref(),
            Some("(?:a+)|(?:b)")
        );
        // One branch without a needle can match anything.
        assert_eq!(
            needles(&json!({ "any": [{ "regex": "a" }, { "kind": "x" }] })),
            None
        );
        assert_eq!(needles(&json!({ "pattern": "$X.unwrap()" })), None);
    }

    #[test]
    fn a_match_rule_names_one_known_language() {
        assert_eq!(
            tree_sitter_language(&["rust".into()], "a `match` rule").ok(),
            Lang::from_name("rust")
        );
        let message = |names: &[&str]| {
            let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            tree_sitter_language(&names, "a `match` rule")
                .err()
                .map(|(message, hint)| {
                    assert!(hint.starts_with("write one of: "), "{hint}");
                    message
                })
        };
        assert_eq!(
            message(&[]).as_deref(),
            Some("a `match` rule needs a `language:`")
        );
        assert_eq!(
            message(&["cobol"]).as_deref(),
            Some("unknown language `cobol`")
        );
        assert_eq!(
            message(&["rust", "yaml"]).as_deref(),
            Some("a `match` rule checks one language")
        );
    }

    #[test]
    fn focus_names_lose_their_dollar() {
        assert_eq!(
            focus_names(Some(RawFocus::One("$METHOD".into()))),
            ["METHOD"]
        );
        assert_eq!(
            focus_names(Some(RawFocus::Many(vec!["A".into(), "$B".into()]))),
            ["A", "B"]
        );
        assert!(focus_names(None).is_empty());
        let copied = copy_focus(Some(&RawFocus::Many(vec!["A".into()])));
        assert_eq!(focus_names(copied), ["A"]);
    }

    #[test]
    fn match_errors_get_a_hint_for_their_kind() {
        assert!(
            match_hint("Rule must specify a set of AST kinds to match").contains("add `kind:`")
        );
        assert!(match_hint("Kind `nope` is invalid").contains("node-types.json"));
        assert!(match_hint("something else").contains("ast-grep.github.io"));
    }

    #[test]
    fn the_deepest_error_of_a_chain_is_the_message() {
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl std::fmt::Display for Outer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("cannot parse rule")
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let err = Outer(std::io::Error::other("Kind `x` is invalid."));
        assert_eq!(error_chain(&err), "invalid `match`: Kind `x` is invalid");
    }
}
