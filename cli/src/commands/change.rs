//! `check --staged`, `--diff REF`, `--diff BASE..HEAD`, `--new-only REF`: checking a git change instead of a
//! directory.
//!
//! The files checked are the ones the change touches (never a walk of the tree); with `--staged` their content
//! is the index's, with a `BASE..HEAD` range the head commit's (read from git, never from disk). Afterwards [`Change::filter`] keeps what the change is answerable for and counts the rest.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use hindsight_engine::config::Config;
use hindsight_engine::data::DataFormat;
use hindsight_engine::walk::{
    self, FileEntry, Note, NoteKind, Problem, Report, RepositoryContext, WalkOptions,
};
use hindsight_engine::{Checker, Finding};
use hindsight_git::{ChangedFile, Oid, Repo, Target};

use crate::args::GitArgs;
use crate::report::Omitted;

/// A git change to check.
pub(crate) struct Change {
    repo: Repo,
    target: Target,
    /// The files it touches, by path as shown (relative to the working directory).
    files: HashMap<PathBuf, ChangedFile>,
    /// The files it deletes, repository-relative.
    deleted: Vec<PathBuf>,
    /// Report only findings on changed lines.
    by_line: bool,
    /// Report only findings that did not exist at this ref (its tree).
    new_only: Option<(String, Oid)>,
    /// The tree the change is compared with (`None`: the empty tree).
    base: Option<Oid>,
}

impl Change {
    /// The change `check` is asked about (`None`: no git option), refused with `--fix` where the fix would have
    /// no file on disk to edit (the index, a commit).
    pub(crate) fn for_check(
        git: &GitArgs,
        paths: &[PathBuf],
        fix: bool,
    ) -> anyhow::Result<Option<Change>> {
        if !git.is_change() {
            return Ok(None);
        }
        let change = Change::open(git, paths)?;
        if fix && change.is_staged() {
            anyhow::bail!(
                "--fix cannot be combined with --staged: fix the working tree, then stage the fixes"
            );
        }
        if fix && change.is_commit() {
            anyhow::bail!(
                "--fix cannot be combined with a BASE..HEAD range: it checks a commit, not the files on disk"
            );
        }
        Ok(Some(change))
    }

    /// Opens the repository and lists the files of the change, limited to `paths` (none: the whole tree).
    pub(crate) fn open(git: &GitArgs, paths: &[PathBuf]) -> anyhow::Result<Change> {
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        let repo = Repo::discover(&cwd)?;
        let range = git.diff.as_deref().and_then(split_range);
        if let (Some((_, head)), true) = (range, git.staged) {
            anyhow::bail!(
                "--staged checks the index and `--diff BASE..{head}` checks the commit {head}: give one of them"
            );
        }
        let target = if git.staged {
            Target::Index
        } else {
            Target::WorkingTree
        };
        // What the change is: from the merge base of a range's two ends to its head's tree, else since the
        // merge base with --diff's ref, else since --new-only's ref, else (only --staged) since HEAD.
        let (base, target) = match (range, &git.diff, &git.new_only) {
            (Some((base, head)), _, _) => {
                let (base, head) = repo.range_trees(base, head)?;
                (Some(base), Target::Tree(head))
            }
            (None, Some(reference), _) => (repo.diff_base(reference)?, target),
            (None, None, Some(reference)) => (Some(repo.tree_of(reference)?), target),
            (None, None, None) => (repo.head_tree()?, target),
        };
        let new_only = match &git.new_only {
            Some(reference) => Some((reference.clone(), repo.tree_of(reference)?)),
            None => None,
        };
        let mut pathspecs: Vec<PathBuf> = Vec::new();
        for path in paths {
            let Some(spec) = repo.repo_path(path) else {
                anyhow::bail!(
                    "{} is outside the git repository at {}",
                    path.display(),
                    repo.workdir().display()
                );
            };
            if spec.as_os_str().is_empty() {
                // The repository root: the whole change.
                pathspecs.clear();
                break;
            }
            pathspecs.push(spec);
        }
        let (changed, deleted) = repo.changes(base, target, &pathspecs)?;
        let files = changed
            .into_iter()
            .map(|file| (repo.display_path(&file.path), file))
            .collect();
        Ok(Change {
            repo,
            target,
            files,
            deleted,
            by_line: git.diff.is_some(),
            new_only,
            base,
        })
    }

    /// The paths of every file the change touches (as shown), sorted, whatever their language: the files
    /// whose lessons a reviewer needs (`hindsight review`, the MCP server).
    pub(crate) fn paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self.files.keys().cloned().collect();
        paths.sort();
        paths
    }

    /// The text the change gives a file it touches: staged with `--staged`, the head commit's with a range,
    /// else on disk (`None` when it cannot be read or is not text).
    pub(crate) fn text(&self, path: &Path) -> Option<String> {
        let change = self.files.get(path)?;
        let bytes = match (self.target, change.blob) {
            (Target::WorkingTree, _) => std::fs::read(path).ok()?,
            (_, Some(oid)) => self.repo.blob(oid).ok()?,
            (Target::Index, None) => self.repo.file_in_index(&change.path).ok()??,
            (Target::Tree(tree), None) => self.repo.file_in_tree(tree, &change.path).ok()??,
        };
        String::from_utf8(bytes).ok()
    }

    /// Is the staged content checked?
    pub(crate) fn is_staged(&self) -> bool {
        self.target == Target::Index
    }

    /// Is a commit checked (a `BASE..HEAD` range), not the files on disk?
    pub(crate) fn is_commit(&self) -> bool {
        matches!(self.target, Target::Tree(_))
    }

    /// The changed files a check looks at (known language or format, not excluded).
    pub(crate) fn entries(&self, options: &WalkOptions) -> (Vec<FileEntry>, Vec<Problem>) {
        let mut paths: Vec<PathBuf> = self.files.keys().cloned().collect();
        paths.sort();
        walk::select(&paths, options)
    }

    /// The staged content of the files with `--staged`, the head commit's with a range (`None`: check the
    /// files on disk). Read here, on one thread (a repository handle is not shared between threads); checked
    /// in parallel by the caller.
    pub(crate) fn staged_content(&self, entries: &[FileEntry]) -> Option<StagedContent> {
        let what = match self.target {
            Target::WorkingTree => return None,
            Target::Index => "the staged content",
            Target::Tree(_) => "the head commit's content",
        };
        let mut problems = Vec::new();
        let mut files = Vec::with_capacity(entries.len());
        for entry in entries {
            let bytes = match self.files.get(&entry.path) {
                Some(change) => match change.blob {
                    Some(oid) => self.repo.blob(oid).map(Some),
                    None => self.blob_at_target(&change.path),
                },
                // A file the change does not touch, checked for what the change does to it (a Terraform module
                // whose caller changed): as the index or the commit has it.
                None => match self.repo.repo_path(&entry.path) {
                    Some(path) => self.blob_at_target(&path),
                    None => continue,
                },
            };
            match bytes {
                Ok(Some(bytes)) => files.push((entry.clone(), bytes)),
                Ok(None) => {}
                Err(err) => problems.push(Problem {
                    path: entry.path.clone(),
                    message: format!("could not read {what}: {err}"),
                }),
            }
        }
        Some(StagedContent { files, problems })
    }

    /// With `--new-only REF`: each file as it was at the ref (a renamed file's old version), under its new path.
    pub(crate) fn content_at_ref(
        &self,
        entries: &[FileEntry],
    ) -> Option<Vec<(FileEntry, Vec<u8>)>> {
        let (_, tree) = self.new_only.as_ref()?;
        let mut before = Vec::new();
        for entry in entries {
            let Some(change) = self.files.get(&entry.path) else {
                continue;
            };
            let old = change.old_path.as_ref().unwrap_or(&change.path);
            if let Ok(Some(bytes)) = self.repo.file_in_tree(*tree, old) {
                before.push((entry.clone(), bytes));
            }
        }
        Some(before)
    }

    /// The files of directory `dir` (as shown) as they were at the change's base (the `--new-only` ref's tree,
    /// else the merge base): paths relative to `dir`, listed from the index, so a file the change adds is
    /// absent and one it deletes is left out. `None` without a base tree (a branch without commits).
    pub(crate) fn directory_at_base(&self, dir: &Path) -> Option<Vec<(PathBuf, Vec<u8>)>> {
        let tree = self
            .new_only
            .as_ref()
            .map(|(_, tree)| *tree)
            .or(self.base)?;
        let root = self.repo.repo_path(dir)?;
        let entries = self.repo.index_entries().ok()?;
        let mut files = Vec::new();
        for (path, _) in entries {
            let Ok(rest) = path.strip_prefix(&root) else {
                continue;
            };
            if let Ok(Some(bytes)) = self.repo.file_in_tree(tree, &path) {
                files.push((rest.to_path_buf(), bytes));
            }
        }
        Some(files)
    }

    /// The files repository-scope rules see besides the changed files: every other file of the repository
    /// that such a rule reads, in the state checked (staged, or on disk), and the changed files' versions at
    /// the change's base, so that a finding the change causes in an unchanged file can be told from an old
    /// one. Listed from the index, so a change never walks the working tree; only the files those rules read
    /// (by format and path) are opened, staged ones read in parallel on `pool`; [`ContextFiles::documents`]
    /// parses them.
    pub(crate) fn repository_files(
        &self,
        checker: &Checker,
        options: &WalkOptions,
        checked: &[FileEntry],
        pool: &rayon::ThreadPool,
    ) -> ContextFiles {
        let formats = checker.repository_formats();
        let read = |format: Option<DataFormat>| format.is_some_and(|f| formats.contains(&f));
        // Context only matters when a changed or deleted file is one these rules read (a change to Rust files
        // alone leaves their verdicts as they were).
        if !checked.iter().any(|entry| read(entry.format))
            && !self
                .deleted
                .iter()
                .any(|path| read(DataFormat::from_path(path)))
        {
            return ContextFiles::default();
        }
        // With a range, the repository around the change is the head commit's tree, not the index.
        let listed = match self.target {
            Target::Tree(tree) => self.repo.tree_entries(tree),
            _ => self.repo.index_entries(),
        };
        let Ok(entries) = listed else {
            // Without the index there is no context: the rules see the changed files alone.
            return ContextFiles::default();
        };
        let blobs: HashMap<PathBuf, Oid> = entries
            .into_iter()
            .filter(|(path, _)| read(DataFormat::from_path(path)))
            .map(|(path, oid)| (self.repo.display_path(&path), oid))
            .filter(|(path, _)| !self.files.contains_key(path))
            .collect();
        let options = WalkOptions {
            excludes: options.excludes.clone(),
            languages: Vec::new(),
            formats: formats.clone(),
            scope: options.scope.clone(),
        };
        let paths: Vec<PathBuf> = blobs.keys().cloned().collect();
        let (others, _) = walk::select(&paths, &options);
        let others = match self.target {
            Target::Index | Target::Tree(_) => {
                let oids: Vec<Oid> = others
                    .iter()
                    .filter_map(|entry| blobs.get(&entry.path).copied())
                    .collect();
                let git_dir = self.repo.git_dir().to_path_buf();
                let contents = pool.install(|| hindsight_git::read_blobs(&git_dir, &oids));
                others
                    .into_iter()
                    .zip(contents)
                    .filter_map(|(entry, bytes)| Some(Ok((entry, bytes?))))
                    .collect()
            }
            Target::WorkingTree => others.into_iter().map(Err).collect(),
        };
        // The changed files as they were (a renamed one under its old path), and the deleted ones: removing a
        // manifest can cause a finding elsewhere as surely as adding one.
        let mut at_base: Vec<(FileEntry, PathBuf)> = checked
            .iter()
            .filter(|entry| read(entry.format))
            .filter_map(|entry| {
                let change = self.files.get(&entry.path)?;
                let old = change.old_path.as_ref().unwrap_or(&change.path);
                Some((entry.clone(), old.clone()))
            })
            .collect();
        let deleted: HashMap<PathBuf, &PathBuf> = self
            .deleted
            .iter()
            .filter(|path| read(DataFormat::from_path(path)))
            .map(|path| (self.repo.display_path(path), path))
            .collect();
        let shown: Vec<PathBuf> = deleted.keys().cloned().collect();
        let (deleted_entries, _) = walk::select(&shown, &options);
        at_base.extend(deleted_entries.into_iter().filter_map(|entry| {
            let path = (*deleted.get(&entry.path)?).clone();
            Some((entry, path))
        }));
        let before = at_base
            .into_iter()
            .filter_map(|(entry, path)| {
                let bytes = self.repo.file_in_tree(self.base?, &path).ok()??;
                Some(Ok((entry, bytes)))
            })
            .collect();
        ContextFiles { others, before }
    }

    /// Keeps the findings the change is answerable for: with `--new-only`, those whose fingerprint the file
    /// did not have at the ref (a renamed file is compared with its old version); with `--diff`, those on
    /// changed lines. Returns the summary's words for what was left out.
    /// The repository's working directory.
    pub(crate) fn workdir(&self) -> &Path {
        self.repo.workdir()
    }

    /// A file's text as the change is checked at: the working tree, the index (`--staged`) or the commit a
    /// range reviews; `None` when it is not there or not text.
    pub(crate) fn text_at_target(&self, path: &Path) -> Option<String> {
        let bytes = match self.target {
            Target::WorkingTree => std::fs::read(path).ok(),
            _ => self.blob_at_target(&self.repo.repo_path(path)?).ok()?,
        };
        String::from_utf8(bytes?).ok()
    }

    /// A file (repository-relative) as the index has it, or the commit a range reviews.
    fn blob_at_target(&self, repo_path: &Path) -> Result<Option<Vec<u8>>, hindsight_git::GitError> {
        match self.target {
            Target::Tree(tree) => self.repo.file_in_tree(tree, repo_path),
            _ => self.repo.file_in_index(repo_path),
        }
    }

    /// Does the change add or modify this line of this file (as shown)? Every line of an added file.
    pub(crate) fn touches_line(&self, path: &Path, line: usize) -> bool {
        self.files
            .get(path)
            .is_some_and(|change| change.added || change.lines.contains(&line))
    }

    pub(crate) fn filter(&self, report: &mut Report, at_ref: Option<&Report>) -> Vec<Omitted> {
        let mut extra = Vec::new();
        if let (Some((reference, _)), Some(old)) = (&self.new_only, at_ref) {
            let known: HashSet<&str> = old
                .findings
                .iter()
                .map(|f| f.fingerprint.as_str())
                .collect();
            let n_before = report.findings.len();
            report
                .findings
                .retain(|f| is_tool_finding(f) || !known.contains(f.fingerprint.as_str()));
            let n_old = n_before - report.findings.len();
            if n_old > 0 {
                extra.push(Omitted::new(
                    "existing",
                    n_old,
                    format!("{n_old} already at {reference} not shown"),
                ));
            }
        }
        if self.by_line {
            let n_before = report.findings.len();
            report.findings.retain(|f| {
                // A finding in a file the change does not touch comes from a repository-scope rule that
                // joined the changed files with it, and only when the change caused it (see
                // `repository_files`): its lines are not the change's, but the finding is.
                is_tool_finding(f)
                    || self.files.get(&f.path).is_none_or(|change| {
                        let lines: BTreeSet<usize> =
                            (f.span.start.line..=f.span.end.line.max(f.span.start.line)).collect();
                        change.added || lines.iter().any(|l| change.lines.contains(l))
                    })
            });
            let untouched = n_before - report.findings.len();
            if untouched > 0 {
                extra.push(Omitted::new(
                    "untouched",
                    untouched,
                    format!("{untouched} on untouched lines not shown"),
                ));
            }
        }
        extra
    }

    /// Notes for reviewers: the inline suppressions the change adds or removes, and the waivers it adds or
    /// removes in `config` (compared with the configuration at the change's base), with their reasons.
    pub(crate) fn exemption_notes(&self, config: &Config) -> Vec<Note> {
        let mut notes = Vec::new();
        let mut paths: Vec<&PathBuf> = self.files.keys().collect();
        paths.sort();
        for path in paths {
            let Some(change) = self.files.get(path) else {
                continue;
            };
            for (line, text) in &change.added_suppressions {
                notes.push(review(
                    path,
                    format!("line {line}: new suppression `{text}`"),
                ));
            }
            for (line, text) in &change.removed_suppressions {
                notes.push(review(
                    path,
                    format!("suppression removed (was line {line}): `{text}`"),
                ));
            }
        }
        if let Some(config_path) = &config.path {
            let before = self.base.and_then(|tree| {
                let repo_path = self.repo.repo_path(config_path)?;
                let bytes = self.repo.file_in_tree(tree, &repo_path).ok()??;
                Config::parse(config_path, &String::from_utf8_lossy(&bytes)).ok()
            });
            let before = before.map(|c| c.waivers).unwrap_or_default();
            // With --staged the waivers that count are the staged ones; with a range, the head commit's.
            let after = match self.target {
                Target::Index | Target::Tree(_) => self
                    .repo
                    .repo_path(config_path)
                    .and_then(|p| match self.target {
                        Target::Tree(tree) => self.repo.file_in_tree(tree, &p).ok().flatten(),
                        _ => self.repo.file_in_index(&p).ok().flatten(),
                    })
                    .and_then(|bytes| {
                        Config::parse(config_path, &String::from_utf8_lossy(&bytes)).ok()
                    })
                    .map(|c| c.waivers)
                    .unwrap_or_default(),
                Target::WorkingTree => config.waivers.clone(),
            };
            for line in hindsight_git::waiver_changes(&before, &after) {
                notes.push(review(config_path, line));
            }
        }
        notes
    }
}

/// The files around a change that repository-scope rules read (see [`Change::repository_files`]): in memory
/// (`Ok`) or to read from disk (`Err`).
#[derive(Default)]
pub(crate) struct ContextFiles {
    others: Vec<Result<(FileEntry, Vec<u8>), FileEntry>>,
    before: Vec<Result<(FileEntry, Vec<u8>), FileEntry>>,
}

impl ContextFiles {
    /// Their documents, parsed in parallel on the current rayon pool.
    pub(crate) fn documents(self, checker: &Checker, max_file_size: u64) -> RepositoryContext {
        if self.others.is_empty() && self.before.is_empty() {
            return RepositoryContext::default();
        }
        RepositoryContext {
            others: walk::repository_documents(checker, self.others, max_file_size),
            before: Some(walk::repository_documents(
                checker,
                self.before,
                max_file_size,
            )),
        }
    }
}

/// Staged files read into memory, and the ones that could not be read.
pub(crate) struct StagedContent {
    pub(crate) files: Vec<(FileEntry, Vec<u8>)>,
    pub(crate) problems: Vec<Problem>,
}

/// The two ends of a `BASE..HEAD` (or `BASE...HEAD`) range; `None` for a single ref. An end left out is
/// `HEAD`, as in git. Both forms compare with the merge base, as `--diff REF` does: what a pull request shows.
/// A git ref name cannot contain `..`, so the split is unambiguous.
pub(crate) fn split_range(spec: &str) -> Option<(&str, &str)> {
    let (base, head) = spec.split_once("...").or_else(|| spec.split_once(".."))?;
    fn or_head(end: &str) -> &str {
        if end.is_empty() { "HEAD" } else { end }
    }
    Some((or_head(base), or_head(head)))
}

/// Diagnostics about the tool's own inputs are not the change's debt to filter away.
fn is_tool_finding(finding: &Finding) -> bool {
    finding.code.as_ref() == hindsight_engine::rule::codes::RULE_LOAD_ERROR
}

fn review(path: &Path, message: String) -> Note {
    Note {
        path: path.to_path_buf(),
        kind: NoteKind::Review(message),
    }
}

#[cfg(test)]
mod tests {
    use super::split_range;

    #[test]
    fn a_range_splits_into_base_and_head_and_a_missing_end_is_head() {
        assert_eq!(split_range("main..feature"), Some(("main", "feature")));
        assert_eq!(split_range("main...feature"), Some(("main", "feature")));
        assert_eq!(split_range("origin/main.."), Some(("origin/main", "HEAD")));
        assert_eq!(split_range("..feature"), Some(("HEAD", "feature")));
        assert_eq!(split_range("origin/main"), None);
        assert_eq!(split_range("HEAD~3"), None);
    }
}
