//! The built-in pack loads cleanly, its examples are its tests, and its metadata follows the house rules.

use std::collections::HashSet;
use std::sync::Arc;

use hindsight_engine::codex::testing::test_rule;
use hindsight_engine::{Checker, Config, RulePack};

fn builtin() -> Arc<RulePack> {
    Arc::new(RulePack::builtin())
}

#[test]
fn builtin_pack_loads_without_problems() {
    let pack = builtin();
    assert_eq!(pack.problems(), &[], "the built-in pack must load cleanly");
    assert!(
        pack.rules().len() >= 8,
        "only {} rules loaded",
        pack.rules().len()
    );
}

#[test]
fn every_example_of_the_builtin_pack_passes() {
    let pack = builtin();
    let checker = Checker::new(pack.clone(), &Config::default());
    let mut failures = Vec::new();
    let mut n_examples = 0;
    for rule in pack.rules() {
        for outcome in test_rule(&checker, rule) {
            n_examples += 1;
            if !outcome.passed() {
                failures.push(outcome.describe());
            }
        }
    }
    assert!(
        failures.is_empty(),
        "failing examples:\n{}",
        failures.join("\n")
    );
    assert!(n_examples >= 10, "only {n_examples} examples ran");
}

#[test]
fn rule_metadata_follows_the_house_rules() {
    let pack = builtin();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for rule in pack.rules() {
        let file_stem = rule
            .origin
            .path
            .rsplit('/')
            .next()
            .and_then(|f| f.strip_suffix(".yaml"))
            .unwrap_or("");
        if file_stem != &*rule.id {
            problems.push(format!(
                "{}: id `{}` must equal the file name `{file_stem}`",
                rule.code, rule.id
            ));
        }
        if !rule.code.starts_with("HS") {
            problems.push(format!("{}: built-in codes use the HS prefix", rule.code));
        }
        for prefix in ["no-", "disallow-", "avoid-", "ban-"] {
            if rule.id.starts_with(prefix) {
                problems.push(format!(
                    "{}: name the bad pattern, not the ban (`{}`)",
                    rule.code, rule.id
                ));
            }
        }
        if !seen.insert(rule.code.clone()) {
            problems.push(format!("{}: duplicate code", rule.code));
        }
        let area = match rule.code.get(2..3) {
            Some("1") => "code/",
            Some("2") => "kubernetes/",
            Some("3") => "ci/",
            Some("4") => "rollout/",
            Some("5") => "hosts/",
            Some("6") => "data/",
            Some("7") => "review/",
            Some("9") => "hindsight/",
            _ => "",
        };
        if !rule.origin.path.starts_with(&format!("builtin:{area}")) {
            problems.push(format!(
                "{}: lives in {} but its code says {area}",
                rule.code, rule.origin.path
            ));
        }
        if rule.is_automated() {
            if rule.incidents.is_empty() {
                problems.push(format!(
                    "{}: an automated rule needs an incident",
                    rule.code
                ));
            }
            if rule.docs.fix.trim().is_empty() {
                problems.push(format!("{}: docs.fix is empty", rule.code));
            }
            if rule.message.trim().is_empty() {
                problems.push(format!("{}: message is empty", rule.code));
            }
        }
        if !(rule.title.starts_with("If ") || rule.title.starts_with("Don't ")) {
            problems.push(format!(
                "{}: title must use the codex voice (\"If you need X, do Y\")",
                rule.code
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn builtin_rules_cite_the_incident_registry() {
    let pack = builtin();
    assert!(
        pack.incidents().len() >= 20,
        "only {} incident records loaded",
        pack.incidents().len()
    );
    let problems = registry_problems(&pack);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn registry_checks_catch_inline_incidents_dead_records_and_mismatched_items() {
    let mut pack = RulePack::new();
    pack.add_incident(
        "builtin:incidents/acme-2024-01-01.yaml",
        r#"id: acme-2024-01-01
date: "2024-01-01"
organisation: Acme
title: Nothing cites this record and it has no action items
summary: s
links: ["https://example.com/pm"]
"#,
    );
    pack.add_incident(
        "builtin:incidents/acme-2024-02-02.yaml",
        r#"id: acme-2024-02-02
date: "2024-02-02"
organisation: Acme
title: An item says automated but names a review-only lesson
summary: s
links: ["https://example.com/pm"]
action_items:
  - id: check-it
    text: Check it.
    enforcement: automated
    rules: [HS7999]
    status: done
"#,
    );
    pack.add_file(
        "builtin:review/inline-incident.yaml",
        r#"id: inline-incident
code: HS7999
title: If you cite an incident, cite it by registry id
severity: info
enforcement: review
docs: { what: w, why: y, fix: f }
incidents: [{ date: "2024-03-03", organisation: Acme, summary: s, url: "https://example.com/pm" }]
"#,
    );
    pack.check_references();
    // A mismatched item is a load problem of the engine (`check_references`); the rest is this test's.
    let load: Vec<&str> = pack.problems().iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        load,
        ["action item `check-it` is automated, but `HS7999` is not a rule that checks files"]
    );
    let problems = registry_problems(&pack);
    assert_eq!(
        problems,
        [
            "HS7999 (builtin:review/inline-incident.yaml): cites incident 2024-03-03 Acme inline; \
             add it to rules/incidents/ and cite it by id",
            "acme-2024-01-01: no rule cites it and it has no action items",
        ],
    );
}

/// What the incident registry and the rules that cite it must agree on, beyond what loading checks
/// (`RulePack::check_references` already rejects unknown incident ids and unknown codes in action items).
fn registry_problems(pack: &RulePack) -> Vec<String> {
    let mut problems = Vec::new();
    // Built-in lessons cite registry records, so every incident is told once, with its action items.
    // `hindsight/` diagnostics are about hindsight itself and cite no incident.
    for rule in pack.rules() {
        if rule.origin.path.starts_with("builtin:hindsight/") {
            continue;
        }
        for incident in rule.incidents.iter().filter(|i| i.id.is_none()) {
            problems.push(format!(
                "{} ({}): cites incident {} {} inline; add it to rules/incidents/ and cite it by id",
                rule.code, rule.origin.path, incident.date, incident.organisation
            ));
        }
    }
    // A record that no rule cites and that lists no action items is dead weight.
    for record in pack.incidents() {
        let cited = pack.rules().iter().any(|rule| {
            rule.incidents
                .iter()
                .any(|i| i.id.as_deref() == Some(record.id.as_str()))
        });
        if !cited && record.action_items.is_empty() {
            problems.push(format!(
                "{}: no rule cites it and it has no action items",
                record.id
            ));
        }
    }
    problems
}

/// Rule files are self-contained, so a utility two rules must agree on is copied into each: HS1006 leaves
/// configuration loaders to HS1003 (`config-ingestion-fn`), and HS1001 and HS1002 report in the same request
/// handlers and decoders (`input-handling-fn`). The copies must not drift apart.
#[test]
fn shared_utilities_are_identical_in_every_rule_that_copies_them() {
    let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/code");
    let util = |file: &str, name: &str| -> String {
        let text = std::fs::read_to_string(rules.join(file)).unwrap();
        let start = text
            .find(&format!("\n  {name}:\n"))
            .unwrap_or_else(|| panic!("{file} has no `{name}` utility"));
        // The utility's body is every following line indented deeper than its key (or blank).
        text[start + 1..]
            .lines()
            .enumerate()
            .take_while(|(i, line)| *i == 0 || line.is_empty() || line.starts_with("    "))
            .map(|(_, line)| format!("{line}\n"))
            .collect()
    };
    for (name, a, b) in [
        (
            "config-ingestion-fn",
            "panic-in-config-ingestion.yaml",
            "unchecked-index-in-decoder.yaml",
        ),
        (
            "input-handling-fn",
            "unwrap-outside-tests.yaml",
            "panic-outside-tests.yaml",
        ),
    ] {
        let (first, second) = (util(a, name), util(b, name));
        assert!(first.lines().count() > 5, "utility not found:\n{first}");
        assert_eq!(first, second, "the two copies of `{name}` differ");
    }
}
