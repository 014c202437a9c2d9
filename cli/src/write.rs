//! Files hindsight writes for the user (`init`, `new rule`, baselines, hooks, man pages): atomically, through a temporary file in the same
//! directory renamed over the target, so a reader never sees half a file.

use std::path::Path;

use anyhow::Context as _;

/// Writes `contents` to `path` atomically: a temporary file beside it, then a rename.
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
    std::fs::write(&temporary, contents)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot write {}", path.display())
    })
}
