//! conftest's own acceptance suite against hindsight: every `conftest test` case of conftest's
//! `acceptance.bats` (open-policy-agent/conftest at 6a3fd60, with its `examples/`) whose formats and flags
//! hindsight has is run as `hindsight check --no-builtin --policy ...`, and its exit status, failure, warning
//! and exception counts and messages are compared with what the bats file expects of conftest.
//!
//! The suite is not committed: `scripts/fetch-conftest-examples.sh` fetches it, and this test reads it from
//! `HINDSIGHT_CONFTEST_EXAMPLES` (skipped, saying so, when unset). Which cases run is decided by what the
//! binary has: a case whose input needs a format no `DataFormat` reads, or standard input before `check -`
//! exists, is pending and starts running once that lands; flags of conftest's own (`--parser`, `--trace`,
//! `-o`, ...) make a case not applicable. Run with `--nocapture` to see the table; `HINDSIGHT_CONFTEST_BIN`
//! runs it against another build of hindsight (to compare releases).

mod bats;

use std::path::Path;
use std::process::{Command, Stdio};

use bats::{Case, Check};
use hindsight_engine::data::DataFormat;

/// Cases that run but differ from conftest, each with the reason. A case listed here that starts passing
/// fails the test, so the list stays true.
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[
    (
        "Can combine yaml files",
        "regorus 0.14.1 rejects examples/combine/policy/duplicate.rego, which OPA accepts: its first rule \
         (`name := ...` inside a comprehension after a use of `name`: \"used before definition\"), and its \
         second fails at evaluation (`some i` then `i` again in comprehensions: \"duplicated definition of \
         local variable i\")",
    ),
    (
        "Combining multi-document yaml file has same result",
        "the same policy as `Can combine yaml files`, which regorus 0.14.1 rejects",
    ),
];

/// What became of one case.
enum Outcome {
    Pass,
    Fail(Vec<String>),
    /// Waits for something hindsight does not have yet (a format, standard input).
    Pending(String),
    /// Uses what hindsight does not aim to have (conftest's own flags, shell set-up).
    NotApplicable(String),
}

/// Which hindsight flags a conftest flag becomes: `Some(flag)` (with the conftest flag's value after it when
/// it takes one), `None` when it has no effect on the result here.
fn translate(flag: &str) -> Result<Option<&'static str>, ()> {
    Ok(match flag {
        "-p" | "--policy" => Some("--policy"),
        "-d" | "--data" => Some("--data"),
        "-n" | "--namespace" => Some("--namespace"),
        "--all-namespaces" => Some("--all-namespaces"),
        "--combine" => Some("--combine"),
        "--quiet" => Some("-q"),
        // `--fail-on-warn` is `--fail-on warning`, handled by the caller; colour is off in every run, and
        // `--suppress-exceptions` only hides conftest's `EXCP` lines.
        "--fail-on-warn" | "--no-color" | "--suppress-exceptions" => None,
        _ => return Err(()),
    })
}

/// conftest flags that take a value.
fn takes_value(flag: &str) -> bool {
    matches!(
        flag,
        "-p" | "--policy"
            | "-d"
            | "--data"
            | "-n"
            | "--namespace"
            | "--parser"
            | "-o"
            | "--output"
            | "--update"
            | "--capabilities"
            | "--ignore"
            | "--rego-version"
            | "--stdin-filename"
    )
}

/// The hindsight arguments for a case, or why it cannot run.
fn arguments(case: &Case, root: &Path, has_stdin: bool) -> Result<Vec<String>, Outcome> {
    if let Some(setup) = &case.setup {
        return Err(Outcome::NotApplicable(setup.clone()));
    }
    let mut flags = vec!["check".to_string(), "--no-builtin".to_string()];
    let mut inputs = Vec::new();
    let mut words = case.args.iter().peekable();
    while let Some(word) = words.next() {
        if word.is_empty() || !word.starts_with('-') || word == "-" {
            inputs.push(word.clone());
            continue;
        }
        let (flag, inline) = match word.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_string())),
            None => (word.as_str(), None),
        };
        let value = match (takes_value(flag), inline) {
            (true, Some(value)) => Some(value),
            (true, None) => words.next().cloned(),
            (false, _) => None,
        };
        match translate(flag) {
            Ok(Some(ours)) => {
                flags.push(ours.to_string());
                flags.extend(value);
            }
            Ok(None) if flag == "--fail-on-warn" => {
                flags.extend(["--fail-on".to_string(), "warning".to_string()]);
            }
            Ok(None) => {}
            Err(()) => return Err(Outcome::NotApplicable(format!("conftest's `{flag}`"))),
        }
    }
    if case.stdin.is_some() && !has_stdin {
        return Err(Outcome::Pending("standard input (`check -`)".into()));
    }
    for input in inputs.iter().filter(|i| !i.is_empty() && *i != "-") {
        if let Some(missing) = missing_format(&root.join(input)) {
            return Err(Outcome::Pending(format!("the format of `{missing}`")));
        }
    }
    if let Some(stdin) = &case.stdin {
        // conftest reads standard input as YAML unless `--parser` says; the file's name says the same here.
        flags.extend(["--stdin-filename".to_string(), stdin.clone()]);
    }
    flags.extend(inputs);
    Ok(flags)
}

/// The first file under `path` (conftest's inputs: not policies, docs or protobuf schemas) that no data
/// format of hindsight reads.
fn missing_format(path: &Path) -> Option<String> {
    let files: Vec<std::path::PathBuf> = if path.is_dir() {
        walk(path)
    } else {
        vec![path.to_path_buf()]
    };
    files
        .into_iter()
        .filter(|f| {
            !f.extension()
                .is_some_and(|e| e == "rego" || e == "md" || e == "proto")
        })
        .find(|f| DataFormat::from_path(f).is_none())
        .map(|f| {
            f.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Runs hindsight with `args` in `root`, `stdin` piped in when given: exit code and stdout plus stderr.
fn run(root: &Path, args: &[String], stdin: Option<&str>) -> (i32, String, String) {
    // Another build (an older release, to compare) when `HINDSIGHT_CONFTEST_BIN` names one.
    let binary = std::env::var_os("HINDSIGHT_CONFTEST_BIN").map_or_else(crate::bin, Into::into);
    let mut command = Command::new(binary);
    command
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let output = match stdin {
        Some(file) => {
            let input =
                std::fs::File::open(root.join(file)).unwrap_or_else(|err| panic!("{file}: {err}"));
            command.stdin(input).output()
        }
        None => command.stdin(Stdio::null()).output(),
    }
    .unwrap_or_else(|err| panic!("{err}"));
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The policies' unsuppressed errors and warnings, and the results conftest `exception`s exempted, of a
/// JSON report. hindsight's own diagnostics (`HS9xxx`: a policy that does not load) are not conftest results.
fn counts(json: &str) -> Option<(usize, usize, usize)> {
    let report: serde_json::Value = serde_json::from_str(json).ok()?;
    let (mut failures, mut warnings, mut exceptions) = (0, 0, 0);
    for finding in report["findings"].as_array()? {
        if finding["code"]
            .as_str()
            .is_some_and(|c| c.starts_with("HS9"))
        {
            continue;
        }
        match (
            finding["suppressed"]["kind"].as_str(),
            finding["severity"].as_str(),
        ) {
            (Some("exception"), _) => exceptions += 1,
            (Some(_), _) => {}
            (None, Some("error")) => failures += 1,
            (None, Some("warning")) => warnings += 1,
            (None, _) => {}
        }
    }
    Some((failures, warnings, exceptions))
}

/// hindsight's own diagnostics in a JSON report (a policy that does not load, a rule that fails on a file),
/// to explain a difference. They are not a difference themselves: conftest exits 1 on a policy that does not
/// load, as hindsight does on its `HS9003`, and they never count as conftest results ([`counts`]).
fn diagnostics(json: &str) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"].as_str().is_some_and(|c| c.starts_with("HS9")))
        .map(|f| format!("{}: {}", f["code"], f["message"]))
        .collect()
}

/// Runs one case and compares it with conftest's expectations.
fn judge(case: &Case, root: &Path, has_stdin: bool) -> Outcome {
    let args = match arguments(case, root, has_stdin) {
        Ok(args) => args,
        Err(outcome) => return outcome,
    };
    let (code, stdout, stderr) = run(root, &args, case.stdin.as_deref());
    let output = format!("{stdout}{stderr}");
    let mut json_args = args.clone();
    json_args.retain(|a| a != "-q");
    json_args.insert(1, "--format=json".into());
    let (_, json, _) = run(root, &json_args, case.stdin.as_deref());
    let mut wrong = Vec::new();
    for check in &case.checks {
        let problem = match check {
            Check::Status(want) if code != *want => {
                Some(format!("exit {code}, conftest {want}: {}", output.trim()))
            }
            Check::Contains(text) if !output.contains(text.as_str()) => {
                Some(format!("no `{text}` in the output: {}", output.trim()))
            }
            Check::Lacks(text) if output.contains(text.as_str()) => {
                Some(format!("`{text}` in the output"))
            }
            Check::Output(text) if output.trim() != text => {
                Some(format!("output `{}`, conftest `{text}`", output.trim()))
            }
            Check::Counts {
                warnings,
                failures,
                exceptions,
            } => {
                let want = (*failures, *warnings, exceptions.unwrap_or(0));
                match counts(&json) {
                    Some(got) if got == want => None,
                    got => Some(format!(
                        "(failures, warnings, exceptions) {got:?}, conftest {want:?}"
                    )),
                }
            }
            _ => None,
        };
        wrong.extend(problem);
    }
    if wrong.is_empty() {
        Outcome::Pass
    } else {
        wrong.insert(0, format!("hindsight {}", args.join(" ")));
        wrong.extend(diagnostics(&json));
        Outcome::Fail(wrong)
    }
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "the test log says when the suite did not run, and shows each case's outcome"
)]
fn conftest_acceptance_cases_give_conftests_results() {
    let Some(root) = std::env::var_os("HINDSIGHT_CONFTEST_EXAMPLES") else {
        eprintln!(
            "skipped: set HINDSIGHT_CONFTEST_EXAMPLES to a copy of open-policy-agent/conftest at 6a3fd60 \
             (scripts/fetch-conftest-examples.sh prints the line to export)"
        );
        return;
    };
    let root = Path::new(&root);
    let text = std::fs::read_to_string(root.join("acceptance.bats"))
        .unwrap_or_else(|err| panic!("{}: {err}", root.join("acceptance.bats").display()));
    let cases = bats::cases(&text);
    assert!(
        cases.len() > 50,
        "{} `conftest test` cases read",
        cases.len()
    );
    let help = run(root, &["check".into(), "--help".into()], None).1;
    let has_stdin = help.contains("--stdin-filename");
    let mut table = Vec::new();
    let mut failures = Vec::new();
    let (mut passed, mut runnable, mut pending) = (0, 0, 0);
    for case in &cases {
        let outcome = judge(case, root, has_stdin);
        let known = KNOWN_DIVERGENCES
            .iter()
            .find(|(name, _)| *name == case.name);
        let line = match (&outcome, known) {
            (Outcome::Pass, None) => "pass".to_string(),
            (Outcome::Pass, Some(_)) => {
                failures.push(format!(
                    "{}: passes now; drop it from KNOWN_DIVERGENCES",
                    case.name
                ));
                "pass (listed as a divergence)".into()
            }
            (Outcome::Fail(why), Some((_, reason))) => {
                format!("known divergence: {reason} ({})", why.join("; "))
            }
            (Outcome::Fail(why), None) => {
                failures.push(format!("{}:\n    {}", case.name, why.join("\n    ")));
                format!("FAIL: {}", why.join("; "))
            }
            (Outcome::Pending(what), _) => format!("pending: {what}"),
            (Outcome::NotApplicable(what), _) => format!("not applicable: {what}"),
        };
        match outcome {
            Outcome::Pass => {
                passed += 1;
                runnable += 1;
            }
            Outcome::Fail(_) => runnable += 1,
            Outcome::Pending(_) => pending += 1,
            Outcome::NotApplicable(_) => {}
        }
        table.push(format!("{:<70} {line}", case.name));
    }
    eprintln!("{}", table.join("\n"));
    eprintln!(
        "{} `conftest test` cases: {runnable} runnable, {passed} give conftest's result; {pending} pending; {} not applicable",
        cases.len(),
        cases.len() - runnable - pending
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
