//! `hindsight coverage` and `hindsight codex export` on a small pack whose action items are in every state.

use insta::assert_snapshot;

use crate::Project;

const INCIDENT: &str = r#"id: acme-2024-01-01
date: "2024-01-01"
organisation: Acme
title: The cache fell over
summary: Everything was cached twice.
links: ["https://example.com/pm"]
action_items:
  - id: no-dbg
    text: No dbg! in serving code.
    enforcement: automated
    rules: [ACME1001]
    status: done
  - id: no-todo
    text: No todo! in serving code.
    enforcement: automated
    rules: [ACME1002]
    status: in-progress
  - id: no-println
    text: No println! in serving code.
    enforcement: automated
    rules: [ACME1003]
    status: done
  - id: no-eprintln
    text: No eprintln! in serving code.
    enforcement: automated
    rules: [ACME1004]
    status: done
  - id: validate-upstream
    text: Validate what upstream sends.
    enforcement: review
    rules: [ACME7001]
    status: done
  - id: drill
    text: Drill the failover every quarter.
    enforcement: none
    status: open
"#;

fn rule(code: &str, id: &str, mac: &str, extra: &str, bad: &str) -> String {
    format!(
        r#"id: {id}
code: {code}
title: If you need output, use the logger; don't call {mac}!
severity: warning
language: rust
message: m
match: {{ pattern: "{mac}!($$$)" }}
docs: {{ what: "Reports {mac}! calls. Nothing else.", why: "It went to stderr. Nobody saw it.", fix: f }}
incidents: [acme-2024-01-01]
examples: {{ bad: ["{bad}"], good: ["fn f() {{}}"] }}
{extra}"#
    )
}

fn project() -> Project {
    let project = Project::new();
    project
        .file("pack/incidents/acme-2024-01-01.yaml", INCIDENT)
        .file(
            "pack/rust/dbg.yaml",
            rule("ACME1001", "no-dbg", "dbg", "", "fn f() { dbg!(1); }"),
        )
        .file(
            "pack/rust/todo.yaml",
            rule(
                "ACME1002",
                "no-todo",
                "todo",
                "stage: shadow\n",
                "fn f() { todo!(); }",
            ),
        )
        // Its bad example gives no finding, so its tests fail.
        .file(
            "pack/rust/println.yaml",
            rule("ACME1003", "no-println", "println", "", "fn f() {}"),
        )
        .file(
            "pack/rust/eprintln.yaml",
            rule(
                "ACME1004",
                "no-eprintln",
                "eprintln",
                "",
                "fn f() { eprintln!(); }",
            ),
        )
        .file(
            "pack/review/upstream.yaml",
            r#"id: validate-upstream
code: ACME7001
title: If you consume another team's output, validate it like user input
severity: info
enforcement: review
message: m
docs: { what: "Code that trusts a generated file's size. Look at loaders.", why: w, fix: f }
incidents: [acme-2024-01-01]
"#,
        )
        .file("hindsight.toml", "[rules]\ndisable = [\"ACME1004\"]\n");
    project
}

#[test]
fn coverage_judges_every_action_item() {
    let run = project().run(&["coverage", "--no-builtin", "--rules", "pack"]);
    assert_snapshot!(run.snapshot());
}

#[test]
fn coverage_markdown_and_json() {
    let project = project();
    let markdown = project.run(&[
        "coverage",
        "--no-builtin",
        "--rules",
        "pack",
        "--format",
        "markdown",
    ]);
    assert_snapshot!(markdown.snapshot());
    let json = project.run(&[
        "coverage",
        "--no-builtin",
        "--rules",
        "pack",
        "--format",
        "json",
    ]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let states: Vec<&str> = value["incidents"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        ["automated", "shadow", "open", "open", "review", "open"]
    );
    assert_eq!(value["totals"]["items"], 6);
    assert_eq!(value["totals"]["automated"], 1);
    assert_eq!(
        value["incidents"][0]["items"][2]["rules"][0]["tests"],
        "fail"
    );
    assert_eq!(
        value["incidents"][0]["items"][3]["rules"][0]["enabled"],
        false
    );
}

#[test]
fn coverage_of_the_builtin_registry_runs_clean() {
    let run = Project::new().run(&["coverage", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let totals = &value["totals"];
    assert!(totals["items"].as_u64().unwrap() > 0);
    // Every automated item of the built-in registry is live: its rules load, pass their tests and are on. A
    // rule shipped in its shadow stage (until its precision is shown, rules/PRECISION.md) makes its items
    // `shadow`, and nothing else may.
    for incident in value["incidents"].as_array().unwrap() {
        for item in incident["items"].as_array().unwrap() {
            if item["enforcement"] != "automated" {
                continue;
            }
            let rules = item["rules"].as_array().unwrap();
            let live = |rule: &serde_json::Value| {
                rule["loaded"] == true && rule["enabled"] == true && rule["tests"] == "pass"
            };
            let by_stage = item["state"] == "shadow"
                && rules.iter().all(live)
                && rules.iter().any(|rule| rule["stage"] == "shadow");
            assert!(
                item["state"] == "automated" || by_stage,
                "{} / {}: {}",
                incident["id"],
                item["id"],
                item["state"]
            );
        }
    }
}

#[test]
fn coverage_of_an_unknown_incident_is_an_error() {
    let run = Project::new().run(&["coverage", "--incident", "nobody-1999-01-01"]);
    assert_snapshot!(run.snapshot(), @r"
    exit: 2
    --- stdout

    --- stderr
    error: no incident `nobody-1999-01-01` in the registry; `hindsight coverage` lists them all
    ");
}

#[test]
fn codex_export_lists_automated_and_review_lessons() {
    let run = project().run(&["codex", "export", "--no-builtin", "--rules", "pack"]);
    assert_snapshot!(run.snapshot());
}

#[test]
fn codex_export_json_and_to_a_file() {
    let project = project();
    let run = project.run(&[
        "codex",
        "export",
        "--no-builtin",
        "--rules",
        "pack",
        "--format",
        "json",
        "--output",
        "codex.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let text = std::fs::read_to_string(project.path().join("codex.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let codes: Vec<&str> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["ACME1001", "ACME1002", "ACME1003", "ACME1004", "ACME7001"]
    );
    assert_eq!(value[4]["enforcement"], "review");
    assert_eq!(value[4]["incidents"][0]["id"], "acme-2024-01-01");
}

#[test]
fn the_builtin_codex_holds_every_lesson() {
    let run = Project::new().run(&["codex", "export"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rules = Project::new().run(&["rules", "--format", "json"]);
    let rules: serde_json::Value = serde_json::from_str(&rules.stdout).unwrap();
    for rule in rules.as_array().unwrap() {
        let code = rule["code"].as_str().unwrap();
        let listed = run.stdout.contains(&format!("- **{code}** "));
        assert_eq!(listed, !code.starts_with("HS9"), "{code}");
    }
}

#[test]
fn docs_writes_a_page_per_rule_and_incident() {
    let project = project();
    // A rule whose docs hold raw HTML: the site shows it as text, never as markup.
    project.file(
        "pack/rust/html.yaml",
        rule("ACME1005", "no-print", "print", "", "fn f() { print!(); }").replace(
            "It went to stderr. Nobody saw it.",
            "<script>alert(1)</script> went nowhere.",
        ),
    );
    let run = project.run(&["docs", "--no-builtin", "--rules", "pack", "--out", "site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let site = project.path().join("site");
    let read = |path: &str| std::fs::read_to_string(site.join(path)).unwrap();
    for code in [
        "ACME1001", "ACME1002", "ACME1003", "ACME1004", "ACME1005", "ACME7001",
    ] {
        let page = read(&format!("rules/{code}.html"));
        assert!(page.contains(&format!("<article id=\"{code}\">")), "{code}");
        assert!(
            read("index.html").contains(&format!("<tr id=\"{code}\"")),
            "{code}"
        );
    }
    let rule_page = read("rules/ACME1001.html");
    // The incident links to its own page; examples are highlighted; the configuration snippet is there.
    assert!(rule_page.contains("href=\"../incidents/acme-2024-01-01.html\""));
    assert!(
        rule_page.contains("class=\"hl-function-macro\""),
        "{rule_page}"
    );
    assert!(rule_page.contains("disable = [&quot;ACME1001&quot;]"));
    assert!(
        rule_page.contains("No dbg! in serving code."),
        "enforced action items are listed"
    );
    let html_page = read("rules/ACME1005.html");
    assert!(html_page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html_page.contains("<script>alert"));
    let incident = read("incidents/acme-2024-01-01.html");
    assert!(incident.contains("<tr id=\"no-println\"><td><span class=\"state open\">open</span>"));
    assert!(incident.contains("ACME1003 fails its tests"));
    assert!(read("coverage.html").contains("href=\"incidents/acme-2024-01-01.html\""));
    assert!(read("codex.html").contains("<strong>ACME7001</strong>"));
    // Nothing on any page comes from the network.
    for entry in std::fs::read_dir(site.join("rules")).unwrap() {
        let page = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(
            !page.contains("src=\"http") && !page.contains("<link rel=\"stylesheet\" href=\"http")
        );
    }
}

#[test]
fn docs_into_an_unwritable_place_is_an_error() {
    let project = project();
    project.file("site", "a file, not a directory");
    let run = project.run(&["docs", "--no-builtin", "--rules", "pack", "--out", "site"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: could not create site"),
        "{}",
        run.stderr
    );
}

#[test]
fn coverage_follows_the_rollout_stages_of_the_configuration() {
    let project = project();
    project.file(
        "hindsight.toml",
        "[rules]\ndisable = [\"ACME1004\"]\n\n[[rollout]]\nrule = \"ACME1001\"\nstage = \"shadow\"\n",
    );
    let run = project.run(&[
        "coverage",
        "--no-builtin",
        "--rules",
        "pack",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let item = &value["incidents"][0]["items"][0];
    assert_eq!(item["id"], "no-dbg");
    assert_eq!(item["state"], "shadow");
    assert_eq!(item["rules"][0]["stage"], "shadow");
}
