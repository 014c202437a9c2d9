use super::*;
use crate::data::{PathElem, resolve};

/// The instructions of `text` as policies see them, without the fields hindsight adds.
fn conftest_view(text: &str) -> serde_json::Value {
    let docs = read(text).unwrap_or_else(|err| panic!("{err:?}"));
    let mut value = crate::data::doc_json(&docs[0]);
    for item in value.as_array_mut().unwrap() {
        let object = item.as_object_mut().unwrap();
        for added in ["Original", "Heredocs", "Commands"] {
            object.remove(added);
        }
    }
    value
}

/// The text each path resolves to.
fn at(text: &str, path: &[PathElem]) -> String {
    let docs = read(text).unwrap_or_else(|err| panic!("{err:?}"));
    text[resolve(&docs[0].root, path, text).span].to_string()
}

fn p(i: usize, key: &str, j: usize) -> Vec<PathElem> {
    vec![
        PathElem::Index(i),
        PathElem::Key(key.into()),
        PathElem::Index(j),
    ]
}

#[test]
fn conftest_example_reads_as_conftest_reads_it() {
    // conftest's examples/docker/Dockerfile, with the values BuildKit's parser gives conftest.
    let text = "FROM openjdk:8-jdk-alpine\n\nVOLUME /tmp\n\nARG DEPENDENCY=target/dependency\n\nCOPY ${DEPENDENCY}/BOOT-INF/lib /app/lib\n\nRUN apk add --no-cache python3 python3-dev build-base && pip3 install awscli==1.18.1\n\nENTRYPOINT [\"java\",\"-cp\",\"app:app/lib/*\",\"hello.Application\"]\n";
    let expected = serde_json::json!([
        {"Cmd": "from", "SubCmd": "", "JSON": false, "Flags": [], "Value": ["openjdk:8-jdk-alpine"], "Stage": 0},
        {"Cmd": "volume", "SubCmd": "", "JSON": false, "Flags": [], "Value": ["/tmp"], "Stage": 0},
        {"Cmd": "arg", "SubCmd": "", "JSON": false, "Flags": [], "Value": ["DEPENDENCY=target/dependency"], "Stage": 0},
        {"Cmd": "copy", "SubCmd": "", "JSON": false, "Flags": [], "Value": ["${DEPENDENCY}/BOOT-INF/lib", "/app/lib"], "Stage": 0},
        {"Cmd": "run", "SubCmd": "", "JSON": false, "Flags": [], "Value": ["apk add --no-cache python3 python3-dev build-base && pip3 install awscli==1.18.1"], "Stage": 0},
        {"Cmd": "entrypoint", "SubCmd": "", "JSON": true, "Flags": [], "Value": ["java", "-cp", "app:app/lib/*", "hello.Application"], "Stage": 0},
    ]);
    assert_eq!(conftest_view(text), expected);
}

#[test]
fn stages_flags_env_label_and_comments() {
    let text = "# build stage\nFROM --platform=$BUILDPLATFORM golang:1.22 AS build\nENV A=1 B=\"two words\"\nLABEL org.opencontainers.image.source=https://x\n# run stage\nFROM gcr.io/distroless/static\nCOPY --from=build --chown=1:1 /out /app\nHEALTHCHECK --interval=5s CMD curl -f http://localhost/ || exit 1\nONBUILD RUN echo hi\n";
    let got = conftest_view(text);
    let row = |i: usize| got[i].clone();
    assert_eq!(
        row(0),
        serde_json::json!({"Cmd": "comment", "SubCmd": "", "JSON": false, "Flags": [], "Value": ["build stage"], "Stage": 0})
    );
    assert_eq!(
        row(1)["Flags"],
        serde_json::json!(["--platform=$BUILDPLATFORM"])
    );
    assert_eq!(
        row(1)["Value"],
        serde_json::json!(["golang:1.22", "AS", "build"])
    );
    assert_eq!(
        row(2)["Value"],
        serde_json::json!(["A", "1", "B", "\"two words\""])
    );
    assert_eq!(
        row(3)["Value"],
        serde_json::json!(["org.opencontainers.image.source", "https://x"])
    );
    // The comment above the second FROM belongs to the second stage, as conftest counts.
    assert_eq!(
        (row(4)["Cmd"].clone(), row(4)["Stage"].clone()),
        ("comment".into(), 1.into())
    );
    assert_eq!(row(5)["Stage"], 1);
    assert_eq!(
        row(6)["Flags"],
        serde_json::json!(["--from=build", "--chown=1:1"])
    );
    assert_eq!(row(6)["Value"], serde_json::json!(["/out", "/app"]));
    assert_eq!(row(7)["Flags"], serde_json::json!(["--interval=5s"]));
    assert_eq!(
        row(7)["Value"],
        serde_json::json!(["CMD", "curl -f http://localhost/ || exit 1"])
    );
    assert_eq!(
        (row(8)["Cmd"].clone(), row(8)["SubCmd"].clone()),
        ("onbuild".into(), "run".into())
    );
    assert_eq!(row(8)["Value"], serde_json::json!(["echo hi"]));
}

#[test]
fn continuations_are_joined_and_positions_stay_exact() {
    let text = "FROM debian:12\nRUN apt-get update && \\\n    # why\n    apt-get install -y curl \\\n && curl -fsSL https://x.sh | sh\n";
    let got = conftest_view(text);
    assert_eq!(
        got[1]["Value"],
        serde_json::json!([
            "apt-get update &&     apt-get install -y curl  && curl -fsSL https://x.sh | sh"
        ])
    );
    assert_eq!(at(text, &p(0, "Value", 0)), "debian:12");
    assert_eq!(at(text, &p(1, "Commands", 0)), "apt-get update");
    assert_eq!(at(text, &p(1, "Commands", 1)), "apt-get install -y curl");
    assert_eq!(
        at(text, &p(1, "Commands", 2)),
        "curl -fsSL https://x.sh | sh"
    );
    let docs = read(text).unwrap();
    let span = resolve(&docs[0].root, &p(1, "Commands", 2), text).span;
    let index = crate::line_index::LineIndex::new(text);
    let start = index.position(span.start);
    assert_eq!((start.line, start.column), (5, 5));
}

#[test]
fn heredocs_json_and_the_escape_directive() {
    let text = "# syntax=docker/dockerfile:1.4\nFROM alpine\nRUN <<EOF\nset -e\n# fetch\ncurl -fsSL https://x.sh | sh\nEOF\nCMD [\"a\\\"b\", \"c\"]\n";
    let docs = read(text).unwrap();
    let value = crate::data::doc_json(&docs[0]);
    assert_eq!(
        value[0]["Value"],
        serde_json::json!(["syntax=docker/dockerfile:1.4"])
    );
    assert_eq!(value[2]["Value"], serde_json::json!(["<<EOF"]));
    assert_eq!(
        value[2]["Heredocs"],
        serde_json::json!(["set -e\n# fetch\ncurl -fsSL https://x.sh | sh\n"])
    );
    assert_eq!(
        value[2]["Commands"],
        serde_json::json!(["set -e", "curl -fsSL https://x.sh | sh"])
    );
    assert_eq!(value[3]["Value"], serde_json::json!(["a\"b", "c"]));
    assert_eq!(value[3]["JSON"], true);
    let windows = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN powershell -Command `\n    Write-Host hi\n";
    let value = conftest_view(windows);
    assert_eq!(
        value[2]["Value"],
        serde_json::json!(["powershell -Command     Write-Host hi"])
    );
}

#[test]
fn a_malformed_dockerfile_says_where() {
    let err = read("FROM alpine\nRUN echo ok\nthis is not an instruction\n").unwrap_err();
    assert_eq!(err.line, 3, "{err:?}");
    assert!(
        err.message.contains("not a Dockerfile instruction"),
        "{err:?}"
    );
    assert_eq!(read("").map(|docs| docs.len()), Ok(1));
}

#[test]
fn what_buildkit_reads_and_the_grammar_refuses_is_read() {
    // docker-library/python's shape: a shell test at the start of a continued line.
    let text = "FROM alpine\nRUN set -eux; \\\n\t[ -s /x ]; \\\n\t# a comment\n\t[ ! -e /y ]; \\\n\techo hi\nUSER \"${NB_UID}\"\n";
    let value = conftest_view(text);
    assert_eq!(
        value[1]["Value"],
        serde_json::json!(["set -eux; \t[ -s /x ]; \t[ ! -e /y ]; \techo hi"])
    );
    assert_eq!(value[2]["Cmd"], "user");
    assert_eq!(value[2]["Value"], serde_json::json!(["${NB_UID}"]));
    assert_eq!(at(text, &p(1, "Commands", 1)), "[ -s /x ]");
    // docker-library/python's Windows shape: a `[` after a quoted string, inside a continued `RUN` whose
    // arguments are a JSON array elsewhere in the file.
    let windows = "FROM x\nSHELL [\"powershell\", \"-Command\"]\nRUN a; \\\n# c\n\t$e = [E]::G('P', [T]::M); \\\n\tb\nCMD [\"python\"]\n";
    let value = conftest_view(windows);
    assert_eq!(
        value[2]["Value"],
        serde_json::json!(["a; \t$e = [E]::G('P', [T]::M); \tb"])
    );
    assert_eq!(value[1]["JSON"], true);
    assert_eq!(value[3]["JSON"], true);
    assert_eq!(value[3]["Value"], serde_json::json!(["python"]));
    // The JSON form on the line after the keyword is read as it was: no mend is needed.
    let json = conftest_view("FROM alpine\nCMD \\\n  [\"nginx\", \"-g\"]\n");
    assert_eq!(json[1]["JSON"], true);
    // A file that stays wrong is reported where it is wrong, not at what was mended.
    let err =
        read("FROM alpine\nRUN a; \\\n  [ -s /x ]\nthis is not an instruction\n").unwrap_err();
    assert_eq!(err.line, 4, "{err:?}");
}

#[test]
fn shell_commands_split_outside_quotes() {
    let text = "a && b || c; d & e 2>&1 | f 'g && h' \"i; j\"\n# k\nl";
    let parts: Vec<&str> = shell::commands(text, 0)
        .into_iter()
        .map(|r| &text[r])
        .collect();
    assert_eq!(
        parts,
        ["a", "b", "c", "d", "e 2>&1 | f 'g && h' \"i; j\"", "l"]
    );
    let words: Vec<&str> = shell::words("A=\"b c\"  d\\ e f", 0)
        .into_iter()
        .map(|r| &"A=\"b c\"  d\\ e f"[r])
        .collect();
    assert_eq!(words, ["A=\"b c\"", "d\\ e", "f"]);
}
