//! Dockerfiles as data: built-in rules with exact positions in every output, suppressions, a broken
//! Dockerfile that fails alone, and conftest-shaped policies over the instruction list.

use insta::assert_snapshot;

use crate::{Project, code_lines, json_of};

const SERVICE: &str = "FROM golang:1.23 AS build\nRUN go build -o /out/app .\n\nFROM debian\nRUN apt-get update \\\n # the agent\n && curl -fsSL https://example.com/agent.sh | bash\nCOPY --from=build /out/app /app\n";

#[test]
fn findings_point_at_the_word_in_human_and_json_output() {
    let project = Project::new();
    project.file("Dockerfile", SERVICE);
    let json = project.run(&[
        "check",
        ".",
        "--select",
        "HS8020,HS8021",
        "--format",
        "json",
    ]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let places: Vec<String> = json_of(&json)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}-{}:{}",
                f["code"].as_str().unwrap(),
                f["start"]["line"],
                f["start"]["column"],
                f["end"]["line"],
                f["end"]["column"]
            )
        })
        .collect();
    // `debian` on line 4; the piped command on line 7, after the continuation and the comment line.
    assert_eq!(places, ["HS8020 4:6-4:12", "HS8021 7:5-7:51"]);
    let human = project.run(&[
        "check",
        ".",
        "--select",
        "HS8020,HS8021",
        "--color",
        "never",
    ]);
    assert!(
        human.stdout.contains(" --> Dockerfile:4:6"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains(" --> Dockerfile:7:5"),
        "{}",
        human.stdout
    );
}

#[test]
fn a_reasoned_allow_comment_suppresses_in_a_dockerfile() {
    let project = Project::new();
    project.file(
        "images/api.dockerfile",
        "FROM debian:12.8-slim\n# hindsight-allow(HS8021): the vendor publishes no checksum; pinned to a release URL\nRUN curl -fsSL https://example.com/v1/agent.sh | sh\n# hindsight-allow(HS8020)\nFROM alpine\n",
    );
    let run = project.run(&[
        "check",
        ".",
        "--select",
        "HS8020,HS8021,HS9",
        "--format",
        "json",
    ]);
    let doc = json_of(&run);
    let summary: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} suppressed={}",
                f["code"].as_str().unwrap(),
                f["start"]["line"],
                !f["suppressed"].is_null()
            )
        })
        .collect();
    // The reasoned allow suppresses; the one without a reason suppresses nothing and is reported (HS9001).
    assert_eq!(
        summary,
        [
            "HS8021 3 suppressed=true",
            "HS9001 4 suppressed=false",
            "HS8020 5 suppressed=false"
        ]
    );
}

#[test]
fn a_broken_dockerfile_is_one_note_and_the_rest_is_checked() {
    let project = Project::new();
    project.file(
        "broken/Dockerfile",
        "FROM alpine\nRUN echo ok\nnot an instruction\n",
    );
    project.file("ok/Containerfile", "FROM alpine\n");
    // No selected rule can report on a file whose every image is pinned: it is not read, so not reported.
    project.file(
        "pinned/Dockerfile",
        "FROM alpine:3.20\nnot an instruction\n",
    );
    // A template named like a Dockerfile (docker-library/mysql's `Dockerfile.oracle`) is a note, not an error.
    project.file(
        "template/Dockerfile.oracle",
        "{{ include \"shared\" . }}\nFROM oraclelinux\n",
    );
    let run = project.run(&[
        "check",
        ".",
        "--select",
        "HS8020,HS9006",
        "--format",
        "json",
    ]);
    assert_eq!(
        code_lines(&run),
        [("HS9006".to_string(), 3), ("HS8020".to_string(), 1)]
    );
    let doc = json_of(&run);
    let notes: Vec<(&str, &str)> = doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["path"].as_str().unwrap(), n["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(notes, [("template/Dockerfile.oracle", "template")]);
    let broken = &doc["findings"][0];
    assert_eq!(broken["path"], "broken/Dockerfile");
    assert!(
        broken["message"].as_str().unwrap().starts_with(
            "not valid Dockerfile: not a Dockerfile instruction or argument: `not an instruction`"
        ),
        "{broken}"
    );
}

#[test]
fn conftest_style_policies_read_the_instruction_list() {
    let project = Project::new();
    project.file(
        "policy/docker.rego",
        r#"package main

import rego.v1

deny contains msg if {
	some i
	input[i].Cmd == "user"
	input[i].Value[0] == "root"
	msg := sprintf("stage %d runs as root", [input[i].Stage])
}

warn contains msg if {
	some ins in input
	ins.Cmd == "copy"
	some flag in ins.Flags
	startswith(flag, "--chown=")
	msg := sprintf("copy sets owner with %s", [flag])
}
"#,
    );
    project.file(
        "Dockerfile",
        "FROM golang:1.23 AS build\nUSER root\nFROM alpine:3.20\nCOPY --from=build --chown=app:app /out /app\nUSER root\n",
    );
    let run = project.run(&[
        "check",
        "Dockerfile",
        "--no-builtin",
        "--policy",
        "policy",
        "--color",
        "never",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_snapshot!(run.snapshot());
}

/// `hindsight check - --stdin-filename Dockerfile ARGS` in `dir`, its standard streams piped, with each
/// variable of `env` set (`Some`) or removed (`None`).
fn spawn_on_stdin(
    dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, Option<&str>)],
) -> std::process::Child {
    use std::process::{Command, Stdio};
    let mut command = Command::new(crate::bin());
    command
        .args(["check", "-", "--stdin-filename", "Dockerfile"])
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    command.spawn().unwrap()
}

/// With `RUST_BACKTRACE` set (as in many CI images), the binary starts itself again with library backtraces
/// off (`cli/src/main.rs`, `library_backtraces_off`): the second start must get the same arguments, standard
/// input and streams, and give the same findings and exit code as a run without the variable.
#[test]
fn a_run_with_rust_backtrace_set_reads_stdin_and_reports_as_without() {
    use std::io::Write as _;
    let project = Project::new();
    let run = |backtrace: Option<&str>| {
        let args = ["--select", "HS8020,HS8021", "--format", "json"];
        let env = [("RUST_BACKTRACE", backtrace), ("RUST_LIB_BACKTRACE", None)];
        let mut child = spawn_on_stdin(project.path(), &args, &env);
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(SERVICE.as_bytes()).unwrap();
        drop(stdin);
        let output = child.wait_with_output().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let findings: Vec<String> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}:{}",
                    f["code"], f["start"]["line"], f["start"]["column"]
                )
            })
            .collect();
        (output.status.code(), findings)
    };
    let without = run(None);
    assert_eq!(without.1, ["\"HS8020\" 4:6", "\"HS8021\" 7:5"]);
    assert_eq!(run(Some("1")), without);
    assert_eq!(run(Some("full")), without);
}

/// The second start is real: while the run waits for its standard input, its environment (as Linux shows it,
/// `/proc/PID/environ`) holds `RUST_LIB_BACKTRACE=0`; with the variable already set, it is left as set.
#[cfg(target_os = "linux")]
#[test]
fn rust_backtrace_turns_library_backtraces_off_in_the_run_itself() {
    let project = Project::new();
    let environ_of = |lib_backtrace: Option<&str>| {
        let env = [
            ("RUST_BACKTRACE", Some("1")),
            ("RUST_LIB_BACKTRACE", lib_backtrace),
        ];
        let mut child = spawn_on_stdin(project.path(), &[], &env);
        let path = format!("/proc/{}/environ", child.id());
        let wanted = format!("RUST_LIB_BACKTRACE={}", lib_backtrace.unwrap_or("0"));
        // The run blocks on its standard input, so its environment stays readable while this polls.
        let started = std::time::Instant::now();
        let mut seen = Vec::new();
        while started.elapsed() < std::time::Duration::from_secs(10) {
            seen = std::fs::read(&path).unwrap_or_default();
            if seen
                .split(|&b| b == 0)
                .any(|entry| entry == wanted.as_bytes())
            {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap();
        seen.split(|&b| b == 0)
            .filter(|entry| entry.starts_with(b"RUST_LIB_BACKTRACE="))
            .map(|entry| String::from_utf8_lossy(entry).into_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(environ_of(None), ["RUST_LIB_BACKTRACE=0"]);
    assert_eq!(environ_of(Some("1")), ["RUST_LIB_BACKTRACE=1"]);
}
