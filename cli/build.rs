//! Stamps the git commit into `hindsight --version`: `hindsight 0.1.0 (abc1234 2026-12-06)`, with `-dirty`
//! after the hash when tracked files differ from it. Without git, or outside this repository's checkout (a
//! crates.io tarball), the version is the package version alone.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let stamped = match commit(&manifest_dir) {
        Some(commit) => format!("{version} ({commit})"),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=HINDSIGHT_VERSION={stamped}");
}

/// `abc1234[-dirty] YYYY-MM-DD` of the checkout the package is the root of, or `None` when there is none.
fn commit(dir: &Path) -> Option<String> {
    // Only this repository's own checkout: a tarball unpacked inside some other repository (vendored) must
    // not report that repository's commit.
    if !git(dir, &["rev-parse", "--show-prefix"])?.is_empty() {
        return None;
    }
    watch_head(dir);
    let hash = git(dir, &["rev-parse", "--short=7", "HEAD"])?;
    let date = git(dir, &["log", "-1", "--format=%cs", "HEAD"])?;
    let dirty = git(dir, &["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|status| !status.is_empty());
    Some(format!(
        "{hash}{} {date}",
        if dirty { "-dirty" } else { "" }
    ))
}

/// Reruns this script when HEAD moves: HEAD itself (a checkout), the branch it points to (a commit) and
/// packed-refs. `--git-path` resolves them in a worktree too (HEAD per worktree, refs shared).
fn watch_head(dir: &Path) {
    // Cargo reruns the script when it changes itself; with these lines, not on every change in the package.
    let mut files = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        files.push(branch);
    }
    for file in files {
        let Some(path) = git(dir, &["rev-parse", "--git-path", &file]) else {
            continue;
        };
        let path = dir.join(path);
        // A missing file would make cargo rerun the script on every build.
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}

/// The trimmed stdout of a successful `git` run in `dir`, `None` if git is missing or fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        // Inside a git hook these point at the repository being committed to, not at this checkout.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_COMMON_DIR")
        .env_remove("GIT_PREFIX")
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    Some(String::from_utf8(output.stdout).ok()?.trim().to_string())
}
