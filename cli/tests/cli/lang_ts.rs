//! TypeScript, TSX and JavaScript end to end through the binary: test-code exemption by the ecosystem's
//! conventions, suppressions in `//` comments, fingerprints keyed on the enclosing function, `--fix`, and the
//! JSON and SARIF outputs naming the file.

use serde_json::Value;

use crate::Project;

/// A file watcher that ends the process when a reloaded rules file is rejected: HS1003's TypeScript form.
const RELOAD: &str = r#"import { readFileSync, watch } from "node:fs";

export function watchRules(path: string, apply: (rules: unknown) => void): void {
  watch(path, () => {
    try {
      apply(JSON.parse(readFileSync(path, "utf8")));
    } catch (err) {
      console.error("rules rejected", err);
      process.exit(1);
    }
  });
}
"#;

fn json(project: &Project, args: &[&str]) -> Value {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let run = project.run(&all);
    assert!(
        run.code == 0 || run.code == 1,
        "{}{}",
        run.stdout,
        run.stderr
    );
    crate::json_of(&run)
}

/// `(code, path, line)` of every finding that is not suppressed.
fn findings(doc: &Value) -> Vec<(String, String, u64)> {
    doc["findings"]
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
        .collect()
}

#[test]
fn test_files_and_directories_are_exempt_by_their_conventions() {
    let project = Project::new();
    for path in [
        "src/watch.ts",
        "src/watch.test.ts",
        "src/watch.spec.tsx",
        "src/__tests__/watch.ts",
        "test/watch.js",
        "lib/watch.test.mjs",
    ] {
        project.file(path, RELOAD);
    }
    let doc = json(&project, &["."]);
    assert_eq!(
        findings(&doc),
        [("HS1003".to_string(), "src/watch.ts".to_string(), 9)],
        "only the production file is reported"
    );
}

#[test]
fn suppressions_use_line_comments_and_unused_ones_are_reported() {
    let project = Project::new();
    project.file(
        "src/watch.ts",
        RELOAD.replace(
            "      process.exit(1);",
            "      // hindsight-allow(HS1003): the supervisor restarts us with the previous file\n      process.exit(1);",
        ),
    );
    project.file(
        "src/key.js",
        "// hindsight-allow(HS1006): nothing is split here\nexport const key = (tenant) => tenant.toLowerCase();\n",
    );
    let doc = json(&project, &["src"]);
    let suppressed: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["suppressed"].is_null())
        .map(|f| (f["code"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert_eq!(suppressed, [("HS1003", "src/watch.ts")]);
    assert_eq!(
        findings(&doc),
        [("HS9002".to_string(), "src/key.js".to_string(), 1)],
        "the unused suppression is reported where it is"
    );
    assert_eq!(doc["summary"]["suppressed"], 1);
}

#[test]
fn fingerprints_are_keyed_on_the_enclosing_function_and_survive_moving() {
    let project = Project::new();
    project.file("src/watch.ts", RELOAD);
    let finding = |project: &Project| -> (String, String, u64) {
        let doc = json(project, &["src"]);
        let all = doc["findings"].as_array().unwrap();
        assert_eq!(all.len(), 1, "{doc}");
        (
            all[0]["fingerprint"].as_str().unwrap().to_string(),
            all[0]["enclosing"].to_string(),
            all[0]["start"]["line"].as_u64().unwrap(),
        )
    };
    let (before, enclosing, line) = finding(&project);
    assert!(enclosing.contains("watchRules"), "{enclosing}");
    // Lines and a function above it: the finding moves, its fingerprint does not.
    project.file(
        "src/watch.ts",
        format!("// Rules for the limiter.\n\nexport const MAX_RULES = 200;\n\n{RELOAD}"),
    );
    let (after, _, moved) = finding(&project);
    assert_eq!(moved, line + 4);
    assert_eq!(before, after);
    // The same statement in another function is another finding.
    project.file("src/watch.ts", RELOAD.replace("watchRules", "watchLimits"));
    let (other, enclosing, _) = finding(&project);
    assert!(enclosing.contains("watchLimits"), "{enclosing}");
    assert_ne!(before, other);
}

#[test]
fn fix_applies_a_typescript_rule_fix() {
    let project = Project::new();
    project.file(
        "rules/console-log.yaml",
        r#"id: console-log-in-handler
code: ACME1001
title: If you need to record an event, use the logger; don't leave `console.log` in
severity: warning
language: typescript
message: "`console.log` left in"
match: { pattern: "console.log($$$A)" }
fix: "logger.info($$$A)"
docs: { what: w, why: y, fix: f }
incidents: [{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }]
examples: { bad: ["console.log(1);"], good: ["logger.info(1);"] }
"#,
    );
    project.file(
        "src/handler.ts",
        "export function handle(id: string): void {\n  console.log(\"handling\", id);\n}\n",
    );
    let doc = json(&project, &["src", "--rules", "rules", "--fix"]);
    assert_eq!(doc["summary"]["fixed"], 1, "{doc}");
    assert_eq!(
        std::fs::read_to_string(project.path().join("src/handler.ts")).unwrap(),
        "export function handle(id: string): void {\n  logger.info(\"handling\", id);\n}\n"
    );
}

#[test]
fn json_and_sarif_name_the_typescript_file() {
    let project = Project::new();
    project.file("src/watch.ts", RELOAD);
    project.file(
        "src/key.tsx",
        "export function clientKey(header: string): string {\n  const parts = header.split(\"/\");\n  return parts[1].toLowerCase();\n}\n",
    );
    let doc = json(&project, &["src"]);
    let mut seen = findings(&doc);
    seen.sort();
    assert_eq!(
        seen,
        [
            ("HS1003".to_string(), "src/watch.ts".to_string(), 9),
            ("HS1006".to_string(), "src/key.tsx".to_string(), 2),
        ]
    );
    let run = project.run(&["check", "src", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    let mut located: Vec<(String, String, u64)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let location = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap().to_string(),
                location["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                location["region"]["startLine"].as_u64().unwrap(),
            )
        })
        .collect();
    located.sort();
    assert_eq!(
        located,
        [
            ("HS1003".to_string(), "src/watch.ts".to_string(), 9),
            ("HS1006".to_string(), "src/key.tsx".to_string(), 2),
        ]
    );
}
