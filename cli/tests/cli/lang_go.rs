//! Go end to end through the binary: test code by Go's conventions, suppressions in `//` comments,
//! fingerprints keyed on the enclosing function or method, `--fix` of a Go form, and JSON and SARIF output
//! naming the Go file.

use serde_json::Value;

use crate::{
    FingerprintCase, Project, assert_one_suppression_used_one_unused, finding_pairs, json_of,
};

/// A configuration reload that exits when the new file is bad: one `HS1003` finding on line 8, in
/// `(*Store).Reload`.
const RELOAD: &str = "package limits

func (s *Store) Reload(path string) {
\tlimits, err := Load(path)
\tif err != nil {
\t\t// A bad file on disk stops every instance that reloads it.
\t\tlog.Printf(\"reloading %s: %v\", path, err)
\t\tlog.Fatalf(\"reloading %s: %v\", path, err)
\t}
\ts.mu.Lock()
\ts.current = limits
\ts.mu.Unlock()
}
";

#[test]
fn go_test_files_and_testdata_are_test_code() {
    let project = Project::new();
    project.file("internal/limits/reload.go", RELOAD);
    project.file("internal/limits/reload_test.go", RELOAD);
    project.file("internal/limits/testdata/reload.go", RELOAD);
    let run = project.run(&["check", "--format", "json"]);
    // HS1003's form in this language ships in shadow: reported in JSON, it fails no run.
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        finding_pairs(&run, "path"),
        ["HS1003 internal/limits/reload.go"]
    );
    let scope = project.run(&["scope"]);
    assert!(
        scope
            .stdout
            .lines()
            .any(|l| l.starts_with("test") && l.contains("internal/limits/reload_test.go")),
        "{}",
        scope.stdout
    );
}

#[test]
fn go_suppressions_are_line_comments_and_unused_ones_are_reported() {
    let project = Project::new();
    let suppressed = RELOAD
        .replace(
            "\t\tlog.Fatalf(",
            "\t\t// hindsight-allow(HS1003): systemd restarts us with the previous file\n\t\tlog.Fatalf(",
        )
        .replace(
            "\ts.mu.Lock()",
            "\t// hindsight-allow(HS1006): nothing is indexed here\n\ts.mu.Lock()",
        );
    project.file("internal/limits/reload.go", &suppressed);
    let run = project.run(&["check", "--format", "json"]);
    assert_one_suppression_used_one_unused(
        &run,
        "systemd restarts us with the previous file",
        [("HS1003", 9), ("HS9002", 11)],
    );
}

#[test]
fn go_fingerprints_are_keyed_on_the_enclosing_method() {
    // A function and blank lines above move the finding down; the same call in another method is another
    // finding.
    let moved = RELOAD.replace(
        "package limits\n",
        "package limits\n\n// Open reads the limits once, at start-up.\nfunc Open(path string) (*Store, error) {\n\treturn nil, nil\n}\n\n",
    );
    let renamed = RELOAD.replace("Reload(", "ReloadConfig(");
    FingerprintCase {
        path: "internal/limits/reload.go",
        original: (RELOAD, "func (*Store).Reload", 8),
        moved: (&moved, 14),
        renamed: (&renamed, "func (*Store).ReloadConfig"),
    }
    .assert_keyed_on_the_enclosing_item(&Project::new());
}

#[test]
fn go_fix_applies_a_go_forms_fix() {
    let project = Project::new();
    project.file(
        "rules/ioutil.yaml",
        r#"id: deprecated-read-file
code: ACME1001
title: If you need a file's bytes, call the current API; don't call the deprecated one
severity: warning
language: rust
message: "`std::fs::read_to_string` then `.into_bytes()`: call `std::fs::read`"
match: { pattern: "std::fs::read_to_string($$$A).into_bytes()" }
docs: { what: w, why: y, fix: f }
incidents: [{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }]
examples: { bad: ["fn f() { std::fs::read_to_string(p).into_bytes(); }"], good: ["fn f() {}"] }
languages:
  - language: go
    message: "`ioutil.ReadFile` is deprecated: call `os.ReadFile`"
    match: { pattern: "ioutil.ReadFile($$$A)" }
    fix: "os.ReadFile($$$A)"
    examples:
      bad: ["package a\nfunc f() { ioutil.ReadFile(p) }\n"]
      good: ["package a\nfunc f() { os.ReadFile(p) }\n"]
"#,
    );
    project.file(
        "cmd/limits/main.go",
        "package main\n\nfunc load(path string) ([]byte, error) {\n\treturn ioutil.ReadFile(path)\n}\n",
    );
    let run = project.run(&[
        "check",
        "cmd",
        "--no-builtin",
        "--rules",
        "rules",
        "--fix",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(json_of(&run)["summary"]["fixed"], 1);
    let fixed = std::fs::read_to_string(project.path().join("cmd/limits/main.go")).unwrap();
    assert_eq!(
        fixed,
        "package main\n\nfunc load(path string) ([]byte, error) {\n\treturn os.ReadFile(path)\n}\n"
    );
}

#[test]
fn go_findings_name_the_go_file_in_json_and_sarif() {
    let project = Project::new();
    project.file("internal/limits/reload.go", RELOAD);
    let run = project.run(&["check", "--format", "json"]);
    let finding = &json_of(&run)["findings"][0];
    assert_eq!(finding["code"], "HS1003");
    assert_eq!(finding["path"], "internal/limits/reload.go");
    assert_eq!(finding["start"]["column"], 3);

    let sarif = json_of(&project.run(&["check", "--format", "sarif"]));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{sarif}");
    assert_eq!(results[0]["ruleId"], "HS1003");
    let location = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "internal/limits/reload.go"
    );
    assert_eq!(location["region"]["startLine"], 8);
    let rule = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "HS1003")
        .unwrap();
    // The rule lists the languages its forms cover.
    let tags = rule["properties"]["tags"].as_array().unwrap();
    assert!(tags.contains(&Value::from("go")), "{rule}");
}
