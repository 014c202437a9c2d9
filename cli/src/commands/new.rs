//! `hindsight new rule`: scaffolds a rule file (and its Rego policy and tests) with every required field
//! stubbed and commented. Each stub carries [`crate::stubs::MARKER`], so `hindsight test` fails, listing every
//! stub left, until the author has filled them all in.

use std::io::Write as _;
use std::path::PathBuf;

use hindsight_engine::Lang;
use hindsight_engine::data::DataFormat;

use crate::Outcome;
use crate::args::{NewCommand, NewRuleArgs};
use crate::stubs::MARKER;

pub(crate) fn run(command: &NewCommand) -> anyhow::Result<Outcome> {
    match command {
        NewCommand::Rule(args) => rule(args),
    }
}

fn rule(args: &NewRuleArgs) -> anyhow::Result<Outcome> {
    check_id(&args.id)?;
    check_code(&args.code)?;
    let files = files(args)?;
    for (path, _) in &files {
        if path.exists() && !args.force {
            anyhow::bail!(
                "{} exists; pass --force to replace it, or choose another --id",
                path.display()
            );
        }
    }
    std::fs::create_dir_all(&args.dir)
        .map_err(|err| anyhow::anyhow!("cannot create {}: {err}", args.dir.display()))?;
    let mut out = std::io::stdout().lock();
    for (path, text) in &files {
        crate::write::atomic(path, text)?;
        writeln!(out, "wrote {}", path.display())?;
    }
    writeln!(
        out,
        "Fill in every `{MARKER}` stub, then run `hindsight test {}`: it lists the stubs left until there are none.",
        args.dir.display()
    )?;
    Ok(Outcome::Clean)
}

/// The files to write, with their text.
fn files(args: &NewRuleArgs) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let yaml = args.dir.join(format!("{}.yaml", args.id));
    if args.rego {
        let Some(format) = DataFormat::from_name(&args.language) else {
            let known: Vec<&str> = DataFormat::ALL.iter().map(|f| f.name()).collect();
            anyhow::bail!(
                "--rego scaffolds a policy over configuration data: --language must be one of {}, not `{}`",
                known.join(", "),
                args.language
            );
        };
        let package = format!("hindsight.rules.{}", args.id.replace('-', "_"));
        return Ok(vec![
            (yaml, rego_rule(args, format)),
            (args.dir.join(format!("{}.rego", args.id)), policy(&package)),
            (
                args.dir.join(format!("{}_test.rego", args.id)),
                policy_test(&package, format),
            ),
        ]);
    }
    let Some(lang) = Lang::from_name(&args.language) else {
        let known: Vec<&str> = Lang::all().map(Lang::name).collect();
        anyhow::bail!(
            "--language `{}` is not a language hindsight parses ({}); for configuration data (yaml, json, toml, hcl) add --rego",
            args.language,
            known.join(", ")
        );
    };
    Ok(vec![(yaml, match_rule(args, lang)?)])
}

/// Ids are kebab-case and name the file; codes are a team prefix and a number.
fn check_id(id: &str) -> anyhow::Result<()> {
    let ok = !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if !ok {
        anyhow::bail!(
            "--id `{id}` is not a kebab-case slug: lower-case words and digits joined by `-`, naming the bad pattern, such as `no-blocking-sleep`"
        );
    }
    Ok(())
}

fn check_code(code: &str) -> anyhow::Result<()> {
    let letters = code.chars().take_while(char::is_ascii_uppercase).count();
    let digits = code.len() - letters;
    let ok = (2..=8).contains(&letters)
        && (3..=5).contains(&digits)
        && code[letters..].chars().all(|c| c.is_ascii_digit());
    if !ok {
        anyhow::bail!(
            "--code `{code}` is not a rule code: 2 to 8 capital letters and 3 to 5 digits, such as `ACME1001` (`HS` is hindsight's own prefix)"
        );
    }
    Ok(())
}

/// The comments and fields every rule has, up to `language:`.
fn head(args: &NewRuleArgs) -> String {
    format!(
        r#"# Written by `hindsight new rule`. Each stub below says what to write there: `hindsight test` fails, listing
# every stub left, until all are filled in. Reference: README "Writing a rule", docs/rule-examples.md;
# `hindsight schema` prints the JSON Schema for editors (`# yaml-language-server: $schema=<file>`).

# Kebab-case slug naming the bad pattern; equals the file name.
id: {id}
# Stable code, never reused; a comment `hindsight-allow({code}): <reason>` suppresses one finding.
code: {code}
# The lesson in the codex voice: "If you need X, do Y" or "Don't X outside Y".
title: "{MARKER}: If you need X, do Y"
# error fails `hindsight check`; warning and info are shown. New rules can start as `stage: shadow` or `warn`.
severity: error
"#,
        id = args.id,
        code = args.code,
    )
}

/// Docs and the incident stub, shared by both kinds of rule.
fn docs_and_incident() -> String {
    format!(
        r#"# Documentation, in Markdown: `hindsight explain`, the docs site and editor hover render it.
docs:
  what: |
    {MARKER}: what the rule reports, and what it leaves alone.
  why: |
    {MARKER}: the incident story: what happened, and why this shape caused it.
  fix: |
    {MARKER}: how to fix a finding.
# The incident behind the lesson: an id of a record in `incidents/<id>.yaml`, or inline as here. An internal
# incident gives `ticket:` (an internal ticket id or private wiki page); a public one `url: https://...`.
incidents:
  - date: "2000-01-01" # {MARKER}: the day it happened, YYYY-MM-DD
    organisation: "{MARKER}: your team or company"
    summary: "{MARKER}: one line, what happened"
    ticket: "{MARKER}: INC-123 or wiki:postmortems/..."
"#
    )
}

fn match_rule(args: &NewRuleArgs, lang: Lang) -> anyhow::Result<String> {
    let scaffold = &lang.spec().scaffold;
    // The examples sit in a YAML block scalar, six spaces in.
    let indent = |code: &str| code.replace('\n', "\n      ");
    // Quoted: a YAML pattern holds `: `.
    let (pattern, bad, good) = (
        serde_json::to_string(scaffold.pattern)?,
        indent(scaffold.bad),
        indent(scaffold.good),
    );
    Ok(format!(
        r#"{head}language: {language}
# `skip` reports only in production code, not in tests, examples or tooling.
test_code: check
# The finding's message; `$NAME` interpolates a metavariable of `match`.
message: "{MARKER}: what is wrong here"
# The structural match, in the ast-grep rule language (pattern, kind, inside, has, not, all, any).
match:
  pattern: {pattern} # {MARKER}: the code shape to report
{docs}# The examples are the rule's tests: each bad one gives exactly one finding, each good one none.
examples:
  bad:
    # {MARKER}: code the rule must report, once
    - |
      {bad}
  good:
    # {MARKER}: code close to the bad one that the rule must leave alone
    - |
      {good}
"#,
        head = head(args),
        language = lang.name(),
        docs = docs_and_incident(),
    ))
}

fn rego_rule(args: &NewRuleArgs, format: DataFormat) -> String {
    let (bad, good) = examples_of(format);
    format!(
        r#"{head}language: {language}
# The policy: conftest's `deny` (error), `warn` (warning) sets of {{"msg": ..., "path": [...]}}.
rego: {id}.rego
# A regex a file must contain for the policy to look at it: spares parsing files it can never report.
prefilter: todo_new_rule # {MARKER}: a word every reported file contains
{docs}# The examples are the rule's tests: each bad one gives exactly one finding, each good one none.
examples:
  bad:
    # {MARKER}: a document the policy must report, once
    - path: config/example.{ext}
      code: |
        {bad}
  good:
    # {MARKER}: a document close to the bad one that the policy must leave alone
    - path: config/example.{ext}
      code: |
        {good}
"#,
        head = head(args),
        language = format.name(),
        id = args.id,
        ext = format.spec().extensions[0],
        docs = docs_and_incident(),
    )
}

/// A bad and a good document in the format.
fn examples_of(format: DataFormat) -> (&'static str, &'static str) {
    match format.name() {
        "json" => ("{\"todo_new_rule\": true}", "{\"done\": true}"),
        // A top-level HCL attribute is a top-level key of `input`, as in TOML.
        "toml" | "hcl" => ("todo_new_rule = true", "done = true"),
        _ => ("todo_new_rule: true", "done: true"),
    }
}

fn policy(package: &str) -> String {
    format!(
        r#"package {package}

import rego.v1

# {MARKER}: the shape to report. `input` is one document of the file; `path` points the finding at a key.
deny contains {{"msg": msg, "path": ["todo_new_rule"]}} if {{
	input.todo_new_rule
	msg := "{MARKER}: what is wrong here"
}}
"#
    )
}

fn policy_test(package: &str, _format: DataFormat) -> String {
    format!(
        r#"package {package}_test

import rego.v1

import data.{package} as rule

# {MARKER}: tests of the policy's edge cases; `hindsight test` runs every `test_` rule.
test_the_bad_shape_is_reported if {{
	count(rule.deny) == 1 with input as {{"todo_new_rule": true}}
}}

test_other_documents_are_not if {{
	count(rule.deny) == 0 with input as {{"done": true}}
}}
"#
    )
}
