//! The rule-test runner on small rule files: where a finding lands, what the fix gives, what a failure says.

use std::sync::Arc;

use insta::assert_snapshot;

use crate::check::Checker;
use crate::config::Config;
use crate::rule::RulePack;

use super::{placeholders, test_rule};

/// A rule turning `dbg!(x)` into `x`; `$FIX` and `$EXAMPLES` are filled in per test.
const RULE: &str = r#"id: dbg-call
code: ACME1001
title: If you need to inspect a value, use the logger; don't leave `dbg!` in
severity: warning
language: rust
message: "`dbg!($X)` left in"
match: { pattern: dbg!($X) }
fix: $FIX
docs: { what: w, why: y, fix: f }
incidents: [{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }]
examples:
$EXAMPLES
"#;

/// Loads the rule with `fix` and `examples` and describes each failing example (empty: every one passed).
fn failures(fix: &str, examples: &str) -> String {
    let text = RULE.replace("$FIX", fix).replace("$EXAMPLES", examples);
    let mut pack = RulePack::new();
    pack.add_file("rules/dbg-call.yaml", &text);
    assert_eq!(pack.problems(), &[], "the test rule must load");
    let pack = Arc::new(pack);
    let checker = Checker::new(pack.clone(), &Config::default());
    let rule = pack.get("ACME1001").expect("the rule loaded");
    let outcomes = test_rule(&checker, rule);
    assert!(!outcomes.is_empty(), "no example ran");
    outcomes
        .iter()
        .filter(|o| !o.passed())
        .map(|o| o.describe())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn an_example_at_the_right_place_with_the_right_fix_passes() {
    let examples = r#"  bad:
    - code: "fn f() {\n    dbg!(1);\n}\n"
      at: "2:5"
      fixed: "fn f() {\n    1;\n}\n"
    - { code: "fn g() { dbg!(2); }", at: 1 }
    - code: "fn g() { dbg!(2); }"
      at: 1:10
    - "fn h() { dbg!(3); }"
  good: ["fn f() { println!(); }"]"#;
    assert_eq!(failures("$X", examples), "");
}

#[test]
fn a_finding_elsewhere_than_at_fails_naming_the_code_the_example_and_where_it_is() {
    let examples = r#"  bad:
    - "fn f() { dbg!(1); }"
    - code: |
        fn f() {
            dbg!(1);
        }
      at: "1:10"
  good: ["fn f() {}"]"#;
    assert_snapshot!(failures("$X", examples), @r"
    ACME1001 bad example #2 (rules/dbg-call.yaml:14:7): expected its finding at 1:10, found it at 2:5
      found 2:5 `dbg!(1)` left in
      code:
        1 | fn f() {
        2 |     dbg!(1);
        3 | }
    ");
}

#[test]
fn a_missing_finding_says_what_was_expected_and_shows_the_code() {
    let examples = r#"  bad: ["fn f() { dbg!(1); dbg!(2); }", { code: "fn f() {}", at: "1:1" }]
  good: ["fn f() { dbg!(3); }"]"#;
    assert_snapshot!(failures("$X", examples), @r"
    ACME1001 bad example #1 (rules/dbg-call.yaml:12:9): expected exactly 1 finding, found 2
      found 1:10 `dbg!(1)` left in
      found 1:19 `dbg!(2)` left in
      code:
        1 | fn f() { dbg!(1); dbg!(2); }
    ACME1001 bad example #2 (rules/dbg-call.yaml:12:41): expected exactly 1 finding, at 1:1, found 0
      code:
        1 | fn f() {}
    ACME1001 good example #1 (rules/dbg-call.yaml:13:10): expected no finding, found 1
      found 1:10 `dbg!(3)` left in
      code:
        1 | fn f() { dbg!(3); }
    ");
}

#[test]
fn a_fix_that_leaves_a_match_fails() {
    let examples = r#"  bad: ["fn f() { dbg!(1); }"]
  good: ["fn f() {}"]"#;
    assert_snapshot!(failures("dbg!($X)", examples), @r"
    ACME1001 bad example #1 (rules/dbg-call.yaml:12:9): the fixed code still gives 1 finding(s) of the rule, at 1:10
      found 1:10 `dbg!(1)` left in
      code:
        1 | fn f() { dbg!(1); }
      fixed code:
        1 | fn f() { dbg!(1); }
    ");
}

#[test]
fn a_fix_that_breaks_the_syntax_fails() {
    let examples = r#"  bad: ["fn f() { dbg!(1); }"]
  good: ["fn f() {}"]"#;
    let out = failures("'$X )'", examples);
    assert!(
        out.starts_with("ACME1001 bad example #1 (rules/dbg-call.yaml:12:9): the fixed code has a syntax error (at 1:"),
        "{out}"
    );
    assert!(
        out.ends_with("fixed code:\n    1 | fn f() { 1 ); }"),
        "{out}"
    );
}

#[test]
fn a_fix_that_differs_from_fixed_fails_and_shows_both() {
    let examples = r#"  bad: [{ code: "fn f() { dbg!(1); }", fixed: "fn f() { 1 }" }]
  good: ["fn f() {}"]"#;
    assert_snapshot!(failures("$X", examples), @r"
    ACME1001 bad example #1 (rules/dbg-call.yaml:12:9): the fixed code differs from `fixed:`
      found 1:10 `dbg!(1)` left in
      code:
        1 | fn f() { dbg!(1); }
      fixed code:
        1 | fn f() { 1; }
      `fixed:`:
        1 | fn f() { 1 }
    ");
}

#[test]
fn a_message_with_an_unfilled_metavariable_fails() {
    let text = RULE
        .replace("fix: $FIX\n", "")
        .replace(
            "message: \"`dbg!($X)` left in\"",
            "message: \"`dbg!($Y)` left in\"",
        )
        .replace(
            "$EXAMPLES",
            "  bad: [\"fn f() { dbg!(1); }\"]\n  good: [\"fn f() {}\"]",
        );
    let mut pack = RulePack::new();
    pack.add_file("rules/dbg-call.yaml", &text);
    let pack = Arc::new(pack);
    let checker = Checker::new(pack.clone(), &Config::default());
    let rule = pack.get("ACME1001").expect("the rule loaded");
    let failing: Vec<String> = test_rule(&checker, rule)
        .iter()
        .filter(|o| !o.passed())
        .map(|o| o.failures.join("; "))
        .collect();
    assert_eq!(
        failing,
        [
            "the message leaves `$Y` unfilled (capture it in the match, or write `$$$NAME` for a list)"
        ]
    );
}

#[test]
fn placeholders_are_the_metavariables_of_a_template() {
    assert_eq!(
        placeholders("`$NAME!` in `$$$ARGS`, $NAME again, $5 and $ alone, ${{ x }}"),
        ["$NAME", "$$$ARGS"]
    );
    assert_eq!(placeholders("no placeholder"), Vec::<&str>::new());
}

#[test]
fn an_at_that_is_not_a_place_is_a_load_problem_on_its_line() {
    let text = RULE.replace("$FIX", "$X").replace(
        "$EXAMPLES",
        "  bad:\n    - \"fn f() { dbg!(1); }\"\n    - { code: \"fn f() { dbg!(1); }\", at: \"0:3\" }\n  good: [\"fn f() {}\"]",
    );
    let mut pack = RulePack::new();
    pack.add_file("rules/dbg-call.yaml", &text);
    let problems: Vec<String> = pack
        .problems()
        .iter()
        .map(|p| format!("{}:{}: {}", p.path, p.line, p.message))
        .collect();
    assert_eq!(
        problems,
        ["rules/dbg-call.yaml:14: example `at: 0:3` is not a place in the example"]
    );
}

#[test]
fn fixed_without_a_fix_is_a_load_problem() {
    let text = RULE.replace("fix: $FIX\n", "").replace(
        "$EXAMPLES",
        "  bad: [{ code: \"fn f() { dbg!(1); }\", fixed: \"fn f() { 1; }\" }]\n  good: [\"fn f() {}\"]",
    );
    let mut pack = RulePack::new();
    pack.add_file("rules/dbg-call.yaml", &text);
    let problems: Vec<&str> = pack.problems().iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        problems,
        ["an example names the `fixed` code, but the rule has no `fix:`"]
    );
}
