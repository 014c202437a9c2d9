//! `hindsight review`: the digest of a change on real temporary repositories, its Markdown snapshotted.

use serde_json::Value;

use super::Repo;

const MANIFEST: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  strategy:
    rollingUpdate:
      maxUnavailable: 1
  template:
    spec:
      containers:
        - name: web
          image: registry.example.com/web:2.0.0
";

const CONFIG: &str = "[docs]\nurl = \"https://codex.example.com/\"\n";

const WAIVER: &str = "
[[waiver]]
rule = \"HS1001\"
paths = [\"src/legacy.rs\"]
reason = \"replaced by the new loader in Q3\"
owner = \"team-ingest\"
expires = \"2099-03-31\"
";

/// A repository on `main` with a Rust crate, a Deployment and a workflow, switched to a branch `feature`.
fn repo() -> Repo {
    let repo = Repo::new();
    repo.file("hindsight.toml", CONFIG)
        .file("Cargo.toml", "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n")
        .file("src/lib.rs", "pub fn version() -> u8 {\n    1\n}\n")
        .file("deploy/web.yaml", MANIFEST)
        .file(
            ".github/workflows/ci.yml",
            "on: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n",
        );
    repo.commit_all("base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo
}

#[test]
fn the_digest_of_a_rust_and_kubernetes_change() {
    let repo = repo();
    repo.file(
        "src/lib.rs",
        "pub fn version() -> u8 {\n    1\n}\n\n\
pub fn parse_port(text: &str) -> Option<u16> {\n    Some(text.parse().unwrap())\n}\n\n\
pub fn reload(text: &str) -> Option<RuleSet> {\n    serde_json::from_str(text).ok()\n}\n\n\
pub fn parse_limit(text: &str) -> Option<u32> {\n    // hindsight-allow(HS1001): the caller validated the text as digits\n    Some(text.parse().unwrap())\n}\n",
    )
    .file("deploy/web.yaml", MANIFEST.replace("maxUnavailable: 1", "maxUnavailable: 100%"))
    .file("hindsight.toml", format!("{CONFIG}{WAIVER}"));
    repo.commit_all("feature");
    let run = repo.run(&["review", "--diff", "main"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);

    let run = repo.run(&["review", "--diff", "main", "--format", "json"]);
    let digest: Value = serde_json::from_str(&run.stdout).unwrap();
    let codes = |key: &str| -> Vec<String> {
        digest[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes("findings"), ["HS2001", "HS1001"]);
    // Review-only lessons alone, each with the files it applies to.
    assert_eq!(codes("lessons"), ["HS7001"]);
    assert_eq!(
        digest["lessons"][0]["files"],
        serde_json::json!(["src/lib.rs"])
    );
    assert_eq!(
        digest["files"],
        serde_json::json!(["deploy/web.yaml", "hindsight.toml", "src/lib.rs"])
    );
    let exemptions = digest["exemptions"].as_array().unwrap();
    assert_eq!(exemptions.len(), 2, "{exemptions:?}");
    assert_eq!(digest["version"], 1);
}

#[test]
fn a_workflow_only_change_gets_ci_findings_and_no_review_lesson() {
    let repo = repo();
    repo.file(
        ".github/workflows/ci.yml",
        "on: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n",
    );
    let run = repo.run(&["review", "--diff", "main", "--format", "json"]);
    let digest: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("{err}: {}{}", run.stdout, run.stderr));
    let findings: Vec<&str> = digest["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(findings, ["HS3001"]);
    assert_eq!(digest["lessons"], serde_json::json!([]));
    assert_eq!(
        digest["files"],
        serde_json::json!([".github/workflows/ci.yml"])
    );
}

#[test]
fn staged_reviews_what_the_next_commit_holds() {
    let repo = repo();
    repo.file(
        "src/lib.rs",
        "pub fn parse_port(text: &str) -> Option<u16> {\n    Some(text.parse().unwrap())\n}\n",
    );
    repo.git(&["add", "src/lib.rs"]);
    // A change that is not staged is not reviewed.
    repo.file(
        "deploy/web.yaml",
        MANIFEST.replace("maxUnavailable: 1", "maxUnavailable: 100%"),
    );
    let run = repo.run(&["review", "--staged", "--format", "json"]);
    let digest: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("{err}: {}{}", run.stdout, run.stderr));
    assert_eq!(digest["staged"], true);
    assert_eq!(digest["files"], serde_json::json!(["src/lib.rs"]));
    assert_eq!(digest["findings"][0]["code"], "HS1001");
    assert_eq!(digest["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn review_needs_a_change_and_says_so() {
    let repo = repo();
    let run = repo.run(&["review"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--diff <REF>"), "{}", run.stderr);
    let run = repo.run(&["review", "--diff", "no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown git ref `no-such-branch`"),
        "{}",
        run.stderr
    );
}

/// `feature` commits an unwrap on line 6 of `src/lib.rs`; then `main` is checked out again and the working tree
/// gets an unwrap of its own on line 2: a `main..feature` range must judge the commit, never the disk.
fn repo_with_a_head_unlike_the_working_tree() -> Repo {
    let repo = repo();
    repo.file(
        "src/lib.rs",
        "pub fn version() -> u8 {\n    1\n}\n\n\
pub fn parse_port(text: &str) -> Option<u16> {\n    Some(text.parse().unwrap())\n}\n",
    );
    repo.commit_all("feature");
    repo.git(&["checkout", "-q", "main"]);
    repo.file(
        "src/lib.rs",
        "pub fn parse_size(text: &str) -> Option<u8> {\n    Some(text.parse().unwrap())\n}\n",
    );
    repo
}

#[test]
fn a_range_is_reviewed_and_checked_from_its_head_commit_not_the_working_tree() {
    let repo = repo_with_a_head_unlike_the_working_tree();
    let run = repo.run(&["review", "--diff", "main..feature", "--format", "json"]);
    let digest: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("{err}: {}{}", run.stdout, run.stderr));
    assert_eq!(digest["base"], "main..feature");
    assert_eq!(digest["files"], serde_json::json!(["src/lib.rs"]));
    let findings: Vec<(&str, u64)> = digest["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(findings, [("HS1001", 6)]);

    // `check` takes the same range; `BASE...HEAD` is the same change.
    for range in ["main..feature", "main...feature"] {
        let (findings, _) = repo.findings(&["--diff", range]);
        assert_eq!(
            findings,
            [("HS1001".to_string(), "src/lib.rs".to_string(), 6)],
            "{range}"
        );
    }
    // The working tree's own change is still what `--diff main` checks.
    let (findings, _) = repo.findings(&["--diff", "main"]);
    assert_eq!(
        findings,
        [("HS1001".to_string(), "src/lib.rs".to_string(), 2)]
    );
}

#[test]
fn a_range_cannot_be_combined_with_staged_or_fix() {
    let repo = repo_with_a_head_unlike_the_working_tree();
    let run = repo.run(&["check", "--staged", "--diff", "main..feature"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("give one of them"), "{}", run.stderr);
    let run = repo.run(&["check", "--fix", "--diff", "main..feature"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("BASE..HEAD"), "{}", run.stderr);
    let run = repo.run(&["review", "--diff", "main..no-such-head"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no-such-head"), "{}", run.stderr);
}
