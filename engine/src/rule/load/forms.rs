//! The `languages:` step: a lesson's forms in other languages, each a structural match compiled per language
//! with its own message and examples, under the rule's one code.

use super::examples;
use super::matcher::{MatcherPieces, MatcherSpec, build_matcher};
use super::{LoadResult, RuleFile};
use crate::rule::raw::RawLanguageForm;
use crate::rule::{Enforcement, LanguageForm};
use crate::source::lang::Lang;

/// Validates and compiles every form. `own` is the rule's own source language, which no form may repeat.
pub(super) fn forms(
    file: &RuleFile<'_>,
    id: &str,
    message: &str,
    enforcement: Enforcement,
    own: Option<Lang>,
    raw: Vec<RawLanguageForm>,
) -> LoadResult<Vec<LanguageForm>> {
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    if !matches!(enforcement, Enforcement::Match | Enforcement::Rego) || own.is_none() {
        return Err(file.at_code(
            "only a rule over source code can have forms in other `languages:`".into(),
            Some("give the rule a source `language:` and a `match:` (or a Rego code rule's `select:`)"),
        ));
    }
    let mut seen: Vec<Lang> = own.into_iter().collect();
    let mut out = Vec::new();
    for form in raw {
        let languages = form_languages(file, &form, &mut seen)?;
        let message = form.message.unwrap_or_else(|| message.to_string());
        let examples = examples::examples(file, form.examples, form.fix.is_some())?;
        if examples.bad.is_empty() || examples.good.is_empty() {
            return Err(file.at(
                form.language.referenced,
                "a language form needs at least one bad and one good example".into(),
                Some("add `examples: { bad: [...], good: [...] }` to the form; they are its tests"),
            ));
        }
        let pieces = MatcherPieces {
            constraints: form.constraints.as_ref(),
            utils: form.utils.as_ref(),
            transform: form.transform.as_ref(),
            fix: form.fix.as_ref(),
            message: &message,
            id,
        };
        let mut matchers = Vec::new();
        for &lang in &languages {
            let spec = MatcherSpec {
                rule: clone_spanned(&form.matcher),
                focus: form.focus.as_ref().map(super::matcher::copy_focus_of),
                enclosing: form.enclosing.as_ref().map(clone_spanned),
            };
            matchers.push(*build_matcher(file, lang, &pieces, spec)?);
        }
        out.push(LanguageForm {
            languages,
            message,
            what: form.what,
            stage: form.stage.map(|s| super::metadata::stage(Some(s))),
            bad_examples: examples.bad,
            good_examples: examples.good,
            matchers,
        });
    }
    Ok(out)
}

/// The form's languages: known source languages, none checked by an earlier form or the rule itself.
fn form_languages(
    file: &RuleFile<'_>,
    form: &RawLanguageForm,
    seen: &mut Vec<Lang>,
) -> LoadResult<Vec<Lang>> {
    let known = Lang::all().map(Lang::name).collect::<Vec<_>>().join(", ");
    let mut languages = Vec::new();
    for name in form.language.value.names() {
        let Some(lang) = Lang::from_name(name) else {
            return Err(file.at(
                form.language.referenced,
                format!("unknown language `{name}`"),
                Some(&format!("write one of: {known}")),
            ));
        };
        if seen.contains(&lang) {
            return Err(file.at(
                form.language.referenced,
                format!("the rule already has a form in `{lang}`"),
                Some("give each language one form: join the two matches with `any:`"),
            ));
        }
        seen.push(lang);
        languages.push(lang);
    }
    Ok(languages)
}

/// A spanned rule, copied for each language it is compiled in.
fn clone_spanned<T: Clone>(spanned: &serde_saphyr::Spanned<T>) -> serde_saphyr::Spanned<T> {
    serde_saphyr::Spanned {
        value: spanned.value.clone(),
        referenced: spanned.referenced,
        defined: spanned.defined,
    }
}
