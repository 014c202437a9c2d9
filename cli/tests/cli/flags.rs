//! The command-line habits of the ecosystem: Ruff's `--select`/`--extend-select`/`--ignore`, `--statistics`
//! and `--quiet` on `check`; `hindsight completions` and `hindsight man`.

use std::process::Command;

use insta::assert_snapshot;

use crate::{Project, Run};

/// A project with three HS1001 findings (one under a suppression without a reason, so also an HS9001), one
/// HS1002 finding that hindsight.toml disables, in the strict profile.
fn project() -> Project {
    let project = Project::new();
    project.file(
        "src/lib.rs",
        r#"fn handle(req: Request) -> Response {
    let user = req.header("user").unwrap();
    let team = req.header("team").unwrap();
    if user.is_empty() {
        panic!("no user");
    }
    Response::ok(user, team)
}

// hindsight-allow(HS1001)
fn other(req: Request) -> Response {
    Response::ok(req.header("user").unwrap())
}
"#,
    );
    project.file(
        "hindsight.toml",
        "[rules]\ndisable = [\"HS1002\"]\nprofile = \"strict\"\n",
    );
    project
}

/// The codes of the unsuppressed findings of a `--format json` run, each once, sorted.
fn codes(run: &Run) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("{err}: {}{}", run.stdout, run.stderr));
    let mut codes: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    codes.dedup();
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn select_extend_select_and_ignore_change_which_codes_are_reported() {
    let project = project();
    for (flags, expected) in [
        (&[][..], &["HS1001", "HS9001"][..]),
        // --select replaces the file's selection: its `disable` of HS1002 no longer counts.
        (&["--select", "HS1002"], &["HS1002"]),
        (&["--select", "HS1002,HS1001"], &["HS1001", "HS1002"]),
        (
            &["--select", "HS1002", "--select", "HS1001"],
            &["HS1001", "HS1002"],
        ),
        // --extend-select adds to it, by id as well as by code.
        (
            &["--extend-select", "panic-outside-tests"],
            &["HS1001", "HS1002", "HS9001"],
        ),
        // --ignore removes, by prefix.
        (&["--ignore", "HS9"], &["HS1001"]),
        (&["--ignore", "HS1,HS9"], &[]),
        (&["--select", "HS1", "--ignore", "HS1001"], &["HS1002"]),
        // The most specific selector wins; a tie goes to --ignore.
        (&["--select", "HS1001", "--ignore", "HS1"], &["HS1001"]),
        (
            &["--select", "HS1001", "--ignore", "unwrap-outside-tests"],
            &[],
        ),
    ] {
        let mut args = vec!["check", "--format", "json"];
        args.extend(flags);
        let run = project.run(&args);
        assert_eq!(codes(&run), expected, "{flags:?}: {}", run.stderr);
        let fails = expected.iter().any(|c| *c != "HS1002");
        assert_eq!(run.code, i32::from(fails), "{flags:?}: {}", run.stderr);
    }
}

#[test]
fn an_unknown_code_prefix_or_id_is_a_usage_error_naming_it() {
    let project = project();
    for (flags, words) in [
        (&["--select", "HS1001,NOPE42"][..], "--select: `NOPE42`"),
        (
            &["--extend-select", "no-such-rule"],
            "--extend-select: `no-such-rule`",
        ),
        // HS0 is the one code prefix no built-in area uses.
        (&["--ignore", "HS0"], "--ignore: `HS0`"),
        (&["--ignore", "HS1,"], "--ignore: empty rule code"),
    ] {
        let mut args = vec!["check"];
        args.extend(flags);
        let run = project.run(&args);
        assert_eq!(run.code, 2, "{flags:?}");
        assert!(run.stderr.contains(words), "{flags:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{flags:?}: {}", run.stdout);
    }
}

#[test]
fn selecting_a_rule_that_did_not_load_shows_why() {
    let project = project();
    project.file(
        "rules/slow.yaml",
        "id: slow-rollout\ncode: ACME1\ntitle: If you roll out, go slowly; don't go fast\nseverity: error\nlanguage: yaml\nrego: slow.rego\nmessage: too fast\nincidents: []\n",
    );
    project.file(
        "rules/slow.rego",
        "package acme.slow\n\nimport rego.v1\n\ndeny contains msg if {\n\tmsg := \n}\n",
    );
    let run = project.run(&["check", "--rules", "rules", "--select", "ACME1"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--select: `ACME1` is not a rule code")
            && run
                .stderr
                .contains("did not load, which may be why:\n  rules/slow"),
        "{}",
        run.stderr
    );
}

#[test]
fn statistics_count_findings_per_code_most_first() {
    let project = project();
    let run = project.run(&["check", "--statistics", "--extend-select", "HS1002"]);
    assert_snapshot!(run.snapshot(), @r"
    exit: 1
    --- stdout
    3  HS1001  error    If you need the value inside a Result or Option outside tests, handle the error; don't `.unwrap()` or `.expect()` it
    1  HS1002  warning  If you need to give up on a request, return an error; don't `panic!`, `todo!`, `unimplemented!` or `unreachable!` outside tests
    1  HS9001  error    If you need to allow a finding, say why; a suppression without a reason suppresses nothing
    --- stderr
    ");
    let json = project.run(&["check", "--statistics", "--format", "json"]);
    assert_eq!(json.code, 1);
    let rows: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let rows: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            format!(
                "{} {} {} {}",
                row["count"], row["code"], row["id"], row["severity"]
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            r#"3 "HS1001" "unwrap-outside-tests" "error""#,
            r#"1 "HS9001" "suppression-without-reason" "error""#,
        ]
    );
    let sarif = project.run(&["check", "--statistics", "--format", "sarif"]);
    assert_eq!(sarif.code, 2);
    assert!(sarif.stderr.contains("--statistics"), "{}", sarif.stderr);
    let clean = Project::new();
    clean.file("src/lib.rs", "pub fn f() {}\n");
    let run = clean.run(&["check", "--statistics", "--format", "json"]);
    assert_eq!((run.code, run.stdout.trim()), (0, "[]"));
}

#[test]
fn quiet_prints_only_the_findings_with_the_same_exit_code() {
    let project = project();
    // A note (a file too large to check) and the summary line show without --quiet.
    project.file(
        "hindsight.toml",
        "[rules]\ndisable = [\"HS1002\"]\nprofile = \"strict\"\n[files]\nmax_size = 400\n",
    );
    project.file("src/big.rs", format!("// {}\n", "x".repeat(500)));
    let loud = project.run(&["check"]);
    assert!(loud.stdout.contains("note: "), "{}", loud.stdout);
    assert!(loud.stdout.contains("checked "), "{}", loud.stdout);
    for flag in ["--quiet", "-q"] {
        let quiet = project.run(&["check", flag]);
        assert_eq!(quiet.code, loud.code);
        assert_eq!(quiet.code, 1);
        assert!(
            quiet.stdout.starts_with("error[HS1001]"),
            "{}",
            quiet.stdout
        );
        assert!(!quiet.stdout.contains("note: "), "{}", quiet.stdout);
        assert!(!quiet.stdout.contains("checked "), "{}", quiet.stdout);
        assert_eq!(
            quiet.stdout.matches("error[").count(),
            4,
            "{}",
            quiet.stdout
        );
        assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    }
    let clean = Project::new();
    clean.file("src/lib.rs", "pub fn f() {}\n");
    let run = clean.run(&["check", "-q"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
}

#[test]
fn completions_are_scripts_the_shells_accept() {
    let project = Project::new();
    let bash = project.run(&["completions", "bash"]);
    assert_eq!(bash.code, 0, "{}", bash.stderr);
    assert!(bash.stdout.contains("check"), "{}", bash.stdout);
    assert!(bash.stdout.contains("--extend-select"));
    project.file("hindsight.bash", &bash.stdout);
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(project.path().join("hindsight.bash"))
        .output()
        .unwrap();
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let run = project.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("check"), "{shell}");
    }
    let unknown = project.run(&["completions", "tcsh"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("tcsh"), "{}", unknown.stderr);
}

/// The title line of a man page, up to the section: the first request after the quote-string definitions
/// (`.ie`/`.el`) that clap_mangen puts first.
fn title(page: &str) -> String {
    let line = page
        .lines()
        .find(|line| !line.starts_with(".ie ") && !line.starts_with(".el "))
        .unwrap_or_default();
    line.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Renders a roff page with groff when the machine has it; returns groff's warnings.
#[allow(
    clippy::print_stderr,
    reason = "the test log says which check did not run"
)]
fn groff_warnings(page: &std::path::Path) -> Option<String> {
    let available = Command::new("sh")
        .args(["-c", "command -v groff"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !available {
        eprintln!("groff is not installed: the man page is not rendered");
        return None;
    }
    let out = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(page)
        .output()
        .unwrap();
    assert!(out.status.success(), "groff failed on {}", page.display());
    Some(String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn man_prints_roff_and_writes_one_page_per_command() {
    let project = Project::new();
    let run = project.run(&["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(title(&run.stdout), ".TH hindsight 1", "{}", run.stdout);
    assert!(run.stdout.contains("hindsight\\-completions(1)"));
    assert!(
        !run.stdout.contains("hindsight\\-help(1)"),
        "no help page is written"
    );
    project.file("hindsight.1", &run.stdout);
    if let Some(warnings) = groff_warnings(&project.path().join("hindsight.1")) {
        assert_eq!(warnings, "");
    }

    let out = project.path().join("man");
    let write = project.run(&["man", "--out", "man"]);
    assert_eq!(write.code, 0, "{}", write.stderr);
    let check = out.join("hindsight-check.1");
    let page = std::fs::read_to_string(&check).unwrap();
    assert_eq!(title(&page), ".TH hindsight-check 1", "{page}");
    assert!(page.contains("statistics"));
    assert!(out.join("hindsight-codex-export.1").is_file());
    if let Some(warnings) = groff_warnings(&check) {
        assert_eq!(warnings, "");
    }
    // No temporary files are left behind, and no `help` page is written.
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| n.ends_with(".1") && !n.starts_with('.')),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");

    // An existing page is kept unless --force.
    std::fs::write(&check, "mine").unwrap();
    let again = project.run(&["man", "--out", "man"]);
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("hindsight-check.1"),
        "{}",
        again.stderr
    );
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(&check).unwrap(), "mine");
    let forced = project.run(&["man", "--out", "man", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_eq!(std::fs::read_to_string(&check).unwrap(), page);
}
