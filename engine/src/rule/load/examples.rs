//! A rule's examples, which are also its tests (`codex/testing.rs` runs them): each bad one must give exactly
//! one finding of the rule, each good one none.

use super::{LoadResult, RuleFile};
use crate::rule::Enforcement;
use crate::rule::examples::{Example, ExampleList, examples as validated};
use crate::rule::raw::RawExamples;

/// A rule's bad and good examples (or those of its strict form).
pub(super) struct Examples {
    pub(super) bad: Vec<Example>,
    pub(super) good: Vec<Example>,
}

/// The examples step: both lists validated (what only a bad example may say, `fixed` only with the rule's
/// `fix:`, `at` a place), each problem on its example's line. The strict form's examples go through it too.
pub(super) fn examples(
    file: &RuleFile<'_>,
    raw: RawExamples,
    has_fix: bool,
) -> LoadResult<Examples> {
    Ok(Examples {
        bad: validated(file.path, raw.bad, ExampleList::Bad, has_fix)?,
        good: validated(file.path, raw.good, ExampleList::Good, has_fix)?,
    })
}

/// An automated rule is tested by its examples, so it needs both kinds. A separate step from [`examples`]
/// because it runs after the `files`/`ignores` globs are checked, and a file with both mistakes has always
/// reported the glob.
pub(super) fn check_automated_has_examples(
    file: &RuleFile<'_>,
    enforcement: Enforcement,
    examples: &Examples,
) -> LoadResult<()> {
    if matches!(enforcement, Enforcement::Match | Enforcement::Rego)
        && (examples.bad.is_empty() || examples.good.is_empty())
    {
        return Err(file.at_code(
            "an automated rule needs at least one bad and one good example".into(),
            Some("add `examples: { bad: [...], good: [...] }`; they are the rule's tests"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    fn file() -> RuleFile<'static> {
        RuleFile {
            path: "x.yaml",
            text: "",
            code_loc: serde_saphyr::Location::UNKNOWN,
        }
    }

    fn raw(yaml: &str) -> RawExamples {
        serde_saphyr::from_str(yaml).unwrap_or_else(|err| panic!("{err}"))
    }

    #[test]
    fn examples_keep_their_path_and_severity() {
        let examples = examples(
            &file(),
            raw("bad:\n  - \"fn f() {}\"\n  - { path: src/a.rs, severity: warning, code: \"fn g() {}\" }\ngood: [\"fn h() {}\"]\n"),
            false,
        )
        .unwrap_or_else(|p| panic!("{p:?}"));
        let [plain, placed] = examples.bad.as_slice() else {
            panic!("two bad examples");
        };
        assert_eq!(
            (plain.path.as_deref(), plain.code.as_str()),
            (None, "fn f() {}")
        );
        assert_eq!(placed.path.as_deref(), Some("src/a.rs"));
        assert_eq!(placed.severity, Some(Severity::Warning));
        assert_eq!(examples.good.len(), 1);
    }

    #[test]
    fn a_good_example_names_no_severity() {
        let result = examples(
            &file(),
            raw("good: [{ path: src/a.rs, severity: error, code: \"fn f() {}\" }]\n"),
            false,
        );
        assert!(result.is_err_and(|p| p.message.starts_with("a good example gives no finding")));
    }

    #[test]
    fn only_automated_rules_need_examples() {
        let none = Examples {
            bad: Vec::new(),
            good: Vec::new(),
        };
        for enforcement in [Enforcement::Match, Enforcement::Rego] {
            assert!(check_automated_has_examples(&file(), enforcement, &none).is_err());
        }
        for enforcement in [Enforcement::Builtin, Enforcement::Review] {
            assert!(check_automated_has_examples(&file(), enforcement, &none).is_ok());
        }
    }
}
