//! What a change may leave unreported, on real temporary repositories: baselines, `[[rollout]]` stages,
//! `[[waiver]]`s, and the exemptions a change adds or removes in `--diff` mode.

use super::*;

#[test]
fn baseline_reports_only_new_findings_and_only_shrinks() {
    let repo = Repo::new();
    repo.file("src/lib.rs", UNWRAP_FN);
    let run = repo.run(&["baseline", "write"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("recorded 1 findings"), "{}", run.stdout);
    let (findings, doc) = repo.findings(&["--baseline", "hindsight-baseline.json"]);
    assert_eq!(findings, []);
    assert_eq!(doc["summary"]["baselined"], 1);
    // A new finding is reported; the baseline does not grow unless on purpose.
    repo.file(
        "src/lib.rs",
        format!("{UNWRAP_FN}fn g(y: Option<u8>) -> u8 {{ y.unwrap() }}\n"),
    );
    let (findings, _) = repo.findings(&["--baseline", "hindsight-baseline.json"]);
    assert_eq!(findings, [finding("HS1001", "src/lib.rs", 4)]);
    let run = repo.run(&["baseline", "write"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("would grow by 1"), "{}", run.stderr);
    // Paying the old debt leaves a stale entry, reported, and prune drops it.
    repo.file("src/lib.rs", "fn g(y: Option<u8>) -> u8 { y.unwrap() }\n");
    let (_, doc) = repo.findings(&["--baseline", "hindsight-baseline.json"]);
    assert_eq!(doc["summary"]["stale_baseline_entries"], 1);
    let run = repo.run(&["baseline", "prune"]);
    assert!(
        run.stdout.contains("kept 0 entries, dropped 1"),
        "{}",
        run.stdout
    );
    let run = repo.run(&["baseline", "write", "--force"]);
    assert!(run.stdout.contains("recorded 1 findings"), "{}", run.stdout);
}

// long because: one rollout plan walked through its dates and stages, each step read next to its expectation.
#[test]
fn rollout_stages_decide_what_shows_and_what_fails() {
    let repo = Repo::new();
    repo.file(
        "hindsight.toml",
        r#"
[[rollout]]
rule = "HS1001"
stage = "shadow"
enforce_from = "2027-01-01"

[[rollout]]
rule = "HS1001"
paths = ["src/core/**"]
stage = "enforce"

[[rollout]]
rule = "HS1002"
warn_from = "2026-01-01"

[rules]
profile = "strict"
"#,
    );
    repo.file("src/lib.rs", UNWRAP_FN);
    repo.file("src/core/mod.rs", UNWRAP_FN);
    repo.file("src/todo.rs", "fn t() { todo!() }\n");
    let (_, doc) = repo.findings(&[]);
    let stages: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["stage"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        stages,
        [
            ("src/core/mod.rs".to_string(), "enforce".to_string()),
            ("src/lib.rs".to_string(), "shadow".to_string()),
            ("src/todo.rs".to_string(), "warn".to_string()),
        ]
    );
    assert_eq!(
        doc["summary"]["stages"],
        serde_json::json!({"enforce": 1, "warn": 1, "shadow": 1})
    );
    let human = repo.run(&["check"]);
    assert_eq!(human.code, 1, "the enforced error fails");
    assert!(
        !human.stdout.contains("src/lib.rs"),
        "shadow is hidden: {}",
        human.stdout
    );
    assert!(
        human.stdout.contains("1 enforce, 1 warn, 1 shadow"),
        "{}",
        human.stdout
    );
    // SARIF: the shadow finding is a note.
    let sarif = repo.run(&["check", "--format", "sarif"]);
    let doc: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let levels: Vec<&str> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "note", "warning"]);
    // `hindsight rules` shows the configured stage outside path scopes, and counts the scopes.
    let stage_of = |rules: &Run, code: &str| -> String {
        // The STAGE column, by the header's offsets (cells are padded to the column's width).
        let header = rules.stdout.lines().next().unwrap();
        let (start, end) = (header.find("STAGE").unwrap(), header.find("TITLE").unwrap());
        let line = rules
            .stdout
            .lines()
            .find(|l| l.starts_with(code))
            .unwrap_or_else(|| panic!("{code} not listed: {}", rules.stdout));
        line[start..end].trim().to_string()
    };
    let rules = run_on(repo.path(), "2026-06-01", &["rules"]);
    assert_eq!(stage_of(&rules, "HS1001"), "shadow +1 path scope");
    assert_eq!(stage_of(&rules, "HS1002"), "warn");
    // HS1003 enforces; its Go, Python and TS/JS forms ship in shadow.
    assert_eq!(stage_of(&rules, "HS1003"), "enforce (3 forms shadow)");
    let rules = run_on(repo.path(), "2027-01-02", &["rules", "--format", "json"]);
    let list: Value = serde_json::from_str(&rules.stdout).unwrap();
    let hs1001 = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "HS1001")
        .unwrap();
    assert_eq!(hs1001["stage"], "enforce", "the rule file's own stage");
    assert_eq!(
        hs1001["configured"],
        serde_json::json!({"enabled": true, "stage": "enforce", "path_scopes": 1})
    );
    // Nothing enforced left: the run passes, even with --fail-on warning (warn never fails).
    repo.file("src/core/mod.rs", "pub fn ok() {}\n");
    assert_eq!(repo.run(&["check", "--fail-on", "warning"]).code, 0);
    // On the enforcement date the shadow stage is over.
    let run = run_on(repo.path(), "2027-01-02", &["check"]);
    assert_eq!(run.code, 1);
}

#[test]
fn waivers_suppress_with_owner_expire_and_are_listed() {
    let repo = Repo::new();
    repo.file("src/legacy/old.rs", UNWRAP_FN);
    repo.file("src/lib.rs", UNWRAP_FN);
    repo.file(
        "hindsight.toml",
        r#"[[waiver]]
rule = "HS1001"
paths = ["src/legacy/"]
reason = "replaced by the new loader in Q3"
owner = "team-ingest"
expires = 2027-03-31
ticket = "ING-42"

[[waiver]]
rule = "HS1002"
paths = ["src/**"]
reason = "nothing to waive"
owner = "team-x"
expires = "2027-01-01"

[[waiver]]
rule = "HS1001"
paths = ["src/lib.rs"]
reason = "was fine until it expired"
owner = "team-y"
expires = "2026-01-01"

[rules]
profile = "strict"
"#,
    );
    let (findings, doc) = repo.findings(&[]);
    assert_eq!(
        findings,
        [
            finding("HS9007", "hindsight.toml", 9),
            finding("HS9005", "hindsight.toml", 16),
            finding("HS1001", "src/lib.rs", 2),
        ]
    );
    let waived = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "src/legacy/old.rs")
        .unwrap();
    assert_eq!(waived["suppressed"]["kind"], "waiver");
    assert_eq!(waived["suppressed"]["owner"], "team-ingest");
    assert_eq!(waived["suppressed"]["ticket"], "ING-42");
    // SARIF: an external suppression.
    let sarif: Value =
        serde_json::from_str(&repo.run(&["check", "--format", "sarif"]).stdout).unwrap();
    let suppressions: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.get("suppressions"))
        .collect();
    assert_eq!(suppressions.len(), 1);
    assert_eq!(suppressions[0][0]["kind"], "external");
    // A waiver by fingerprint.
    let fingerprint = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "src/lib.rs")
        .unwrap()["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    repo.file(
        "hindsight.toml",
        format!(
            "[[waiver]]\nrule = \"HS1001\"\nfingerprints = [\"{fingerprint}\"]\nreason = \"r\"\nowner = \"o\"\nexpires = \"2030-01-01\"\n\n[[waiver]]\nrule = \"HS1001\"\npaths = [\"src/legacy/\"]\nreason = \"replaced by the new loader in Q3\"\nowner = \"team-ingest\"\nexpires = 2027-03-31\nticket = \"ING-42\"\n\n[rules]\nprofile = \"strict\"\n"
        ),
    );
    let (findings, _) = repo.findings(&[]);
    assert_eq!(findings, []);
    let list = repo.run(&["waivers"]);
    assert!(
        list.stdout
            .contains("HS1001 in src/legacy/: owner team-ingest, ING-42; until 2027-03-31 (expires in 303 days)"),
        "{}",
        list.stdout
    );
    // Waivers are checked: a missing owner is an error naming the key and line.
    repo.file(
        "hindsight.toml",
        "\n[[waiver]]\nrule = \"HS1001\"\npaths = [\"x\"]\nreason = \"r\"\nexpires = \"2030-01-01\"\n\n[rules]\nprofile = \"strict\"\n",
    );
    let run = repo.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("hindsight.toml:2:") && run.stderr.contains("owner"),
        "{}",
        run.stderr
    );
}

#[test]
fn diff_mode_reports_the_exemptions_a_change_adds_or_removes() {
    let repo = Repo::new();
    repo.file("src/lib.rs", "fn f(x: Option<u8>) -> u8 {\n    // hindsight-allow(HS1001): old reason\n    x.unwrap()\n}\n");
    repo.file("hindsight.toml", STRICT);
    repo.commit_all("one");
    repo.file(
        "src/lib.rs",
        "fn f(x: Option<u8>) -> u8 {\n    x.unwrap()\n}\nfn g(y: Option<u8>) -> u8 {\n    // hindsight-allow(HS1001): checked by the caller\n    y.unwrap()\n}\n",
    );
    repo.file(
        "hindsight.toml",
        "[[waiver]]\nrule = \"HS1002\"\npaths = [\"src/**\"]\nreason = \"prototype\"\nowner = \"me\"\nexpires = \"2026-12-31\"\n\n[rules]\nprofile = \"strict\"\n",
    );
    repo.git(&["add", "-A"]);
    let (_, doc) = repo.findings(&["--staged", "--diff", "HEAD"]);
    let notes: Vec<String> = doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "review")
        .map(|n| {
            format!(
                "{}: {}",
                n["path"].as_str().unwrap(),
                n["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        notes,
        [
            "src/lib.rs: line 5: new suppression `// hindsight-allow(HS1001): checked by the caller`",
            "src/lib.rs: suppression removed (was line 2): `// hindsight-allow(HS1001): old reason`",
            "hindsight.toml: new waiver: HS1002 in src/** (owner me, until 2026-12-31): prototype",
        ]
    );
}
