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
fn a_new_terraform_rule_has_examples_in_hcl() {
    let project = Project::new();
    let run = run_in(
        project.path(),
        &[
            "new",
            "rule",
            "--language",
            "hcl",
            "--rego",
            "--id",
            "no-public-bucket",
            "--code",
            "ACME3001",
            "--dir",
            "pack",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rule = std::fs::read_to_string(project.path().join("pack/no-public-bucket.yaml")).unwrap();
    assert!(rule.contains("path: config/example.tf"), "{rule}");
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

/// Runs git in `dir` as a test user; `HINDSIGHT_TODAY` fixed for the hook. Returns (success, what it said).
fn git(dir: &std::path::Path, args: &[&str]) -> (bool, String) {
    let output = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@e",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("HINDSIGHT_TODAY", "2026-06-01")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

/// A repository with old debt: a tracked file whose `unwrap()` the strict profile reports at `error`.
fn indebted_repo() -> Project {
    let project = Project::new();
    assert!(git(project.path(), &["init", "-q", "-b", "main"]).0);
    project.file("hindsight.toml", "[rules]\nprofile = \"strict\"\n");
    project.file(
        "src/old.rs",
        "pub fn old(x: Option<u8>) -> u8 {\n    x.unwrap()\n}\n",
    );
    project.file(
        "deploy/app.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n",
    );
    project
}

#[test]
fn init_with_a_hook_below_the_top_of_a_repository_is_refused_before_writing() {
    let project = indebted_repo();
    project.file("svc/main.rs", "fn main() {}\n");
    let run = run_in(&project.path().join("svc"), &["init", "--hook", "git"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("is not the top of a git repository"),
        "{}",
        run.stderr
    );
    assert!(!project.path().join("svc/hindsight.toml").exists());
    assert!(!project.path().join(".git/hooks/pre-commit").exists());
    // Without a hook, a subdirectory is fine.
    let run = run_in(&project.path().join("svc"), &["init"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn init_baselines_old_debt_so_the_first_commit_passes_and_blocks_a_new_finding() {
    let project = indebted_repo();
    let run = run_in(project.path(), &["init", "--hook", "git"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("kept the existing hindsight.toml"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("wrote hindsight-baseline.json: 1 findings of today"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Kubernetes manifests: 1"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Next:"), "{}", run.stdout);
    // The old finding is in the baseline: committing everything, old debt included, passes the hook.
    assert!(git(project.path(), &["add", "-A"]).0);
    let (ok, said) = git(project.path(), &["commit", "-q", "-m", "adopt hindsight"]);
    assert!(ok, "the first commit must pass: {said}");
    // Old debt touched in a later commit is still baselined.
    project.file(
        "src/old.rs",
        "pub fn old(x: Option<u8>) -> u8 {\n    x.unwrap()\n}\n\npub fn other() {}\n",
    );
    assert!(git(project.path(), &["add", "-A"]).0);
    let (ok, said) = git(project.path(), &["commit", "-q", "-m", "more"]);
    assert!(ok, "{said}");
    // A new error finding is blocked.
    project.file(
        "src/new.rs",
        "pub fn new(x: Option<u8>) -> u8 {\n    x.unwrap()\n}\n",
    );
    assert!(git(project.path(), &["add", "-A"]).0);
    let (ok, said) = git(project.path(), &["commit", "-q", "-m", "new debt"]);
    assert!(!ok, "the hook must refuse a new finding");
    assert!(
        said.contains("HS1001") && said.contains("src/new.rs"),
        "{said}"
    );
}

#[test]
fn init_writes_a_configuration_that_loads_and_names_what_the_repository_holds() {
    let project = indebted_repo();
    std::fs::remove_file(project.path().join("hindsight.toml")).unwrap();
    let run = run_in(project.path(), &["init"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let config = std::fs::read_to_string(project.path().join("hindsight.toml")).unwrap();
    assert!(config.contains("#   Kubernetes (HS2"), "{config}");
    assert!(
        config.contains("applies: 1 Kubernetes manifests"),
        "{config}"
    );
    assert!(config.contains("#   Source code (HS1"), "{config}");
    // The CLI loads it: `rules` lists the built-in pack under it.
    let rules = run_in(project.path(), &["rules"]);
    assert_eq!(rules.code, 0, "{}", rules.stderr);
    // Run again: nothing is replaced without --force.
    std::fs::write(project.path().join("hindsight.toml"), "# mine\n").unwrap();
    let again = run_in(project.path(), &["init"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.contains("kept the existing hindsight.toml"),
        "{}",
        again.stdout
    );
    assert!(
        again
            .stdout
            .contains("kept the existing hindsight-baseline.json"),
        "{}",
        again.stdout
    );
    assert_eq!(
        std::fs::read_to_string(project.path().join("hindsight.toml")).unwrap(),
        "# mine\n"
    );
    let forced = run_in(project.path(), &["init", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(
        std::fs::read_to_string(project.path().join("hindsight.toml"))
            .unwrap()
            .contains("[rules]")
    );
}

#[test]
fn init_dry_run_writes_nothing() {
    let project = indebted_repo();
    let before = git(project.path(), &["status", "--porcelain", "--ignored"]).1;
    let run = run_in(
        project.path(),
        &["init", "--dry-run", "--hook", "git", "--force"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("would write hindsight.toml:\n# hindsight's configuration"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("would write hindsight-baseline.json: 1 findings"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("would install"), "{}", run.stdout);
    assert_eq!(
        git(project.path(), &["status", "--porcelain", "--ignored"]).1,
        before
    );
    assert!(!project.path().join(".git/hooks/pre-commit").exists());
    assert_eq!(
        std::fs::read_to_string(project.path().join("hindsight.toml")).unwrap(),
        "[rules]\nprofile = \"strict\"\n"
    );
}

#[test]
fn init_adds_a_local_hook_to_a_pre_commit_configuration() {
    let project = indebted_repo();
    project.file(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4.6.0\n    hooks:\n      - id: trailing-whitespace\n",
    );
    let run = run_in(project.path(), &["init", "--hook", "pre-commit"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let text = std::fs::read_to_string(project.path().join(".pre-commit-config.yaml")).unwrap();
    assert!(
        text.starts_with("repos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n"),
        "{text}"
    );
    assert!(text.contains("      - id: trailing-whitespace\n"), "{text}");
    assert!(
        text.contains("  - repo: local\n    hooks:\n      - id: hindsight\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "entry: hindsight check --staged --diff HEAD --baseline hindsight-baseline.json"
        ),
        "{text}"
    );
    // A second run keeps the entry there.
    let again = run_in(project.path(), &["init", "--hook", "pre-commit"]);
    assert!(
        again.stdout.contains("already has a hindsight hook"),
        "{}",
        again.stdout
    );
    assert_eq!(
        std::fs::read_to_string(project.path().join(".pre-commit-config.yaml")).unwrap(),
        text
    );
}
