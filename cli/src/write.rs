//! Every file hindsight writes for the user (`--fix`, `--output`, `init`, `new rule`, baselines, hooks, man
//! pages, `codex export -o`, the docs site, cache entries) goes through [`atomic`] or [`atomic_with`]: the
//! contents go to a new temporary file in the target's directory, are flushed to disk (`fsync`), get the
//! target's permissions and are renamed over the target; the directory is then synced so the rename itself
//! survives a power loss. A reader never sees half a file, and a crash, a full disk or a kill at any point
//! leaves either the old file or the new one. On an error the target is untouched and the error names it.
//!
//! A kill can leave the temporary file behind. Its name, `.<name>.hindsight-<pid>-<n>.tmp`, is hidden and
//! ends in `.tmp`, so the walk never checks it ([`hindsight_engine::walk::is_write_leftover`]), and the next
//! write into the same directory removes those of processes that are gone.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context as _;

/// Writes `contents` to `path` atomically (see the module's documentation).
pub(crate) fn atomic(path: &Path, contents: impl AsRef<[u8]>) -> anyhow::Result<()> {
    atomic_with(path, |out| Ok(out.write_all(contents.as_ref())?))
}

/// Writes what `fill` writes to `path` atomically, streaming: `fill` writes into the temporary file, and only
/// when it returns `Ok` is the file synced and renamed over `path`. When `fill` (or anything after it) fails,
/// the temporary file is removed and `path` is as it was; the error names `path`.
pub(crate) fn atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    write(path, fill, false)
}

/// Like [`atomic`], for a script (a git hook): the file is executable (0755 on Unix) from the moment it
/// appears, so git never sees the hook without its executable bit (git skips such a hook silently).
pub(crate) fn atomic_executable(path: &Path, contents: impl AsRef<[u8]>) -> anyhow::Result<()> {
    write(path, |out| Ok(out.write_all(contents.as_ref())?), true)
}

fn write(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
    executable: bool,
) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    sweep_leftovers(dir);
    let (temporary, file) =
        create_temporary(dir, path).with_context(|| format!("cannot create {}", path.display()))?;
    let written = fill_synced(file, fill, path, executable).with_context(|| {
        format!(
            "cannot write {} (through {})",
            path.display(),
            temporary.display()
        )
    });
    let renamed = written.and_then(|()| {
        std::fs::rename(&temporary, path)
            .with_context(|| format!("cannot write {}", path.display()))
    });
    if renamed.is_err() {
        let _ = std::fs::remove_file(&temporary);
        return renamed;
    }
    sync_directory(dir);
    Ok(())
}

/// Temporary files of this process get a number each, so two threads writing the same target (two cache
/// entries for the same content) never share one.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// A new temporary file beside `target`, created exclusively: an existing file or symlink of that name is
/// never followed or truncated (one left by a dead process with our pid is removed and the name tried again).
fn create_temporary(dir: &Path, target: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut last = None;
    for _attempt in 0..3 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let temporary = dir.join(format!(".{name}.hindsight-{}-{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
        {
            Ok(file) => return Ok((temporary, file)),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                let _ = std::fs::remove_file(&temporary);
                last = Some(err);
            }
            Err(err) => return Err(err),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

/// Streams `fill` into the temporary file, gives it the target's permissions (or 0755) and syncs it.
fn fill_synced(
    file: std::fs::File,
    fill: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
    target: &Path,
    executable: bool,
) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(file);
    fill(&mut out)?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    if executable {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            file.set_permissions(std::fs::Permissions::from_mode(0o755))?;
        }
    } else if let Ok(metadata) = std::fs::metadata(target) {
        file.set_permissions(metadata.permissions())?;
    }
    file.sync_all()?;
    Ok(())
}

/// Makes a rename in `dir` durable. Best effort: the new file is already in place, and some platforms and
/// file systems cannot sync a directory; failing the write then would report a write that happened as lost.
fn sync_directory(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Directories this process already swept: once per directory, so writing a thousand files into one costs
/// one listing, not a thousand.
static SWEPT: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

/// Removes temporary files a killed hindsight left in `dir`: those whose process is gone. Another running
/// hindsight's are kept (it may be about to rename one). Only where a process's liveness can be seen
/// (`/proc`); elsewhere they stay, and the walk ignores them.
fn sweep_leftovers(dir: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    {
        let Ok(mut swept) = SWEPT.lock() else {
            return;
        };
        if !swept
            .get_or_insert_with(HashSet::new)
            .insert(dir.to_path_buf())
        {
            return;
        }
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(pid) = leftover_pid(&name.to_string_lossy()) else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
        if !alive && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The process id in a temporary file's name, when `name` is one of ours.
fn leftover_pid(name: &str) -> Option<u32> {
    if !hindsight_engine::walk::is_write_leftover(Path::new(name)) {
        return None;
    }
    let rest = name.strip_suffix(".tmp")?;
    let (_, tail) = rest.rsplit_once(".hindsight-")?;
    tail.split('-').next()?.parse().ok()
}

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;
