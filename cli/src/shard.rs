//! `check --shard K/N`: which files a shard checks. A file belongs to the shard its path's hash falls in:
//! xxh3 of the path as shown with `/` separators, which is the same on every machine and every run (Rust's
//! `DefaultHasher` is neither), so N jobs of a CI matrix split the files between them without talking.

use std::path::Path;

use hindsight_engine::Checker;
use hindsight_engine::walk::{self, FileEntry, RepositoryContext};

use crate::args::Shard;

impl Shard {
    /// Does this shard own `path` (check it, and report findings placed in it)?
    pub(crate) fn owns(self, path: &Path) -> bool {
        let shown = path.to_string_lossy().replace('\\', "/");
        let hash = xxhash_rust::xxh3::xxh3_64(shown.as_bytes());
        hash % self.count == self.index - 1
    }
}

/// The files of one shard, and the documents of the others' files that repository-scope rules read: they
/// see every document, and each shard reports only the findings placed in its own files.
pub(crate) fn split(
    shard: Shard,
    files: Vec<FileEntry>,
    checker: &Checker,
    max_size: u64,
    pool: &rayon::ThreadPool,
) -> (Vec<FileEntry>, RepositoryContext) {
    let (mine, others): (Vec<FileEntry>, Vec<FileEntry>) =
        files.into_iter().partition(|f| shard.owns(&f.path));
    let formats = checker.repository_formats();
    let context: Vec<Result<(FileEntry, Vec<u8>), FileEntry>> = others
        .into_iter()
        .filter(|f| f.format.is_some_and(|format| formats.contains(&format)))
        .map(Err)
        .collect();
    let others = if context.is_empty() {
        Vec::new()
    } else {
        pool.install(|| walk::repository_documents(checker, context, max_size))
    };
    (
        mine,
        RepositoryContext {
            others,
            before: None,
        },
    )
}
