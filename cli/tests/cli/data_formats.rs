//! The conftest formats read as data beyond YAML, JSON, TOML, HCL and Dockerfiles: XML. Policies see
//! conftest's shapes, findings land on the element or attribute a result's `path` names, suppressions are
//! written in each format's comments, and a file that does not parse is one note while the rest is checked.
//! And what Windows editors write into every format: a byte order mark and CRLF line ends.

use crate::{Project, code_lines, json_of};

/// A policy over a Maven POM, in conftest's XML shape: repeated elements as an array, attributes as `-name`.
const POM_POLICY: &str = r#"package main

import rego.v1

deny contains {"msg": msg, "path": ["project", "build", "plugins", "plugin", i, "version"]} if {
	some i, plugin in input.project.build.plugins.plugin
	plugin.artifactId == "maven-compiler-plugin"
	plugin.version != "3.13.0"
	msg := sprintf("maven-compiler-plugin %v: pin 3.13.0", [plugin.version])
}

warn contains {"msg": "the build is not reproducible", "path": ["project", "-reproducible"]} if {
	input.project["-reproducible"] == false
}
"#;

const POM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" reproducible="false">
  <build>
    <plugins>
      <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.2</version></plugin>
      <plugin>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.6.0</version>
      </plugin>
    </plugins>
  </build>
</project>
"#;

#[test]
fn xml_results_land_on_the_element_and_attribute_their_path_names() {
    let project = Project::new();
    project.file("policy/pom.rego", POM_POLICY);
    project.file("pom.xml", POM);
    let run = project.run(&[
        "check",
        "pom.xml",
        "--no-builtin",
        "--policy",
        "policy",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let places: Vec<String> = json_of(&run)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}-{}:{} {}",
                f["severity"].as_str().unwrap(),
                f["start"]["line"],
                f["start"]["column"],
                f["end"]["line"],
                f["end"]["column"],
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            "warning 2:52-2:72 the build is not reproducible",
            "error 8:9-8:33 maven-compiler-plugin 3.6.0: pin 3.13.0",
        ]
    );
}

#[test]
fn an_xml_comment_allows_a_finding_and_broken_xml_is_one_note() {
    let project = Project::new();
    project.file("policy/pom.rego", POM_POLICY);
    let allowed = POM.replace(
        "        <version>3.6.0</version>",
        "        <!-- hindsight-allow(conftest-main): the toolchain image pins it -->\n        <version>3.6.0</version>",
    );
    project.file("a/pom.xml", allowed);
    project.file("b/pom.xml", "<project>\n  <build>\n</project>\n");
    project.file("c/pom.xml", POM);
    let run = project.run(&[
        "check",
        ".",
        "--no-builtin",
        "--policy",
        "policy",
        "--format",
        "json",
    ]);
    let doc = json_of(&run);
    let summary: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "warning")
        .map(|f| {
            format!(
                "{} {} suppressed={}",
                f["path"].as_str().unwrap(),
                f["start"]["line"],
                !f["suppressed"].is_null()
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "a/pom.xml 9 suppressed=true",
            "b/pom.xml 3 suppressed=false",
            "c/pom.xml 8 suppressed=false"
        ]
    );
    let broken = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "b/pom.xml")
        .unwrap();
    assert_eq!(broken["code"], "HS9006", "{broken}");
    assert!(
        broken["message"]
            .as_str()
            .unwrap()
            .starts_with("not valid XML: "),
        "{broken}"
    );
    assert_eq!(code_lines(&run).len(), 5, "{}", run.stdout);
}

/// A policy reporting the first key of a JSON object, to see where a JSON file's findings land.
const FIRST_KEY_POLICY: &str = r#"package main

import rego.v1

warn contains {"msg": "a setting", "path": ["Logging"]} if input.Logging
"#;

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_read_as_terraform_buildkit_and_editors_read_them() {
    let project = Project::new();
    // Terraform ignores a BOM starting a file (hashicorp/terraform#19715), BuildKit strips it from a
    // Dockerfile, and RFC 8259 lets a JSON reader ignore it; Visual Studio writes it on every file it saves.
    project
        .file(
            "infra/main.tf",
            "\u{feff}resource \"aws_db_instance\" \"db\" {\r\n  engine = \"postgres\"\r\n  deletion_protection = false\r\n}\r\n",
        )
        .file("Dockerfile", "\u{feff}FROM ubuntu:latest\r\nRUN make\r\n")
        .file("appsettings.json", "\u{feff}{\"Logging\": {\"Level\": \"Debug\"}}\r\n")
        .file("policy/first.rego", FIRST_KEY_POLICY);
    let run = project.run(&[
        "check",
        ".",
        "--select",
        "HS8001,HS8020,HS9006,CT",
        "--policy",
        "policy",
        "--format",
        "json",
    ]);
    let places: Vec<String> = json_of(&run)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{}",
                f["code"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["start"]["line"],
                f["start"]["column"]
            )
        })
        .collect();
    // Columns as an editor shows them: the BOM is no column. No `HS9006`: every file is read.
    assert_eq!(
        places,
        [
            "HS8020 Dockerfile 1:6",
            // A conftest policy's code: `CT` and a number made from its package, `main`.
            "CT7336 appsettings.json 1:2",
            "HS8001 infra/main.tf 3:3",
        ],
        "{}",
        run.stdout
    );
    let human = project.run(&[
        "check",
        ".",
        "--select",
        "HS8001,HS8020",
        "--color",
        "never",
    ]);
    assert!(
        human.stdout.contains(" --> Dockerfile:1:6"),
        "{}",
        human.stdout
    );
    // The excerpt shows neither the BOM nor the `\r` of the line end (annotate-snippets draws it as `␍`), and
    // the caret is under `ubuntu`.
    assert!(
        human
            .stdout
            .contains("1 | FROM ubuntu:latest\n  |      ^^^^^^^^^^^^^"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("3 |   deletion_protection = false\n"),
        "{}",
        human.stdout
    );
    assert!(!human.stdout.contains('\u{240d}'), "{}", human.stdout);
}
