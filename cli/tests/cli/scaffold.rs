//! Starting out: internal incidents (a `ticket` instead of a public URL), `hindsight new rule` and
//! `hindsight init` on real temporary repositories.

use crate::{Project, run_in};

const DBG_RULE: &str = r#"id: dbg-call
code: ACME1001
title: If you need to inspect a value, use the logger; don't leave `dbg!` in
severity: error
language: rust
message: "`dbg!` left in"
match: { pattern: dbg!($$$) }
docs: { what: w, why: y, fix: f }
examples:
  bad: ["fn f() { dbg!(1); }"]
  good: ["fn f() { println!(); }"]
"#;

#[test]
fn an_inline_incident_may_give_a_ticket_instead_of_a_url() {
    let project = Project::new();
    project.file(
        "pack/dbg-call.yaml",
        format!(
            "{DBG_RULE}incidents: [{{ date: \"2024-01-01\", organisation: Acme, summary: payments stalled, ticket: INC-2041 }}]\n"
        ),
    );
    let test = run_in(project.path(), &["test", "pack"]);
    assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);
    let explain = run_in(
        project.path(),
        &["explain", "ACME1001", "--no-builtin", "--rules", "pack"],
    );
    assert_eq!(explain.code, 0, "{}", explain.stderr);
    assert!(
        explain
            .stdout
            .contains("- **2024-01-01 · Acme**: payments stalled (internal: `INC-2041`)"),
        "{}",
        explain.stdout
    );
    project.file("src/lib.rs", "fn f() { dbg!(1); }\n");
    let check = run_in(
        project.path(),
        &["check", "src", "--no-builtin", "--rules", "pack"],
    );
    assert_eq!(check.code, 1);
    assert!(check.stdout.contains("INC-2041"), "{}", check.stdout);
}

#[test]
fn an_inline_incident_needs_a_url_or_a_ticket() {
    let project = Project::new();
    project.file(
        "pack/dbg-call.yaml",
        format!(
            "{DBG_RULE}incidents: [{{ date: \"2024-01-01\", organisation: Acme, summary: s }}]\n"
        ),
    );
    let run = run_in(project.path(), &["test", "pack"]);
    assert_ne!(run.code, 0);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("needs a `url` (public post-mortem) or a `ticket`"),
        "{all}"
    );
}

#[test]
fn an_incident_record_may_give_a_ticket_instead_of_links() {
    let project = Project::new();
    project.file(
        "pack/dbg-call.yaml",
        format!("{DBG_RULE}incidents: [acme-2024-01-01]\n"),
    );
    project.file(
        "pack/incidents/acme-2024-01-01.yaml",
        "id: acme-2024-01-01\ndate: \"2024-01-01\"\norganisation: Acme\ntitle: Payments stalled\nsummary: A debug build shipped.\nticket: wiki:postmortems/2024-01-payments\n",
    );
    let test = run_in(project.path(), &["test", "pack"]);
    assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);
    let explain = run_in(
        project.path(),
        &["explain", "dbg-call", "--no-builtin", "--rules", "pack"],
    );
    assert!(
        explain
            .stdout
            .contains("(internal: `wiki:postmortems/2024-01-payments`)"),
        "{}{}",
        explain.stdout,
        explain.stderr
    );
    let coverage = run_in(
        project.path(),
        &[
            "coverage",
            "--no-builtin",
            "--rules",
            "pack",
            "--format",
            "markdown",
        ],
    );
    assert!(
        coverage
            .stdout
            .contains("Internal: `wiki:postmortems/2024-01-payments`"),
        "{}{}",
        coverage.stdout,
        coverage.stderr
    );
    // Neither links nor a ticket: the record says what it needs.
    project.file(
        "pack/incidents/acme-2024-01-01.yaml",
        "id: acme-2024-01-01\ndate: \"2024-01-01\"\norganisation: Acme\ntitle: Payments stalled\nsummary: s\n",
    );
    let run = run_in(project.path(), &["test", "pack"]);
    assert_ne!(run.code, 0);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("public `links` (https://...) or an internal `ticket`"),
        "{all}"
    );
}

/// Fills in every stub of the files under `dir` the quickest way: the marker replaced by plain words.
fn fill_in(dir: &std::path::Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("TODO(new rule)", "filled in")).unwrap();
    }
}

#[test]
fn a_new_rule_fails_its_test_naming_every_stub_until_they_are_filled_in() {
    let project = Project::new();
    let run = run_in(
        project.path(),
        &[
            "new",
            "rule",
            "--language",
            "rust",
            "--id",
            "no-blocking-sleep",
            "--code",
            "ACME1001",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("wrote rules/no-blocking-sleep.yaml"),
        "{}",
        run.stdout
    );
    let test = run_in(project.path(), &["test", "rules"]);
    assert_eq!(test.code, 1, "{}", test.stdout);
    for field in [
        "`title`",
        "`message`",
        "`match.pattern`",
        "`docs.what`",
        "`docs.why`",
        "`docs.fix`",
        "`incidents.organisation`",
        "`incidents.summary`",
        "`incidents.ticket`",
        "`examples.bad`",
        "`examples.good`",
    ] {
        assert!(
            test.stdout.contains(&format!("{field} is still a stub")),
            "{field} not listed:\n{}",
            test.stdout
        );
    }
    fill_in(&project.path().join("rules"));
    let test = run_in(project.path(), &["test", "rules", "--verbose"]);
    assert_eq!(test.code, 0, "{}", test.stdout);
    assert!(
        test.stdout
            .contains("PASS ACME1001 no-blocking-sleep (2 examples)"),
        "{}",
        test.stdout
    );
}

#[test]
fn a_new_rego_rule_has_a_policy_and_tests_that_fail_until_filled_in() {
    let project = Project::new();
    let run = run_in(
        project.path(),
        &[
            "new",
            "rule",
            "--language",
            "yaml",
            "--rego",
            "--id",
            "no-latest-tag",
            "--code",
            "ACME2001",
            "--dir",
            "pack",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for file in [
        "no-latest-tag.yaml",
        "no-latest-tag.rego",
        "no-latest-tag_test.rego",
    ] {
        assert!(project.path().join("pack").join(file).is_file(), "{file}");
    }
    let test = run_in(project.path(), &["test", "pack"]);
    assert_eq!(test.code, 1);
    assert!(
        test.stdout.contains("pack/no-latest-tag.rego:"),
        "{}",
        test.stdout
    );
    fill_in(&project.path().join("pack"));
    let test = run_in(project.path(), &["test", "pack", "--verbose"]);
    assert_eq!(test.code, 0, "{}", test.stdout);
    assert!(
        test.stdout.contains("(2 examples, 2 Rego tests)"),
        "{}",
        test.stdout
    );
}

#[test]
fn new_rule_refuses_an_existing_file_and_a_bad_id_or_code() {
    let project = Project::new();
    project.file("rules/no-blocking-sleep.yaml", "mine\n");
    let args = [
        "new",
        "rule",
        "--language",
        "rust",
        "--id",
        "no-blocking-sleep",
        "--code",
        "ACME1001",
    ];
    let run = run_in(project.path(), &args);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("rules/no-blocking-sleep.yaml exists; pass --force"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(project.path().join("rules/no-blocking-sleep.yaml")).unwrap(),
        "mine\n"
    );
    let mut forced = args.to_vec();
    forced.push("--force");
    assert_eq!(run_in(project.path(), &forced).code, 0);
    let run = run_in(
        project.path(),
        &[
            "new",
            "rule",
            "--language",
            "rust",
            "--id",
            "No_Sleep",
            "--code",
            "ACME1001",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("--id `No_Sleep` is not a kebab-case slug"),
        "{}",
        run.stderr
    );
    let run = run_in(
        project.path(),
        &[
            "new",
            "rule",
            "--language",
            "rust",
            "--id",
            "x",
            "--code",
            "acme1",
        ],
    );
    assert!(
        run.stderr.contains("--code `acme1` is not a rule code"),
        "{}",
        run.stderr
    );
    let run = run_in(
        project.path(),
        &[
            "new",
            "rule",
            "--language",
            "rust",
            "--rego",
            "--id",
            "x",
            "--code",
            "ACME1002",
        ],
    );
    assert!(
        run.stderr
            .contains("--language must be one of yaml, json, toml"),
        "{}",
        run.stderr
    );
}
