//! A mixed repository (Rust, Go, Python, TypeScript and Kubernetes YAML) checked in one run: one lesson with a
//! form per language reports in each, a built-in YAML rule beside it, and the git modes narrow a change that
//! touches a `.go` and a `.py` file to the lines it changed.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::Project;

/// One lesson, four forms: exiting the process from a request handler, in each language's own words.
const LESSON: &str = r#"id: process-exit-in-handler
code: ACME1001
title: If a request fails, return an error; don't exit the process
severity: warning
language: rust
message: the process exits here
match: { pattern: std::process::exit($$$) }
docs: { what: Calls that exit the process., why: One bad request takes the service down., fix: Return an error. }
incidents: [{ date: "2025-11-18", organisation: Acme, summary: a worker exited on a bad message, url: "https://example.com/pm" }]
examples:
  bad: ["fn f() { std::process::exit(1); }"]
  good: ["fn f() {}"]
languages:
  - language: go
    match: { pattern: os.Exit($$$) }
    examples: { bad: ["package a\nfunc f() { os.Exit(1) }\n"], good: ["package a\n"] }
  - language: python
    match: { pattern: sys.exit($$$) }
    examples: { bad: ["def f():\n    sys.exit(1)\n"], good: ["def f():\n    pass\n"] }
  - language: [typescript, tsx, javascript]
    match: { pattern: process.exit($$$) }
    examples: { bad: ["function f() { process.exit(1); }\n"], good: ["function f() {}\n"] }
"#;

const RUST: &str = "pub fn handle() {\n    std::process::exit(2);\n}\n";
const GO: &str = "package main\n\nimport \"os\"\n\nfunc handle() {\n\tos.Exit(2)\n}\n";
const PYTHON: &str = "import sys\n\n\ndef handle():\n    sys.exit(2)\n";
const TYPESCRIPT: &str = "export function handle(): void {\n  process.exit(2);\n}\n";
/// HS2003 (built in): a nodeSelector on the `master` label that Kubernetes 1.24 removed.
const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  nodeSelector:
    node-role.kubernetes.io/master: \"\"
  containers:
    - name: agent
      image: agent:1.0
";

/// The mixed project: the lesson in `lessons/`, one file per language.
fn mixed_project() -> Project {
    let project = Project::new();
    project
        .file("lessons/process-exit-in-handler.yaml", LESSON)
        .file("src/lib.rs", RUST)
        .file("cmd/agent/main.go", GO)
        .file("worker/main.py", PYTHON)
        .file("web/server.ts", TYPESCRIPT)
        .file("deploy/pod.yaml", POD);
    project
}

#[test]
fn one_run_reports_every_language_of_a_mixed_repository() {
    let project = mixed_project();
    let (findings, summary) = check_findings(project.path(), &["--rules", "lessons"]);
    assert_eq!(
        findings,
        [
            "ACME1001 cmd/agent/main.go:6:2",
            "ACME1001 src/lib.rs:2:5",
            "ACME1001 web/server.ts:2:3",
            "ACME1001 worker/main.py:5:5",
            "HS2003 deploy/pod.yaml:7:5",
        ]
    );
    // Every file of the run is checked once: the five sources and the lesson's own YAML file. Nothing in
    // the output counts parses; a file is parsed once per check, so this is also the number of parses.
    assert_eq!(summary["files_checked"], 6, "{summary}");
}

#[test]
fn git_modes_report_only_the_changed_lines_of_go_and_python_files() {
    let project = mixed_project();
    let dir = project.path();
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "one"]);
    // The change: a second exit in the Go file and in the Python file, each on new lines below the old one.
    project
        .file(
            "cmd/agent/main.go",
            format!("{GO}\nfunc reload() {{\n\tos.Exit(3)\n}}\n"),
        )
        .file(
            "worker/main.py",
            format!("{PYTHON}\n\ndef reload():\n    sys.exit(3)\n"),
        );
    let changed = [
        "ACME1001 cmd/agent/main.go:10:2",
        "ACME1001 worker/main.py:9:5",
    ];

    // The working tree against HEAD.
    let (findings, _) = check_findings(dir, &["--rules", "lessons", "--diff", "HEAD"]);
    assert_eq!(findings, changed);

    // What the commit would change: only the Python file is staged, then both.
    git(dir, &["add", "worker/main.py"]);
    let (findings, summary) =
        check_findings(dir, &["--rules", "lessons", "--staged", "--diff", "HEAD"]);
    assert_eq!(findings, ["ACME1001 worker/main.py:9:5"]);
    assert_eq!(summary["files_checked"], 1, "{summary}");
    git(dir, &["add", "cmd/agent/main.go"]);
    let (findings, summary) =
        check_findings(dir, &["--rules", "lessons", "--staged", "--diff", "HEAD"]);
    assert_eq!(findings, changed);
    assert_eq!(summary["files_checked"], 2, "{summary}");
}

/// `check --format json` with `args` in `dir`: `"<code> <path>:<line>:<column>"` of each unsuppressed finding of
/// the lesson and of HS2003 (so that the built-in pack's own forms in these languages, as it gains them, leave
/// the test alone), sorted, and the summary.
fn check_findings(dir: &Path, args: &[&str]) -> (Vec<String>, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let run = crate::run_in(dir, &all);
    let doc: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("{err}: {}\n{}", run.stdout, run.stderr));
    let mut findings: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .filter(|f| matches!(f["code"].as_str(), Some("ACME1001" | "HS2003")))
        .map(|f| {
            format!(
                "{} {}:{}:{}",
                f["code"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["start"]["line"],
                f["start"]["column"]
            )
        })
        .collect();
    findings.sort();
    (findings, doc["summary"].clone())
}

fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
