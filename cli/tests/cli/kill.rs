//! `check --fix` killed with SIGKILL at random points: every file is whole, old or new, and what a kill leaves
//! behind is never checked and is cleared by the next run.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Project, json_of};

const RULE: &str = include_str!("data/dbg-rule.yaml");

const FILES: usize = 40;

/// File `n` before and after its fix: a few `dbg!` calls among enough lines that writing it takes a while
/// (sizes from 1 KiB to about 40 KiB, so kills land inside writes as well as between them).
fn old_and_new(n: usize) -> (String, String) {
    let padding = "// ".to_string() + &"padding ".repeat(12) + "\n";
    let lines = 10 + (n * 37) % 400;
    let mut old = format!("pub fn f{n}(a: u32) -> u32 {{\n");
    let mut new = old.clone();
    for k in 0..4 {
        old.push_str(&format!("    let v{k} = dbg!({k} + a);\n"));
        new.push_str(&format!("    let v{k} = {k} + a;\n"));
    }
    for _ in 0..lines {
        old.push_str(&padding);
        new.push_str(&padding);
    }
    old.push_str("    v0 + v1 + v2 + v3\n}\n");
    new.push_str("    v0 + v1 + v2 + v3\n}\n");
    (old, new)
}

/// A small xorshift generator: the delays need no quality, only variety and a seed to replay a failure with.
struct Delays(u64);

impl Delays {
    fn next_below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound.max(1)
    }
}

fn fix_command(dir: &Path) -> Command {
    let mut command = Command::new(crate::bin());
    command
        .args([
            "check",
            "src",
            "--no-builtin",
            "--rules",
            "rules",
            "--fix",
            "--format",
            "json",
        ])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// Names in `src/` that are not the project's files: what killed runs left.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("src"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !(name.starts_with('f') && name.ends_with(".rs")))
        // The result cache (here, with no hindsight.toml or repository, in the checked directory): killed runs
        // leave it whole or damaged, and a damaged entry is recomputed (`cache.rs` tests that).
        .filter(|name| name != ".hindsight-cache")
        .collect();
    names.sort();
    names
}

/// Waits until `first` (the first file `--fix` writes: it goes in path order) is no longer `old`, or `limit`.
fn wait_for_first_write(first: &Path, old: usize, limit: Duration) -> Option<Instant> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if std::fs::metadata(first).is_ok_and(|m| m.len() as usize != old) {
            return Some(Instant::now());
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    None
}

#[test]
fn sigkill_during_fix_leaves_every_file_old_or_new() {
    let project = Project::new();
    project.file("rules/dbg.yaml", RULE);
    let contents: Vec<(String, String)> = (0..FILES).map(old_and_new).collect();
    let path = |n: usize| project.path().join(format!("src/f{n:03}.rs"));
    let reset = || {
        for (n, (old, _)) in contents.iter().enumerate() {
            project.file(&format!("src/f{n:03}.rs"), old);
        }
    };
    // One whole run, to know how long a run takes and how long its writing lasts: kills are spread over both.
    reset();
    let started = Instant::now();
    let mut child = fix_command(project.path()).spawn().unwrap();
    let first_write = wait_for_first_write(&path(0), contents[0].0.len(), Duration::from_secs(60));
    let last = path(FILES - 1);
    while std::fs::read_to_string(&last).unwrap() != contents[FILES - 1].1
        && started.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_micros(200));
    }
    let writing = first_write.map_or(Duration::ZERO, |t| t.elapsed());
    assert!(child.wait().unwrap().success());
    let whole = started.elapsed();
    for (n, (_, new)) in contents.iter().enumerate() {
        assert_eq!(&std::fs::read_to_string(path(n)).unwrap(), new);
    }

    let seed = u64::from(std::process::id()) * 0x9E37_79B9 + 1;
    let mut delays = Delays(seed);
    let (mut mid_way, mut iterations) = (0, 0);
    let budget = Instant::now();
    // At least 10 kills; more while the time allows. Every other one waits for the first write and kills
    // within the writing; the rest anywhere in the run (reading, checking, the second pass).
    while iterations < 10 || (iterations < 40 && budget.elapsed() < Duration::from_secs(3)) {
        iterations += 1;
        reset();
        let mut child = fix_command(project.path()).spawn().unwrap();
        let delay = if iterations % 2 == 0 {
            wait_for_first_write(&path(0), contents[0].0.len(), whole * 2);
            delays.next_below(writing.as_micros() as u64 + 1)
        } else {
            delays.next_below(whole.as_micros() as u64 * 11 / 10)
        };
        std::thread::sleep(Duration::from_micros(delay));
        let _ = child.kill(); // SIGKILL on Unix.
        let _ = child.wait();
        let mut fixed = 0;
        for (n, (old, new)) in contents.iter().enumerate() {
            let text = std::fs::read_to_string(path(n)).unwrap();
            assert!(
                text == *old || text == *new,
                "seed {seed}, kill {iterations} after {delay} µs: f{n:03}.rs is neither old nor new ({} bytes)",
                text.len()
            );
            fixed += usize::from(text == *new);
        }
        mid_way += usize::from(fixed > 0 && fixed < FILES);
    }
    assert!(
        mid_way > 0,
        "seed {seed}: none of {iterations} kills landed while files were being fixed"
    );

    // What kills left (temporary files of writes cut short) is hidden, named as ours, and never checked.
    let left = leftovers(project.path());
    for name in &left {
        assert!(
            name.starts_with(".f") && name.ends_with(".tmp") && name.contains(".hindsight-"),
            "{name}"
        );
    }
    let check = project.run(&[
        "check",
        "src",
        "--no-builtin",
        "--rules",
        "rules",
        "--format",
        "json",
    ]);
    let doc = json_of(&check);
    assert_eq!(doc["summary"]["files_checked"], FILES, "{}", check.stdout);
    assert_eq!(doc["notes"], serde_json::json!([]), "{}", check.stdout);
    // The next whole run fixes every file and clears what the killed ones left.
    assert!(fix_command(project.path()).status().unwrap().success());
    for (n, (_, new)) in contents.iter().enumerate() {
        assert_eq!(&std::fs::read_to_string(path(n)).unwrap(), new);
    }
    assert_eq!(leftovers(project.path()), Vec::<String>::new());
}
