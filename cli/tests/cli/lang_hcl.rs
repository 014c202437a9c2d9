//! Terraform / HCL end to end through the binary: findings at the exact line and column in human, JSON and
//! SARIF output, suppressions in `#` and `//` comments, a syntax error that is one finding for its file while
//! the rest of the run goes on, a module's `examples/` left alone, conftest-style policies over `.tf` files,
//! and a policy over a plan recorded with `terraform show -json`.

use serde_json::Value;

use crate::{Project, code_lines, json_of, repo_root};

/// A database without deletion protection (HS8001 on line 1, column 1) whose backups are off (HS8003 on the
/// `backup_retention_period` line, column 3).
const DB: &str = r#"resource "aws_db_instance" "orders" {
  identifier = "orders"
  engine     = "postgres"

  backup_retention_period = 0
}
"#;

#[test]
fn findings_point_at_the_block_or_the_attribute_in_every_format() {
    let project = Project::new();
    project.file("infra/db.tf", DB);
    let run = project.run(&["check", "--select", "HS8", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = json_of(&run);
    let places: Vec<(String, u64, u64, u64, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
                f["start"]["column"].as_u64().unwrap(),
                f["end"]["line"].as_u64().unwrap(),
                f["end"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    // The block's first line for a missing attribute; the whole `key = value` for a bad one.
    assert_eq!(
        places,
        [
            ("HS8001".to_string(), 1, 1, 1, 38),
            ("HS8003".to_string(), 5, 3, 5, 30)
        ]
    );

    let human = project.run(&["check", "--select", "HS8"]);
    assert!(
        human.stdout.contains("--> infra/db.tf:1:1"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("--> infra/db.tf:5:3"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("5 |   backup_retention_period = 0"),
        "{}",
        human.stdout
    );

    let sarif = project.run(&["check", "--select", "HS8", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let regions: Vec<(String, u64, u64)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let location = &r["locations"][0]["physicalLocation"];
            (
                location["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                location["region"]["startLine"].as_u64().unwrap(),
                location["region"]["startColumn"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        regions,
        [
            ("infra/db.tf".to_string(), 1, 1),
            ("infra/db.tf".to_string(), 5, 3)
        ]
    );
}

#[test]
fn suppressions_take_either_line_comment_and_unused_ones_are_reported() {
    let project = Project::new();
    let text = DB
        .replace(
            "resource \"aws_db_instance\"",
            "# hindsight-allow(HS8001): a scratch copy, restored from a snapshot every night\nresource \"aws_db_instance\"",
        )
        .replace(
            "backup_retention_period = 0",
            "backup_retention_period = 0 // hindsight-allow(HS8003): the snapshot is the backup\n  # hindsight-allow(HS8002): no bucket here",
        );
    project.file("infra/db.tf", &text);
    let run = project.run(&["check", "--select", "HS8,HS9", "--format", "json"]);
    let doc = json_of(&run);
    assert_eq!(doc["summary"]["suppressed"], 2, "{}", run.stdout);
    let findings = doc["findings"].as_array().unwrap();
    let reasons: Vec<&str> = findings
        .iter()
        .filter_map(|f| f["suppressed"]["reason"].as_str())
        .collect();
    assert_eq!(
        reasons,
        [
            "a scratch copy, restored from a snapshot every night",
            "the snapshot is the backup"
        ]
    );
    assert_eq!(
        code_lines(&run),
        [
            ("HS8001".to_string(), 2),
            ("HS8003".to_string(), 6),
            ("HS9002".to_string(), 7)
        ]
    );
}

#[test]
fn a_syntax_error_is_one_finding_for_its_file_and_the_run_goes_on() {
    let project = Project::new();
    project.file("infra/db.tf", DB);
    project.file(
        "infra/broken.tf",
        "resource \"aws_db_instance\" \"legacy\" {\n  engine = \n}\n",
    );
    let run = project.run(&["check", "--select", "HS8,HS9", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = json_of(&run);
    let findings: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{}",
                f["code"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["start"]["line"],
                f["start"]["column"]
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            "HS9006 infra/broken.tf:2:12",
            "HS8001 infra/db.tf:1:1",
            "HS8003 infra/db.tf:5:3"
        ]
    );
    let broken = &doc["findings"][0]["message"];
    assert!(
        broken.as_str().unwrap().starts_with("not valid HCL: "),
        "{broken}"
    );
}

#[test]
fn a_modules_examples_are_left_alone_unless_named() {
    let project = Project::new();
    project.file("modules/db/main.tf", DB);
    project.file("modules/db/examples/complete/main.tf", DB);
    project.file("modules/db/tests/fixtures/main.tf", DB);
    let run = project.run(&["check", "--select", "HS8", "--format", "json"]);
    let doc = json_of(&run);
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["modules/db/main.tf", "modules/db/main.tf"]);
    // A directory named on the command line is checked as production.
    let named = project.run(&[
        "check",
        "modules/db/examples/complete",
        "--select",
        "HS8",
        "--format",
        "json",
    ]);
    assert_eq!(json_of(&named)["findings"].as_array().unwrap().len(), 2);
}

/// A conftest policy written for its HCL2 parser: blocks keyed by type and name, each a list of bodies.
const CONFTEST_POLICY: &str = r#"package main

import rego.v1

deny contains msg if {
	some name
	some listener in input.resource.aws_alb_listener[name]
	listener.protocol == "HTTP"
	msg := sprintf("ALB `%v` is using HTTP rather than HTTPS", [name])
}

deny contains msg if {
	some name
	some rule in input.resource.aws_security_group_rule[name]
	rule.type == "ingress"
	contains(rule.cidr_blocks[_], "0.0.0.0/0")
	msg := sprintf("ASG `%v` defines a fully open ingress", [name])
}
"#;

#[test]
fn conftest_hcl2_policies_run_unchanged() {
    let project = Project::new();
    project.file("policy/base.rego", CONFTEST_POLICY);
    project.file(
        "main.tf",
        r#"resource "aws_alb_listener" "web" {
  port     = 80
  protocol = "HTTP"
}

resource "aws_security_group_rule" "open" {
  type        = "ingress"
  cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"]
}

resource "aws_security_group_rule" "internal" {
  type        = "ingress"
  cidr_blocks = [var.vpc_cidr]
}
"#,
    );
    let run = project.run(&[
        "check",
        "--policy",
        "policy",
        "--no-builtin",
        "--format",
        "json",
        "main.tf",
    ]);
    let mut messages: Vec<String> = json_of(&run)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    messages.sort();
    assert_eq!(
        messages,
        [
            "ALB `web` is using HTTP rather than HTTPS",
            "ASG `open` defines a fully open ingress"
        ]
    );
}

/// The example of `docs/rego.md`: a plan that destroys or replaces a resource.
const PLAN_POLICY: &str = r#"package main

import rego.v1

deny contains {"msg": msg, "path": ["resource_changes", i, "change", "actions"]} if {
	some i, rc in input.resource_changes
	"delete" in rc.change.actions
	msg := sprintf("this plan destroys `%s` (%s)", [rc.address, concat(", ", rc.change.actions)])
}
"#;

#[test]
fn a_policy_reads_a_recorded_terraform_plan_as_json() {
    // Recorded with Terraform 1.11.4: `terraform apply` of two `terraform_data` resources, then a change that
    // removes one and forces the other's replacement, `terraform plan -out` and `terraform show -json`.
    let plan = std::fs::read_to_string(repo_root().join("cli/tests/cli/data/terraform-plan.json"))
        .unwrap();
    let project = Project::new();
    project.file("policy/plan.rego", PLAN_POLICY);
    project.file("plan.json", &plan);
    let run = project.run(&[
        "check",
        "--policy",
        "policy",
        "--no-builtin",
        "--format",
        "json",
        "plan.json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // `terraform show -json` writes one line: each finding is at the `"actions"` key of its change.
    let actions: Vec<u64> = plan
        .match_indices("\"actions\"")
        .map(|(i, _)| plan[..i].chars().count() as u64 + 1)
        .collect();
    let found: Vec<(String, u64, u64)> = json_of(&run)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["message"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
                f["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "this plan destroys `terraform_data.cache` (delete)".to_string(),
                1,
                actions[0]
            ),
            (
                "this plan destroys `terraform_data.orders_db` (delete, create)".to_string(),
                1,
                actions[1]
            ),
        ]
    );
}

/// A reusable module whose protection comes from a variable, safe by default, and a production stack that
/// calls it with the protection off.
const MODULE: &str = r#"variable "deletion_protection" {
  type    = bool
  default = true
}

resource "aws_rds_cluster" "this" {
  cluster_identifier  = "orders"
  deletion_protection = var.deletion_protection
}
"#;

fn caller(protection: &str) -> String {
    format!(
        "terraform {{\n  backend \"s3\" {{}}\n}}\n\nmodule \"orders_db\" {{\n  source = \"../../modules/db\"\n\n  deletion_protection = {protection}\n}}\n"
    )
}

/// `(path:line:column, message)` of each HS8001 finding.
fn hs8001(run: &crate::Run) -> Vec<(String, String)> {
    json_of(run)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "HS8001")
        .map(|f| {
            let at = format!(
                "{}:{}:{}",
                f["path"].as_str().unwrap(),
                f["start"]["line"],
                f["start"]["column"]
            );
            (at, f["message"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn a_value_a_caller_passes_is_judged_in_the_module_and_the_cache_follows_the_caller() {
    let project = Project::new();
    project.file("hindsight.toml", "");
    project.file("modules/db/main.tf", MODULE);
    project.file("envs/prod/main.tf", caller("true"));
    // A module's example may switch protection off: it is written to be torn down.
    project.file(
        "modules/db/examples/basic/main.tf",
        "module \"db\" {\n  source = \"../../\"\n  deletion_protection = false\n}\n",
    );
    let args = ["check", "--select", "HS8001", "--format", "json"];
    let run = project.run(&args);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(hs8001(&run), []);

    // The caller turns protection off: the module's resource is reported, at its attribute, naming the caller;
    // the module's file did not change, so its cached result must not be used.
    project.file("envs/prod/main.tf", caller("false"));
    let expected = vec![(
        "modules/db/main.tf:8:3".to_string(),
        "`aws_rds_cluster.this` (module \"orders_db\" passes `deletion_protection = false` at envs/prod/main.tf:8) can be deleted with its data by one `terraform destroy` or one change that forces replacement: set `deletion_protection = true` or `lifecycle { prevent_destroy = true }`".to_string(),
    )];
    let run = project.run(&args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(hs8001(&run), expected);

    // Checking the module's directory alone still reads its callers elsewhere in the configuration's directory.
    let mut partial = args.to_vec();
    partial.push("modules/db");
    assert_eq!(hs8001(&project.run(&partial)), expected);

    // Back to a caller that passes nothing: the default (`true`) applies, and nothing is reported.
    project.file(
        "envs/prod/main.tf",
        "terraform {\n  backend \"s3\" {}\n}\n\nmodule \"orders_db\" {\n  source = \"../../modules/db\"\n}\n",
    );
    assert_eq!(hs8001(&project.run(&args)), []);
}

#[test]
fn a_root_modules_default_and_tfvars_are_its_values() {
    let project = Project::new();
    let root = "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n\nvariable \"protect\" {\n  default = false\n}\n\nresource \"aws_db_instance\" \"main\" {\n  identifier          = \"orders\"\n  deletion_protection = var.protect\n}\n";
    project.file("main.tf", root);
    let run = project.run(&["check", "--select", "HS8001", "--format", "json"]);
    let found = hs8001(&run);
    assert_eq!(found.len(), 1, "{}", run.stdout);
    assert_eq!(found[0].0, "main.tf:11:3");
    assert!(
        found[0]
            .1
            .contains("(`var.protect` defaults to `false` at main.tf:6)"),
        "{}",
        found[0].1
    );
    project.file("terraform.tfvars", "protect = true\n");
    let run = project.run(&["check", "--select", "HS8001", "--format", "json"]);
    assert_eq!(hs8001(&run), []);
}
