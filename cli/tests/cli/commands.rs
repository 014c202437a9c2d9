//! `hindsight rules`, `explain`, `test` and `schema`.

use hindsight_engine::RulePack;
use hindsight_engine::rule::Enforcement;
use insta::assert_snapshot;

use crate::{Project, run_in};

/// The list is checked against the pack: one row per rule, sorted by code, in aligned columns, and the
/// footer's counts. The snapshot keeps the header, one row of each kind and the footer, with the counts
/// masked and runs of spaces collapsed (column widths follow the longest cell of the pack), so that adding
/// a rule to the pack rewrites nothing here.
#[test]
fn rules_lists_the_builtin_pack() {
    let run = Project::new().run(&["rules"]);
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let (header, rows, footer) = match lines.as_slice() {
        [header, rows @ .., "", footer] => (*header, rows, *footer),
        _ => panic!(
            "not a header, rows, a blank line and a footer:\n{}",
            run.stdout
        ),
    };
    let pack = RulePack::builtin();
    let mut codes: Vec<&str> = pack.rules().iter().map(|rule| &*rule.code).collect();
    codes.sort_unstable();
    let listed: Vec<&str> = rows
        .iter()
        .map(|row| row.split(' ').next().unwrap())
        .collect();
    assert_eq!(listed, codes);
    for heading in ["ID", "SEVERITY", "LANGUAGE", "STAGE", "TITLE"] {
        let start = header.find(heading).unwrap();
        for row in rows {
            let cell = &row.as_bytes()[start - 1..=start];
            assert!(
                cell[0] == b' ' && cell[1] != b' ',
                "{heading} does not start at column {start}:\n{row}"
            );
        }
    }
    let automated = pack
        .rules()
        .iter()
        .filter(|rule| rule.is_automated())
        .count();
    let review = pack
        .rules()
        .iter()
        .filter(|rule| rule.enforcement == Enforcement::Review)
        .count();
    let diagnostics = pack.rules().len() - automated - review;
    assert_eq!(
        footer,
        format!(
            "{automated} automated rules, {review} review-only lessons, {diagnostics} tool diagnostics"
        )
    );
    // A Rust rule, a configuration rule, a review-only lesson and a tool diagnostic.
    let kept = ["HS1001", "HS2001", "HS7001", "HS9001"];
    let mut shown = vec![header];
    shown.extend(
        rows.iter()
            .filter(|row| kept.iter().any(|code| row.starts_with(code))),
    );
    shown.extend(["", footer]);
    insta::with_settings!({ filters => vec![
        (r" {2,}", " "),
        (r"\d+ automated rules, \d+ review-only lessons, \d+ tool diagnostics",
         "[N] automated rules, [N] review-only lessons, [N] tool diagnostics"),
    ] }, {
        assert_snapshot!(shown.join("\n"));
    });
}

#[test]
fn rules_json_has_one_entry_per_rule() {
    let run = Project::new().run(&["rules", "--format", "json"]);
    let list: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    let codes: Vec<&str> = list.iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert!(
        codes.starts_with(&["HS1001", "HS1002", "HS1003"]),
        "{codes:?}"
    );
}

#[test]
fn explain_renders_the_rule_docs() {
    let run = Project::new().run(&["explain", "HS1001"]);
    assert_eq!(run.code, 0);
    assert_snapshot!(run.stdout);
    let by_id = Project::new().run(&["explain", "unwrap-outside-tests"]);
    assert_eq!(by_id.stdout, run.stdout);
}

#[test]
fn explain_unknown_rule_is_an_error() {
    let run = Project::new().run(&["explain", "HS4242"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no rule has the code or id `HS4242`"),
        "{}",
        run.stderr
    );
}

#[test]
fn test_passes_on_the_builtin_pack() {
    let run = Project::new().run(&["test", "--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("PASS HS1001 unwrap-outside-tests"),
        "{}",
        run.stdout
    );
}

#[test]
fn test_fails_on_a_pack_whose_examples_are_wrong() {
    let project = Project::new();
    project.file(
        "pack/dbg.yaml",
        r#"id: dbg-call
code: ACME1001
title: If you need to inspect a value, use the logger; don't leave `dbg!` in
severity: warning
language: rust
message: "`dbg!` left in"
match: { pattern: dbg!($$$) }
docs: { what: w, why: y, fix: f }
incidents: [{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }]
examples:
  bad: ["fn f() { dbg!(1); dbg!(2); }", "fn f() { println!(); }"]
  good: ["fn f() { dbg!(3); }"]
"#,
    );
    let run = run_in(project.path(), &["test", "pack"]);
    assert_snapshot!(run.snapshot(), @"
    exit: 1
    --- stdout
    FAIL ACME1001 dbg-call (pack/dbg.yaml)
         ACME1001 bad example #1 (pack/dbg.yaml:11:9): expected exactly 1 finding, found 2
           found 1:10 `dbg!` left in
           found 1:19 `dbg!` left in
           code:
             1 | fn f() { dbg!(1); dbg!(2); }
         ACME1001 bad example #2 (pack/dbg.yaml:11:41): expected exactly 1 finding, found 0
           code:
             1 | fn f() { println!(); }
         ACME1001 good example #1 (pack/dbg.yaml:12:10): expected no finding, found 1
           found 1:10 `dbg!` left in
           code:
             1 | fn f() { dbg!(3); }
    0 rules passed, 1 failed
    --- stderr
    ");
}

#[test]
fn schema_matches_the_committed_file() {
    let run = Project::new().run(&["schema"]);
    let committed =
        std::fs::read_to_string(crate::repo_root().join("schemas/rule.schema.json")).unwrap();
    assert_eq!(run.stdout, committed);
}

/// `--version` names the package version, then the commit it was built from when built in a git checkout:
/// `hindsight 0.1.0 (abc1234 2026-12-06)`, `-dirty` after the hash when tracked files were changed.
#[test]
fn version_names_the_package_version_and_the_commit() {
    let run = Project::new().run(&["--version"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run.stdout.trim_end();
    let rest = line
        .strip_prefix(concat!("hindsight ", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("not `hindsight <version>`: {line:?}"));
    if rest.is_empty() {
        return; // built without git: the version alone
    }
    let commit = rest
        .strip_prefix(" (")
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not `(hash date)` after the version: {line:?}"));
    let (hash, date) = commit.split_once(' ').unwrap();
    let hash = hash.strip_suffix("-dirty").unwrap_or(hash);
    assert!(
        hash.len() == 7 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{line:?}"
    );
    assert!(
        date.len() == 10 && date.chars().filter(|c| *c == '-').count() == 2,
        "{line:?}"
    );
}
