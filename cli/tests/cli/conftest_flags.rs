//! conftest's conventions and `conftest test`'s options on `check --policy`: suffixed result rules,
//! `exception`s, `--data`, `--combine`, namespace patterns, policy files. The expectations are conftest's
//! documented semantics; `conftest_suite` runs conftest's own acceptance cases when they are fetched.

use crate::{Project, json_of};

/// Each finding of a `--format json` run as `severity message [suppression kind]`, sorted.
fn results(project: &Project, args: &[&str]) -> (i32, Vec<String>) {
    let mut all = vec!["check", "--no-builtin", "--format", "json"];
    all.extend(args);
    let run = project.run(&all);
    let mut out: Vec<String> = json_of(&run)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let suppressed = f["suppressed"]["kind"]
                .as_str()
                .map(|k| format!(" [{k}]"))
                .unwrap_or_default();
            format!(
                "{} {}{suppressed}",
                f["severity"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    out.sort();
    (run.code, out)
}

const DEPLOYMENTS: &str = "kind: Deployment\nmetadata:\n  name: cannot-run-as-root\n---\nkind: Deployment\nmetadata:\n  name: can-run-as-root\n";

#[test]
fn suffixed_rules_and_exceptions_follow_conftest() {
    let project = Project::new();
    project.file(
        "policy/rules.rego",
        r#"package main
import rego.v1

deny_run_as_root contains msg if {
	input.kind == "Deployment"
	msg := sprintf("%s runs as root", [input.metadata.name])
}

violation_labels contains {"msg": sprintf("%s has no labels", [input.metadata.name]), "severity": "high"} if {
	not input.metadata.labels
}

warn_latest contains "uses latest" if input.kind == "Deployment"

# Not result rules: a prefix without the underscore, and a helper.
denylist := {"x"}
deny_helper_count := 3
"#,
    );
    project.file(
        "policy/exception.rego",
        r#"package main
import rego.v1

exception contains ["run_as_root", "latest"] if input.metadata.name == "can-run-as-root"
"#,
    );
    project.file("deploy.yaml", DEPLOYMENTS);
    let (code, results) = results(&project, &["--policy", "policy", "deploy.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(
        results,
        [
            "error can-run-as-root has no labels",
            "error can-run-as-root runs as root [exception]",
            "error cannot-run-as-root has no labels",
            "error cannot-run-as-root runs as root",
            "warning uses latest",
            "warning uses latest [exception]",
        ]
    );
}

#[test]
fn data_documents_are_read_as_data() {
    let project = Project::new();
    project.file(
        "policy/ports.rego",
        r#"package main
import rego.v1
import data.services

deny contains msg if {
	some port in input.spec.ports
	port.port in services.ports
	msg := sprintf("port %v is denied (owner %v)", [port.port, data.teams.owner])
}
"#,
    );
    project.file("exclusions/services.yaml", "services:\n  ports: [22, 21]\n");
    project.file("exclusions/teams/owner.json", "{\"owner\": \"net\"}");
    project.file(
        "service.yaml",
        "kind: Service\nspec:\n  ports:\n  - port: 22\n  - port: 80\n",
    );
    let (code, results) = results(
        &project,
        &["--policy", "policy", "--data", "exclusions", "service.yaml"],
    );
    assert_eq!(
        (code, results.as_slice()),
        (
            1,
            ["error port 22 is denied (owner net)".to_string()].as_slice()
        )
    );
    // Without the data the rule has nothing to compare with: no finding, and the run passes.
    let (code, results) = results_without_data(&project);
    assert_eq!((code, results.len()), (0, 0));
}

fn results_without_data(project: &Project) -> (i32, Vec<String>) {
    results(project, &["--policy", "policy", "service.yaml"])
}

#[test]
fn a_broken_data_file_is_named_and_the_policies_still_run() {
    let project = Project::new();
    project.file(
        "policy/p.rego",
        "package main\nimport rego.v1\ndeny contains \"always\" if input.kind\n",
    );
    project.file("data/good.yaml", "a: 1\n");
    project.file("data/bad.json", "{\"a\": ");
    project.file("x.yaml", "kind: Service\n");
    let run = project.run(&[
        "check",
        "--no-builtin",
        "--color",
        "never",
        "--policy",
        "policy",
        "--data",
        "data",
        "x.yaml",
    ]);
    assert_eq!(run.code, 1, "{}", run.snapshot());
    assert!(run.stdout.contains("data/bad.json:1:1"), "{}", run.stdout);
    assert!(run.stdout.contains("not valid JSON"), "{}", run.stdout);
    assert!(run.stdout.contains("always"), "{}", run.stdout);
}

#[test]
fn combine_gives_every_document_at_once() {
    let project = Project::new();
    project.file(
        "policy/unique.rego",
        r#"package main
import rego.v1

deny contains msg if {
	some name in {doc.contents.metadata.name | some doc in input}
	files := {doc.path | some doc in input; doc.contents.metadata.name == name}
	count([doc | some doc in input; doc.contents.metadata.name == name]) > 1
	msg := sprintf("%s is defined %d times, in %v", [name, count([1 | some doc in input; doc.contents.metadata.name == name]), sort(files)])
}
"#,
    );
    project.file("a.yaml", "metadata:\n  name: api\n");
    project.file(
        "b.yaml",
        "metadata:\n  name: api\n---\nmetadata:\n  name: web\n",
    );
    let (code, results) = results(
        &project,
        &["--policy", "policy", "--combine", "a.yaml", "b.yaml"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        results,
        ["error api is defined 2 times, in [\"a.yaml\", \"b.yaml\"]"]
    );
    // Each document alone never sees a duplicate.
    let (code, results) = results_without_combine(&project);
    assert_eq!((code, results.len()), (0, 0));
}

fn results_without_combine(project: &Project) -> (i32, Vec<String>) {
    results(project, &["--policy", "policy", "a.yaml", "b.yaml"])
}

#[test]
fn namespaces_match_literally_or_by_pattern_and_a_missing_one_passes_with_a_note() {
    let project = Project::new();
    for (file, package) in [
        ("main", "main"),
        ("commands", "commands"),
        ("images", "images.docker"),
    ] {
        project.file(
            &format!("policy/{file}.rego"),
            format!(
                "package {package}\nimport rego.v1\ndeny contains \"{package}\" if input.kind\n"
            ),
        );
    }
    project.file("x.yaml", "kind: Pod\n");
    let messages = |args: &[&str]| {
        let mut all = vec!["--policy", "policy"];
        all.extend(args);
        all.push("x.yaml");
        results(&project, &all)
    };
    assert_eq!(messages(&[]).1, ["error main"]);
    assert_eq!(messages(&["--namespace", "main"]).1, ["error main"]);
    assert_eq!(messages(&["--namespace", "c*"]).1, ["error commands"]);
    assert_eq!(
        messages(&["--namespace", "images.*"]).1,
        ["error images.docker"]
    );
    assert_eq!(
        messages(&["--namespace", "*"]).1,
        ["error commands", "error images.docker", "error main"]
    );
    assert_eq!(messages(&["--all-namespaces"]).1.len(), 3);
    let run = project.run(&[
        "check",
        "--no-builtin",
        "--color",
        "never",
        "--policy",
        "policy",
        "--namespace",
        "notpresent",
        "x.yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.snapshot());
    assert!(
        format!("{}{}", run.stdout, run.stderr).contains("no policy declares `package notpresent`"),
        "{}",
        run.snapshot()
    );
}

#[test]
fn a_policy_file_is_a_policy_path_and_paths_load_together() {
    let project = Project::new();
    project.file(
        "lib/names.rego",
        "package lib.names\nimport rego.v1\nbad(name) if startswith(name, \"tmp-\")\n",
    );
    project.file(
        "policy/names.rego",
        "package main\nimport rego.v1\nimport data.lib.names\ndeny contains \"temporary name\" if names.bad(input.metadata.name)\n",
    );
    project.file(
        "policy/other.rego",
        "package main\nimport rego.v1\nwarn contains \"other\" if input.kind\n",
    );
    project.file("x.yaml", "kind: Pod\nmetadata:\n  name: tmp-1\n");
    let (code, results) = results(
        &project,
        &["--policy", "policy/names.rego", "--policy", "lib", "x.yaml"],
    );
    assert_eq!(
        (code, results.as_slice()),
        (1, ["error temporary name".to_string()].as_slice())
    );
}

#[test]
fn an_empty_path_argument_is_skipped_and_only_empty_ones_are_a_usage_error() {
    let project = Project::new();
    project.file(
        "policy/main.rego",
        "package main\n\nimport rego.v1\n\nwarn contains \"a service\" if input.kind == \"Service\"\n",
    );
    project.file("service.yaml", "kind: Service\n");
    project.file("other/service.yaml", "kind: Service\n");
    // As conftest: `""` (an unset variable in quotes) names nothing; the other paths are checked, and only
    // them (not the current directory).
    let (code, found) = results(&project, &["--policy", "policy", "service.yaml", ""]);
    assert_eq!((code, found), (0, vec!["warning a service".to_string()]));
    let run = project.run(&["check", "--no-builtin", "--policy", "policy", ""]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("every path argument is empty"),
        "{}",
        run.stderr
    );
}
