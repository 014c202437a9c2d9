//! Python end to end through the binary: test code by Python's conventions, suppressions in `#` comments,
//! fingerprints keyed on the enclosing class and method, `--fix` of a Python form, and JSON and SARIF output
//! naming the Python file.

use serde_json::Value;

use crate::{
    FingerprintCase, Project, assert_one_suppression_used_one_unused, finding_pairs, json_of,
};

/// A configuration reload that exits when the new file is bad: one `HS1003` finding on line 13, column 13,
/// in `Worker.reload_config`.
const RELOAD: &str = "import json
import sys


class Worker:
    def reload_config(self, path):
        try:
            with open(path) as f:
                new = json.load(f)
        except (OSError, ValueError) as err:
            # A bad file on SIGHUP stops the worker instead of keeping the last known-good.
            print(\"bad config\", err, file=sys.stderr)
            sys.exit(1)
        self.config = new
";

#[test]
fn python_test_files_and_test_directories_are_test_code() {
    let project = Project::new();
    project.file("worker/config.py", RELOAD);
    project.file("worker/test_config.py", RELOAD);
    project.file("worker/config_test.py", RELOAD);
    project.file("worker/conftest.py", RELOAD);
    project.file("tests/reload.py", RELOAD);
    let run = project.run(&["check", "--format", "json"]);
    // HS1003's form in this language ships in shadow: reported in JSON, it fails no run.
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(finding_pairs(&run, "path"), ["HS1003 worker/config.py"]);
    let scope = project.run(&["scope"]);
    for test_file in [
        "worker/test_config.py",
        "worker/config_test.py",
        "worker/conftest.py",
        "tests/reload.py",
    ] {
        assert!(
            scope
                .stdout
                .lines()
                .any(|l| l.starts_with("test") && l.contains(test_file)),
            "{test_file} is not test code: {}",
            scope.stdout
        );
    }
}

#[test]
fn python_suppressions_are_hash_comments_and_unused_ones_are_reported() {
    let project = Project::new();
    let suppressed = RELOAD
        .replace(
            "            sys.exit(1)",
            "            # hindsight-allow(HS1003): the supervisor restarts us with the previous file\n            sys.exit(1)",
        )
        .replace(
            "        self.config = new",
            "        # hindsight-allow(HS1006): nothing is indexed here\n        self.config = new",
        );
    project.file("worker/config.py", &suppressed);
    let run = project.run(&["check", "--format", "json"]);
    assert_one_suppression_used_one_unused(
        &run,
        "the supervisor restarts us with the previous file",
        [("HS1003", 14), ("HS9002", 15)],
    );
}

#[test]
fn python_fingerprints_are_keyed_on_the_enclosing_class_and_method() {
    // A function and blank lines above move the finding down; the same call in another class is another
    // finding.
    let moved = RELOAD.replace(
        "import sys\n",
        "import sys\n\n\ndef open_config(path):\n    \"\"\"Reads the configuration once, at start-up.\"\"\"\n    return json.load(open(path))\n",
    );
    let renamed = RELOAD.replace("class Worker:", "class Scheduler:");
    FingerprintCase {
        path: "worker/config.py",
        original: (RELOAD, "class Worker.def reload_config", 13),
        moved: (&moved, 18),
        renamed: (&renamed, "class Scheduler.def reload_config"),
    }
    .assert_keyed_on_the_enclosing_item(&Project::new());
}

#[test]
fn python_fix_applies_a_python_forms_fix() {
    let project = Project::new();
    project.file(
        "rules/yaml-load.yaml",
        r#"id: unsafe-yaml-load
code: ACME1001
title: If you need to read YAML, use the safe loader; don't let a document construct arbitrary objects
severity: warning
language: rust
message: "`serde_yaml::from_str` of untrusted text"
match: { pattern: "serde_yaml::from_str($$$A)" }
docs: { what: w, why: y, fix: f }
incidents: [{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }]
examples: { bad: ["fn f() { serde_yaml::from_str(t); }"], good: ["fn f() {}"] }
languages:
  - language: python
    message: "`yaml.load` can construct arbitrary objects: call `yaml.safe_load`"
    match: { pattern: "yaml.load($A)" }
    fix: "yaml.safe_load($A)"
    examples:
      bad: ["settings = yaml.load(text)\n"]
      good: ["settings = yaml.safe_load(text)\n"]
"#,
    );
    project.file(
        "worker/settings.py",
        "import yaml\n\n\ndef read_settings(path):\n    with open(path) as f:\n        return yaml.load(f)\n",
    );
    let run = project.run(&[
        "check",
        "worker",
        "--no-builtin",
        "--rules",
        "rules",
        "--fix",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(json_of(&run)["summary"]["fixed"], 1);
    let fixed = std::fs::read_to_string(project.path().join("worker/settings.py")).unwrap();
    assert_eq!(
        fixed,
        "import yaml\n\n\ndef read_settings(path):\n    with open(path) as f:\n        return yaml.safe_load(f)\n"
    );
}

#[test]
fn python_findings_name_the_python_file_in_json_and_sarif() {
    let project = Project::new();
    project.file("worker/config.py", RELOAD);
    let run = project.run(&["check", "--format", "json"]);
    let finding = &json_of(&run)["findings"][0];
    assert_eq!(finding["code"], "HS1003");
    assert_eq!(finding["path"], "worker/config.py");
    assert_eq!(finding["start"]["column"], 13);

    let sarif = json_of(&project.run(&["check", "--format", "sarif"]));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{sarif}");
    assert_eq!(results[0]["ruleId"], "HS1003");
    let location = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "worker/config.py");
    assert_eq!(location["region"]["startLine"], 13);
    let rule = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "HS1003")
        .unwrap();
    // The rule lists the languages its forms cover.
    let tags = rule["properties"]["tags"].as_array().unwrap();
    assert!(tags.contains(&Value::from("python")), "{rule}");
}
