//! Git-aware checking on real temporary repositories (built with the `git` command line): `--staged`,
//! `--diff`, `--new-only`, `--rules-from` and the pre-commit hook; baselines, waivers and rollout stages are in
//! `exemptions`.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::{Project, Run, run_in, run_on};

mod exemptions;
mod review;

const UNWRAP_FN: &str = "fn f(x: Option<u8>) -> u8 {\n    x.unwrap()\n}\n";

/// The configuration every test repository starts with.
const STRICT: &str = "[rules]\nprofile = \"strict\"\n";

/// A temporary git repository.
struct Repo {
    project: Project,
}

impl Repo {
    fn new() -> Self {
        let repo = Self {
            project: Project::new(),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        // The git machinery is tested on the simplest finding there is, a bare `x.unwrap()`, which only the
        // strict profile reports (at `error`). Tests that write their own configuration keep this line.
        repo.file("hindsight.toml", STRICT);
        repo
    }

    fn path(&self) -> &Path {
        self.project.path()
    }

    fn file(&self, relative: &str, contents: impl AsRef<[u8]>) -> &Self {
        self.project.file(relative, contents);
        self
    }

    fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args)
    }

    fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn run(&self, args: &[&str]) -> Run {
        self.project.run(args)
    }

    /// `check --format json` with `args`: the (code, path, line) of each unsuppressed finding, and the summary.
    fn findings(&self, args: &[&str]) -> (Vec<(String, String, u64)>, Value) {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        let doc: Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|err| panic!("{err}: {}\n{}", run.stdout, run.stderr));
        let findings = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["suppressed"].is_null())
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_string(),
                    f["path"].as_str().unwrap().to_string(),
                    f["start"]["line"].as_u64().unwrap(),
                )
            })
            .collect();
        (findings, doc)
    }
}

fn git_in(dir: &Path, args: &[&str]) -> String {
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
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn finding(code: &str, path: &str, line: u64) -> (String, String, u64) {
    (code.to_string(), path.to_string(), line)
}

#[test]
fn staged_checks_the_index_not_the_working_tree() {
    let repo = Repo::new();
    repo.file("src/lib.rs", "pub fn ok() {}\n");
    repo.commit_all("one");
    // Staged: an unwrap on line 2. Then, unstaged, another one on line 5 and nothing else.
    repo.file("src/lib.rs", UNWRAP_FN);
    repo.git(&["add", "src/lib.rs"]);
    repo.file(
        "src/lib.rs",
        format!("{UNWRAP_FN}fn g(y: Option<u8>) -> u8 {{ y.unwrap() }}\n"),
    );
    let (findings, doc) = repo.findings(&["--staged"]);
    assert_eq!(findings, [finding("HS1001", "src/lib.rs", 2)]);
    assert_eq!(doc["summary"]["files_checked"], 1);
    // Human output shows the staged text, not the file on disk.
    let run = repo.run(&["check", "--staged"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("x.unwrap()"), "{}", run.stdout);
    assert!(!run.stdout.contains("y.unwrap()"), "{}", run.stdout);
}

const DAEMONSET: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: telemetry-agent
  namespace: observability
spec:
  template:
    spec:
      serviceAccountName: telemetry
";

/// A ClusterRole bound to the DaemonSet's ServiceAccount, granting `verbs` on `resources`.
fn cluster_binding(resources: &str, verbs: &str) -> String {
    format!(
        "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: telemetry-reader
rules:
  - apiGroups: [\"\"]
    resources: {resources}
    verbs: {verbs}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: telemetry-reader
roleRef:
  kind: ClusterRole
  name: telemetry-reader
subjects:
  - kind: ServiceAccount
    name: telemetry
    namespace: observability
"
    )
}

#[test]
fn repository_scope_rules_see_the_repository_around_a_change() {
    let repo = Repo::new();
    repo.file("deploy/agent.yaml", DAEMONSET);
    repo.file(
        "deploy/rbac.yaml",
        cluster_binding(r#"["nodes/metrics"]"#, r#"["get"]"#),
    );
    repo.commit_all("agent");
    // The change only widens the ClusterRole; HS2002 joins it with the DaemonSet in a file the change does not
    // touch, and the finding lands there (on `serviceAccountName`, line 9). The change caused it, so every git
    // mode reports it, `--diff` included although none of its lines changed.
    let wide = cluster_binding(r#"["pods", "nodes"]"#, r#"["get", "list", "watch"]"#);
    repo.file("deploy/rbac.yaml", &wide);
    repo.git(&["add", "deploy/rbac.yaml"]);
    let caused = [finding("HS2002", "deploy/agent.yaml", 9)];
    for args in [
        &["--staged"][..],
        &["--staged", "--diff", "HEAD"],
        &["--diff", "HEAD"],
        &["--new-only", "HEAD"],
    ] {
        let (findings, doc) = repo.findings(args);
        assert_eq!(findings, caused, "{args:?}");
        assert_eq!(doc["summary"]["files_checked"], 1, "{args:?}");
    }
    repo.commit_all("widen");
    // A later change to the same file that does not cause the finding does not report the old one elsewhere;
    // the whole tree still has it.
    repo.file("deploy/rbac.yaml", format!("{wide}# reviewed\n"));
    repo.git(&["add", "deploy/rbac.yaml"]);
    let (findings, _) = repo.findings(&["--staged"]);
    assert_eq!(findings, []);
    let (findings, _) = repo.findings(&["."]);
    assert_eq!(findings, caused);
}

#[test]
fn deleting_a_file_can_cause_a_repository_scope_finding_elsewhere() {
    let repo = Repo::new();
    // A user rule joining files: a Deployment needs a PodDisruptionBudget of the same name.
    repo.file(
        "pack/pdb.yaml",
        r#"id: deployment-without-pdb
code: ACME2001
title: If you run a Deployment, give it a PodDisruptionBudget; don't leave it unprotected
severity: error
language: yaml
scope: repository
rego: pdb.rego
docs: { what: w, why: y, fix: f }
incidents: [{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }]
examples:
  bad: ["kind: Deployment\nmetadata:\n  name: api\n"]
  good: ["kind: Deployment\nmetadata:\n  name: api\n---\nkind: PodDisruptionBudget\nmetadata:\n  name: api\n"]
"#,
    );
    repo.file(
        "pack/pdb.rego",
        r#"package acme.pdb

import rego.v1

protected contains d.contents.metadata.name if {
	some d in input
	d.contents.kind == "PodDisruptionBudget"
}

deny contains {"msg": "no PodDisruptionBudget", "file": d.path, "document": d.document, "path": ["kind"]} if {
	some d in input
	d.contents.kind == "Deployment"
	not d.contents.metadata.name in protected
}
"#,
    );
    repo.file(
        "deploy/api.yaml",
        "kind: Deployment\nmetadata:\n  name: api\n",
    );
    repo.file(
        "deploy/api-pdb.yaml",
        "kind: PodDisruptionBudget\nmetadata:\n  name: api\n",
    );
    repo.commit_all("protected");
    let with = |args: &[&'static str]| -> Vec<&'static str> {
        [&["--no-builtin", "--rules", "pack"][..], args].concat()
    };
    assert_eq!(repo.findings(&with(&["."])).0, []);
    // The change only deletes the budget; the finding it causes is in the Deployment's untouched file.
    repo.git(&["rm", "-q", "deploy/api-pdb.yaml"]);
    let caused = [finding("ACME2001", "deploy/api.yaml", 1)];
    assert_eq!(repo.findings(&with(&["--staged"])).0, caused);
    assert_eq!(
        repo.findings(&with(&["--staged", "--diff", "HEAD"])).0,
        caused
    );
}

#[test]
fn staged_takes_new_and_renamed_files_and_skips_deleted_and_binary_ones() {
    let repo = Repo::new();
    repo.file("src/old.rs", UNWRAP_FN);
    repo.file("src/gone.rs", UNWRAP_FN);
    repo.commit_all("one");
    repo.git(&["mv", "src/old.rs", "src/renamed.rs"]);
    repo.git(&["rm", "-q", "src/gone.rs"]);
    repo.file("src/new.rs", "fn n(v: Vec<u8>) -> u8 { todo!() }\n");
    repo.file("src/blob.rs", b"fn b() {}\0\x01\x02".as_slice());
    repo.git(&["add", "-A"]);
    let (findings, doc) = repo.findings(&["--staged"]);
    assert_eq!(
        findings,
        [
            finding("HS1002", "src/new.rs", 1),
            finding("HS1001", "src/renamed.rs", 2),
        ]
    );
    let notes = doc["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["path"] == "src/blob.rs" && n["kind"] == "binary"),
        "{notes:?}"
    );
    // The renamed file's finding existed before the rename: not new.
    let (findings, _) = repo.findings(&["--staged", "--new-only", "HEAD"]);
    assert_eq!(findings, [finding("HS1002", "src/new.rs", 1)]);
}

#[test]
fn diff_reports_only_changed_lines_since_the_merge_base() {
    let repo = Repo::new();
    repo.file("src/a.rs", UNWRAP_FN);
    repo.file("src/b.rs", "pub fn b() {}\n");
    repo.commit_all("base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // The feature adds an unwrap below the old one.
    repo.file(
        "src/a.rs",
        format!("{UNWRAP_FN}fn g(y: Option<u8>) -> u8 {{\n    y.unwrap()\n}}\n"),
    );
    repo.commit_all("feature");
    // Meanwhile main changes b.rs: not the feature's change.
    repo.git(&["checkout", "-q", "main"]);
    repo.file("src/b.rs", "pub fn b(x: Option<u8>) -> u8 { x.unwrap() }\n");
    repo.commit_all("main moves on");
    repo.git(&["checkout", "-q", "feature"]);
    let (findings, doc) = repo.findings(&["--diff", "main"]);
    assert_eq!(findings, [finding("HS1001", "src/a.rs", 5)]);
    assert_eq!(doc["summary"]["untouched"], 1, "the old unwrap is counted");
    // Hunk level: an uncommitted edit of line 2 makes it changed too.
    repo.file(
        "src/a.rs",
        "fn f(x: Option<u8>) -> u8 {\n    x.unwrap() \n}\nfn g(y: Option<u8>) -> u8 {\n    y.unwrap()\n}\n",
    );
    let (findings, _) = repo.findings(&["--diff", "main"]);
    assert_eq!(
        findings,
        [
            finding("HS1001", "src/a.rs", 2),
            finding("HS1001", "src/a.rs", 5)
        ]
    );
    // --new-only: re-indenting the old unwrap does not make it new.
    let (findings, doc) = repo.findings(&["--new-only", "main"]);
    assert_eq!(findings, [finding("HS1001", "src/a.rs", 5)]);
    assert_eq!(doc["summary"]["existing"], 1);
}

#[test]
fn new_only_matches_moved_code_by_fingerprint() {
    let repo = Repo::new();
    repo.file("src/lib.rs", UNWRAP_FN);
    repo.commit_all("one");
    // The same function, moved down below new code: its finding is not new; the new one is.
    repo.file(
        "src/lib.rs",
        format!("\n\nfn h(z: Option<u8>) -> u8 {{ z.unwrap() }}\n\n{UNWRAP_FN}"),
    );
    let (findings, _) = repo.findings(&["--new-only", "HEAD"]);
    assert_eq!(findings, [finding("HS1001", "src/lib.rs", 3)]);
}

#[test]
fn detached_head_and_unborn_branches_work() {
    let repo = Repo::new();
    // Unborn: no commit yet; everything staged is new.
    repo.file("src/lib.rs", UNWRAP_FN);
    repo.git(&["add", "-A"]);
    let (findings, _) = repo.findings(&["--staged", "--diff", "HEAD"]);
    assert_eq!(findings, [finding("HS1001", "src/lib.rs", 2)]);
    repo.commit_all("one");
    repo.file("src/lib.rs", format!("{UNWRAP_FN}fn g() {{ todo!() }}\n"));
    repo.commit_all("two");
    repo.git(&["checkout", "-q", "--detach", "HEAD"]);
    let (findings, _) = repo.findings(&["--diff", "HEAD~1"]);
    assert_eq!(findings, [finding("HS1002", "src/lib.rs", 4)]);
    let (findings, _) = repo.findings(&["--staged"]);
    assert_eq!(findings, []);
}

#[test]
fn git_errors_say_what_to_do() {
    let plain = Project::new();
    plain.file("src/lib.rs", UNWRAP_FN);
    let run = plain.run(&["check", "--staged"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is not in a git repository"),
        "{}",
        run.stderr
    );
    let repo = Repo::new();
    repo.file("src/lib.rs", UNWRAP_FN);
    repo.commit_all("one");
    let run = repo.run(&["check", "--diff", "no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown git ref `no-such-branch`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_shallow_clone_without_the_merge_base_says_how_to_fetch_it() {
    let origin = Repo::new();
    origin.file("src/lib.rs", "pub fn a() {}\n");
    origin.commit_all("one");
    origin.git(&["checkout", "-q", "-b", "feature"]);
    origin.file("src/lib.rs", UNWRAP_FN);
    origin.commit_all("feature");
    origin.git(&["checkout", "-q", "main"]);
    origin.file("src/other.rs", "pub fn b() {}\n");
    origin.commit_all("two");
    origin.file("src/other.rs", "pub fn c() {}\n");
    origin.commit_all("three");
    let clones = Project::new();
    let url = format!("file://{}", origin.path().display());
    git_in(
        clones.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            "--branch",
            "feature",
            &url,
            "shallow",
        ],
    );
    let run = run_in(
        &clones.path().join("shallow"),
        &["check", "--diff", "origin/main"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("shallow clone") && run.stderr.contains("git fetch --unshallow"),
        "{}",
        run.stderr
    );
}

#[test]
fn rules_from_a_trusted_ref_cannot_be_weakened_by_the_change() {
    let repo = Repo::new();
    repo.file(
        "hindsight.toml",
        "[rules]\nprofile = \"strict\"\ndirs = [\"codex\"]\n",
    );
    repo.file(
        "codex/no-dbg.yaml",
        r#"id: no-dbg
code: ACME1001
title: If you need to inspect a value, log it; don't leave `dbg!` in
severity: error
language: rust
message: "`dbg!` left in"
match: { pattern: "dbg!($$$A)" }
docs: { what: Reports `dbg!`., why: It prints to stderr., fix: Remove it. }
incidents: [{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }]
examples: { bad: ["fn f() { dbg!(1); }"], good: ["fn f() {}"] }
"#,
    );
    repo.file(
        "codex/no-print.yaml",
        r#"id: no-print
code: ACME1002
title: If you need to report progress, log it; don't `print!`
severity: error
language: rust
message: "`print!` left in"
match: { pattern: "print!($$$A)" }
docs: { what: Reports `print!`., why: It goes nowhere., fix: Log instead. }
incidents: [{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }]
examples: { bad: ["fn f() { print!(1); }"], good: ["fn f() {}"] }
"#,
    );
    repo.file("src/lib.rs", "pub fn ok() {}\n");
    repo.commit_all("rules");
    repo.git(&["checkout", "-q", "-b", "pr"]);
    repo.git(&["rm", "-q", "codex/no-print.yaml"]);
    // The pull request adds a dbg! and disables the rule, and HS1001 too.
    repo.file(
        "src/lib.rs",
        "pub fn f(x: Option<u8>) -> u8 { dbg!(x).unwrap() }\n",
    );
    repo.file(
        "hindsight.toml",
        "[rules]\nprofile = \"strict\"\ndirs = [\"codex\"]\ndisable = [\"HS1001\", \"ACME1001\"]\n",
    );
    repo.file("codex/no-dbg.yaml", "id: no-dbg\n");
    let (findings, _) = repo.findings(&[]);
    assert!(
        findings.iter().any(|f| f.0 == "HS9003"),
        "the broken rule file: {findings:?}"
    );
    assert!(!findings.iter().any(|f| f.0 == "HS1001"));
    let (findings, doc) = repo.findings(&["--rules-from", "main"]);
    let codes: Vec<&str> = findings.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(codes, ["ACME1001", "HS1001"]);
    let notes: Vec<&str> = doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"].as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("`[rules] disable` changes from [] at main")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("codex/no-dbg.yaml differs in this change")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("codex/no-print.yaml is deleted in this change")),
        "{notes:?}"
    );
    let run = repo.run(&["check", "--rules-from", "nope"]);
    assert_eq!(run.code, 2);
}

#[test]
fn the_pre_commit_hook_blocks_a_bad_commit_and_uninstalls_cleanly() {
    let repo = Repo::new();
    repo.file("src/lib.rs", "pub fn ok() {}\n");
    repo.commit_all("one");
    // A foreign hook in core.hooksPath is kept unless --force, and restored on uninstall.
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    repo.file(".githooks/pre-commit", "#!/bin/sh\nexit 0\n");
    let run = repo.run(&["hook", "install"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not hindsight's hook"),
        "{}",
        run.stderr
    );
    let run = repo.run(&["hook", "install", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hook = std::fs::read_to_string(repo.path().join(".githooks/pre-commit")).unwrap();
    assert!(hook.contains("check --staged --diff HEAD"), "{hook}");
    // A commit adding an unwrap is refused by the hook; a clean one passes.
    repo.file("src/lib.rs", UNWRAP_FN);
    repo.git(&["add", "-A"]);
    let commit = Command::new("git")
        .args([
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@e",
            "commit",
            "-q",
            "-m",
            "bad",
        ])
        .current_dir(repo.path())
        .env("HINDSIGHT_TODAY", "2026-06-01")
        .output()
        .unwrap();
    assert!(!commit.status.success(), "the hook must refuse the commit");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&commit.stdout),
        String::from_utf8_lossy(&commit.stderr)
    );
    assert!(said.contains("HS1001"), "{said}");
    repo.file("src/lib.rs", "pub fn ok2() {}\n");
    repo.git(&["add", "-A"]);
    let commit = Command::new("git")
        .args([
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@e",
            "commit",
            "-q",
            "-m",
            "good",
        ])
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert!(
        commit.status.success(),
        "{}",
        String::from_utf8_lossy(&commit.stdout)
    );
    let run = repo.run(&["hook", "uninstall"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let restored = std::fs::read_to_string(repo.path().join(".githooks/pre-commit")).unwrap();
    assert_eq!(restored, "#!/bin/sh\nexit 0\n");
}

/// linkerd2-proxy's shape: its own owner's action by tag, next to a third-party one, in a job with a secret.
const FIRST_PARTY_WORKFLOW: &str = "on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: linkerd/dev/actions/setup-tools@v50\n      - uses: acme/upload@v1\n        with:\n          token: ${{ secrets.UPLOAD_TOKEN }}\n";

#[test]
fn the_repository_owners_actions_are_first_party() {
    let repo = Repo::new();
    repo.file(".github/workflows/ci.yml", FIRST_PARTY_WORKFLOW);
    let workflow = ".github/workflows/ci.yml";
    // No remote: no owner, both are reported.
    let (found, _) = repo.findings(&[]);
    assert_eq!(
        found,
        [
            finding("HS3001", workflow, 7),
            finding("HS3001", workflow, 8)
        ]
    );
    repo.git(&[
        "remote",
        "add",
        "origin",
        "https://github.com/linkerd/linkerd2-proxy.git",
    ]);
    let (found, doc) = repo.findings(&[]);
    assert_eq!(found, [finding("HS3001", workflow, 8)]);
    assert_eq!(doc["findings"][0]["severity"], "error");
    // From outside the repository, checking its directory by path, and over ssh with another owner.
    let run = run_in(
        repo.path().parent().unwrap(),
        &["check", "--format", "json", repo.path().to_str().unwrap()],
    );
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
    repo.git(&[
        "remote",
        "set-url",
        "origin",
        "git@github.example.com:acme/linkerd2-proxy",
    ]);
    let (found, _) = repo.findings(&[]);
    assert_eq!(found, [finding("HS3001", workflow, 7)]);
    // A linked worktree reads the remote of the repository it belongs to.
    repo.commit_all("ci");
    let worktree = repo.path().join("wt");
    git_in(
        repo.path(),
        &["worktree", "add", "-q", worktree.to_str().unwrap()],
    );
    let run = run_in(&worktree, &["check", "--format", "json"]);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let messages: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].starts_with("`linkerd/dev/actions/setup-tools@v50`"));
}

#[test]
fn a_changed_module_input_reports_the_called_modules_resource() {
    let repo = Repo::new();
    let module = "variable \"deletion_protection\" {\n  default = true\n}\n\nresource \"aws_rds_cluster\" \"this\" {\n  cluster_identifier  = \"orders\"\n  deletion_protection = var.deletion_protection\n}\n";
    let caller = |value: &str| {
        format!(
            "module \"orders_db\" {{\n  source = \"../../modules/db\"\n\n  deletion_protection = {value}\n}}\n\nprovider \"aws\" {{}}\n"
        )
    };
    repo.file("modules/db/main.tf", module);
    repo.file("envs/prod/main.tf", caller("true"));
    repo.commit_all("orders");
    // The change only edits the caller's input; the finding is on the module's attribute (line 7), in a file the
    // change does not touch, and names the input the change wrote. Every git mode reports it.
    repo.file("envs/prod/main.tf", caller("false"));
    repo.git(&["add", "envs/prod/main.tf"]);
    let caused = [finding("HS8001", "modules/db/main.tf", 7)];
    for args in [
        &["--staged"][..],
        &["--staged", "--diff", "HEAD"],
        &["--diff", "HEAD"],
        &["--new-only", "HEAD"],
    ] {
        let (findings, _) = repo.findings(args);
        assert_eq!(findings, caused, "{args:?}");
    }
    repo.commit_all("protection off");
    // A later change to the caller that leaves the input alone does not report the module's finding again; the
    // whole tree still has it.
    repo.file(
        "envs/prod/main.tf",
        format!("{}# reviewed\n", caller("false")),
    );
    repo.git(&["add", "envs/prod/main.tf"]);
    for args in [&["--staged"][..], &["--diff", "HEAD"]] {
        let (findings, _) = repo.findings(args);
        assert_eq!(findings, [], "{args:?}");
    }
    let (findings, _) = repo.findings(&["."]);
    assert_eq!(findings, caused);
}
