//! Which lessons apply to a changed file: what a reviewer of that change should have in mind.
//!
//! An automated rule applies where it would run: a file of one of its languages or formats, inside its
//! `files:`/`ignores:` globs, whose text or path its `prefilter` admits. A review-only lesson has no matcher, so
//! it says where it applies with the same keys (`language:`, `files:`, `ignores:`, `prefilter:`); one that says
//! nothing applies to every change.

use std::path::Path;

use super::lazy_regex::LazyRegex;
use super::{Enforcement, Rule};
use crate::data::DataFormat;
use crate::source::lang::Lang;

/// Where a review-only lesson applies, beyond its `files:` and `ignores:` globs.
#[derive(Debug, Default)]
pub struct LessonScope {
    /// Source languages (empty with no formats either: every file).
    pub languages: Vec<Lang>,
    /// Configuration formats.
    pub formats: Vec<DataFormat>,
    /// A regex the file's text or path must contain.
    pub(crate) prefilter: Option<LazyRegex>,
}

impl LessonScope {
    /// The prefilter's pattern, if any.
    pub fn prefilter(&self) -> Option<&str> {
        self.prefilter.as_ref().map(LazyRegex::as_str)
    }
}

impl Rule {
    /// Does the lesson apply to a change of the file at `path` (relative to the configuration's directory, as
    /// `files:` globs are) whose new text is `text`? Built-in diagnostics (`HS9xxx`) never do: they are about
    /// hindsight's own inputs.
    pub fn lesson_applies(&self, path: &Path, text: &str) -> bool {
        if !self.globs_admit(path) {
            return false;
        }
        let lang = Lang::from_file(path);
        let format = DataFormat::from_path(path);
        let admits = |prefilter: Option<&LazyRegex>| {
            prefilter.is_none_or(|re| {
                re.is_match(text) || re.is_match(&path.to_string_lossy().replace('\\', "/"))
            })
        };
        match self.enforcement {
            Enforcement::Builtin => false,
            Enforcement::Review => {
                let Some(scope) = &self.lesson else {
                    return true;
                };
                let any_input = scope.languages.is_empty() && scope.formats.is_empty();
                let reads = any_input
                    || lang.is_some_and(|l| scope.languages.contains(&l))
                    || format.is_some_and(|f| scope.formats.contains(&f));
                reads && admits(scope.prefilter.as_ref())
            }
            Enforcement::Match | Enforcement::Rego => {
                let reads =
                    self.checks_language(lang) || format.is_some_and(|f| self.formats.contains(&f));
                reads && admits(self.rego.as_ref().and_then(|r| r.prefilter.as_ref()))
            }
        }
    }

    /// The `files:` and `ignores:` globs, for any kind of rule.
    fn globs_admit(&self, path: &Path) -> bool {
        self.files.as_ref().is_none_or(|files| files.is_match(path))
            && self
                .ignores
                .as_ref()
                .is_none_or(|ignores| !ignores.is_match(path))
    }
}
