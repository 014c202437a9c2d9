//! `hindsight check --format sarif|github|junit|rdjson|gitlab`, `--output FORMAT=PATH` and `--max-warnings`.

use std::collections::BTreeSet;

use insta::assert_snapshot;
use serde_json::Value;

use crate::{Project, Run};

/// A rule with a fix, whose message carries characters every format must escape.
const DBG_RULE: &str = r#"id: dbg-call
code: ACME1001
title: If you need to inspect a value, use the logger; don't leave `dbg!` in
severity: info
language: rust
message: "`dbg!` <&\"> left in: 100%, see: logs\nsecond line"
match: { pattern: "dbg!($$$A)" }
fix: "$$$A"
docs: { what: Reports `dbg!`., why: It prints to stderr in production., fix: Remove it. }
incidents: [{ date: "2024-01-01", organisation: Acme, summary: "dbg! & <friends>", url: "https://example.com/pm" }]
examples: { bad: ["fn f() { dbg!(1); }"], good: ["fn f() {}"] }
"#;

const LIB: &str = r#"fn handle(x: Option<u8>) -> u8 {
    // hindsight-allow(HS1001): set by main <before> any "request" & reload
    let a = x.unwrap();
    let b = dbg!(a,
        a);
    if b > 1 {
        todo!("later")
    }
    x.expect("set")
}
"#;

/// One finding of each severity, a suppressed one, a fix, a broken rule file (`HS9003`) and a path with
/// characters GitHub must escape. The printers are tested under the strict profile, where the bare
/// `.unwrap()`s and `todo!`s of these snippets are findings.
fn project() -> Project {
    let project = strict_project();
    project.file("rules/dbg.yaml", DBG_RULE);
    project.file("rules/broken.yaml", "id: broken\ncode: ACME1\nmatch: [\n");
    project.file("src/lib.rs", LIB);
    project.file("src/a,b:c%.rs", "fn f() { todo!() }\n");
    project
}

/// A project whose configuration selects the strict profile.
fn strict_project() -> Project {
    let project = Project::new();
    project.file("hindsight.toml", "[rules]\nprofile = \"strict\"\n");
    project
}

fn check(project: &Project, format: &str) -> Run {
    project.run(&["check", "src", "--rules", "rules", "--format", format])
}

/// Replaces what differs between runs and machines: the project directory and JUnit's `time`.
fn mask(project: &Project, text: &str) -> String {
    let mut text = text.to_string();
    for dir in [
        project.path().to_path_buf(),
        project.path().canonicalize().unwrap(),
    ] {
        text = text.replace(&dir.display().to_string(), "[PROJECT]");
    }
    let mut masked = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find(" time=\"") {
        let value_end = rest[i + 7..].find('"').unwrap();
        masked.push_str(&rest[..i]);
        masked.push_str(" time=\"[ELAPSED]\"");
        rest = &rest[i + 7 + value_end + 1..];
    }
    masked.push_str(rest);
    masked
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("not JSON ({err}):\n{}", run.stdout))
}

#[test]
fn sarif() {
    let project = project();
    let run = check(&project, "sarif");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut doc = json(&run);
    let sarif_run = &mut doc["runs"][0];
    let ids: Vec<String> = sarif_run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["id"].as_str().unwrap().to_string())
        .collect();
    // Each result points at its rule's descriptor. The index depends on how many rules sort before it, so
    // it is checked here and masked in the snapshot.
    let mut with_results = BTreeSet::new();
    for result in sarif_run["results"].as_array_mut().unwrap() {
        let code = result["ruleId"].as_str().unwrap().to_string();
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(ids[index], code);
        result["ruleIndex"] = "[index of ruleId]".into();
        with_results.insert(code);
    }
    // The descriptors are every automated rule that ran (the built-in pack's and the project's ACME1001) and
    // every other code with a result (HS9003), sorted by code. They are checked against the pack here, and
    // only those with results are snapshotted, so that adding a rule to the pack rewrites nothing here.
    let mut expected: BTreeSet<String> = hindsight_engine::RulePack::builtin()
        .rules()
        .iter()
        .filter(|rule| rule.is_automated())
        .map(|rule| rule.code.to_string())
        .collect();
    expected.insert("ACME1001".into());
    expected.extend(with_results.iter().cloned());
    assert_eq!(ids, expected.into_iter().collect::<Vec<_>>());
    let driver = &mut sarif_run["tool"]["driver"];
    driver["rules"]
        .as_array_mut()
        .unwrap()
        .retain(|rule| with_results.contains(rule["id"].as_str().unwrap()));
    // The help is the one Markdown renderer's output (tested with `explain`); the snapshot keeps its shape.
    for rule in driver["rules"].as_array_mut().unwrap() {
        let heading = format!("# {}", rule["id"].as_str().unwrap());
        let help = &mut rule["help"];
        if help.is_object() {
            assert_eq!(help["text"], help["markdown"]);
            assert!(help["markdown"].as_str().unwrap().starts_with(&heading));
            *help = "[render_markdown]".into();
        }
    }
    let text = serde_json::to_string_pretty(&doc).unwrap();
    assert_snapshot!(mask(&project, &text));
}

#[test]
fn sarif_reports_tool_problems_as_failed_execution() {
    let project = project();
    let run = project.run(&["check", "src", "does-not-exist", "--format", "sarif"]);
    assert_eq!(run.code, 2);
    let doc = json(&run);
    let invocation = &doc["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert_eq!(
        notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "does-not-exist"
    );
}

#[test]
fn github() {
    let project = project();
    let run = check(&project, "github");
    assert_eq!(run.code, 1);
    // One workflow command per line: newlines in messages are escaped, so each finding stays one command.
    assert!(
        run.stdout
            .lines()
            .all(|line| line.starts_with("::") || line.starts_with("checked ")),
        "{}",
        run.stdout
    );
    crate::builtin_pack_settings().bind(|| assert_snapshot!(run.snapshot()));
}

#[test]
fn github_escapes_percent_comma_colon_and_newlines() {
    let project = project();
    let run = check(&project, "github");
    // In properties `%`, `,` and `:` are escaped; in the message only `%` and line breaks.
    assert!(
        run.stdout.contains(
            "::warning file=src/a%2Cb%3Ac%25.rs,line=1,col=10,endLine=1,endColumn=14,title=HS1002 panic-outside-tests::"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("::`dbg!` <&\"> left in: 100%25, see: logs%0Asecond line%0Aincident: "),
        "{}",
        run.stdout
    );
    let problem = project.run(&["check", "src", "no:such,dir", "--format", "github"]);
    assert!(
        problem
            .stdout
            .contains("::error file=no%3Asuch%2Cdir,title=hindsight::no such file or directory"),
        "{}",
        problem.stdout
    );
}

#[test]
fn junit() {
    let project = project();
    let run = check(&project, "junit");
    assert_eq!(run.code, 1);
    assert_well_formed_xml(&run.stdout);
    assert_snapshot!(mask(&project, &run.stdout));
}

#[test]
fn junit_escapes_xml() {
    let project = project();
    let run = check(&project, "junit");
    // In attributes `"` and line breaks are references; in text `<` and `&` are.
    assert!(
        run.stdout
            .contains(r#"<failure message="`dbg!` &lt;&amp;&quot;&gt; left in: 100%, see: logs&#10;second line" type="ACME1001">"#),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("`dbg!` &lt;&amp;\"&gt; left in: 100%, see: logs\nsecond line\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            r#"<skipped message="suppressed: set by main &lt;before&gt; any &quot;request&quot; &amp; reload"/>"#
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn rdjson() {
    let project = project();
    let run = check(&project, "rdjson");
    assert_eq!(run.code, 1);
    let text = serde_json::to_string_pretty(&json(&run)).unwrap();
    assert_snapshot!(text);
}

#[test]
fn rdjson_columns_count_utf8_bytes() {
    let project = strict_project();
    // `é` and `€` take 2 and 3 bytes: the character column 18 of `unwrap` is byte column 21.
    project.file("src/lib.rs", "fn f() { \"é€\"; X.unwrap(); }\n");
    let run = project.run(&["check", "--format", "rdjson"]);
    let doc = json(&run);
    let range = &doc["diagnostics"][0]["location"]["range"];
    assert_eq!(range["start"]["column"], 21, "{range}");
    assert_eq!(range["end"]["column"], 27, "{range}");
}

#[test]
fn gitlab() {
    let project = project();
    let run = check(&project, "gitlab");
    assert_eq!(run.code, 1);
    let text = serde_json::to_string_pretty(&json(&run)).unwrap();
    assert_snapshot!(text);
}

#[test]
fn output_writes_several_formats_in_one_run() {
    let project = project();
    let run = project.run(&[
        "check",
        "src",
        "--rules",
        "rules",
        "--format",
        "github",
        "--output",
        "sarif=report.sarif",
        "--output",
        "junit=junit.xml",
        "--output",
        "gitlab=gl-code-quality-report.json",
        "--output",
        "json=report.json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.starts_with("::"), "stdout keeps --format");
    let read = |name: &str| std::fs::read_to_string(project.path().join(name)).unwrap();
    // Each file holds exactly what `--format` prints.
    for (format, file) in [
        ("sarif", "report.sarif"),
        ("gitlab", "gl-code-quality-report.json"),
    ] {
        assert_eq!(read(file), check(&project, format).stdout, "{format}");
    }
    assert_eq!(
        mask(&project, &read("junit.xml")),
        mask(&project, &check(&project, "junit").stdout)
    );
    let doc: Value = serde_json::from_str(&read("report.json")).unwrap();
    assert_eq!(doc["version"], 1);
}

#[test]
fn bad_output_values_are_usage_errors_naming_the_value() {
    let project = project();
    for (value, expected) in [
        ("sarif", "expected FORMAT=PATH"),
        (
            "xml=report.xml",
            "unknown format `xml`; expected one of human, json, sarif, github, junit, rdjson, gitlab",
        ),
        ("sarif=", "no file after `sarif=`"),
    ] {
        let run = project.run(&["check", "src", "--output", value]);
        assert_eq!(run.code, 2, "{value}");
        assert!(
            run.stderr.contains(&format!("'{value}'")) && run.stderr.contains(expected),
            "{value}: {}",
            run.stderr
        );
    }
    let run = project.run(&["check", "src", "--output", "sarif=no-such-dir/report.sarif"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: cannot create no-such-dir/report.sarif: "),
        "{}",
        run.stderr
    );
}

#[test]
fn max_warnings_fails_when_unsuppressed_warnings_exceed_it() {
    let project = strict_project();
    project.file(
        "src/lib.rs",
        "fn f() { todo!() }\nfn g() { todo!() }\n// hindsight-allow(HS1002): not this one\nfn h() { todo!() }\n",
    );
    let code = |args: &[&str]| {
        let mut all = vec!["check"];
        all.extend(args);
        project.run(&all)
    };
    assert_eq!(code(&[]).code, 0, "warnings do not fail by default");
    assert_eq!(
        code(&["--max-warnings", "2"]).code,
        0,
        "two is not more than two"
    );
    let run = code(&["--max-warnings", "1", "--fail-on", "error"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: 2 warnings, more than --max-warnings 1 allows\n"
    );
    assert_eq!(code(&["--max-warnings", "0", "--format", "sarif"]).code, 1);
    project.file("src/err.rs", "fn e(x: Option<u8>) { x.unwrap(); }\n");
    assert_eq!(
        code(&["--max-warnings", "5"]).code,
        1,
        "errors still fail under --fail-on error"
    );
}

#[test]
fn fingerprints_survive_moving_and_reindenting_the_finding() {
    let project = project();
    // (code, fingerprint, path, line) of each GitLab issue.
    let fingerprints = |project: &Project| -> Vec<(String, String, String, u64)> {
        let doc = json(&check(project, "gitlab"));
        doc.as_array()
            .unwrap()
            .iter()
            .map(|issue| {
                let text = |value: &Value| value.as_str().unwrap().to_string();
                (
                    text(&issue["check_name"]),
                    text(&issue["fingerprint"]),
                    text(&issue["location"]["path"]),
                    issue["location"]["lines"]["begin"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let before = fingerprints(&project);
    let sarif_before = json(&check(&project, "sarif"));
    // Blank lines and a comment above; the multi-line `dbg!` re-indented.
    let moved = format!("\n\n// moved down\n{}", LIB.replace("        a);", "  a);"));
    project.file("src/lib.rs", &moved);
    let after = fingerprints(&project);
    assert_eq!(before.len(), after.len());
    for (old, new) in before.iter().zip(&after) {
        assert_eq!((&old.0, &old.1), (&new.0, &new.1), "{old:?} -> {new:?}");
        if new.2 == "src/lib.rs" {
            assert_eq!(new.3, old.3 + 3, "{old:?} should have moved");
        }
    }
    // SARIF carries the same fingerprints, suppressed findings included.
    let sarif_after = json(&check(&project, "sarif"));
    let sarif = |doc: &Value| -> Vec<Value> {
        doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"]["hindsight/v2"].clone())
            .collect()
    };
    assert_eq!(sarif(&sarif_before), sarif(&sarif_after));
    let unique: std::collections::HashSet<_> = sarif(&sarif_after).into_iter().collect();
    assert_eq!(
        unique.len(),
        sarif(&sarif_after).len(),
        "fingerprints are unique"
    );
    for (_, fingerprint, _, _) in &after {
        assert!(sarif(&sarif_after).contains(&Value::from(fingerprint.as_str())));
    }
}

/// A small well-formedness check: tags nest, attribute values are quoted, `<` and `&` only start markup and
/// references.
fn assert_well_formed_xml(xml: &str) {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("XML declaration");
    let mut open: Vec<&str> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        assert_text(&rest[..start]);
        let end = start + rest[start..].find('>').expect("unclosed tag");
        let tag = &rest[start + 1..end];
        assert!(!tag.contains('<'), "`<` inside a tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name), "mismatched </{name}>");
        } else {
            let name = tag.split_whitespace().next().unwrap().trim_end_matches('/');
            let attributes = tag[name.len()..].trim_end_matches('/');
            // Every attribute is name="value" with no raw `"` inside.
            assert_eq!(attributes.matches('"').count() % 2, 0, "{tag}");
            assert_eq!(
                attributes.matches('=').count(),
                attributes.matches("=\"").count(),
                "{tag}"
            );
            for value in attributes.split('"').skip(1).step_by(2) {
                assert_text(value);
            }
            if !tag.ends_with('/') {
                open.push(name);
            }
        }
        rest = &rest[end + 1..];
    }
    assert_eq!(rest.trim(), "");
    assert!(open.is_empty(), "unclosed: {open:?}");
}

fn assert_text(text: &str) {
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..text[i..].find(';').map_or(text.len(), |j| i + j + 1)];
        assert!(
            [
                "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#10;", "&#13;", "&#9;"
            ]
            .contains(&entity),
            "bad reference {entity:?} in {text:?}"
        );
    }
    assert!(!text.contains('<') && !text.contains('>'), "{text:?}");
}
