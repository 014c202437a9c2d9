//! Running a rendering tool (`helm template`, `kustomize build`) with a time limit: a tool that hangs (a
//! `lookup` waiting for a cluster, a plugin asking for input) is killed, and the run goes on.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a tool run ended.
pub(crate) enum Ran {
    /// Exit status 0: what it printed.
    Output(String),
    /// It failed: its exit status and what it said on stderr (or stdout when stderr was empty).
    Failed(String),
    /// Still running after the time limit; it was killed.
    TimedOut,
    /// It could not be started.
    NotStarted(std::io::Error),
}

/// Poll interval while waiting for a tool: short against a render's usual tens of milliseconds.
const POLL: Duration = Duration::from_millis(5);

/// Runs `program args…` in `dir` with stdin closed, for at most `timeout`.
pub(crate) fn run(program: &Path, args: &[String], timeout: Duration) -> Ran {
    let mut child = match Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(err) => return Ran::NotStarted(err),
    };
    // Both pipes are drained on threads while waiting, so a large rendering never blocks the tool.
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() >= timeout => break None,
            Ok(None) => std::thread::sleep(POLL),
            Err(err) => return Ran::NotStarted(err),
        }
    };
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        // The drain threads are left to finish on their own: a grandchild may still hold the pipes open.
        return Ran::TimedOut;
    };
    let out = stdout.and_then(|h| h.join().ok()).unwrap_or_default();
    let err = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
    if status.success() {
        return Ran::Output(out);
    }
    let said = if err.trim().is_empty() { out } else { err };
    let status = status
        .code()
        .map_or_else(|| "a signal".to_string(), |code| format!("status {code}"));
    Ran::Failed(format!("exit {status}: {}", one_paragraph(&said)))
}

/// Reads a pipe to the end on a thread (lossily: a tool's message is shown, never parsed).
fn drain(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// A tool's message on one line, at most a few hundred characters: notes are one line each.
fn one_paragraph(text: &str) -> String {
    const MAX: usize = 400;
    let joined = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if joined.chars().count() > MAX {
        let cut: String = joined.chars().take(MAX).collect();
        format!("{cut}…")
    } else {
        joined
    }
}

/// The first executable named `name` on `PATH`.
pub(crate) fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}
