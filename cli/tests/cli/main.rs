//! End-to-end tests of the `hindsight` binary: real processes in temporary projects, output snapshotted.

mod cache;
mod check;
mod codex;
mod commands;
mod conftest_flags;
mod conftest_suite;
mod data_formats;
mod dockerfile;
mod examples;
mod flags;
mod formats;
mod git;
mod kill;
mod lang_go;
mod lang_hcl;
mod lang_python;
mod lang_ts;
mod polyglot;
mod rego;
mod render;
mod scaffold;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A temporary project directory.
pub(crate) struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    pub(crate) fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating directories); `contents` is written as given.
    pub(crate) fn file(&self, relative: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.dir.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    pub(crate) fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

/// The outcome of one run of the binary.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// Exit code, stdout and stderr in one text, with run-to-run noise (timings) masked.
    pub(crate) fn snapshot(&self) -> String {
        let mask = |text: &str| {
            text.lines()
                .map(|line| match line.find(" in ") {
                    Some(i) if line.starts_with("checked ") => {
                        let rest = &line[i + 4..];
                        let after_ms = rest.find(" ms").map_or(rest, |j| &rest[j..]);
                        format!("{} in [ELAPSED]{}", &line[..i], after_ms)
                    }
                    _ => line.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        format!(
            "exit: {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code,
            mask(&self.stdout),
            mask(&self.stderr)
        )
    }
}

/// Insta settings for snapshots of runs with the built-in pack. How many rules a run ran depends on the size
/// of the pack, so the number is masked (`with [N] rules` in the summary line, `"rules": "[N]"` in the JSON
/// summary): adding a rule must not rewrite the snapshots of unrelated tests.
/// `check::the_rule_count_is_the_builtin_packs` checks the number itself, against the pack.
pub(crate) fn builtin_pack_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"with \d+ rules:", "with [N] rules:");
    settings.add_filter(r#""rules": \d+,"#, r#""rules": "[N]","#);
    settings
}

pub(crate) fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hindsight"))
}

pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_on(dir, "2026-06-01", args)
}

/// [`run_in`] on another day (`HINDSIGHT_TODAY`), for what depends on dates: waivers, dated rollout stages.
pub(crate) fn run_on(dir: &Path, today: &str, args: &[&str]) -> Run {
    let output = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HINDSIGHT_TODAY", today)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs with stdout piped and closes the pipe after reading `n_bytes`, like `hindsight check | head -c N`.
pub(crate) fn run_and_close_stdout_early(dir: &Path, args: &[&str], n_bytes: usize) -> i32 {
    use std::io::Read as _;
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buffer = vec![0; n_bytes];
    stdout.read_exact(&mut buffer).unwrap();
    drop(stdout);
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        stderr.is_empty(),
        "a closed pipe must not print errors: {stderr}"
    );
    let _ = std::io::stderr().flush();
    status.code().unwrap_or(-1)
}

/// The findings of a `--format json` run, one `"<code> <field>"` string each (`field` such as `path` or
/// `severity`).
pub(crate) fn finding_pairs(run: &Run, field: &str) -> Vec<String> {
    let doc = json_of(run);
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["code"].as_str().unwrap(),
                f[field].as_str().unwrap()
            )
        })
        .collect()
}

/// The JSON document a `--format json` run printed.
pub(crate) fn json_of(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|err| panic!("{err}: {}", run.stdout))
}

/// `(code, line)` of each finding of a `--format json` run, suppressed ones included.
pub(crate) fn code_lines(run: &Run) -> Vec<(String, u64)> {
    json_of(run)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The per-language suppression check of a `--format json` run over a file with two suppressions: one claims
/// its HS1003 finding and keeps `reason`; the other names HS1006, which has no finding there, and is reported
/// unused (HS9002, naming the code). `expected` is `(code, line)` of every finding.
pub(crate) fn assert_one_suppression_used_one_unused(
    run: &Run,
    reason: &str,
    expected: [(&str, u64); 2],
) {
    let doc = json_of(run);
    assert_eq!(doc["summary"]["suppressed"], 1, "{}", run.stdout);
    let findings = doc["findings"].as_array().unwrap();
    let hs1003 = findings.iter().find(|f| f["code"] == "HS1003").unwrap();
    assert_eq!(hs1003["suppressed"]["reason"], reason);
    let expected: Vec<(String, u64)> = expected
        .iter()
        .map(|(code, line)| (code.to_string(), *line))
        .collect();
    assert_eq!(code_lines(run), expected);
    let unused = findings.iter().find(|f| f["code"] == "HS9002").unwrap();
    assert!(
        unused["message"].as_str().unwrap().contains("HS1006"),
        "{unused}"
    );
}

/// One file with one finding, in three versions, for the per-language fingerprint check.
pub(crate) struct FingerprintCase<'a> {
    pub(crate) path: &'a str,
    /// The file, its finding's enclosing item and line.
    pub(crate) original: (&'a str, &'a str, u64),
    /// The file with code added above the finding, and the line the finding moves to: same fingerprint.
    pub(crate) moved: (&'a str, u64),
    /// The file with the enclosing item renamed, and its new name: another fingerprint.
    pub(crate) renamed: (&'a str, &'a str),
}

impl FingerprintCase<'_> {
    /// Fingerprints are keyed on the enclosing item: they survive moving and change with the item.
    pub(crate) fn assert_keyed_on_the_enclosing_item(&self, project: &Project) {
        let first = |text: &str| {
            project.file(self.path, text);
            json_of(&project.run(&["check", "--format", "json"]))["findings"][0].clone()
        };
        let (text, enclosing, line) = self.original;
        let finding = first(text);
        assert_eq!(finding["enclosing"], enclosing);
        assert_eq!(finding["start"]["line"], line);

        let moved = first(self.moved.0);
        assert_eq!(moved["start"]["line"], self.moved.1);
        assert_eq!(moved["enclosing"], enclosing);
        assert_eq!(moved["fingerprint"], finding["fingerprint"]);

        let other = first(self.renamed.0);
        assert_eq!(other["enclosing"], self.renamed.1);
        assert_ne!(other["fingerprint"], finding["fingerprint"]);
    }
}
