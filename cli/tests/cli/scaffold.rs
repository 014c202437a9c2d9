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
