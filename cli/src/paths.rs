//! How paths are shown: relative to the working directory when below it (as a walk found them), with `/`
//! between components for the formats CI systems read. A leaf module, so that loading (`setup.rs`) and
//! printing (`printer/`) share it without depending on each other.

use std::path::{Path, PathBuf};

/// Shows a discovered absolute path relative to the working directory when it is below it.
pub(crate) fn display_path(path: &Path) -> PathBuf {
    let Ok(cwd) = std::env::current_dir() else {
        return path.to_path_buf();
    };
    path.strip_prefix(&cwd)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

/// The working directory of the git repository that holds `start` (a file or a directory), absolute: the
/// nearest ancestor with a `.git` (a directory, or the file of a worktree or a submodule).
pub(crate) fn git_root(start: &Path) -> Option<PathBuf> {
    std::path::absolute(start)
        .ok()?
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// A path with `/` between its components on every platform.
pub(crate) fn forward_slashes(path: &Path) -> String {
    let text = path.to_string_lossy();
    // Only where `\` separates paths: on Unix it is a legal file-name character.
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_below_the_working_directory_become_relative() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            display_path(&cwd.join("src").join("lib.rs")),
            Path::new("src").join("lib.rs")
        );
        assert_eq!(
            display_path(Path::new("src/lib.rs")),
            Path::new("src/lib.rs")
        );
        let outside = cwd
            .parent()
            .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
        if outside != cwd {
            assert_eq!(display_path(&outside), outside);
        }
    }

    #[test]
    fn components_are_joined_with_forward_slashes() {
        assert_eq!(
            forward_slashes(&Path::new("src").join("a b.rs")),
            "src/a b.rs"
        );
    }
}
