//! Where a review-only lesson applies: the languages and formats its `language:` names (source languages and
//! configuration formats may be mixed) and its `prefilter:` regex. Its `files:` and `ignores:` globs are read by
//! `metadata.rs` like any rule's.

use crate::rule::lazy_regex::LazyRegex;

use super::matcher::Languages;
use super::{LoadResult, RuleFile};
use crate::data::DataFormat;
use crate::rule::LessonScope;
use crate::source::lang::Lang;

pub(super) fn scope(
    file: &RuleFile<'_>,
    languages: &Languages,
    prefilter: Option<&str>,
) -> LoadResult<Box<LessonScope>> {
    let mut scope = LessonScope::default();
    for name in &languages.names {
        if let Some(format) = DataFormat::from_name(name) {
            scope.formats.push(format);
        } else if let Some(lang) = Lang::from_name(name) {
            scope.languages.push(lang);
        } else {
            return Err(languages.problem(
                file,
                (
                    format!("`{name}` is not a language or configuration format hindsight reads"),
                    "name where the lesson applies, such as `language: [rust, go, yaml]`, or leave `language:` out for every file".into(),
                ),
            ));
        }
    }
    if let Some(pattern) = prefilter {
        scope.prefilter = Some(LazyRegex::new(pattern).map_err(|err| {
            file.at_code(
                format!("invalid `prefilter` regex: {err}"),
                Some("write a Rust regex the files the lesson is about contain, such as `(?i)failover`"),
            )
        })?);
    }
    Ok(Box::new(scope))
}
