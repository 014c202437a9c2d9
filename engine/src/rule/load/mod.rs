//! Validation of a rule file into a [`Rule`]. Every error names the line and says what to write instead.
//!
//! [`load_rule`] chains short steps, each returning the first problem it finds, in the order a reader meets
//! them (the shape of ast-grep's `RuleConfig::try_from`):
//! - `metadata.rs`: identity (`id`, `code`, `title`), enforcement (`match`, `rego`, `builtin` or `review`), the
//!   incidents, the docs, the stage and the files the rule applies to;
//! - `examples.rs`: the examples, which are the rule's tests;
//! - `matcher.rs`: a structural `match` (or a Rego rule's `select`) compiled by ast-grep, and the `strict:` form;
//! - `policy.rs`: the Rego policy file next to the rule;
//! - `forms.rs`: the lesson's forms in other `languages:`, each compiled per language;
//! - `lesson.rs`: where a review-only lesson applies (its `language:` and `prefilter:`).
//!
//! The order of the steps is behaviour: a file with several mistakes reports the first one, so moving a step
//! changes which error an author sees.

mod ascii_regex;
pub(crate) mod contextual;
mod examples;
mod forms;
mod lesson;
mod matcher;
mod metadata;
mod policy;

use std::sync::Arc;

use serde_saphyr::Location;

use self::matcher::{Languages, MatchParts, MatcherPieces};
use self::policy::RegoParts;
use super::raw::RawRule;
use super::{Enforcement, Incident, LoadProblem, MatchRule, Origin, RegoRule, Rule, StrictForm};
use crate::data::DataFormat;
use crate::source::lang::Lang;

pub(crate) use self::policy::package_of;

pub(super) type LoadResult<T> = Result<T, Box<LoadProblem>>;

pub(super) fn load_rule(
    path: &str,
    text: &str,
    sibling: &dyn Fn(&str) -> Option<(String, String)>,
    registry: &dyn Fn(&str) -> Option<Incident>,
) -> LoadResult<Rule> {
    let raw = parse(path, text)?;
    let file = RuleFile {
        path,
        text,
        code_loc: raw.code.referenced,
    };
    let (id, code) = metadata::identity(&file, &raw)?;
    let enforcement = metadata::enforcement(&file, &raw)?;
    let incidents = metadata::incidents(&file, enforcement, raw.incidents, registry)?;
    let docs = metadata::docs(&file, raw.docs)?;
    let stage = metadata::stage(raw.stage);
    matcher::check_strict_fits(&file, enforcement, raw.strict.is_some())?;
    let examples = examples::examples(&file, raw.examples, raw.fix.is_some())?;
    let scope = metadata::file_scope(&file, &raw.files, &raw.ignores, raw.test_code)?;
    examples::check_automated_has_examples(&file, enforcement, &examples)?;

    let pieces = MatcherPieces {
        constraints: raw.constraints.as_ref(),
        utils: raw.utils.as_ref(),
        transform: raw.transform.as_ref(),
        fix: raw.fix.as_ref(),
        message: &raw.message,
        id: &id,
    };
    let languages = Languages::of(raw.language.as_ref(), file.code_loc);
    let raw_forms = raw.languages;
    let lesson = match enforcement {
        Enforcement::Review => Some(lesson::scope(&file, &languages, raw.prefilter.as_deref())?),
        _ => None,
    };
    let matching = match enforcement {
        Enforcement::Match => {
            let parts = MatchParts {
                matcher: raw.matcher,
                focus: raw.focus,
                enclosing: raw.enclosing,
                strict: raw.strict,
                severity: raw.severity,
            };
            matcher::match_rule(&file, &languages, &pieces, parts)?
        }
        Enforcement::Rego => {
            let parts = RegoParts {
                select: raw.select,
                focus: raw.focus,
                enclosing: raw.enclosing,
                scope: raw.scope,
                prefilter: raw.prefilter,
                rego: raw.rego,
                timeout_ms: raw.timeout_ms,
                options: raw.options,
            };
            policy::rego_rule(&file, &languages, &pieces, parts, sibling)?
        }
        Enforcement::Builtin | Enforcement::Review => Matching::default(),
    };
    let forms = forms::forms(
        &file,
        &id,
        &raw.message,
        enforcement,
        matching.language,
        raw_forms,
    )?;
    Ok(Rule {
        id: id.into(),
        code: code.into(),
        title: raw.title,
        severity: raw.severity,
        stage,
        language: matching.language,
        enforcement,
        message: raw.message,
        docs,
        incidents,
        bad_examples: examples.bad,
        good_examples: examples.good,
        origin: Origin {
            path: path.to_string(),
            code_line: file.code_loc.line() as usize,
        },
        supersedes: raw.supersedes.into_iter().map(Arc::from).collect(),
        test_code: scope.test_code,
        files: scope.files,
        ignores: scope.ignores,
        formats: matching.formats,
        matcher: matching.matcher,
        rego: matching.rego,
        strict: matching.strict,
        forms,
        lesson,
    })
}

/// The rule file being loaded: what each step needs to say where a problem is.
pub(super) struct RuleFile<'a> {
    /// Display path of the rule file.
    pub(super) path: &'a str,
    /// Its text, for the few problems found by looking at lines (an incident id the registry lacks).
    pub(super) text: &'a str,
    /// The `code:` key: where problems of the rule as a whole point.
    pub(super) code_loc: Location,
}

impl RuleFile<'_> {
    /// A problem at a line and column of the file.
    pub(super) fn problem(
        &self,
        line: usize,
        column: usize,
        message: String,
        hint: Option<String>,
    ) -> Box<LoadProblem> {
        Box::new(LoadProblem {
            path: self.path.to_string(),
            line,
            column,
            message,
            hint,
        })
    }

    /// A problem at a key of the file.
    pub(super) fn at(
        &self,
        loc: Location,
        message: String,
        hint: Option<&str>,
    ) -> Box<LoadProblem> {
        self.problem(
            loc.line() as usize,
            loc.column() as usize,
            message,
            hint.map(str::to_string),
        )
    }

    /// A problem of the rule as a whole, at its `code:` key.
    pub(super) fn at_code(&self, message: String, hint: Option<&str>) -> Box<LoadProblem> {
        self.at(self.code_loc, message, hint)
    }
}

/// What the last step adds to a rule: the language and formats it checks, and its matcher, policy and strict
/// form (all empty for `builtin` and `review` rules).
#[derive(Default)]
struct Matching {
    language: Option<Lang>,
    formats: Vec<DataFormat>,
    matcher: Option<Box<MatchRule>>,
    rego: Option<Box<RegoRule>>,
    strict: Option<Box<StrictForm>>,
}

/// The rule file as YAML, or the YAML error at its position.
fn parse(path: &str, text: &str) -> LoadResult<RawRule> {
    serde_saphyr::from_str(text).map_err(|err| {
        let (line, column) = err
            .location()
            .map_or((1, 1), |loc| (loc.line() as usize, loc.column() as usize));
        let message = crate::problem::yaml_message(&err.to_string());
        let hint = crate::problem::hint_for_yaml_error(&message);
        Box::new(LoadProblem {
            path: path.to_string(),
            line,
            column,
            message,
            hint,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_name_the_file_and_position() {
        let Err(problem) = parse("rules/x.yaml", "id: [unclosed") else {
            panic!("expected a parse error");
        };
        assert_eq!(
            (problem.path.as_str(), problem.line, problem.column),
            ("rules/x.yaml", 1, 5)
        );
    }

    #[test]
    fn rule_file_problems_point_at_a_location_or_the_code_key() {
        let file = RuleFile {
            path: "rules/x.yaml",
            text: "",
            code_loc: Location::UNKNOWN,
        };
        let problem = file.at_code("m".into(), Some("h"));
        assert_eq!(problem.path, "rules/x.yaml");
        assert_eq!((problem.line, problem.column), (0, 0));
        assert_eq!(problem.hint.as_deref(), Some("h"));
        let problem = file.problem(4, 2, "m".into(), None);
        assert_eq!((problem.line, problem.column, problem.hint), (4, 2, None));
    }
}
