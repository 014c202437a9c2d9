//! A check of files on disk through the cache: each file's results from the cache when its key matches, and
//! the repository-scope rules' results when every document they read is unchanged.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use hindsight_engine::walk::{self, FileEntry, Report, RepositoryContext};
use hindsight_engine::{Checker, FileReport, SourceFile};

use super::Cache;

/// Like [`walk::check_files_and_memory`], each file on disk checked by `per_file` (which asks `cache`, when
/// there is one).
#[allow(clippy::too_many_arguments)] // The walk's own arguments, plus the cache and the per-file check.
pub(crate) fn check(
    cache: Option<&Cache>,
    checker: &Checker,
    files: &[FileEntry],
    memory: Vec<(FileEntry, Vec<u8>)>,
    max_size: u64,
    per_file: &(dyn Fn(&SourceFile<'_>) -> FileReport + Sync),
    progress: &(dyn Fn(usize) + Sync),
    context: RepositoryContext,
) -> Report {
    let started = Instant::now();
    let Some(cache) = cache else {
        let mut report =
            walk::check_files_and_memory_with(checker, files, memory, max_size, per_file, progress);
        walk::add_repository_findings(checker, &mut report, context);
        report.elapsed = started.elapsed();
        return report;
    };
    // Repository-scope results are cached only when the run's documents are all files on disk with keys: a
    // git change's context and rendered charts are read anew each run.
    let plain = context.others.is_empty() && context.before.is_none() && memory.is_empty();
    let mut report =
        walk::check_files_and_memory_with(checker, files, memory, max_size, per_file, progress);
    if plain && cache.has_documents() {
        let key = cache.repository_key();
        let found = match cache.repository_findings(checker, &key) {
            Some(found) => found,
            None => {
                read_documents(cache, checker, files, max_size, &mut report);
                let found = checker.check_repository(&report.documents);
                cache.store_repository(key, &found);
                found
            }
        };
        report.documents.clear();
        report.findings.extend(found);
        report
            .findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    } else {
        read_documents(cache, checker, files, max_size, &mut report);
        walk::add_repository_findings(checker, &mut report, context);
    }
    report.from_cache = cache.counts().0;
    report.elapsed = started.elapsed();
    report
}

/// Reads again the documents of files whose results came from the cache, for the repository-scope rules,
/// and puts every document in the order a run without the cache has them (the files' order).
fn read_documents(
    cache: &Cache,
    checker: &Checker,
    files: &[FileEntry],
    max_size: u64,
    report: &mut Report,
) {
    let wanted: HashSet<PathBuf> = cache.documents_to_read().into_iter().collect();
    if wanted.is_empty() {
        return;
    }
    let entries: Vec<Result<(FileEntry, Vec<u8>), FileEntry>> = files
        .iter()
        .filter(|f| wanted.contains(&f.path))
        .map(|f| Err(f.clone()))
        .collect();
    report
        .documents
        .extend(walk::repository_documents(checker, entries, max_size));
    let order: HashMap<&Path, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_path(), i))
        .collect();
    report
        .documents
        .sort_by_key(|d| order.get(d.path.as_path()).copied().unwrap_or(usize::MAX));
}
