//! What a cached result depends on, hashed: the run's *pack digest* (the binary, the rules, the configuration
//! and the options that change findings) and each file's *key* (its text, path, role, language and format).
//! xxh3 (128 bits): fast enough that hashing every file of a warm run costs less than reading it, and the same
//! on every machine.

use std::hash::Hasher as _;
use std::path::Path;

use hindsight_engine::{Config, SourceFile};
use xxhash_rust::xxh3::Xxh3;

use crate::args::PackArgs;

/// Feeds hashed parts in with their lengths, so that no two different sequences of parts hash alike by
/// concatenation (`"ab" + "c"` against `"a" + "bc"`).
pub(super) struct Digest(Xxh3);

impl Digest {
    pub(super) fn new(domain: &str) -> Self {
        let mut digest = Self(Xxh3::new());
        digest.part(domain.as_bytes());
        digest
    }

    pub(super) fn part(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.write_u64(bytes.len() as u64);
        self.0.update(bytes);
        self
    }

    pub(super) fn text(&mut self, text: &str) -> &mut Self {
        self.part(text.as_bytes())
    }

    pub(super) fn hex(&self) -> String {
        format!("{:032x}", self.0.digest128())
    }
}

/// The digest of everything every file's findings in this run depend on besides the file itself:
/// - the binary (its version, size and modification time: the built-in rules and the engine are in it);
/// - every file under the rule, policy and data directories the run loads (rule files, their `.rego` policies
///   and libraries, incident records), by content;
/// - how those are loaded (`--no-builtin`, conftest namespaces, `--combine`);
/// - the configuration as the run uses it (`hindsight.toml` with `--select`, `--profile` and the other options
///   applied), except today's date unless `[[rollout]]` stages (which change on their dates) are configured:
///   waivers are applied after the cache, and only files with an `until=` suppression carry the date in
///   their key.
pub(crate) fn pack_digest(pack: &PackArgs, config: &Config) -> String {
    let mut digest = Digest::new("hindsight-cache-pack");
    digest.text(env!("HINDSIGHT_VERSION"));
    digest.text(&binary_identity());
    let mut dirs: Vec<&Path> = config.rule_dirs.iter().map(|p| p.as_path()).collect();
    dirs.extend(pack.rule_dirs.iter().map(|p| p.as_path()));
    dirs.extend(pack.policy_dirs.iter().map(|p| p.as_path()));
    dirs.extend(pack.data.iter().map(|p| p.as_path()));
    for dir in dirs {
        hash_tree(&mut digest, dir);
    }
    digest.text(&format!(
        "{:?} {:?} {:?} {:?}",
        pack.no_builtin, pack.namespace, pack.all_namespaces, pack.combine
    ));
    let mut config = config.clone();
    // `[[rollout]]` stages change on their dates: with any, the date is part of the pack.
    if config.rollout.is_empty() {
        config.today = None;
    }
    // The compiled globs of `[scope]` are left out (their debug form is the matcher's internals); the globs
    // as written are in, and roles are in each file's key anyway.
    let scope: Vec<(String, Vec<String>)> = std::mem::take(&mut config.scope.globs)
        .into_iter()
        .map(|(role, globs, _)| (role.as_str().to_string(), globs))
        .collect();
    digest.text(&format!("{config:?}"));
    digest.text(&format!("{scope:?}"));
    digest.hex()
}

/// The running binary's size and modification time: a rebuilt binary (new rules, a changed engine) is a new
/// pack even when its version string is the same.
fn binary_identity() -> String {
    let metadata = std::env::current_exe().and_then(std::fs::metadata);
    match metadata {
        Ok(metadata) => {
            let modified = metadata
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {modified}", metadata.len())
        }
        Err(_) => String::new(),
    }
}

/// Every file under `root` (or `root` itself), sorted, by relative path and content. Unreadable entries are
/// hashed as their error, so they still change the digest when they change.
fn hash_tree(digest: &mut Digest, root: &Path) {
    digest.text(&root.display().to_string());
    let mut files: Vec<std::path::PathBuf> = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(ignore::DirEntry::into_path)
        .collect();
    files.sort();
    for file in files {
        digest.text(&file.display().to_string());
        match std::fs::read(&file) {
            Ok(bytes) => digest.part(&bytes),
            Err(err) => digest.text(&err.to_string()),
        };
    }
}

/// A file's key: its text, and everything about it its findings depend on that is not in the text or the
/// pack digest: the path (rules' `files:` globs, rollout stages by path, fingerprints), the role the scope
/// gave it (package roots and test-support crates), the language and format it is read as, and, when it
/// has an expiring `until=` suppression, today's date; and what the checker says the findings read from
/// other files (a Terraform file's module variables, [`hindsight_engine::Checker::file_context`]).
pub(super) fn file_key(
    file: &SourceFile<'_>,
    today: Option<&str>,
    context: Option<&str>,
) -> String {
    let mut digest = Digest::new("hindsight-cache-file");
    digest
        .text(&file.path.to_string_lossy())
        .text(file.role.as_str())
        .text(file.lang.map_or("", |l| l.name()))
        .text(&format!("{:?}", file.format))
        .part(file.text.as_bytes());
    if file.text.contains("until") {
        digest.text(today.unwrap_or(""));
    }
    if let Some(context) = context {
        digest.text(context);
    }
    digest.hex()
}
