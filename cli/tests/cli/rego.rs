//! Rego rules from the command line: conftest policies, configuration files, options, and rules that fail
//! alone.

use insta::assert_snapshot;

use crate::{Project, repo_root};

/// A user rule pack with one Rego rule over YAML whose policy is `rego`.
fn rego_pack(project: &Project, rego: &str) {
    project.file(
        "pack/replicas.yaml",
        r#"id: single-replica
code: ACME2001
title: If you need availability, run at least two replicas; don't run one
severity: error
language: [yaml, json, toml]
rego: replicas.rego
timeout_ms: 200
docs: { what: w, why: y, fix: f }
incidents: [{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }]
examples:
  bad: ["kind: Deployment\nspec:\n  replicas: 1\n"]
  good: ["kind: Deployment\nspec:\n  replicas: 3\n"]
"#,
    );
    project.file("pack/replicas.rego", rego);
}

const REPLICAS_POLICY: &str = r#"package acme.replicas

import rego.v1

deny contains {"msg": sprintf("%v replica(s)", [input.spec.replicas]), "path": ["spec", "replicas"]} if {
	input.kind == "Deployment"
	input.spec.replicas < 2
}
"#;

#[test]
fn conftest_policies_run_unchanged_with_lines() {
    let run = crate::run_in(
        &repo_root().join("tests/conftest"),
        &[
            "check",
            "inputs",
            "--no-builtin",
            "--policy",
            "policy",
            "--color",
            "never",
        ],
    );
    assert_snapshot!(run.snapshot());
}

#[test]
fn broken_data_files_are_reported_where_they_break_and_the_rest_is_checked() {
    let project = Project::new();
    rego_pack(&project, REPLICAS_POLICY);
    project.file(
        "deploy/broken.yaml",
        "kind: Deployment\nspec:\n  replicas: [1\n",
    );
    project.file(
        "deploy/broken.json",
        "{\"kind\": \"Deployment\",\n \"spec\": }\n",
    );
    project.file(
        "deploy/broken.toml",
        "kind = \"Deployment\"\nspec = {replicas = }\n",
    );
    project.file(
        "deploy/ok.yaml",
        "kind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n",
    );
    project.file(
        "deploy/chart.yaml",
        "kind: Deployment\nspec:\n  replicas: {{ .Values.replicas }}\n",
    );
    assert_snapshot!(
        project
            .run(&[
                "check",
                "deploy",
                "--no-builtin",
                "--rules",
                "pack",
                "--color",
                "never"
            ])
            .snapshot()
    );
}

#[test]
fn a_policy_that_does_not_compile_fails_alone_at_its_line() {
    let project = Project::new();
    rego_pack(
        &project,
        "package acme.replicas\n\ndeny contains msg if {\n  msg := input.x +\n}\n",
    );
    project.file(
        "src/lib.rs",
        "fn f(req: Request) { req.header(\"a\").unwrap(); }\n",
    );
    let run = project.run(&["check", "src", "--rules", "pack", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{}",
                f["code"], f["path"], f["start"]["line"], f["start"]["column"]
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            r#""HS9003" "pack/replicas.rego":4:7"#,
            r#""HS1001" "src/lib.rs":1:38"#
        ]
    );
}

#[test]
fn policies_cannot_do_io() {
    for (what, call) in [
        (
            "http.send",
            r#"http.send({"method": "get", "url": "http://example.com"})"#,
        ),
        ("opa.runtime", "opa.runtime()"),
        ("time.now_ns", "time.now_ns()"),
    ] {
        let project = Project::new();
        rego_pack(
            &project,
            &format!(
                "package acme.replicas\n\nimport rego.v1\n\ndeny contains \"x\" if {{\n  r := {call}\n  r\n}}\n"
            ),
        );
        project.file("deploy/a.yaml", "kind: Deployment\n");
        let run = project.run(&[
            "check",
            "deploy",
            "--no-builtin",
            "--rules",
            "pack",
            "--format",
            "json",
        ]);
        assert!(
            run.stdout
                .contains(&format!("could not find function {what}")),
            "{what} must not exist for policies: {}",
            run.stdout
        );
    }
}

#[test]
fn a_policy_that_errors_or_loops_fails_alone_on_that_file() {
    let project = Project::new();
    let policy = r#"package acme.replicas

import rego.v1

deny contains msg if {
	input.kind == "Divide"
	msg := sprintf("%v", [1 / input.zero])
}

deny contains "slow" if {
	input.kind == "Slow"
	some i in numbers.range(1, 4000)
	some j in numbers.range(1, 4000)
	i * j < 0
}
"#;
    rego_pack(&project, policy);
    project.file("deploy/divide.yaml", "kind: Divide\nzero: 0\n");
    project.file("deploy/slow.yaml", "kind: Slow\n");
    project.file(
        "deploy/fine.yaml",
        "kind: Deployment\nspec:\n  replicas: 1\n",
    );
    let run = project.run(&[
        "check",
        "deploy",
        "--no-builtin",
        "--rules",
        "pack",
        "--color",
        "never",
    ]);
    assert_eq!(run.code, 1);
    assert_snapshot!(run.snapshot());
    let lenient = project.run(&[
        "check",
        "deploy/divide.yaml",
        "deploy/slow.yaml",
        "--no-builtin",
        "--rules",
        "pack",
        "--fail-on-rule-error",
        "false",
    ]);
    assert_eq!(lenient.code, 0, "{}", lenient.stdout);
}

#[test]
fn rule_options_come_from_the_configuration() {
    let project = Project::new();
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 4\n  strategy:\n    rollingUpdate:\n      maxUnavailable: 50%\n";
    project.file("deploy/api.yaml", deployment);
    let default = project.run(&["check", "deploy", "--format", "json"]);
    assert!(
        !default.stdout.contains("HS2001"),
        "50% is under the default threshold: {}",
        default.stdout
    );
    project.file(
        "hindsight.toml",
        "[rules.options.HS2001]\nmax_unavailable_percent = 50\n",
    );
    let strict = project.run(&["check", "deploy", "--format", "json"]);
    assert!(strict.stdout.contains("HS2001"), "{}", strict.stdout);
}

#[test]
fn repository_scope_joins_documents_across_files() {
    let project = Project::new();
    // HS2002 ships in shadow; this repository enforces it.
    project.file(
        "hindsight.toml",
        "[[rollout]]\nrule = \"HS2002\"\nstage = \"enforce\"\n",
    );
    project.file(
        "k8s/agent.yaml",
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\n  namespace: ops\nspec:\n  template:\n    spec:\n      serviceAccountName: agent\n",
    );
    project.file(
        "k8s/rbac.json",
        r#"{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "agent"},
 "roleRef": {"kind": "ClusterRole", "name": "agent-reader"},
 "subjects": [{"kind": "ServiceAccount", "name": "agent", "namespace": "ops"}]}"#,
    );
    project.file(
        "k8s/role.yaml",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: agent-reader\nrules:\n  - apiGroups: [\"\"]\n    resources: [endpoints]\n    verbs: [watch]\n",
    );
    let run = project.run(&["check", "k8s", "--color", "never"]);
    crate::builtin_pack_settings().bind(|| assert_snapshot!(run.snapshot()));
}

#[test]
fn a_code_rule_can_read_configuration_documents_too() {
    let project = Project::new();
    let rule = |id: &str, code: &str, language: &str| {
        format!(
            r#"id: {id}
code: {code}
title: If you need x, do y
severity: error
language: {language}
rego: danger.rego
select: {{ kind: macro_invocation, regex: ^danger! }}
docs: {{ what: w, why: y, fix: f }}
incidents: [{{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }}]
examples:
  bad: ["fn f() {{ danger!(); }}", {{ path: x.yaml, code: "danger: true\n" }}]
  good: ["fn f() {{}}", {{ path: x.yaml, code: "danger: false\n" }}]
"#
        )
    };
    project.file(
        "pack/code-and-data.yaml",
        rule("code-and-data", "ACME3001", "[rust, yaml]"),
    );
    project.file(
        "pack/data-only.yaml",
        rule("data-only", "ACME3002", "[yaml, json]"),
    );
    project.file(
        "pack/danger.rego",
        r#"package acme.danger

import rego.v1

deny contains {"msg": "in code", "match": 0} if {
	hindsight.file().language == "rust"
	count(input.matches) > 0
}

deny contains {"msg": "in data", "path": ["danger"]} if {
	hindsight.file().language == "yaml"
	input.danger == true
}
"#,
    );
    project.file("src/lib.rs", "fn f() {\n    danger!();\n}\n");
    project.file("deploy/x.yaml", "name: x\ndanger: true\n");
    let run = project.run(&[
        "check",
        "--no-builtin",
        "--rules",
        "pack",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{} {}",
                f["code"], f["path"], f["start"]["line"], f["start"]["column"], f["message"]
            )
        })
        .collect();
    assert_snapshot!(found.join("\n"), @r#"
    "ACME3001" "deploy/x.yaml":2:1 "in data"
    "HS9003" "pack/data-only.yaml":5:11 "a Rego rule with `select:` needs a source language to select in; add `rust` to `language:`, or remove `select:` for a rule over configuration only"
    "ACME3001" "src/lib.rs":2:5 "in code"
    "#);
    let tested = project.run(&["test", "pack"]);
    assert!(
        tested.stdout.contains("1 rules passed"),
        "{}",
        tested.stdout
    );
}

#[test]
fn yaml_with_braces_in_strings_is_checked_and_templates_are_skipped() {
    let project = Project::new();
    // meilisearch's shape: docker/metadata-action patterns made the whole workflow look like a template.
    project.file(
        ".github/workflows/publish.yml",
        "on:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  docker:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/metadata-action@v5\n        with:\n          tags: |\n            type=semver,pattern=v{{major}}.{{minor}}\n",
    );
    project.file(
        "charts/app/Chart.yaml",
        "apiVersion: v2\nname: app\nversion: 1.0.0\n",
    );
    project.file(
        "charts/app/templates/deployment.yaml",
        "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: {{ include \"app.name\" . }}\n",
    );
    project.file(
        "deploy/broken-template.yaml",
        "apiVersion: extensions/v1beta1\nkind: Deployment\n{{- if .Values.x }}\nspec: {}\n{{- end }}\n",
    );
    project.file(
        "deploy/broken.yaml",
        "apiVersion: extensions/v1beta1\nkind: Deployment\nspec: [\n",
    );
    let run = project.run(&["check", ".", "--format", "json"]);
    let findings = crate::finding_pairs(&run, "path");
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        findings,
        [
            "HS3001 .github/workflows/publish.yml",
            "HS9006 deploy/broken.yaml"
        ]
    );
    let notes: Vec<String> = doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{} {}",
                n["kind"].as_str().unwrap(),
                n["path"].as_str().unwrap()
            )
        })
        .collect();
    // Without helm on PATH (as in the test suite: the real one is only given to `render.rs`), the chart's
    // templates are skipped and the chart has one note for them.
    assert_eq!(
        notes,
        [
            "template deploy/broken-template.yaml",
            "render charts/app/Chart.yaml"
        ]
    );
}

/// A user rule whose policy `timeout_ms` and `rego` file are given, in `pack/`.
fn budget_rule(project: &Project, id: &str, code: &str, timeout_ms: u32, rego: &str) {
    project.file(
        &format!("pack/{id}.yaml"),
        format!(
            r#"id: {id}
code: {code}
title: If you need a rule, make it one; don't leave it out
severity: error
language: [yaml]
rego: {id}.rego
timeout_ms: {timeout_ms}
docs: {{ what: w, why: y, fix: f }}
incidents: [{{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }}]
examples:
  bad: ["kind: Deployment\n"]
  good: ["kind: Service\n"]
"#
        ),
    );
    project.file(&format!("pack/{id}.rego"), rego);
}

/// The runaway policies of issue 17: a `numbers.range` of 10^8 numbers (which took 7.1 s and 2.3 GiB at load,
/// then was reported as not compiling) and a loop of 10^12 steps are each stopped within twice their budget
/// and reported as rule errors that name the budget, at load or on the one file where the policy runs away,
/// while the pack's other rules still check the files.
#[test]
fn policies_past_their_budget_fail_alone_as_budget_errors() {
    let project = Project::new();
    rego_pack(&project, REPLICAS_POLICY);
    budget_rule(
        &project,
        "runaway",
        "ACME2002",
        1000,
        "package acme.runaway\n\ndeny contains \"x\" if {\n\tsome i in numbers.range(1, 100000000)\n\ti < 0\n}\n",
    );
    budget_rule(
        &project,
        "looping",
        "ACME2003",
        300,
        "package acme.looping\n\ndeny contains \"x\" if {\n\tsome i in numbers.range(1, 1000000)\n\tsome j in numbers.range(1, 1000000)\n\ti == j + 5000000\n}\n",
    );
    project.file(
        "deploy/one.yaml",
        "kind: Deployment\nspec:\n  replicas: 1\n",
    );
    // Fine at load (`input.n` is undefined there), past its memory budget on one file only.
    budget_rule(
        &project,
        "on-input",
        "ACME2004",
        1000,
        "package acme.oninput\n\ndeny contains \"x\" if {\n\tsome i in numbers.range(1, input.n)\n\ti < 0\n}\n",
    );
    project.file("deploy/big.yaml", "kind: Service\nn: 100000000\n");
    let started = std::time::Instant::now();
    let run = project.run(&[
        "check",
        "deploy",
        "--no-builtin",
        "--rules",
        "pack",
        "--format",
        "json",
    ]);
    let took = started.elapsed();
    // Both budgets (1 s and 0.3 s) twice over, plus the start of a debug binary.
    assert!(
        took < std::time::Duration::from_millis(2600 + 1000),
        "{took:?}"
    );
    let doc = crate::json_of(&run);
    let findings: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["code"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            "HS9004 deploy/big.yaml rule ACME2004 (on-input) exceeded its memory budget on deploy/big.yaml: numbers.range would make 100000000 numbers, which exceeds the memory budget of a policy (1000000 numbers); every other rule still ran on this file",
            "ACME2001 deploy/one.yaml 1 replica(s)",
            "HS9003 pack/looping.rego the policy exceeded its time budget (300 ms) at load, in its dry run on an empty input; run `hindsight test` on the pack to see it fail alone",
            "HS9003 pack/runaway.rego the policy exceeded its memory budget at load, in its dry run on an empty input: numbers.range would make 100000000 numbers, which exceeds the memory budget of a policy (1000000 numbers); run `hindsight test` on the pack to see it fail alone",
        ],
        "{}",
        run.stdout
    );
}
