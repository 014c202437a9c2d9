//! The configuration examples in `examples/` give exactly the findings their READMEs describe.
//!
//! Each test runs `hindsight check examples/<x> --format json` from the repository root and snapshots one
//! line per finding (code, severity, path, line, column, message) and one per note (files skipped, with the reason).

use insta::assert_snapshot;

use crate::{repo_root, run_in};

/// The expected-findings listing of one example directory.
fn findings_of(example: &str) -> String {
    let dir = format!("examples/{example}");
    let run = run_in(&repo_root(), &["check", &dir, "--format", "json"]);
    assert!(
        run.code == 0 || run.code == 1,
        "hindsight check {dir} failed ({}): {}",
        run.code,
        run.stderr
    );
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut lines = Vec::new();
    for finding in doc["findings"].as_array().unwrap() {
        lines.push(format!(
            "{} {} {}:{}:{} {}",
            finding["code"].as_str().unwrap(),
            finding["severity"].as_str().unwrap(),
            finding["path"].as_str().unwrap(),
            finding["start"]["line"],
            finding["start"]["column"],
            finding["message"].as_str().unwrap(),
        ));
    }
    for note in doc["notes"].as_array().unwrap() {
        lines.push(format!(
            "note {}: {}",
            note["path"].as_str().unwrap(),
            note["message"].as_str().unwrap(),
        ));
    }
    lines.join("\n")
}

#[test]
fn kubernetes_example() {
    assert_snapshot!(findings_of("kubernetes"));
}

#[test]
fn workflows_example() {
    assert_snapshot!(findings_of("workflows"));
}

#[test]
fn rollout_example() {
    assert_snapshot!(findings_of("rollout"));
}

#[test]
fn terraform_example() {
    assert_snapshot!(findings_of("terraform"));
}

#[test]
fn hosts_example() {
    assert_snapshot!(findings_of("hosts"));
}

#[test]
fn ts_service_example() {
    assert_snapshot!(findings_of("ts-service"));
}

#[test]
fn go_service_example() {
    assert_snapshot!(findings_of("go-service"));
}

#[test]
fn python_worker_example() {
    assert_snapshot!(findings_of("python-worker"));
}

#[test]
fn container_example() {
    assert_snapshot!(findings_of("container"));
}
