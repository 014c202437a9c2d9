//! What a change is, for `check` and `lessons_for_change`: files, a unified diff given as text, or a git change
//! since a base ref (the working tree's, the index's with `staged`, or a commit's with `head`), and the two tools run over it with the
//! CLI's code paths (`check::analyse`, `commands::change::Change`, `crate::lessons`).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rmcp::ErrorData;
use schemars::JsonSchema;
use serde::Deserialize;

use super::tools::{CheckInput, CheckOutput, LessonsOutput};
use super::{internal, invalid};
use crate::args::{CheckArgs, GitArgs, PackArgs};
use crate::commands::change::Change;
use crate::lessons::{self, ChangedText};

/// What to look at: give one of `paths`, `diff`, or `base`/`staged`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub(crate) struct ChangeInput {
    /// Files (and, for `check`, directories), relative to the directory the server runs in (the repository
    /// root). `check` with nothing else given checks that whole directory.
    #[serde(default)]
    pub(crate) paths: Vec<String>,
    /// A unified diff (`git diff` output, a pull request's patch): the files it changes, as they are on disk
    /// now; `check` reports findings on the lines it adds.
    #[serde(default)]
    pub(crate) diff: Option<String>,
    /// A git ref (`origin/main`, `HEAD~3`): the change since the merge base with it, as the working tree holds
    /// it (`check --diff REF`); `HEAD` is the uncommitted change.
    #[serde(default)]
    pub(crate) base: Option<String>,
    /// The end of the range: a commit (`feature`, a SHA) whose files are read from git, not from disk, compared
    /// with the merge base of `base` (default `HEAD`) and it, as a pull request shows; findings are on its
    /// lines. Omit it for the working tree (or the index with `staged`).
    #[serde(default)]
    pub(crate) head: Option<String>,
    /// The staged content instead of the working tree (`check --staged`), compared with `base` (default `HEAD`).
    #[serde(default)]
    pub(crate) staged: bool,
}

/// The change, resolved.
enum Mode {
    Paths(Vec<PathBuf>),
    Patch(Vec<hindsight_git::ChangedFile>),
    Git { base: String, staged: bool },
}

impl ChangeInput {
    /// Which mode the arguments ask for; with none, `when_empty`.
    fn mode(&self, when_empty: fn() -> Mode) -> Result<Mode, ErrorData> {
        if let (Some(head), true) = (&self.head, self.staged) {
            return Err(invalid(format!(
                "`head: {head}` checks a commit and `staged: true` the index: give one of them"
            )));
        }
        let range_in = |r: &String| crate::commands::change::split_range(r).is_some();
        if self.base.as_ref().is_some_and(range_in) || self.head.as_ref().is_some_and(range_in) {
            return Err(invalid(
                "`base` and `head` are single refs: give a range `A..B` as `base: A, head: B`",
            ));
        }
        let git = self.base.is_some() || self.head.is_some() || self.staged;
        let given = usize::from(!self.paths.is_empty()) + usize::from(self.diff.is_some());
        if given + usize::from(git) > 1 {
            return Err(invalid(
                "give one of `paths`, `diff`, or `base`/`staged`, not several",
            ));
        }
        if let Some(patch) = &self.diff {
            let files = hindsight_git::patch_changes(patch)
                .map_err(|err| invalid(format!("`diff` is not a unified diff: {err}")))?;
            if files.is_empty() {
                return Err(invalid(
                    "`diff` names no changed file: give `git diff` output, with its `diff --git` and `+++` lines",
                ));
            }
            return Ok(Mode::Patch(files));
        }
        if git {
            let mut base = self.base.clone().unwrap_or_else(|| "HEAD".into());
            if let Some(head) = &self.head {
                // `check --diff BASE..HEAD`: the head commit's files, from git.
                base = format!("{base}..{head}");
            }
            return Ok(Mode::Git {
                base,
                staged: self.staged,
            });
        }
        if self.paths.is_empty() {
            return Ok(when_empty());
        }
        let paths: Vec<PathBuf> = self.paths.iter().map(PathBuf::from).collect();
        if let Some(missing) = paths.iter().find(|p| !p.exists()) {
            return Err(invalid(format!(
                "`{}` does not exist (paths are relative to {})",
                missing.display(),
                cwd_display()
            )));
        }
        Ok(Mode::Paths(paths))
    }
}

fn cwd_display() -> String {
    std::env::current_dir().map_or_else(|_| ".".into(), |d| d.display().to_string())
}

/// `check`: `hindsight check` with the same arguments, its findings as the tool returns them.
pub(super) fn check(pack: &PackArgs, input: &CheckInput) -> Result<CheckOutput, ErrorData> {
    let mut args = CheckArgs::whole_tree(pack.clone(), input.rules_from.clone());
    args.quiet = true;
    args.git.new_only = input.new_only.clone();
    let mut patch = None;
    match input.change.mode(|| Mode::Paths(Vec::new()))? {
        Mode::Paths(paths) => args.paths = paths,
        Mode::Git { base, staged } => {
            args.git.diff = Some(base);
            args.git.staged = staged;
        }
        Mode::Patch(files) => {
            args.paths = files
                .iter()
                .map(|f| f.path.clone())
                .filter(|p| p.is_file())
                .collect();
            if args.paths.is_empty() {
                return Err(invalid(format!(
                    "none of the files `diff` changes is in {}: the server checks them as they are on disk",
                    cwd_display()
                )));
            }
            patch = Some(files);
        }
    }
    let analysis = crate::commands::check::analyse(&args).map_err(|err| classify(&err))?;
    let mut report = analysis.report;
    let mut omitted: Vec<String> = analysis.extra.iter().map(|o| o.words.clone()).collect();
    if let Some(files) = &patch {
        let untouched = keep_added_lines(&mut report.findings, files);
        if untouched > 0 {
            omitted.push(format!(
                "{untouched} on lines the diff does not add not shown"
            ));
        }
    }
    let (shown, hidden): (Vec<_>, Vec<_>) =
        report.findings.into_iter().partition(crate::printer::shown);
    if !hidden.is_empty() {
        omitted.push(format!(
            "{} suppressed or in shadow stage not shown",
            hidden.len()
        ));
    }
    let findings = shown
        .iter()
        .map(|finding| lessons::cite(finding, &analysis.checker))
        .collect();
    Ok(CheckOutput {
        findings,
        files_checked: report.files_checked,
        omitted,
        notes: report
            .notes
            .iter()
            .map(|n| format!("{}: {}", crate::printer::report_path(&n.path), n.message()))
            .collect(),
        errors: report
            .problems
            .iter()
            .map(|p| format!("{}: {}", p.path.display(), p.message))
            .collect(),
    })
}

/// Keeps the findings on lines a patch adds (anywhere in a file it adds); returns how many it dropped.
fn keep_added_lines(
    findings: &mut Vec<hindsight_engine::Finding>,
    files: &[hindsight_git::ChangedFile],
) -> usize {
    let by_path: HashMap<&Path, &hindsight_git::ChangedFile> =
        files.iter().map(|f| (f.path.as_path(), f)).collect();
    let before = findings.len();
    findings.retain(|finding| {
        let path = finding.path.strip_prefix("./").unwrap_or(&finding.path);
        by_path.get(path).is_some_and(|file| {
            let lines: BTreeSet<usize> = (finding.span.start.line
                ..=finding.span.end.line.max(finding.span.start.line))
                .collect();
            file.added || lines.iter().any(|l| file.lines.contains(l))
        })
    });
    before - findings.len()
}

/// `lessons_for_change`: the changed files and the lessons that apply to them.
pub(super) fn lessons(pack: &PackArgs, input: &ChangeInput) -> Result<LessonsOutput, ErrorData> {
    let setup = crate::setup::load(pack, Path::new(".")).map_err(|err| internal(&err))?;
    let files = changed_texts(input)?;
    let lessons = lessons::for_change(&setup.pack, &setup.config, &files);
    Ok(LessonsOutput {
        files: files
            .iter()
            .map(|f| crate::printer::report_path(&f.path))
            .collect(),
        lessons,
    })
}

/// The changed files and their new text.
fn changed_texts(input: &ChangeInput) -> Result<Vec<ChangedText>, ErrorData> {
    let on_disk = |path: PathBuf| {
        let text = std::fs::read(&path)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default();
        ChangedText { path, text }
    };
    let uncommitted = || Mode::Git {
        base: "HEAD".into(),
        staged: false,
    };
    Ok(match input.mode(uncommitted)? {
        Mode::Paths(paths) => {
            if let Some(dir) = paths.iter().find(|p| p.is_dir()) {
                return Err(invalid(format!(
                    "`{}` is a directory: `paths` names the changed files",
                    dir.display()
                )));
            }
            paths.into_iter().map(on_disk).collect()
        }
        Mode::Patch(files) => {
            // A file the patch changes that is not on disk (the server runs elsewhere than the change) gets the
            // patch's added lines as its text, so content prefilters still see what the change adds.
            let mut added = input
                .diff
                .as_deref()
                .and_then(|patch| hindsight_git::patch_added_text(patch).ok())
                .unwrap_or_default();
            files
                .into_iter()
                .map(|f| match added.remove(&f.path) {
                    Some(text) if !f.path.is_file() => ChangedText { path: f.path, text },
                    _ => on_disk(f.path),
                })
                .collect()
        }
        Mode::Git { base, staged } => {
            let git = GitArgs {
                diff: Some(base),
                staged,
                ..GitArgs::default()
            };
            let change = Change::open(&git, &[]).map_err(|err| classify(&err))?;
            change
                .paths()
                .into_iter()
                .map(|path| {
                    let text = change.text(&path).unwrap_or_default();
                    ChangedText { path, text }
                })
                .collect()
        }
    })
}

/// A git error (no repository, an unknown ref) is the caller's argument at fault; anything else is ours.
fn classify(err: &anyhow::Error) -> ErrorData {
    if err
        .chain()
        .any(|cause| cause.downcast_ref::<hindsight_git::GitError>().is_some())
    {
        invalid(format!("{err:#}"))
    } else {
        internal(err)
    }
}
