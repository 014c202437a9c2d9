//! Git-aware checking for hindsight, with local reads only (libgit2, vendored; no network transports).
//!
//! - [`Repo::changes`]: the files that differ between a base tree and the index (what a commit will hold) or
//!   the working tree, with the lines each change adds and the suppressions it adds or removes. This is what
//!   `check --staged`, `--diff REF` and `--new-only REF` check, so they never walk the whole tree.
//! - [`Repo::diff_base`], [`Repo::tree_of`]: resolving refs, merge bases, with errors that say what to do
//!   (not a repository, unknown ref, shallow clone without the base).
//! - [`TrustedRules`]: `hindsight.toml` and rule files read from a ref instead of the working tree.
//! - [`patch_changes`]: the files and added lines of a unified diff given as text.
//! - [`Repo::hooks_dir`]: where `hindsight hook install` writes (`core.hooksPath` respected).

mod patch;
mod trusted;

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use git2::{Delta, DiffFindOptions, DiffOptions, ErrorCode, Repository};

pub use git2::Oid;
pub use patch::{patch_added_text, patch_changes};
pub use trusted::{TrustedRules, waiver_changes};

/// The marker of an inline suppression, looked for in added and removed lines.
const MARKER: &str = hindsight_engine::SUPPRESSION_MARKER;

/// Why a git operation could not be done, worded for the person at the terminal.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The directory is in no git repository.
    #[error(
        "{path} is not in a git repository (git-aware options need one: run `git init`, or check without --staged/--diff/--new-only/--rules-from)"
    )]
    NotARepository {
        /// Where we looked.
        path: PathBuf,
    },
    /// A bare repository has no working tree or index to check.
    #[error("{path} is a bare repository: there is no working tree to check")]
    Bare {
        /// The repository.
        path: PathBuf,
    },
    /// The ref names nothing.
    #[error("unknown git ref `{reference}`{hint}")]
    UnknownRef {
        /// The ref as given.
        reference: String,
        /// What to do about it.
        hint: String,
    },
    /// A shallow clone does not hold the merge base.
    #[error(
        "no merge base of {head} and `{reference}` in this shallow clone: the history that joins them was not fetched. Fetch it with `git fetch --unshallow` (or `git fetch --deepen=200 origin {reference}`); on GitHub Actions, check out with `fetch-depth: 0`"
    )]
    ShallowWithoutBase {
        /// The ref as given.
        reference: String,
        /// The other side: `HEAD`, or a range's head.
        head: String,
    },
    /// The ref and HEAD share no history.
    #[error(
        "{head} and `{reference}` have no common ancestor, so there are no changes to compare against"
    )]
    NoMergeBase {
        /// The ref as given.
        reference: String,
        /// The other side: `HEAD`, or a range's head.
        head: String,
    },
    /// The configuration read from a ref is invalid.
    #[error("hindsight.toml at `{reference}`: {source}")]
    Config {
        /// The ref.
        reference: String,
        /// What is wrong.
        source: hindsight_engine::config::ConfigError,
    },
    /// Anything else libgit2 reports.
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

/// What a change is compared with: the index (what the next commit holds) or the working tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The staged content.
    Index,
    /// The files on disk (tracked and untracked, `.gitignore` respected).
    WorkingTree,
    /// A commit's tree (the head of a `BASE..HEAD` range): its files are read from the object database, never
    /// from disk, so a range can be checked without checking it out.
    Tree(Oid),
}

/// One added, modified, renamed or copied file (deleted files are not listed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangedFile {
    /// Path relative to the repository root, on the new side.
    pub path: PathBuf,
    /// Path on the old side when the change renamed or copied the file; `None` when it is the same or new.
    pub old_path: Option<PathBuf>,
    /// The file did not exist on the old side.
    pub added: bool,
    /// Blob of the new content, for [`Target::Index`] and [`Target::Tree`].
    pub blob: Option<Oid>,
    /// git considers the content binary.
    pub binary: bool,
    /// 1-based lines of the new side that the change adds or modifies.
    pub lines: BTreeSet<usize>,
    /// Suppression comments (`hindsight-allow`) on added lines: line and text.
    pub added_suppressions: Vec<(usize, String)>,
    /// Suppression comments on removed lines: old line and text.
    pub removed_suppressions: Vec<(usize, String)>,
}

/// A repository opened from a directory inside its working tree.
pub struct Repo {
    repo: Repository,
    workdir: PathBuf,
    /// The directory hindsight runs in, relative to the working tree's root.
    prefix: PathBuf,
}

impl Repo {
    /// Opens the repository that holds `cwd`.
    pub fn discover(cwd: &Path) -> Result<Repo, GitError> {
        // Reading a blob re-hashes it (SHA-1 with collision detection) unless told not to: a third of the time
        // of reading the index's files around a staged change. The objects are the user's own local ones.
        git2::opts::strict_hash_verification(false);
        let repo = Repository::discover(cwd).map_err(|err| match err.code() {
            ErrorCode::NotFound => GitError::NotARepository {
                path: cwd.to_path_buf(),
            },
            _ => GitError::Git(err),
        })?;
        let Some(workdir) = repo.workdir() else {
            return Err(GitError::Bare {
                path: repo.path().to_path_buf(),
            });
        };
        let workdir = workdir
            .canonicalize()
            .unwrap_or_else(|_| workdir.to_path_buf());
        let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
        let prefix = cwd
            .strip_prefix(&workdir)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Ok(Repo {
            repo,
            workdir,
            prefix,
        })
    }

    /// The root of the working tree.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// The libgit2 repository, for what this crate does not wrap.
    pub fn raw(&self) -> &Repository {
        &self.repo
    }

    /// A repository-relative path as hindsight shows it: relative to the directory it runs in.
    pub fn display_path(&self, path: &Path) -> PathBuf {
        if let Ok(rest) = path.strip_prefix(&self.prefix) {
            return rest.to_path_buf();
        }
        let mut out = PathBuf::new();
        for _ in self.prefix.components() {
            out.push("..");
        }
        out.join(path)
    }

    /// A path relative to the directory hindsight runs in (or absolute), relative to the repository root;
    /// `None` when it is outside the working tree.
    pub fn repo_path(&self, path: &Path) -> Option<PathBuf> {
        let joined = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.workdir.join(&self.prefix).join(path)
        };
        let mut out = Vec::new();
        for component in joined.components() {
            match component {
                Component::ParentDir => {
                    out.pop();
                }
                Component::CurDir => {}
                other => out.push(other),
            }
        }
        let normal: PathBuf = out.iter().collect();
        normal
            .strip_prefix(&self.workdir)
            .ok()
            .map(Path::to_path_buf)
    }

    /// The commit HEAD points at; `None` on an unborn branch (a repository without commits). A detached HEAD
    /// is a commit like any other.
    pub fn head_commit(&self) -> Result<Option<Oid>, GitError> {
        match self.repo.head() {
            Ok(head) => Ok(Some(head.peel_to_commit()?.id())),
            Err(err) if matches!(err.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => {
                Ok(None)
            }
            Err(err) => Err(err.into()),
        }
    }

    /// The commit a ref names.
    pub fn commit_of(&self, reference: &str) -> Result<Oid, GitError> {
        let object = self.repo.revparse_single(reference).map_err(|err| {
            if matches!(
                err.code(),
                ErrorCode::NotFound | ErrorCode::Ambiguous | ErrorCode::InvalidSpec
            ) {
                self.unknown_ref(reference)
            } else {
                GitError::Git(err)
            }
        })?;
        let commit = object
            .peel_to_commit()
            .map_err(|_| self.unknown_ref(reference))?;
        Ok(commit.id())
    }

    fn unknown_ref(&self, reference: &str) -> GitError {
        let hint = if reference == "HEAD" {
            String::new()
        } else if self.repo.is_shallow() {
            format!(
                ": this is a shallow clone, fetch it first (`git fetch origin {}`)",
                reference.trim_start_matches("origin/")
            )
        } else {
            ": name a branch, tag or commit (`git branch -a` lists branches; a remote branch may need `git fetch`)"
                .to_string()
        };
        GitError::UnknownRef {
            reference: reference.to_string(),
            hint,
        }
    }

    /// The tree of the commit a ref names.
    pub fn tree_of(&self, reference: &str) -> Result<Oid, GitError> {
        let commit = self.commit_of(reference)?;
        Ok(self.repo.find_commit(commit)?.tree_id())
    }

    /// The tree `--diff REF` compares with: that of the merge base of HEAD and REF. `None` when HEAD is
    /// unborn and REF is HEAD (every line of every file is new).
    pub fn diff_base(&self, reference: &str) -> Result<Option<Oid>, GitError> {
        let Some(head) = self.head_commit()? else {
            if reference == "HEAD" {
                return Ok(None);
            }
            // No commit on this branch yet: everything is compared with REF itself.
            return self.tree_of(reference).map(Some);
        };
        let other = self.commit_of(reference)?;
        let base = match self.repo.merge_base(head, other) {
            Ok(base) => base,
            Err(_) if self.repo.is_shallow() => {
                return Err(GitError::ShallowWithoutBase {
                    reference: reference.to_string(),
                    head: "HEAD".into(),
                });
            }
            Err(err) if err.code() == ErrorCode::NotFound => {
                return Err(GitError::NoMergeBase {
                    reference: reference.to_string(),
                    head: "HEAD".into(),
                });
            }
            Err(err) => return Err(err.into()),
        };
        Ok(Some(self.repo.find_commit(base)?.tree_id()))
    }

    /// The tree a `BASE..HEAD` range compares with: that of the merge base of the commits `base` and `head`
    /// name (as `--diff BASE` does with HEAD), and the tree of `head`.
    pub fn range_trees(&self, base: &str, head: &str) -> Result<(Oid, Oid), GitError> {
        let head_commit = self.commit_of(head)?;
        let other = self.commit_of(base)?;
        let merge_base = match self.repo.merge_base(head_commit, other) {
            Ok(oid) => oid,
            Err(_) if self.repo.is_shallow() => {
                return Err(GitError::ShallowWithoutBase {
                    reference: base.to_string(),
                    head: format!("`{head}`"),
                });
            }
            Err(err) if err.code() == ErrorCode::NotFound => {
                return Err(GitError::NoMergeBase {
                    reference: base.to_string(),
                    head: format!("`{head}`"),
                });
            }
            Err(err) => return Err(err.into()),
        };
        Ok((
            self.repo.find_commit(merge_base)?.tree_id(),
            self.repo.find_commit(head_commit)?.tree_id(),
        ))
    }

    /// The files of a tree (recursively): repository-relative path and blob, in tree order.
    pub fn tree_entries(&self, tree: Oid) -> Result<Vec<(PathBuf, Oid)>, GitError> {
        let tree = self.repo.find_tree(tree)?;
        let mut files = Vec::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() == Some(git2::ObjectType::Blob)
                && let Ok(name) = entry.name()
            {
                files.push((PathBuf::from(format!("{dir}{name}")), entry.id()));
            }
            git2::TreeWalkResult::Ok
        })?;
        Ok(files)
    }

    /// The tree of HEAD; `None` on an unborn branch.
    pub fn head_tree(&self) -> Result<Option<Oid>, GitError> {
        match self.head_commit()? {
            Some(commit) => Ok(Some(self.repo.find_commit(commit)?.tree_id())),
            None => Ok(None),
        }
    }

    /// The files that differ between `base` (a tree; `None` for the empty tree) and `target`, limited to
    /// `pathspecs` (repository-relative; empty means all), with renames detected; and, apart, the
    /// repository-relative paths of the files the change deletes. Only the changed entries are read: the tree
    /// is never walked file by file.
    pub fn changes(
        &self,
        base: Option<Oid>,
        target: Target,
        pathspecs: &[PathBuf],
    ) -> Result<(Vec<ChangedFile>, Vec<PathBuf>), GitError> {
        let mut diff = self.diff(base, target, pathspecs)?;
        let mut find = DiffFindOptions::new();
        find.renames(true).copies(false);
        diff.find_similar(Some(&mut find))?;
        let (mut files, deleted) = changed_files(&diff, target);
        record_lines(&diff, &mut files)?;
        Ok((files, deleted))
    }

    /// One libgit2 diff of `base` against the index or the working tree (untracked files included, with
    /// their content), without context lines or submodules.
    fn diff(
        &self,
        base: Option<Oid>,
        target: Target,
        pathspecs: &[PathBuf],
    ) -> Result<git2::Diff<'_>, GitError> {
        let base_tree = match base {
            Some(oid) => Some(self.repo.find_tree(oid)?),
            None => None,
        };
        let mut options = DiffOptions::new();
        options.context_lines(0).ignore_submodules(true);
        for spec in pathspecs {
            options.pathspec(spec.to_string_lossy().replace('\\', "/"));
        }
        let diff = match target {
            Target::Index => {
                let index = self.repo.index()?;
                self.repo.diff_tree_to_index(
                    base_tree.as_ref(),
                    Some(&index),
                    Some(&mut options),
                )?
            }
            Target::Tree(head) => {
                let head = self.repo.find_tree(head)?;
                self.repo
                    .diff_tree_to_tree(base_tree.as_ref(), Some(&head), Some(&mut options))?
            }
            Target::WorkingTree => {
                options
                    .include_untracked(true)
                    .recurse_untracked_dirs(true)
                    .show_untracked_content(true);
                self.repo
                    .diff_tree_to_workdir_with_index(base_tree.as_ref(), Some(&mut options))?
            }
        };
        Ok(diff)
    }

    /// The bytes of a blob.
    pub fn blob(&self, oid: Oid) -> Result<Vec<u8>, GitError> {
        Ok(self.repo.find_blob(oid)?.content().to_vec())
    }

    /// The repository's git directory (`.git`), for [`read_blobs`].
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// The bytes of the file at `path` (repository-relative) in `tree`; `None` when there is none.
    pub fn file_in_tree(&self, tree: Oid, path: &Path) -> Result<Option<Vec<u8>>, GitError> {
        let tree = self.repo.find_tree(tree)?;
        let entry = match tree.get_path(path) {
            Ok(entry) => entry,
            Err(err) if err.code() == ErrorCode::NotFound => return Ok(None),
            Err(err) => return Err(err.into()),
        };
        match self.repo.find_blob(entry.id()) {
            Ok(blob) => Ok(Some(blob.content().to_vec())),
            Err(_) => Ok(None),
        }
    }

    /// The staged bytes of the file at `path` (repository-relative); `None` when it is not in the index.
    pub fn file_in_index(&self, path: &Path) -> Result<Option<Vec<u8>>, GitError> {
        let index = self.repo.index()?;
        match index.get_path(path, 0) {
            Some(entry) => Ok(Some(self.blob(entry.id)?)),
            None => Ok(None),
        }
    }

    /// The files of the index (merge stage 0): repository-relative path and blob, in index order.
    pub fn index_entries(&self) -> Result<Vec<(PathBuf, Oid)>, GitError> {
        let index = self.repo.index()?;
        Ok(index
            .iter()
            .filter(|entry| (entry.flags >> 12) & 0x3 == 0)
            .filter_map(|entry| {
                let path = std::str::from_utf8(&entry.path).ok()?;
                Some((PathBuf::from(path), entry.id))
            })
            .collect())
    }

    /// Where git runs hooks from: `core.hooksPath` (relative to the working tree's root when relative), else
    /// the `hooks` directory of the repository (shared by all worktrees).
    pub fn hooks_dir(&self) -> Result<PathBuf, GitError> {
        let config = self.repo.config()?;
        match config.get_path("core.hooksPath") {
            Ok(path) if path.is_absolute() => Ok(path),
            Ok(path) => Ok(self.workdir.join(path)),
            Err(_) => Ok(self.repo.commondir().join("hooks")),
        }
    }
}

/// The files a diff adds, modifies, renames or copies, with no lines recorded yet; and, apart, the
/// repository-relative paths of the files it deletes.
fn changed_files(diff: &git2::Diff<'_>, target: Target) -> (Vec<ChangedFile>, Vec<PathBuf>) {
    let mut files: Vec<ChangedFile> = Vec::new();
    let mut deleted = Vec::new();
    for delta in diff.deltas() {
        if delta.status() == Delta::Deleted {
            deleted.extend(delta.old_file().path().map(Path::to_path_buf));
            continue;
        }
        let Some(path) = delta.new_file().path() else {
            continue;
        };
        let old = delta.old_file().path();
        let renamed = matches!(delta.status(), Delta::Renamed | Delta::Copied);
        let id = delta.new_file().id();
        files.push(ChangedFile {
            path: path.to_path_buf(),
            old_path: old.filter(|_| renamed).map(Path::to_path_buf),
            added: matches!(delta.status(), Delta::Added | Delta::Untracked),
            blob: (target != Target::WorkingTree && !id.is_zero()).then_some(id),
            binary: delta.flags().is_binary(),
            lines: BTreeSet::new(),
            added_suppressions: Vec::new(),
            removed_suppressions: Vec::new(),
        });
    }
    (files, deleted)
}

/// Goes through the diff's lines once and records them in `files` (found by new path): added lines and the
/// suppressions added or removed, and whether libgit2 found a file binary only when reading its content.
fn record_lines(diff: &git2::Diff<'_>, files: &mut [ChangedFile]) -> Result<(), GitError> {
    let by_path: HashMap<PathBuf, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.clone(), i))
        .collect();
    // Both callbacks below write to the files, and libgit2 holds them at once.
    let files = RefCell::new(files);
    let with_file = |delta: &git2::DiffDelta<'_>, f: &mut dyn FnMut(&mut ChangedFile)| {
        let index = delta.new_file().path().and_then(|p| by_path.get(p));
        if let Some(&i) = index
            && let Some(file) = files.borrow_mut().get_mut(i)
        {
            f(file);
        }
    };
    diff.foreach(
        &mut |_delta, _progress| true,
        Some(&mut |delta, _binary| {
            with_file(&delta, &mut |file| file.binary = true);
            true
        }),
        None,
        Some(&mut |delta, _hunk, line| {
            if delta.status() == Delta::Deleted {
                return true;
            }
            let text = String::from_utf8_lossy(line.content());
            match line.origin() {
                '+' => {
                    if let Some(n) = line.new_lineno() {
                        with_file(&delta, &mut |file| file.record_added(n as usize, &text));
                    }
                }
                '-' => {
                    if let Some(n) = line.old_lineno() {
                        with_file(&delta, &mut |file| file.record_removed(n as usize, &text));
                    }
                }
                _ => {}
            }
            true
        }),
    )?;
    Ok(())
}

impl ChangedFile {
    /// Records an added line (1-based, new side): it is changed, and a suppression when it has the marker.
    fn record_added(&mut self, line: usize, text: &str) {
        self.lines.insert(line);
        if text.contains(MARKER) {
            self.added_suppressions
                .push((line, text.trim().to_string()));
        }
    }

    /// Records a removed line (1-based, old side): only a suppression matters, since removed lines are not
    /// in the new file.
    fn record_removed(&mut self, old_line: usize, text: &str) {
        if text.contains(MARKER) {
            self.removed_suppressions
                .push((old_line, text.trim().to_string()));
        }
    }
}

/// The bytes of many blobs of the repository at `git_dir` (`None` for one that cannot be read), read in
/// parallel on the current rayon pool: each worker opens the repository once for itself, since a handle
/// cannot be shared between threads.
pub fn read_blobs(git_dir: &Path, oids: &[Oid]) -> Vec<Option<Vec<u8>>> {
    use rayon::prelude::*;
    oids.par_iter()
        .map_init(
            || Repository::open(git_dir).ok(),
            |repo, oid| {
                let blob = repo.as_ref()?.find_blob(*oid).ok()?;
                Some(blob.content().to_vec())
            },
        )
        .collect()
}

#[cfg(test)]
mod tests;
