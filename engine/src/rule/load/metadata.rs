//! The steps of loading a rule about what the rule says of itself: its identity, how it is enforced, the
//! incidents it comes from, its docs, its stage and the files it applies to.

use std::sync::{Arc, LazyLock};

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;

use super::{LoadResult, RuleFile};
use crate::rule::raw::{
    RawDocs, RawEnforcement, RawIncident, RawIncidentRef, RawRule, RawStage, RawTestCode,
};
use crate::rule::{Docs, Enforcement, Incident, Stage, TestCode};

static ID_RE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9]+(-[a-z0-9]+)*$").ok());
static CODE_RE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[A-Z]{2,8}[0-9]{3,5}$").ok());
static DATE_RE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^\d{4}-\d{2}-\d{2}$").ok());

/// The rule's `id` and `code`, checked with its `title`: what names the rule everywhere.
pub(super) fn identity(file: &RuleFile<'_>, raw: &RawRule) -> LoadResult<(String, String)> {
    let id = raw.id.value.clone();
    if !matches_re(&ID_RE, &id) {
        return Err(file.at(
            raw.id.referenced,
            format!("rule id `{id}` is not a kebab-case slug"),
            Some(
                "write lower-case words joined by `-` that name the bad pattern, such as `unwrap-outside-tests`",
            ),
        ));
    }
    let code = raw.code.value.clone();
    if !matches_re(&CODE_RE, &code) {
        return Err(file.at(
            raw.code.referenced,
            format!("rule code `{code}` is not a prefix followed by digits"),
            Some(
                "write an upper-case prefix and a number, such as `HS1001` (or your own prefix, such as `ACME1001`)",
            ),
        ));
    }
    if raw.title.trim().is_empty() || raw.title.contains('\n') {
        return Err(file.at_code(
            "`title` must be one non-empty line".into(),
            Some("write the lesson as \"If you need X, do Y\""),
        ));
    }
    Ok((id, code))
}

/// How the rule is enforced, from `enforcement:` and which of `match:` and `rego:` it has; `select:` only
/// goes with `rego:`.
pub(super) fn enforcement(file: &RuleFile<'_>, raw: &RawRule) -> LoadResult<Enforcement> {
    let enforcement = enforcement_of(raw.enforcement, raw.matcher.is_some(), raw.rego.is_some())
        .map_err(|(message, hint)| file.at_code(message, Some(hint)))?;
    if raw.select.is_some() && raw.rego.is_none() {
        return Err(file.at_code(
            "`select:` only goes with `rego:`".into(),
            Some("for a structural rule write `match:`"),
        ));
    }
    Ok(enforcement)
}

/// The enforcement a rule file declares, or the message and hint saying why it does not fit.
fn enforcement_of(
    declared: Option<RawEnforcement>,
    has_match: bool,
    has_rego: bool,
) -> Result<Enforcement, (String, &'static str)> {
    match (declared, has_match, has_rego) {
        (_, true, true) => Err((
            "a rule has either `match:` or `rego:`, not both".into(),
            "for a Rego rule over code, write the structural part as `select:`",
        )),
        (None | Some(RawEnforcement::Match), true, false) => Ok(Enforcement::Match),
        (None | Some(RawEnforcement::Rego), false, true) => Ok(Enforcement::Rego),
        (Some(RawEnforcement::Builtin), false, false) => Ok(Enforcement::Builtin),
        (Some(RawEnforcement::Review), false, false) => Ok(Enforcement::Review),
        (None | Some(RawEnforcement::Match | RawEnforcement::Rego), false, false) => Err((
            "the rule has no `match:` or `rego:`".into(),
            "add a `match:` in the ast-grep rule language, a `rego:` policy file, or `enforcement: review` for a lesson only review can check",
        )),
        (Some(other), _, _) => {
            let name = match other {
                RawEnforcement::Builtin => "builtin",
                RawEnforcement::Review => "review",
                RawEnforcement::Match => "match",
                RawEnforcement::Rego => "rego",
            };
            Err((
                format!("`enforcement: {name}` does not fit the rule's `match:`/`rego:`"),
                "remove the `enforcement:` line; it is inferred from `match:` or `rego:`",
            ))
        }
    }
}

/// The incidents the rule comes from: ids resolved in the registry, inline records checked. Every rule but
/// a built-in diagnostic names one.
pub(super) fn incidents(
    file: &RuleFile<'_>,
    enforcement: Enforcement,
    raw: Vec<RawIncidentRef>,
    registry: &dyn Fn(&str) -> Option<Incident>,
) -> LoadResult<Vec<Arc<Incident>>> {
    if enforcement != Enforcement::Builtin && raw.is_empty() {
        return Err(file.at_code(
            "the rule names no incident".into(),
            Some(
                "add `incidents:` with the id of an incident record (`incidents/<id>.yaml`), or an inline {date, organisation, summary, url} of a public post-mortem (or `ticket` instead of `url` for an internal one)",
            ),
        ));
    }
    raw.into_iter()
        .map(|incident| {
            let incident = match incident {
                RawIncidentRef::Id(id) => registry(&id).ok_or_else(|| {
                    let line = citation_line(file.text, &id)
                        .unwrap_or(file.code_loc.line() as usize);
                    file.problem(
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
                RawIncidentRef::Inline(incident) => inline_incident(file, incident)?,
            };
            Ok(Arc::new(incident))
        })
        .collect()
}

/// The citation of an incident id: the first line after `incidents:` that names it (1-based).
fn citation_line(text: &str, id: &str) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip_while(|(_, l)| !l.starts_with("incidents:"))
        .find(|(_, l)| l.contains(id))
        .map(|(i, _)| i + 1)
}

/// An incident written in the rule file, with a real date and a web address.
fn inline_incident(file: &RuleFile<'_>, incident: RawIncident) -> LoadResult<Incident> {
    if !matches_re(&DATE_RE, &incident.date) {
        return Err(file.at_code(
            format!("incident date `{}` is not YYYY-MM-DD", incident.date),
            None,
        ));
    }
    let ticket = incident.ticket.filter(|t| !t.trim().is_empty());
    match (&incident.url, &ticket) {
        (None, None) => {
            return Err(file.at_code(
                "an inline incident needs a `url` (public post-mortem) or a `ticket` (internal reference)"
                    .into(),
                Some("write `url: https://...`, or `ticket: INC-123` for an internal incident"),
            ));
        }
        (Some(url), _) if !url.starts_with("https://") && !url.starts_with("http://") => {
            return Err(file.at_code(
                format!("incident url `{url}` is not a web address"),
                Some(
                    "link the public post-mortem with an https:// URL, or give a `ticket` instead",
                ),
            ));
        }
        _ => {}
    }
    Ok(Incident {
        id: None,
        date: incident.date,
        organisation: incident.organisation,
        summary: incident.summary,
        url: incident.url.unwrap_or_default(),
        ticket,
    })
}

/// The rule's docs; `what` and `why` are what every rendering shows, so they must say something.
pub(super) fn docs(file: &RuleFile<'_>, raw: RawDocs) -> LoadResult<Docs> {
    let docs = Docs {
        what: raw.what,
        why: raw.why,
        fix: raw.fix,
        references: raw.references,
    };
    if docs.what.trim().is_empty() || docs.why.trim().is_empty() {
        return Err(file.at_code("`docs.what` and `docs.why` must not be empty".into(), None));
    }
    Ok(docs)
}

/// The stage the rule file declares; `enforce` when it declares none.
pub(super) fn stage(raw: Option<RawStage>) -> Stage {
    match raw {
        Some(RawStage::Shadow) => Stage::Shadow,
        Some(RawStage::Warn) => Stage::Warn,
        Some(RawStage::Enforce) | None => Stage::Enforce,
    }
}

/// Which files the rule looks at: its `files` and `ignores` globs, and whether it reports in test code.
pub(super) struct FileScope {
    pub(super) files: Option<GlobSet>,
    pub(super) ignores: Option<GlobSet>,
    pub(super) test_code: TestCode,
}

/// The rule's [`FileScope`], with an error for a glob that does not compile.
pub(super) fn file_scope(
    file: &RuleFile<'_>,
    files: &[String],
    ignores: &[String],
    test_code: Option<RawTestCode>,
) -> LoadResult<FileScope> {
    let files = build_globs(files)
        .map_err(|err| file.at_code(format!("invalid `files` glob: {err}"), None))?;
    let ignores = build_globs(ignores)
        .map_err(|err| file.at_code(format!("invalid `ignores` glob: {err}"), None))?;
    let test_code = match test_code {
        Some(RawTestCode::Skip) => TestCode::Skip,
        Some(RawTestCode::Check) | None => TestCode::Check,
    };
    Ok(FileScope {
        files,
        ignores,
        test_code,
    })
}

fn matches_re(re: &LazyLock<Option<Regex>>, text: &str) -> bool {
    re.as_ref().is_some_and(|re| re.is_match(text))
}

/// One set of globs; `None` when there are none, so that "no `files:`" means every file.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_codes_and_dates_have_one_shape() {
        assert!(matches_re(&ID_RE, "unwrap-outside-tests"));
        assert!(!matches_re(&ID_RE, "X_Rule"));
        assert!(!matches_re(&ID_RE, "trailing-"));
        assert!(matches_re(&CODE_RE, "HS1001"));
        assert!(matches_re(&CODE_RE, "ACME12345"));
        assert!(!matches_re(&CODE_RE, "1001"));
        assert!(!matches_re(&CODE_RE, "HS12"));
        assert!(matches_re(&DATE_RE, "2024-01-31"));
        assert!(!matches_re(&DATE_RE, "31/01/2024"));
    }

    #[test]
    fn enforcement_follows_match_and_rego() {
        use RawEnforcement as E;
        assert_eq!(enforcement_of(None, true, false), Ok(Enforcement::Match));
        assert_eq!(enforcement_of(None, false, true), Ok(Enforcement::Rego));
        assert_eq!(
            enforcement_of(Some(E::Review), false, false),
            Ok(Enforcement::Review)
        );
        assert_eq!(
            enforcement_of(Some(E::Builtin), false, false),
            Ok(Enforcement::Builtin)
        );
        let message = |result: Result<Enforcement, (String, &str)>| result.err().map(|(m, _)| m);
        assert_eq!(
            message(enforcement_of(None, true, true)).as_deref(),
            Some("a rule has either `match:` or `rego:`, not both")
        );
        assert_eq!(
            message(enforcement_of(Some(E::Match), false, false)).as_deref(),
            Some("the rule has no `match:` or `rego:`")
        );
        assert_eq!(
            message(enforcement_of(Some(E::Review), true, false)).as_deref(),
            Some("`enforcement: review` does not fit the rule's `match:`/`rego:`")
        );
        assert_eq!(
            message(enforcement_of(Some(E::Rego), true, false)).as_deref(),
            Some("`enforcement: rego` does not fit the rule's `match:`/`rego:`")
        );
    }

    #[test]
    fn a_missing_incident_points_at_its_citation() {
        let text = "id: x\ncode: HS1\nsummary: acme-2024-01-01\nincidents:\n  - other-2023-05-05\n  - acme-2024-01-01\n";
        // The mention above `incidents:` is not the citation.
        assert_eq!(citation_line(text, "acme-2024-01-01"), Some(6));
        assert_eq!(citation_line(text, "absent-2020-01-01"), None);
        assert_eq!(
            citation_line("incidents: [a-2020-01-01]", "a-2020-01-01"),
            Some(1)
        );
    }

    #[test]
    fn stages_and_test_code_have_defaults() {
        assert_eq!(stage(None), Stage::Enforce);
        assert_eq!(stage(Some(RawStage::Shadow)), Stage::Shadow);
        assert_eq!(stage(Some(RawStage::Warn)), Stage::Warn);
        let file = RuleFile {
            path: "x.yaml",
            text: "",
            code_loc: serde_saphyr::Location::UNKNOWN,
        };
        let scope = file_scope(&file, &[], &[], None).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(scope.test_code, TestCode::Check);
        assert!(scope.files.is_none() && scope.ignores.is_none());
        let scope = file_scope(&file, &["src/**".into()], &[], Some(RawTestCode::Skip))
            .unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(scope.test_code, TestCode::Skip);
        assert!(scope.files.is_some_and(|set| set.is_match("src/a/b.rs")));
    }

    #[test]
    fn a_broken_glob_names_its_key() {
        let file = RuleFile {
            path: "x.yaml",
            text: "",
            code_loc: serde_saphyr::Location::UNKNOWN,
        };
        let problem = file_scope(&file, &[], &["a[".into()], None).err();
        assert!(
            problem.is_some_and(|p| p.message.starts_with("invalid `ignores` glob")),
            "an unclosed class is an error"
        );
        assert!(build_globs(&[]).is_ok_and(|set| set.is_none()));
    }
}
