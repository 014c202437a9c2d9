//! `hindsight check`: output formats, exit codes, bad input.

use insta::assert_snapshot;

use crate::{Project, builtin_pack_settings, repo_root, run_and_close_stdout_early, run_in};

const SERVICE: &str = r#"
fn handle(req: Request) -> Response {
    let user = req.header("user").unwrap();
    Response::ok(user)
}
"#;

#[test]
fn bundled_example_human() {
    let run = run_in(
        &repo_root(),
        &["check", "examples/feature-service", "--color", "never"],
    );
    builtin_pack_settings().bind(|| assert_snapshot!(run.snapshot()));
}

#[test]
fn bundled_example_json() {
    let run = run_in(
        &repo_root(),
        &["check", "examples/feature-service", "--format", "json"],
    );
    assert_eq!(run.code, 1);
    let mut doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    doc["summary"]["elapsed_ms"] = 0.into();
    builtin_pack_settings().bind(|| assert_snapshot!(serde_json::to_string_pretty(&doc).unwrap()));
}

#[test]
fn clean_project_exits_zero() {
    let project = Project::new();
    project.file(
        "src/lib.rs",
        "pub fn add(a: u8, b: u8) -> Option<u8> { a.checked_add(b) }\n",
    );
    let run = project.run(&["check"]);
    builtin_pack_settings().bind(|| {
        assert_snapshot!(run.snapshot(), @"
        exit: 0
        --- stdout
        checked 1 file in [ELAPSED] ms with [N] rules: 0 errors, 0 warnings, 0 infos
        --- stderr
        ");
    });
}

/// The summaries of runs with the built-in pack mask how many rules ran ([`builtin_pack_settings`]); here the
/// number is checked once, against the pack: every automated rule runs by default, review-only lessons and
/// the `HS9xxx` diagnostics are not counted.
#[test]
fn the_rule_count_is_the_builtin_packs() {
    let pack = hindsight_engine::RulePack::builtin();
    let n_automated = pack
        .rules()
        .iter()
        .filter(|rule| rule.is_automated())
        .count();
    let project = Project::new();
    project.file("src/lib.rs", "pub fn f() {}\n");
    let json = project.run(&["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["summary"]["rules"], n_automated);
    let human = project.run(&["check"]);
    assert!(
        human
            .stdout
            .contains(&format!(" with {n_automated} rules: ")),
        "{}",
        human.stdout
    );
}

#[test]
fn fail_on_decides_which_severities_fail() {
    let project = Project::new();
    project.file("src/lib.rs", "fn f(req: Request) { todo!() }\n");
    assert_eq!(
        project.run(&["check"]).code,
        0,
        "a warning does not fail by default"
    );
    assert_eq!(project.run(&["check", "--fail-on", "warning"]).code, 1);
}

#[test]
fn unknown_config_key_is_a_usage_error_naming_key_and_file() {
    let project = Project::new();
    project.file(
        "hindsight.toml",
        "[rules]\ndisable = []\n\n[files]\nmax_sise = 10\n",
    );
    project.file("src/lib.rs", SERVICE);
    assert_snapshot!(project.run(&["check"]).snapshot(), @r"
    exit: 2
    --- stdout

    --- stderr
    error: invalid configuration: hindsight.toml:5:1: unknown field `max_sise`, expected `exclude` or `max_size`
    ");
}

#[test]
fn config_disables_rules_and_overrides_severity() {
    let project = Project::new();
    project.file(
        "hindsight.toml",
        "[rules]\ndisable = [\"HS1002\"]\nseverity = { HS1 = \"info\", HS1001 = \"warning\" }\n",
    );
    project.file(
        "src/lib.rs",
        "fn f(req: Request) { req.header(\"x\").unwrap(); todo!() }\n",
    );
    let run = project.run(&["check", "--format", "json"]);
    let findings = crate::finding_pairs(&run, "severity");
    assert_eq!(findings, ["HS1001 warning"]);
    assert_eq!(run.code, 0);
}

#[test]
fn missing_path_is_an_error() {
    let project = Project::new();
    let run = project.run(&["check", "does-not-exist"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("does-not-exist: no such file or directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_files_are_skipped_with_a_note_and_the_rest_is_checked() {
    let project = Project::new();
    project.file("hindsight.toml", "[files]\nmax_size = 200\n");
    project.file(
        "src/broken.rs",
        "fn broken( {\nfn fine(req: Request) { req.header(\"a\").unwrap(); }\n",
    );
    project.file("src/binary.rs", b"fn f() {}\0\x01\x02");
    project.file(
        "src/latin1.rs",
        b"// caf\xe9\nfn f() { Some(1).unwrap(); }\n",
    );
    project.file(
        "src/huge.rs",
        format!("// {}\nfn f() {{ Some(1).unwrap(); }}\n", "x".repeat(300)),
    );
    project.file("src/ok.rs", SERVICE);
    let run = project.run(&["check", "--color", "never"]);
    builtin_pack_settings().bind(|| assert_snapshot!(run.snapshot()));
}

#[test]
fn a_syntax_errors_note_names_the_lines_in_words_and_in_json() {
    let project = Project::new();
    project.file(
        "src/broken.rs",
        "fn ok() {}\nfn broken( {\n    let x = ;\n}\nfn fine() { Some(1).len(); }\n",
    );
    let run = project.run(&["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        doc["notes"],
        serde_json::json!([{
            "path": "src/broken.rs",
            "kind": "syntax-errors",
            "message": "could not parse lines 2-3 (the rest of the file was checked)",
            "lines": [{ "first": 2, "last": 3 }],
        }])
    );
}

#[test]
fn bundled_manifests_of_several_mib_are_checked_by_default() {
    // A bundled install (argo-cd's `manifests/install.yaml` is 1.9 MB) ends with the finding; the default cap
    // must read that far, and a file past it is still skipped with a note.
    let project = Project::new();
    let data: String = (0..70_000)
        .map(|i| format!("  key{i}: some configuration value\n"))
        .collect();
    let filler =
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: filler\ndata:\n{data}");
    assert!(filler.len() > 2 * 1024 * 1024);
    project.file(
        "manifests/install.yaml",
        format!("{filler}---\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: web\n"),
    );
    project.file("manifests/huge.yaml", "# x\n".repeat(3 * 1024 * 1024));
    let run = project.run(&["check", "manifests", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let findings: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(findings, ["HS2004"]);
    let notes: Vec<&str> = doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["path"].as_str().unwrap())
        .collect();
    assert_eq!(notes, ["manifests/huge.yaml"]);
}

#[test]
fn gitignore_hidden_files_and_excludes_are_honoured() {
    let project = Project::new();
    project.file(".gitignore", "generated/\n");
    project.file("generated/out.rs", SERVICE);
    project.file(".hidden/secret.rs", SERVICE);
    project.file("vendor/dep.rs", SERVICE);
    project.file("src/main.rs", SERVICE);
    let run = project.run(&["check", "--exclude", "vendor/", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["src/main.rs"]);
    // A path named explicitly is checked even though an exclude covers it.
    let run = project.run(&[
        "check",
        "vendor",
        "--exclude",
        "vendor/",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["summary"]["files_checked"], 1);
}

#[test]
fn test_example_and_tooling_code_is_exempt_as_each_ecosystem_declares_it() {
    let project = Project::new();
    project.file(
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\n[package]\nname = \"root\"\n",
    );
    project.file("src/main.rs", SERVICE);
    project.file("tests/it.rs", SERVICE);
    project.file("build.rs", SERVICE);
    project.file("examples/demo.rs", SERVICE);
    // An out-of-line test module, and a module of it.
    project.file(
        "src/net.rs",
        format!("#[cfg(test)]\nmod harness;\n{SERVICE}"),
    );
    project.file("src/net/harness.rs", format!("mod util;\n{SERVICE}"));
    project.file("src/net/harness/util.rs", SERVICE);
    // A member only ever used as a dev-dependency is test support; a service under examples/ is an example.
    project.file(
        "crates/app/Cargo.toml",
        "[package]\nname = \"app\"\n[dev-dependencies]\nsupport = { path = \"../support\" }\n",
    );
    project.file("crates/app/src/lib.rs", SERVICE);
    project.file(
        "crates/support/Cargo.toml",
        "[package]\nname = \"support\"\n",
    );
    project.file("crates/support/src/lib.rs", SERVICE);
    project.file(
        "examples/service/Cargo.toml",
        "[package]\nname = \"service\"\n",
    );
    project.file("examples/service/src/main.rs", SERVICE);
    let paths = |args: &[&str]| -> Vec<String> {
        let run = project.run(args);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        paths(&["check", "--format", "json"]),
        ["crates/app/src/lib.rs", "src/main.rs", "src/net.rs"]
    );
    // Named explicitly, the service under examples/ is checked; its tests are still test code.
    assert_eq!(
        paths(&["check", "examples/service", "--format", "json"]),
        ["examples/service/src/main.rs"]
    );
    // `hindsight scope` says why, and `[scope]` takes a directory back.
    let scope = project.run(&["scope", "--role", "test"]);
    assert!(
        scope.stdout.contains("src/net/harness/util.rs")
            && scope.stdout.contains("inside the module `src/net/harness.rs`, declared under `#[cfg(test)]` at src/net.rs:2")
            && scope.stdout.contains("package `support` is test support"),
        "{}",
        scope.stdout
    );
    project.file(
        "hindsight.toml",
        "[scope]\nproduction = [\"examples/service/\"]\ntest = [\"crates/app/\"]\n",
    );
    assert_eq!(
        paths(&["check", "--format", "json"]),
        ["examples/service/src/main.rs", "src/main.rs", "src/net.rs"]
    );
}

#[test]
fn broken_and_duplicate_rules_fail_alone() {
    let project = Project::new();
    project.file("team-a/broken.yaml", "id: broken\ncode: ACME1\nmatch: [\n");
    project.file(
        "team-a/dbg.yaml",
        r#"id: dbg-call
code: ACME1001
title: If you need to inspect a value, use the logger; don't leave `dbg!` in
severity: warning
language: rust
message: "`dbg!` left in"
match: { pattern: dbg!($$$) }
docs: { what: w, why: y, fix: f }
incidents: [{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }]
examples: { bad: ["fn f() { dbg!(1); }"], good: ["fn f() {}"] }
"#,
    );
    project.file(
        "team-b/dup.yaml",
        std::fs::read_to_string(project.path().join("team-a/dbg.yaml"))
            .unwrap()
            .replace("id: dbg-call", "id: dbg-again"),
    );
    project.file("src/lib.rs", "fn f(x: Option<u8>) { dbg!(x.unwrap()); }\n");
    let run = project.run(&[
        "check", "src", "--rules", "team-a", "--rules", "team-b", "--color", "never",
    ]);
    builtin_pack_settings().bind(|| assert_snapshot!(run.snapshot()));
}

#[test]
fn suppressions_without_reason_and_unused_are_reported() {
    let project = Project::new();
    project.file(
        "src/lib.rs",
        "fn f(req: Request) {\n    // hindsight-allow(HS1001)\n    req.header(\"a\").unwrap();\n    req.header(\"b\").expect(\"b\"); // hindsight-allow(HS1001): the proxy in front adds it\n    // hindsight-allow(HS1002): nothing here\n    let _y = 1;\n}\n",
    );
    let run = project.run(&["check", "--color", "never"]);
    builtin_pack_settings().bind(|| assert_snapshot!(run.snapshot()));
}

#[test]
fn fix_applies_rule_fixes_and_reports_what_is_left() {
    let project = Project::new();
    project.file("rules/dbg.yaml", include_str!("data/dbg-rule.yaml"));
    project.file(
        "src/lib.rs",
        "fn f(a: u8) -> u8 {\n    let b = dbg!(a + 1);\n    dbg!(b) * 2\n}\n",
    );
    let run = project.run(&[
        "check", "src", "--rules", "rules", "--fix", "--format", "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["summary"]["fixed"], 2);
    let fixed = std::fs::read_to_string(project.path().join("src/lib.rs")).unwrap();
    assert_eq!(
        fixed,
        "fn f(a: u8) -> u8 {\n    let b = a + 1;\n    b * 2\n}\n"
    );
}

#[test]
fn colour_is_used_only_when_asked_or_on_a_terminal() {
    let project = Project::new();
    project.file("src/lib.rs", SERVICE);
    assert!(
        project
            .run(&["check", "--color", "always"])
            .stdout
            .contains("\x1b[")
    );
    assert!(!project.run(&["check"]).stdout.contains("\x1b["));
}

#[test]
fn thread_count_does_not_change_the_output() {
    let project = Project::new();
    for i in 0..40 {
        project.file(&format!("src/m{i}.rs"), SERVICE.repeat(i % 3 + 1));
    }
    let one = project.run(&["check", "-j", "1", "--format", "json"]);
    let two = project.run(&["check", "-j", "2", "--format", "json"]);
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("elapsed_ms"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&one.stdout), strip(&two.stdout));
    assert!(one.stdout.contains("src/m39.rs"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let project = Project::new();
    project.file("src/lib.rs", SERVICE.repeat(2000));
    assert_eq!(
        run_and_close_stdout_early(project.path(), &["check", "--color", "never"], 1000),
        1 - 1
    );
}
