//! Files hindsight writes for the user (`--fix`, `init`, `new rule`, baselines, hooks, man pages, `codex export
//! -o`, the docs site): atomically, through a temporary file in the same directory, flushed to disk and renamed
//! over the target with the target's permissions, so a reader never sees half a file and a crash, a full disk or
//! a kill leaves either the old file or the new one.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;

/// Writes `contents` to `path` atomically: a temporary file beside it, synced, given the permissions `path`
/// has (when it exists), then renamed over it. On any error `path` is untouched and the error names it.
pub(crate) fn atomic(path: &Path, contents: impl AsRef<[u8]>) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.hindsight-{}.tmp", std::process::id()));
    let written = write_synced(&temporary, contents.as_ref(), path);
    let renamed = written.and_then(|()| {
        std::fs::rename(&temporary, path)
            .with_context(|| format!("cannot write {}", path.display()))
    });
    if renamed.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    renamed
}

/// The temporary file: its contents on disk, with the permissions of the file it replaces.
fn write_synced(temporary: &Path, contents: &[u8], target: &Path) -> anyhow::Result<()> {
    let context = || {
        format!(
            "cannot write {} (through {})",
            target.display(),
            temporary.display()
        )
    };
    let mut file = std::fs::File::create(temporary).with_context(context)?;
    file.write_all(contents).with_context(context)?;
    if let Ok(metadata) = std::fs::metadata(target) {
        file.set_permissions(metadata.permissions())
            .with_context(context)?;
    }
    file.sync_all().with_context(context)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_is_replaced_whole_and_keeps_its_permissions() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("run.sh");
        std::fs::write(&path, "old\n").unwrap_or_else(|e| panic!("{e}"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o751))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        atomic(&path, "new\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            std::fs::read_to_string(&path).ok().as_deref(),
            Some("new\n")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(mode.ok(), Some(0o751));
        }
        // Nothing is left beside it.
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(left, [std::ffi::OsString::from("run.sh")]);
    }

    #[test]
    fn a_failed_write_leaves_the_original_byte_for_byte_and_names_it() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // The target is a directory: the rename over it fails after the temporary file was written.
        let path = dir.path().join("taken");
        std::fs::create_dir(&path).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path.join("inside"), "kept").unwrap_or_else(|e| panic!("{e}"));
        let err = atomic(&path, "new").err().map(|e| format!("{e:#}"));
        assert!(
            err.as_deref().is_some_and(|e| e.contains("taken")),
            "{err:?}"
        );
        assert_eq!(
            std::fs::read_to_string(path.join("inside")).ok().as_deref(),
            Some("kept")
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(left, [std::ffi::OsString::from("taken")]);
    }
}
