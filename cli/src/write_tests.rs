//! Fault injection for [`super::atomic`]: writers that fail mid-way, renames that fail, directories that
//! cannot be written, concurrent writers and leftovers of killed runs.

use super::*;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A writer that accepts `left` bytes and then fails the way a full disk does.
struct FullDisk<'a> {
    inner: &'a mut dyn Write,
    left: usize,
}

impl Write for FullDisk<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "no space left on device",
            ));
        }
        let n = buf.len().min(self.left);
        self.left -= n;
        self.inner.write(&buf[..n])
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[test]
fn the_target_is_replaced_whole_and_keeps_its_permissions() {
    let dir = tempdir();
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
    assert_eq!(names_in(dir.path()), ["run.sh"]);
}

#[test]
fn a_writer_failing_mid_way_leaves_the_original_byte_for_byte_and_names_it() {
    let dir = tempdir();
    let path = dir.path().join("report.sarif");
    // Not valid UTF-8 and with a trailing byte without newline: "byte for byte" means bytes.
    let original: &[u8] = b"old contents\n\xff\xfe no newline";
    std::fs::write(&path, original).unwrap_or_else(|e| panic!("{e}"));
    let new = "x".repeat(1 << 20);
    for left in [0, 1, 4096, 8191, 8192, 100_000, (1 << 20) - 1] {
        let err = atomic_with(&path, |out| {
            let mut disk = FullDisk { inner: out, left };
            disk.write_all(new.as_bytes())?;
            disk.flush()?;
            Ok(())
        })
        .err()
        .map(|e| format!("{e:#}"));
        let err = err.unwrap_or_else(|| panic!("a write failing after {left} bytes succeeded"));
        assert!(err.contains("report.sarif"), "{err}");
        assert!(err.contains("no space left on device"), "{err}");
        assert_eq!(
            std::fs::read(&path).ok().as_deref(),
            Some(original),
            "after {left} bytes"
        );
        assert_eq!(names_in(dir.path()), ["report.sarif"], "after {left} bytes");
    }
}

#[test]
fn a_printer_error_after_half_the_output_leaves_no_file_where_there_was_none() {
    let dir = tempdir();
    let path = dir.path().join("out.json");
    let err = atomic_with(&path, |out| {
        out.write_all(b"{\"findings\": [")?;
        anyhow::bail!("the printer gave up")
    })
    .err()
    .map(|e| format!("{e:#}"));
    assert!(
        err.as_deref()
            .is_some_and(|e| e.contains("out.json") && e.contains("the printer gave up")),
        "{err:?}"
    );
    assert!(names_in(dir.path()).is_empty());
}

#[test]
fn a_failed_rename_leaves_the_original_and_names_it() {
    let dir = tempdir();
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
    assert_eq!(names_in(dir.path()), ["taken"]);
}

/// A directory nobody may create files in: a read-only file system (`/proc` takes no new files, even from
/// root), and a directory without write permission where permissions bind (not for root).
#[test]
#[cfg(target_os = "linux")]
fn a_directory_that_cannot_be_written_leaves_the_original_and_names_it() {
    let target = Path::new("/proc/version");
    let before = std::fs::read(target).unwrap_or_else(|e| panic!("{e}"));
    let err = atomic(target, "replaced").err().map(|e| format!("{e:#}"));
    assert!(
        err.as_deref().is_some_and(|e| e.contains("/proc/version")),
        "{err:?}"
    );
    assert_eq!(std::fs::read(target).ok(), Some(before));

    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempdir();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap_or_else(|e| panic!("{e}"));
    let path = locked.join("baseline.json");
    std::fs::write(&path, "[1]").unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555))
        .unwrap_or_else(|e| panic!("{e}"));
    let binds = std::fs::File::create(locked.join("probe")).is_err();
    let result = atomic(&path, "[2]");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    if binds {
        let err = result.err().map(|e| format!("{e:#}"));
        assert!(
            err.as_deref().is_some_and(|e| e.contains("baseline.json")),
            "{err:?}"
        );
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("[1]"));
        assert_eq!(names_in(&locked), ["baseline.json"]);
    }
}

#[test]
fn concurrent_writers_of_one_target_each_leave_a_whole_file() {
    let dir = tempdir();
    let path = dir.path().join("entry");
    let contents: Vec<String> = (0..8).map(|n| format!("{n}").repeat(64 * 1024)).collect();
    std::thread::scope(|scope| {
        for text in &contents {
            let path = &path;
            scope.spawn(move || atomic(path, text).unwrap_or_else(|e| panic!("{e:#}")));
        }
    });
    let last = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        contents.contains(&last),
        "a mixed file of {} bytes",
        last.len()
    );
    assert_eq!(names_in(dir.path()), ["entry"]);
}

#[test]
#[cfg(target_os = "linux")]
fn leftovers_of_dead_processes_are_removed_and_those_of_live_ones_kept() {
    let dir = tempdir();
    // Beyond the kernel's largest pid (2^22), so no process has it.
    let dead = ".a.yaml.hindsight-4194305-0.tmp";
    let live = ".a.yaml.hindsight-1-0.tmp";
    for name in [dead, live, "a.yaml", ".a.yaml.tmp"] {
        std::fs::write(dir.path().join(name), "x").unwrap_or_else(|e| panic!("{e}"));
    }
    atomic(&dir.path().join("b.yaml"), "y").unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(
        names_in(dir.path()),
        [
            ".a.yaml.hindsight-1-0.tmp",
            ".a.yaml.tmp",
            "a.yaml",
            "b.yaml"
        ]
    );
    assert_eq!(leftover_pid(dead), Some(4_194_305));
    assert_eq!(leftover_pid("a.yaml"), None);
}

#[test]
#[cfg(unix)]
fn a_script_is_executable_from_the_moment_it_appears() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempdir();
    let path = dir.path().join("pre-commit");
    atomic_executable(&path, "#!/bin/sh\n").unwrap_or_else(|e| panic!("{e:#}"));
    let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
    assert_eq!(mode.ok(), Some(0o755));
    // Replacing a hook that lost its bit makes it executable again.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
        .unwrap_or_else(|e| panic!("{e}"));
    atomic_executable(&path, "#!/bin/sh\nexit 0\n").unwrap_or_else(|e| panic!("{e:#}"));
    let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
    assert_eq!(mode.ok(), Some(0o755));
}
