//! Finding files and checking them in parallel. With [`crate::rule::RulePack::add_dir`], the only place the
//! engine touches the file system.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rayon::prelude::*;

use crate::check::{Checker, FileReport, RepoDoc, SourceFile};
use crate::data::DataFormat;
use crate::finding::Finding;
use crate::source::lang::Lang;
use crate::source::scope::{FileScope, ScopeOverrides, ScopeResolver};

mod notes;
pub use notes::{Lines, Note, NoteKind, unparsed_lines};

/// A file to check, with what it is for.
#[derive(Clone, Debug)]
pub struct FileEntry {
    /// The path as shown in output.
    pub path: PathBuf,
    /// What the file is for (production, test, example, tooling, vendored) and why.
    pub scope: FileScope,
    /// The language its syntax tree is parsed with, chosen from the extension.
    pub lang: Option<Lang>,
    /// The configuration format its data is read as, chosen from the extension.
    pub format: Option<DataFormat>,
}

/// The tool could not do its job for one path (unreadable file, walk error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The path.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

/// Everything a check of many files produced.
#[derive(Debug, Default)]
pub struct Report {
    /// All findings, sorted by path and position.
    pub findings: Vec<Finding>,
    /// Skipped and partly checked files.
    pub notes: Vec<Note>,
    /// Failures of the tool.
    pub problems: Vec<Problem>,
    /// Files parsed and checked.
    pub files_checked: usize,
    /// Bytes parsed and checked.
    pub bytes_checked: u64,
    /// Wall time of the check.
    pub elapsed: Duration,
    /// Documents kept for repository-scope rules, until they run.
    pub documents: Vec<crate::check::RepoDoc>,
    /// Files whose results came from the command line's result cache instead of being checked again.
    pub from_cache: usize,
    /// The text of files checked from memory rather than from disk (staged content), by path: what printers
    /// show instead of the file on disk.
    pub in_memory: HashMap<PathBuf, std::sync::Arc<str>>,
    /// What each checked file that has a finding with a fix looked like when it was checked (read from disk,
    /// or staged content; never a rendering), so that `--fix` edits only a file that is still that text: the
    /// fixes' byte offsets would land in the wrong place in any other.
    pub fixable: HashMap<PathBuf, Digest>,
}

/// The length and a 64-bit hash of a file's bytes: enough to tell whether a file changed between its check
/// and its fix (an accidental collision is one in 2^64; nobody is defending against a crafted one here, as
/// whoever can write the file can write anything to it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Digest {
    len: u64,
    hash: u64,
}

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        use std::hash::{Hash as _, Hasher as _};
        let mut hasher = std::hash::DefaultHasher::new();
        bytes.hash(&mut hasher);
        Digest {
            len: bytes.len() as u64,
            hash: hasher.finish(),
        }
    }
}

/// How to discover files.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Gitignore-style exclude patterns and the directory they are relative to.
    pub excludes: Vec<(PathBuf, Vec<String>)>,
    /// Only files of these languages are collected.
    pub languages: Vec<Lang>,
    /// And files of these configuration formats.
    pub formats: Vec<DataFormat>,
    /// `[scope]` globs of the configuration, applied before the conventions.
    pub scope: ScopeOverrides,
}

impl WalkOptions {
    /// These options with every language and format this build knows, for a walk that starts before the
    /// rule pack has loaded (so before it is known which languages and formats the pack reads); [`narrow`]
    /// then keeps what the pack wants.
    pub fn every_kind(self) -> Self {
        WalkOptions {
            languages: Lang::all().collect(),
            formats: DataFormat::ALL.to_vec(),
            ..self
        }
    }
}

/// The entries of a walk made with [`WalkOptions::every_kind`] that a walk with `options` would have found,
/// each with the language and format `options` reads it as: the same entries, in the same order.
pub fn narrow(entries: Vec<FileEntry>, options: &WalkOptions) -> Vec<FileEntry> {
    entries
        .into_iter()
        .filter_map(|entry| {
            let (lang, format) = kind_in(entry.lang, entry.format, options)?;
            Some(FileEntry {
                lang,
                format,
                ..entry
            })
        })
        .collect()
}

/// Finds the files to check under `paths`, honouring `.gitignore`, hidden-file conventions and excludes.
/// Explicitly named files and directories are always checked (if their language is known), even when an
/// exclude covers them.
pub fn discover(paths: &[PathBuf], options: &WalkOptions) -> (Vec<FileEntry>, Vec<Problem>) {
    let mut problems = Vec::new();
    let excludes = build_excludes(options, &mut problems);
    let excludes = std::sync::Arc::new(excludes);
    let wanted = |path: &Path| wanted(path, options);
    let mut files = Vec::new();
    for root in paths {
        if root.is_file() {
            if let Some(kind) = wanted(root) {
                files.push((clean(root), kind, clean(root)));
            }
            continue;
        }
        if !root.exists() {
            problems.push(Problem {
                path: root.clone(),
                message: "no such file or directory".into(),
            });
            continue;
        }
        let mut builder = ignore::WalkBuilder::new(root);
        builder.require_git(false);
        // Hidden files and directories are skipped like ripgrep does, except where CI configuration lives:
        // workflows are a main target of the config rules.
        builder.hidden(false);
        // A root the user named explicitly is checked even when an exclude covers it (`hindsight check
        // vendor/x`): excludes prune what the walk discovers, not what was asked for.
        let root_is_excluded = is_excluded(&excludes, root, true);
        let excludes = excludes.clone();
        builder.filter_entry(move |entry| {
            let name = entry.file_name().to_string_lossy();
            // `.gitignore`, `.dockerignore` and `.env` are formats of their own, read although hidden.
            let is_format_file =
                entry.file_type().is_some_and(|t| t.is_file()) && DataFormat::is_named(&name);
            if entry.depth() > 0
                && name.starts_with('.')
                && !HIDDEN_CONFIG.contains(&name.as_ref())
                && !is_format_file
            {
                return false;
            }
            if root_is_excluded {
                return true;
            }
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !is_excluded(&excludes, entry.path(), is_dir)
        });
        for entry in builder.build() {
            match entry {
                Ok(entry) => {
                    if entry.file_type().is_some_and(|t| t.is_file())
                        && let Some(kind) = wanted(entry.path())
                    {
                        files.push((clean(entry.path()), kind, clean(root)));
                    }
                }
                Err(err) => problems.push(Problem {
                    path: root.clone(),
                    message: err.to_string(),
                }),
            }
        }
    }
    (entries(files, options), problems)
}

/// The files among `paths` (a list of files, say from git, that need not exist on disk) that a check would
/// look at: a known language or format, not excluded. Nothing is walked.
pub fn select(paths: &[PathBuf], options: &WalkOptions) -> (Vec<FileEntry>, Vec<Problem>) {
    let mut problems = Vec::new();
    let excludes = build_excludes(options, &mut problems);
    let files = paths
        .iter()
        .filter(|path| !is_excluded(&excludes, path, false))
        .filter_map(|path| wanted(path, options).map(|kind| (clean(path), kind, PathBuf::new())))
        .collect();
    (entries(files, options), problems)
}

type Kind = (Option<Lang>, Option<DataFormat>);

/// The language and format a file is checked as, when some enabled rule reads it.
fn wanted(path: &Path, options: &WalkOptions) -> Option<Kind> {
    if is_write_leftover(path) {
        return None;
    }
    kind_in(Lang::from_file(path), DataFormat::from_path(path), options)
}

/// What of a file's language and format `options` reads, if anything.
fn kind_in(lang: Option<Lang>, format: Option<DataFormat>, options: &WalkOptions) -> Option<Kind> {
    let lang = lang.filter(|lang| options.languages.contains(lang));
    let format = format.filter(|f| options.formats.contains(f));
    (lang.is_some() || format.is_some()).then_some((lang, format))
}

/// A temporary file of hindsight's atomic writes (`.<name>.hindsight-<pid>-<n>.tmp`, beside the file being
/// written), which a killed run can leave behind: never checked, whatever a format row says about `.tmp`.
pub fn is_write_leftover(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') && n.ends_with(".tmp") && n.contains(".hindsight-"))
}

/// Sorted, deduplicated entries with their scopes. Each file comes with the root it was found under
/// (directory conventions count below it; empty for files listed by git, whose paths start at the
/// repository root).
fn entries(mut files: Vec<(PathBuf, Kind, PathBuf)>, options: &WalkOptions) -> Vec<FileEntry> {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    let mut resolver = ScopeResolver::new(options.scope.clone());
    files
        .into_iter()
        .map(|(path, (lang, format), root)| FileEntry {
            scope: resolver.classify(&path, &root),
            path,
            lang,
            format,
        })
        .collect()
}

fn build_excludes(options: &WalkOptions, problems: &mut Vec<Problem>) -> Vec<Gitignore> {
    options
        .excludes
        .iter()
        .filter_map(|(base, patterns)| {
            let mut builder =
                GitignoreBuilder::new(std::path::absolute(base).unwrap_or_else(|_| base.clone()));
            for pattern in patterns {
                if let Err(err) = builder.add_line(None, pattern) {
                    problems.push(Problem {
                        path: base.clone(),
                        message: format!("invalid exclude `{pattern}`: {err}"),
                    });
                }
            }
            builder.build().ok()
        })
        .collect()
}

/// Hidden files and directories that hold CI and automation configuration: checked although hidden.
const HIDDEN_CONFIG: &[&str] = &[
    ".github",
    ".gitea",
    ".forgejo",
    ".gitlab",
    ".gitlab-ci.yml",
    ".circleci",
    ".buildkite",
    ".drone.yml",
    ".woodpecker",
    ".woodpecker.yml",
];

fn is_excluded(excludes: &[Gitignore], path: &Path, is_dir: bool) -> bool {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    excludes.iter().any(|gi| {
        absolute.starts_with(gi.path())
            && gi
                .matched_path_or_any_parents(&absolute, is_dir)
                .is_ignore()
    })
}

/// `./src/main.rs` → `src/main.rs`.
fn clean(path: &Path) -> PathBuf {
    path.strip_prefix(".")
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

/// What repository-scope rules see besides the documents of the files a run checks. In git modes a run checks
/// only the changed files, but a rule that joins documents across files (a DaemonSet and the binding that
/// grants its ServiceAccount cluster-wide watch) must see the rest of the repository too.
#[derive(Clone, Debug, Default)]
pub struct RepositoryContext {
    /// Documents of files the run does not check, in the state checked (see [`repository_documents`]).
    pub others: Vec<RepoDoc>,
    /// Documents of the checked files before the change (at its base). When set, a finding the rules place in
    /// a file the run does not check is kept only if the rules did not give it before the change: a change
    /// answers for the findings it causes elsewhere, not for old ones.
    pub before: Option<Vec<RepoDoc>>,
}

/// Reads and checks files in parallel on the current rayon pool. `progress` is called with the number of
/// files done so far, from worker threads.
pub fn check_files(
    checker: &Checker,
    files: &[FileEntry],
    max_file_size: u64,
    progress: &(dyn Fn(usize) + Sync),
) -> Report {
    check_files_in(
        checker,
        files,
        max_file_size,
        progress,
        RepositoryContext::default(),
    )
}

/// Like [`check_files`], with repository-scope rules seeing `context` too.
pub fn check_files_in(
    checker: &Checker,
    files: &[FileEntry],
    max_file_size: u64,
    progress: &(dyn Fn(usize) + Sync),
    context: RepositoryContext,
) -> Report {
    let mut report = run_files(
        files,
        max_file_size,
        &|source| checker.check_source(source),
        progress,
    );
    add_repository_findings(checker, &mut report, context);
    report
}

/// Runs the repository-scope rules over every document the run read and the context's (they see all
/// documents at once, so they run after every file is read) and keeps the findings in order.
pub fn add_repository_findings(checker: &Checker, report: &mut Report, context: RepositoryContext) {
    let mut documents = std::mem::take(&mut report.documents);
    if documents.is_empty() && context.before.as_ref().is_none_or(Vec::is_empty) {
        // No checked or deleted file has a document these rules read, so nothing they find is the run's doing.
        return;
    }
    let checked: HashSet<PathBuf> = documents.iter().map(|d| d.path.clone()).collect();
    let n_checked = documents.len();
    documents.extend(context.others);
    let mut found = checker.check_repository(&documents);
    // The rules run again over the state before the change only when they placed a finding outside the
    // checked files, the one case that comparison decides: the files around, with the changed ones as they
    // were.
    if let Some(mut before) = context
        .before
        .filter(|_| found.iter().any(|f| !checked.contains(&f.path)))
    {
        before.extend_from_slice(&documents[n_checked..]);
        let old: HashSet<String> = checker
            .check_repository(&before)
            .into_iter()
            .filter(|f| !checked.contains(&f.path))
            .map(|f| f.fingerprint)
            .collect();
        found.retain(|f| checked.contains(&f.path) || !old.contains(&f.fingerprint));
    }
    report.findings.extend(found);
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Checks files whose content is already in memory (staged blobs, a file as it was at some commit): the same
/// reading rules and report as [`check_files`], in parallel; the texts are kept in [`Report::in_memory`].
pub fn check_in_memory(
    checker: &Checker,
    files: Vec<(FileEntry, Vec<u8>)>,
    max_file_size: u64,
) -> Report {
    check_in_memory_in(checker, files, max_file_size, RepositoryContext::default())
}

/// Like [`check_in_memory`], with repository-scope rules seeing `context` too.
pub fn check_in_memory_in(
    checker: &Checker,
    files: Vec<(FileEntry, Vec<u8>)>,
    max_file_size: u64,
    context: RepositoryContext,
) -> Report {
    let started = Instant::now();
    let mut report = read_in_memory(checker, files, max_file_size);
    add_repository_findings(checker, &mut report, context);
    report.elapsed = started.elapsed();
    report
}

/// Like [`check_files_in`], with more files whose text is in memory (rendered manifests, standard input)
/// checked in the same run, so that repository-scope rules see their documents with the others.
pub fn check_files_and_memory(
    checker: &Checker,
    files: &[FileEntry],
    memory: Vec<(FileEntry, Vec<u8>)>,
    max_file_size: u64,
    progress: &(dyn Fn(usize) + Sync),
    context: RepositoryContext,
) -> Report {
    let started = Instant::now();
    let mut report = check_files_and_memory_with(
        checker,
        files,
        memory,
        max_file_size,
        &|source| checker.check_source(source),
        progress,
    );
    add_repository_findings(checker, &mut report, context);
    report.elapsed = started.elapsed();
    report
}

/// The file-by-file part of [`check_files_and_memory`], with each file on disk checked by `per_file` (a
/// result cache in front of [`Checker::check_source`]); the repository-scope rules are left to the caller
/// ([`add_repository_findings`]), with the documents kept in [`Report::documents`].
pub fn check_files_and_memory_with(
    checker: &Checker,
    files: &[FileEntry],
    memory: Vec<(FileEntry, Vec<u8>)>,
    max_file_size: u64,
    per_file: &(dyn Fn(&SourceFile<'_>) -> FileReport + Sync),
    progress: &(dyn Fn(usize) + Sync),
) -> Report {
    let started = Instant::now();
    let mut report = run_files(files, max_file_size, per_file, progress);
    let extra = read_in_memory(checker, memory, max_file_size);
    report.findings.extend(extra.findings);
    report.notes.extend(extra.notes);
    report.problems.extend(extra.problems);
    report.files_checked += extra.files_checked;
    report.bytes_checked += extra.bytes_checked;
    report.documents.extend(extra.documents);
    report.in_memory.extend(extra.in_memory);
    // Not `extra.fixable`: a rendering is not the file on disk it is shown under, so `--fix` must not edit
    // that file with the rendering's offsets.
    report.elapsed = started.elapsed();
    report
}

/// Checks in-memory files in parallel, file by file (no repository-scope rules yet); keeps their texts.
fn read_in_memory(
    checker: &Checker,
    files: Vec<(FileEntry, Vec<u8>)>,
    max_file_size: u64,
) -> Report {
    let per_file = |source: &SourceFile<'_>| checker.check_source(source);
    type Text = Option<(PathBuf, std::sync::Arc<str>)>;
    let outcomes: Vec<(Outcome, Text)> = files
        .into_par_iter()
        .with_max_len(1)
        .map(|(entry, bytes)| {
            let text = std::str::from_utf8(&bytes)
                .ok()
                .map(|t| (entry.path.clone(), std::sync::Arc::<str>::from(t)));
            (check_bytes(&per_file, &entry, bytes, max_file_size), text)
        })
        .collect();
    let mut in_memory = HashMap::new();
    let mut list = Vec::with_capacity(outcomes.len());
    for (outcome, text) in outcomes {
        if let Some((path, text)) = text {
            in_memory.insert(path, text);
        }
        list.push(outcome);
    }
    let mut report = collect(list);
    report.in_memory = in_memory;
    report
}

/// The documents repository-scope rules want from files that are context, not part of the check: from
/// memory (`Ok`) or from disk (`Err(entry)`, read with the check's reading rules). Files that cannot be read
/// as text or data give nothing and are not reported: they are not what the run checks.
pub fn repository_documents(
    checker: &Checker,
    files: Vec<Result<(FileEntry, Vec<u8>), FileEntry>>,
    max_file_size: u64,
) -> Vec<RepoDoc> {
    let per_file = |source: &SourceFile<'_>| FileReport {
        documents: checker.repository_documents(source),
        ..FileReport::default()
    };
    let outcomes: Vec<Outcome> = files
        .into_par_iter()
        .with_max_len(1)
        .map(|file| match file {
            Ok((entry, bytes)) => check_bytes(&per_file, &entry, bytes, max_file_size),
            Err(entry) => check_one(&per_file, &entry, max_file_size),
        })
        .collect();
    outcomes
        .into_iter()
        .flat_map(|outcome| match outcome {
            Outcome::Checked { file, .. } => file.documents,
            Outcome::Skipped(_) | Outcome::Failed(_) => Vec::new(),
        })
        .collect()
}

/// Reads files in parallel and hands each readable one to `per_file`; the reading rules (size cap, binary and
/// UTF-8 checks) and the report are the same whatever `per_file` does. The benchmark's parse-only baseline
/// uses this with [`crate::Checker::parse_only`].
pub fn run_files(
    files: &[FileEntry],
    max_file_size: u64,
    per_file: &(dyn Fn(&SourceFile<'_>) -> FileReport + Sync),
    progress: &(dyn Fn(usize) + Sync),
) -> Report {
    let started = Instant::now();
    let done = std::sync::atomic::AtomicUsize::new(0);
    // Biggest files first: one file can take a tenth of a run (a 474 KB Terraform web ACL), and started last it
    // leaves the other threads idle while it finishes. The outcomes keep the files' order.
    let mut order: Vec<(u64, usize)> = files
        .par_iter()
        .enumerate()
        .map(|(at, entry)| (std::fs::metadata(&entry.path).map_or(0, |m| m.len()), at))
        .collect();
    order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    // One file per task: files differ in size by two orders of magnitude, and rayon's default splitting
    // leaves one thread idle while the other finishes a chunk of big ones.
    let mut outcomes: Vec<(usize, Outcome)> = order
        .par_iter()
        .with_max_len(1)
        .map(|&(_, at)| {
            let outcome = check_one(per_file, &files[at], max_file_size);
            progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
            (at, outcome)
        })
        .collect();
    outcomes.sort_unstable_by_key(|(at, _)| *at);
    let mut report = collect(outcomes.into_iter().map(|(_, outcome)| outcome).collect());
    report.elapsed = started.elapsed();
    report
}

/// Gathers per-file outcomes into a report, findings sorted.
fn collect(outcomes: Vec<Outcome>) -> Report {
    let mut report = Report::default();
    for outcome in outcomes {
        match outcome {
            Outcome::Checked {
                file,
                path,
                bytes,
                digest,
            } => {
                if let Some(digest) = digest {
                    report.fixable.insert(path.clone(), digest);
                }
                report.files_checked += 1;
                report.bytes_checked += bytes;
                report.findings.extend(file.findings);
                report.documents.extend(file.documents);
                if !file.syntax_errors.is_empty() {
                    report.notes.push(Note {
                        path: path.clone(),
                        kind: NoteKind::SyntaxErrors(unparsed_lines(&file.syntax_errors)),
                    });
                }
                if file.skipped_template {
                    report.notes.push(Note {
                        path,
                        kind: NoteKind::Template,
                    });
                }
            }
            Outcome::Skipped(note) => report.notes.push(note),
            Outcome::Failed(problem) => report.problems.push(problem),
        }
    }
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report
}

enum Outcome {
    Checked {
        file: FileReport,
        path: PathBuf,
        bytes: u64,
        /// Only for files with a fix: hashing costs nothing where nobody will ask.
        digest: Option<Digest>,
    },
    Skipped(Note),
    Failed(Problem),
}

fn check_one(
    per_file: &(dyn Fn(&SourceFile<'_>) -> FileReport + Sync),
    entry: &FileEntry,
    max_file_size: u64,
) -> Outcome {
    let path = entry.path.clone();
    let fail = |err: std::io::Error| {
        Outcome::Failed(Problem {
            path: path.clone(),
            message: format!("could not read: {err}"),
        })
    };
    let mut file = match std::fs::File::open(&entry.path) {
        Ok(file) => file,
        Err(err) => return fail(err),
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > max_file_size {
        return Outcome::Skipped(Note {
            path,
            kind: NoteKind::TooLarge {
                size,
                limit: max_file_size,
            },
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // Read one byte past the cap so a file that grew since `metadata` is still caught.
    if let Err(err) = file
        .by_ref()
        .take(max_file_size + 1)
        .read_to_end(&mut bytes)
    {
        return fail(err);
    }
    check_bytes(per_file, entry, bytes, max_file_size)
}

/// The reading rules (size cap, binary, UTF-8) on bytes already read, then the check.
fn check_bytes(
    per_file: &(dyn Fn(&SourceFile<'_>) -> FileReport + Sync),
    entry: &FileEntry,
    bytes: Vec<u8>,
    max_file_size: u64,
) -> Outcome {
    let path = entry.path.clone();
    if bytes.len() as u64 > max_file_size {
        return Outcome::Skipped(Note {
            path,
            kind: NoteKind::TooLarge {
                size: bytes.len() as u64,
                limit: max_file_size,
            },
        });
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Outcome::Skipped(Note {
            path,
            kind: NoteKind::Binary,
        });
    }
    let Ok(text) = String::from_utf8(bytes) else {
        return Outcome::Skipped(Note {
            path,
            kind: NoteKind::NotUtf8,
        });
    };
    let source = SourceFile {
        path: &entry.path,
        role: entry.scope.role,
        text: &text,
        lang: entry.lang,
        format: entry.format,
    };
    let report = per_file(&source);
    let digest = report
        .findings
        .iter()
        .any(|f| f.fix.is_some())
        .then(|| Digest::of(text.as_bytes()));
    Outcome::Checked {
        file: report,
        path,
        bytes: text.len() as u64,
        digest,
    }
}
