//! The result cache (`.hindsight-cache/`): per-file results keyed by the file's text and what else they
//! depend on ([`key`]), under a digest of the pack and configuration, and the repository-scope rules' results
//! keyed by every document they read. A cached run reports exactly what a cold run reports: a result is used
//! only under the same key, waivers are applied after the cache (they expire by date), and what is not a fact
//! about the file (a rule's runtime error, a rendered finding) is never stored.
//!
//! One file per pack digest, `v1/<digest>.jsonl`: a header line, then one entry per line, each behind its own
//! checksum, so a truncated or damaged file loses only the damaged entries (they are computed again). The file
//! is replaced whole through [`crate::write::atomic`], so two processes at once each write a complete file and
//! the last one wins; a cache that cannot be read or written never fails the run.

mod codec;
pub(crate) mod key;
mod run;

pub(crate) use self::run::check;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use hindsight_engine::{Checker, FileReport, SourceFile};
use serde::{Deserialize, Serialize};

use self::codec::{FileRecord, FindingRecord};

/// The name of the cache directory, next to `hindsight.toml` (or at the repository root).
pub(crate) const DIR_NAME: &str = ".hindsight-cache";

/// The version of the cache's layout and encoding: a new one ignores the old files.
const FORMAT_VERSION: &str = "v1";

/// Pack files kept per cache directory: the newest ones, one per configuration a team runs (profiles,
/// selections); older ones are removed when a run writes.
const KEPT_PACKS: usize = 8;

/// One stored line.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Entry {
    /// One file's results.
    File { path: PathBuf, record: FileRecord },
    /// The repository-scope rules' findings over a set of documents.
    Repository {
        key: String,
        findings: Vec<FindingRecord>,
    },
}

/// The cache of one run: what was stored, and what this run adds.
pub(crate) struct Cache {
    dir: PathBuf,
    file: PathBuf,
    digest: String,
    today: Option<String>,
    stored: HashMap<PathBuf, FileRecord>,
    stored_repository: Option<(String, Vec<FindingRecord>)>,
    fresh: Mutex<Vec<(PathBuf, FileRecord)>>,
    fresh_repository: Mutex<Option<(String, Vec<FindingRecord>)>>,
    /// Paths whose stored entry this run used.
    used: Mutex<Vec<PathBuf>>,
    /// Files with documents for repository-scope rules, with their keys and whether their result came from
    /// the cache (then their documents were not read).
    documents: Mutex<Vec<(PathBuf, String, bool)>>,
    hits: AtomicUsize,
    /// Lines of the stored file that did not decode.
    damaged: usize,
}

impl Cache {
    /// Opens the cache in `dir` for a run whose pack digest is `digest`. A missing, unreadable or damaged
    /// file is an empty (or partial) cache, never an error.
    pub(crate) fn open(dir: &Path, digest: String, today: Option<String>) -> Self {
        let file = dir.join(FORMAT_VERSION).join(format!("{digest}.jsonl"));
        let mut cache = Self {
            dir: dir.to_path_buf(),
            file,
            digest,
            today,
            stored: HashMap::new(),
            stored_repository: None,
            fresh: Mutex::new(Vec::new()),
            fresh_repository: Mutex::new(None),
            used: Mutex::new(Vec::new()),
            documents: Mutex::new(Vec::new()),
            hits: AtomicUsize::new(0),
            damaged: 0,
        };
        if let Ok(text) = std::fs::read_to_string(&cache.file) {
            cache.load(&text);
        }
        cache
    }

    fn load(&mut self, text: &str) {
        let mut lines = text.lines();
        if lines.next() != Some(self.header().as_str()) {
            return;
        }
        for line in lines {
            match decode_line(line) {
                Some(Entry::File { path, record }) => {
                    self.stored.insert(path, record);
                }
                Some(Entry::Repository { key, findings }) => {
                    self.stored_repository = Some((key, findings));
                }
                None => self.damaged += 1,
            }
        }
    }

    fn header(&self) -> String {
        format!("hindsight-cache {FORMAT_VERSION} {}", self.digest)
    }

    /// The cache directory.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// How many files' results came from the cache so far, and how many stored lines did not decode (and
    /// were computed again).
    pub(crate) fn counts(&self) -> (usize, usize) {
        (self.hits.load(Ordering::Relaxed), self.damaged)
    }

    /// Checks one file: its stored results when its key matches (with today's waivers applied), else the
    /// checker's, which are stored.
    pub(crate) fn check_file(&self, checker: &Checker, file: &SourceFile<'_>) -> FileReport {
        let context = checker.file_context(file);
        let key = key::file_key(file, self.today.as_deref(), context.as_deref());
        let stored = self
            .stored
            .get(file.path)
            .filter(|record| record.key == key)
            .and_then(|record| Some((record.report()?, record.documents)));
        if let Some((mut report, has_documents)) = stored {
            checker.apply_waivers(&mut report.findings);
            self.hits.fetch_add(1, Ordering::Relaxed);
            lock(&self.used).push(file.path.to_path_buf());
            if has_documents {
                lock(&self.documents).push((file.path.to_path_buf(), key, true));
            }
            return report;
        }
        let report = checker.check_source(file);
        if !report.documents.is_empty() {
            lock(&self.documents).push((file.path.to_path_buf(), key.clone(), false));
        }
        if codec::storable(&report) {
            lock(&self.fresh).push((file.path.to_path_buf(), FileRecord::new(key, &report)));
        }
        report
    }

    /// The files whose results came from the cache but whose documents repository-scope rules read: they are
    /// read again when those rules run.
    pub(crate) fn documents_to_read(&self) -> Vec<PathBuf> {
        lock(&self.documents)
            .iter()
            .filter(|(_, _, hit)| *hit)
            .map(|(path, _, _)| path.clone())
            .collect()
    }

    /// Whether any checked file has documents for repository-scope rules.
    pub(crate) fn has_documents(&self) -> bool {
        !lock(&self.documents).is_empty()
    }

    /// The key of the repository-scope rules' results: every document file's key, in path order.
    pub(crate) fn repository_key(&self) -> String {
        let mut files = lock(&self.documents).clone();
        files.sort();
        let mut digest = key::Digest::new("hindsight-cache-repository");
        for (path, key, _) in &files {
            digest.text(&path.to_string_lossy()).text(key);
        }
        digest.hex()
    }

    /// The stored repository-scope findings under `key`, with today's waivers applied.
    pub(crate) fn repository_findings(
        &self,
        checker: &Checker,
        key: &str,
    ) -> Option<Vec<hindsight_engine::Finding>> {
        let (stored_key, records) = self.stored_repository.as_ref()?;
        if stored_key != key {
            return None;
        }
        let mut findings = codec::decode_all(records)?;
        checker.apply_waivers(&mut findings);
        Some(findings)
    }

    /// Stores the repository-scope findings under `key` (unless one is not a fact about the files).
    pub(crate) fn store_repository(&self, key: String, findings: &[hindsight_engine::Finding]) {
        if findings.iter().all(codec::storable_finding) {
            let records = findings.iter().map(FindingRecord::new).collect();
            *lock(&self.fresh_repository) = Some((key, records));
        }
    }

    /// Writes the cache back when this run computed anything new: the stored entries still valid (of files
    /// that exist), replaced by this run's. Returns what went wrong, for a note; the run goes on.
    pub(crate) fn save(self) -> Result<(), String> {
        let mut text = self.header_line();
        let fresh = self.fresh.into_inner().unwrap_or_else(|e| e.into_inner());
        let fresh_repository = self
            .fresh_repository
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        if fresh.is_empty() && fresh_repository.is_none() && self.damaged == 0 {
            return Ok(());
        }
        let used: HashSet<PathBuf> = self
            .used
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .collect();
        let mut entries: Vec<(PathBuf, FileRecord)> = Vec::with_capacity(self.stored.len());
        let replaced: HashSet<&Path> = fresh.iter().map(|(p, _)| p.as_path()).collect();
        for (path, record) in self.stored {
            // Entries of other runs' files (another subdirectory) are kept while the file exists.
            if !replaced.contains(path.as_path()) && (used.contains(&path) || path.exists()) {
                entries.push((path, record));
            }
        }
        entries.extend(fresh);
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, record) in entries {
            push_line(&mut text, &Entry::File { path, record });
        }
        if let Some((key, findings)) = fresh_repository.or(self.stored_repository) {
            push_line(&mut text, &Entry::Repository { key, findings });
        }
        let parent = self.dir.join(FORMAT_VERSION);
        prepare_dir(&self.dir).map_err(|e| e.to_string())?;
        std::fs::create_dir_all(&parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        crate::write::atomic(&self.file, text).map_err(|e| format!("{e:#}"))?;
        prune(&parent);
        Ok(())
    }

    fn header_line(&self) -> String {
        let mut text = self.header();
        text.push('\n');
        text
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A line is the entry's checksum (xxh3, hex) and its JSON: JSON alone would accept a damaged string.
fn push_line(text: &mut String, entry: &Entry) {
    if let Ok(json) = serde_json::to_string(entry) {
        let sum = xxhash_rust::xxh3::xxh3_64(json.as_bytes());
        text.push_str(&format!("{sum:016x} {json}\n"));
    }
}

fn decode_line(line: &str) -> Option<Entry> {
    let (sum, json) = line.split_once(' ')?;
    let sum = u64::from_str_radix(sum, 16).ok()?;
    if xxhash_rust::xxh3::xxh3_64(json.as_bytes()) != sum {
        return None;
    }
    serde_json::from_str(json).ok()
}

/// Creates the cache directory with a `.gitignore` that ignores everything in it (so it is never committed,
/// wherever it is) and a `CACHEDIR.TAG`, which backup tools skip.
fn prepare_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let gitignore = dir.join(".gitignore");
    if !gitignore.exists() {
        crate::write::atomic(&gitignore, "# Written by hindsight: the result cache.\n*\n")
            .map_err(std::io::Error::other)?;
    }
    let tag = dir.join("CACHEDIR.TAG");
    if !tag.exists() {
        crate::write::atomic(
            &tag,
            "Signature: 8a477f597d28d172789f06886806bc55\n# The hindsight result cache: see https://bford.info/cachedir/\n",
        )
        .map_err(std::io::Error::other)?;
    }
    Ok(())
}

/// Removes all but the [`KEPT_PACKS`] newest pack files. Best effort: another process may be removing them
/// too.
fn prune(dir: &Path) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let mut packs: Vec<(std::time::SystemTime, PathBuf)> = read
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    packs.sort_by_key(|p| std::cmp::Reverse(p.0));
    for (_, path) in packs.into_iter().skip(KEPT_PACKS) {
        let _ = std::fs::remove_file(path);
    }
}

/// Where a run's cache lives: `--cache-dir`, else next to `hindsight.toml`, else at the root of the git
/// repository the first path is in, else in the first path (or its directory).
pub(crate) fn locate(explicit: Option<&Path>, config_path: Option<&Path>, start: &Path) -> PathBuf {
    if let Some(dir) = explicit {
        return dir.to_path_buf();
    }
    if let Some(config) = config_path {
        let dir = config.parent().unwrap_or(Path::new("."));
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        return dir.join(DIR_NAME);
    }
    let start_dir = if start.is_dir() {
        start.to_path_buf()
    } else {
        start
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let root = crate::paths::git_root(&start_dir).unwrap_or(start_dir);
    root.join(DIR_NAME)
}
