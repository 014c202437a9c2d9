//! The built-in pack loads cleanly, its examples are its tests, and its metadata follows the house rules.

use std::collections::HashSet;
use std::sync::Arc;

use hindsight_engine::testing::test_rule;
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
                failures.push(format!("{} {}: {}", rule.code, rule.id, outcome.describe()));
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
            Some("1") => "rust/",
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
