//! conftest's conventions for which rules of a package are results and which inputs they exempt, so that
//! policies written for conftest run unchanged.
//!
//! - Result rules: `deny` and `violation` (failures) and `warn` (warnings), each also with suffixes:
//!   `deny_run_as_root`, `violation_*`, `warn_*` (conftest matches `^(deny|violation)(_[a-zA-Z0-9]+)*$` and
//!   `^warn(_[a-zA-Z0-9]+)*$`).
//! - Exceptions: `exception` is a set of lists of rule names without their `deny_`/`violation_`/`warn_`
//!   prefix (`exception contains ["run_as_root"] if { ... }`); when the input makes it hold a rule's name,
//!   that rule's results for that input are exempted (conftest's `data.<ns>.exception[_][_] == "<name>"`).

use std::collections::BTreeSet;

use regorus::{Engine, Value};

use super::VerdictKind;

/// The result set a rule named `name` is, by conftest's naming convention, if any.
pub(super) fn result_kind(name: &str) -> Option<VerdictKind> {
    let (kind, rest) = if let Some(rest) = name.strip_prefix("violation") {
        (VerdictKind::Violation, rest)
    } else if let Some(rest) = name.strip_prefix("deny") {
        (VerdictKind::Deny, rest)
    } else if let Some(rest) = name.strip_prefix("warn") {
        (VerdictKind::Warn, rest)
    } else {
        return None;
    };
    // `(_[a-zA-Z0-9]+)*`: every `_` starts a non-empty alphanumeric segment.
    let suffix_ok = rest.is_empty()
        || (rest.starts_with('_')
            && rest[1..]
                .split('_')
                .all(|seg| !seg.is_empty() && seg.chars().all(|c| c.is_ascii_alphanumeric())));
    suffix_ok.then_some(kind)
}

/// The name an `exception` uses for a result rule: the rule's name without its `deny_`, `violation_` or
/// `warn_` prefix; the bare `deny`, `violation` and `warn` are `""`, as in conftest.
pub(super) fn exception_name(rule: &str) -> &str {
    if matches!(rule, "deny" | "violation" | "warn") {
        return "";
    }
    ["violation_", "deny_", "warn_"]
        .iter()
        .find_map(|prefix| rule.strip_prefix(prefix))
        .unwrap_or(rule)
}

/// Words of a policy's text that could name a result rule or `exception`: candidates only. The parser
/// decides which of them are rules the module declares ([`declared_rules`]), so a word in a comment or a
/// string is never taken for a rule.
fn candidate_names(text: &str) -> BTreeSet<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| result_kind(word).is_some() || *word == "exception")
        .collect()
}

/// The result rules (with their kind) and whether `exception` is declared in the module loaded from `path`.
pub(super) fn declared_rules(
    engine: &Engine,
    path: &str,
    text: &str,
) -> (Vec<(VerdictKind, String)>, bool) {
    let mut results = Vec::new();
    let mut exception = false;
    for name in candidate_names(text) {
        if !engine
            .has_declared_rule_rooted_at(path, name)
            .unwrap_or(false)
        {
            continue;
        }
        match result_kind(name) {
            Some(kind) => results.push((kind, name.to_string())),
            None => exception = true,
        }
    }
    (results, exception)
}

/// The rule names an evaluated `exception` holds: the strings inside each of its entries (a set or array of
/// lists, sets or objects).
pub(super) fn exempted_names(value: &Value) -> BTreeSet<String> {
    let entries: Vec<&Value> = match value {
        Value::Set(set) => set.iter().collect(),
        Value::Array(items) => items.iter().collect(),
        _ => Vec::new(),
    };
    let mut names = BTreeSet::new();
    for entry in entries {
        let inner: Vec<&Value> = match entry {
            Value::Set(set) => set.iter().collect(),
            Value::Array(items) => items.iter().collect(),
            Value::Object(fields) => fields.values().collect(),
            _ => Vec::new(),
        };
        names.extend(inner.into_iter().filter_map(|v| match v {
            Value::String(s) => Some(s.to_string()),
            _ => None,
        }));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_rules_follow_conftest_names() {
        let cases = [
            ("deny", Some(VerdictKind::Deny)),
            ("deny_run_as_root", Some(VerdictKind::Deny)),
            ("deny_a_B_3", Some(VerdictKind::Deny)),
            ("violation", Some(VerdictKind::Violation)),
            ("violation_labels", Some(VerdictKind::Violation)),
            ("warn", Some(VerdictKind::Warn)),
            ("warn_latest", Some(VerdictKind::Warn)),
            ("denied", None),
            ("deny_", None),
            ("deny__x", None),
            ("warning", None),
            ("is_deny", None),
            ("exception", None),
        ];
        for (name, kind) in cases {
            assert_eq!(result_kind(name), kind, "{name}");
        }
    }

    #[test]
    fn exceptions_name_rules_without_their_prefix() {
        assert_eq!(exception_name("deny_run_as_root"), "run_as_root");
        assert_eq!(exception_name("violation_labels"), "labels");
        assert_eq!(exception_name("warn_latest_tag"), "latest_tag");
        assert_eq!(exception_name("deny"), "");
    }

    #[test]
    fn exempted_names_are_the_strings_inside_each_entry() {
        let value = crate::rego::value_from_json(&serde_json::json!([
            ["run_as_root", "latest"],
            ["labels"],
            "not-a-list",
            [3]
        ]));
        let names: Vec<String> = exempted_names(&value).into_iter().collect();
        assert_eq!(names, ["labels", "latest", "run_as_root"]);
        assert!(exempted_names(&Value::Undefined).is_empty());
    }

    #[test]
    fn only_declared_rules_count_not_words_in_comments_or_strings() {
        let text = "package main\n# deny_in_comment\nwarn_x contains \"deny_in_string\" if { input.a }\ndeny contains m if { m := \"x\" }\nexception contains [\"x\"] if { input.b }\n";
        let mut engine = Engine::new();
        engine
            .add_policy("p.rego".into(), text.into())
            .unwrap_or_else(|err| panic!("{err}"));
        let (mut results, exception) = declared_rules(&engine, "p.rego", text);
        results.sort_by(|a, b| a.1.cmp(&b.1));
        assert_eq!(
            results,
            [
                (VerdictKind::Deny, "deny".to_string()),
                (VerdictKind::Warn, "warn_x".to_string())
            ]
        );
        assert!(exception);
    }
}
