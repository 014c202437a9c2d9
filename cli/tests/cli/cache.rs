//! The result cache (`.hindsight-cache/`), `--shard` and `hindsight merge`, end to end on a copy of the
//! bundled examples (Rust, Go, Python, TypeScript, Kubernetes, Terraform, Dockerfiles, CI workflows and
//! repository-scope rules): a cached run reports exactly what a cold run reports, whatever state the cache is
//! in, and the shards of a run together report exactly what the run reports.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{Run, bin, repo_root, run_in, run_on};

/// A copy of `examples/` in a temporary directory.
fn examples() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo_root().join("examples"), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The JSON report without the wall time, which differs run to run.
fn report(run: &Run) -> Value {
    let mut doc: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    doc["summary"].as_object_mut().unwrap().remove("elapsed_ms");
    doc
}

fn check_json(dir: &Path, extra: &[&str]) -> (Value, Run) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let run = run_in(dir, &args);
    (report(&run), run)
}

/// The one pack file of the default cache in `dir`.
fn pack_file(dir: &Path) -> PathBuf {
    let packs: Vec<PathBuf> = std::fs::read_dir(dir.join(".hindsight-cache/v1"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(packs.len(), 1, "{packs:?}");
    packs[0].clone()
}

#[test]
fn a_warm_run_reports_exactly_what_a_cold_run_reports() {
    let dir = examples();
    let (cold, cold_run) = check_json(dir.path(), &["--no-cache"]);
    assert!(
        !dir.path().join(".hindsight-cache").exists(),
        "--no-cache writes nothing"
    );
    assert!(cold["findings"].as_array().unwrap().len() > 20, "{cold}");
    let (first, first_run) = check_json(dir.path(), &[]);
    let (warm, warm_run) = check_json(dir.path(), &[]);
    assert_eq!(first, cold);
    assert_eq!(warm, cold);
    assert_eq!(
        (first_run.code, warm_run.code),
        (cold_run.code, cold_run.code)
    );
    // The cache ignores itself in git, and backup tools skip it.
    let cache = dir.path().join(".hindsight-cache");
    assert_eq!(
        std::fs::read_to_string(cache.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    assert!(cache.join("CACHEDIR.TAG").exists());
    // Human output too, summary line aside.
    let human = |run: Run| {
        run.stdout
            .lines()
            .filter(|l| !l.starts_with("checked "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        human(run_in(dir.path(), &["check"])),
        human(run_in(dir.path(), &["check", "--no-cache"]))
    );
}

/// The results really come from the cache: an entry rewritten (with a valid checksum) is what the run
/// reports, until the file changes.
#[test]
fn a_stored_result_is_used_until_its_file_changes() {
    let dir = examples();
    let (cold, _) = check_json(dir.path(), &[]);
    let finding = &cold["findings"][0];
    let path = finding["path"].as_str().unwrap().to_string();
    let message = finding["message"].as_str().unwrap().to_string();
    let pack = pack_file(dir.path());
    let text = std::fs::read_to_string(&pack).unwrap();
    let rewritten: Vec<String> = text
        .lines()
        .map(|line| match line.split_once(' ') {
            Some((_, json))
                if json.contains(&format!("\"path\":\"{path}\"")) && json.contains(&message) =>
            {
                let json = json.replace(&message, "MARKED BY THE TEST");
                format!(
                    "{:016x} {json}",
                    xxhash_rust::xxh3::xxh3_64(json.as_bytes())
                )
            }
            _ => line.to_string(),
        })
        .collect();
    std::fs::write(&pack, rewritten.join("\n") + "\n").unwrap();
    let (warm, _) = check_json(dir.path(), &[]);
    assert_eq!(warm["findings"][0]["message"], "MARKED BY THE TEST");
    // Changing the file (one byte at the end) makes its key change: the file is checked again.
    let file = dir.path().join(&path);
    let mut contents = std::fs::read(&file).unwrap();
    contents.push(b'\n');
    std::fs::write(&file, contents).unwrap();
    let (after, _) = check_json(dir.path(), &[]);
    let (cold_after, _) = check_json(dir.path(), &["--no-cache"]);
    assert_eq!(after, cold_after);
    assert_eq!(
        after["findings"][0]["message"].as_str(),
        Some(message.as_str())
    );
}

#[test]
fn a_damaged_or_truncated_cache_is_computed_again() {
    let dir = examples();
    let (cold, _) = check_json(dir.path(), &["--no-cache"]);
    check_json(dir.path(), &[]);
    let pack = pack_file(dir.path());
    let good = std::fs::read(&pack).unwrap();
    let damaged = {
        // One byte changed in the middle of every tenth line: JSON that may still parse, a checksum that fails.
        let mut bytes = good.clone();
        let mut line_start = 0;
        for (n, line) in good.split(|&b| b == b'\n').enumerate() {
            if n % 10 == 5 && line.len() > 40 {
                let at = line_start + line.len() / 2;
                bytes[at] = if bytes[at] == b'a' { b'b' } else { b'a' };
            }
            line_start += line.len() + 1;
        }
        bytes
    };
    let truncated = good[..good.len() / 2].to_vec();
    let cases: [(&str, Vec<u8>); 4] = [
        ("damaged lines", damaged),
        ("truncated", truncated),
        ("garbage", b"\x00\xffnot a cache at all".to_vec()),
        ("empty", Vec::new()),
    ];
    for (what, contents) in cases {
        std::fs::write(&pack, &contents).unwrap();
        let (warm, run) = check_json(dir.path(), &[]);
        assert_eq!(warm, cold, "{what}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{what}: {}", run.stderr);
        // The run wrote a whole cache again, and the next run reads it.
        assert_eq!(std::fs::read(&pack).unwrap(), good, "{what}");
    }
}

#[test]
fn an_unwritable_cache_is_a_note_and_the_run_goes_on() {
    let dir = examples();
    let (cold, cold_run) = check_json(dir.path(), &["--no-cache"]);
    // A directory that cannot be created (its parent is a file), whoever runs the test.
    std::fs::write(dir.path().join("not-a-dir"), "").unwrap();
    let (run_report, run) = check_json(dir.path(), &["--cache-dir", "not-a-dir/cache"]);
    assert_eq!(run.code, cold_run.code);
    assert_eq!(run_report["findings"], cold["findings"]);
    let notes = run_report["notes"].as_array().unwrap();
    let note = notes
        .iter()
        .find(|n| n["kind"] == "cache")
        .unwrap_or_else(|| panic!("{notes:?}"));
    assert_eq!(note["path"], "not-a-dir/cache");
    assert!(
        note["message"].as_str().unwrap().contains("not saved"),
        "{note}"
    );
}

#[test]
fn concurrent_runs_share_the_cache_safely() {
    let dir = examples();
    let (cold, _) = check_json(dir.path(), &["--no-cache"]);
    for _round in 0..2 {
        let children: Vec<std::process::Child> = (0..4)
            .map(|_| {
                std::process::Command::new(bin())
                    .args(["check", "--format", "json"])
                    .current_dir(dir.path())
                    .env("HINDSIGHT_TODAY", "2026-06-01")
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            let run = Run {
                code: output.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            };
            assert_eq!(report(&run), cold, "{}", run.stderr);
        }
    }
    // One whole pack file, no temporary files left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path().join(".hindsight-cache/v1"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert_eq!(check_json(dir.path(), &[]).0, cold);
}

/// Waivers and `until=` suppressions expire by date, and `[[rollout]]` stages change on theirs: a result
/// cached on one day is reported as a cold run reports it on the next.
#[test]
fn what_depends_on_the_date_follows_the_date() {
    let dir = tempfile::tempdir().unwrap();
    // The strict profile reports every `.unwrap()` outside tests.
    let unwrap = "pub fn f(x: Option<u8>) -> u8 {\n    x.unwrap()\n}\n";
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/waived.rs"), unwrap).unwrap();
    std::fs::write(
        dir.path().join("src/allowed.rs"),
        format!("// hindsight-allow(HS1001, until=2026-12-31): parsed input is validated upstream\n{unwrap}"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("hindsight.toml"),
        "[rules]\nprofile = \"strict\"\n\n[[waiver]]\nrule = \"HS1001\"\npaths = [\"src/waived.rs\"]\nowner = \"team\"\nexpires = \"2026-12-31\"\nreason = \"legacy\"\n",
    )
    .unwrap();
    for day in ["2026-06-01", "2027-01-05", "2026-06-01"] {
        let warm = run_on(dir.path(), day, &["check", "--format", "json"]);
        let cold = run_on(
            dir.path(),
            day,
            &["check", "--format", "json", "--no-cache"],
        );
        assert_eq!(report(&warm), report(&cold), "{day}: {}", warm.stderr);
        assert_eq!(warm.code, cold.code, "{day}");
    }
    let late = report(&run_on(
        dir.path(),
        "2027-01-05",
        &["check", "--format", "json"],
    ));
    let unsuppressed = late["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "HS1001" && f["suppressed"].is_null())
        .count();
    assert_eq!(unsuppressed, 2, "both expired: {late}");
}

#[test]
fn cache_clean_removes_only_a_cache() {
    let dir = examples();
    check_json(dir.path(), &[]);
    let cache = dir.path().join(".hindsight-cache");
    assert!(cache.exists());
    let run = run_in(dir.path(), &["cache", "clean"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!cache.exists());
    let again = run_in(dir.path(), &["cache", "clean"]);
    assert_eq!(again.code, 0);
    assert!(again.stdout.starts_with("no cache at"), "{}", again.stdout);
    // A directory hindsight did not write is left alone.
    let refused = run_in(dir.path(), &["cache", "clean", "--cache-dir", "kubernetes"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("is not a hindsight cache"),
        "{}",
        refused.stderr
    );
    assert!(dir.path().join("kubernetes").exists());
    // `--cache-dir` elsewhere: the run writes there, `cache clean --cache-dir` removes it.
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("ci-cache");
    check_json(dir.path(), &["--cache-dir", target.to_str().unwrap()]);
    assert!(target.join("v1").exists());
    assert!(!cache.exists());
    assert_eq!(
        run_in(
            dir.path(),
            &["cache", "clean", "--cache-dir", target.to_str().unwrap()]
        )
        .code,
        0
    );
    assert!(!target.exists());
}

#[test]
fn shards_together_report_what_the_whole_run_reports() {
    let dir = examples();
    let whole = report(&run_in(
        dir.path(),
        &["check", "--format", "json", "--no-cache"],
    ));
    let whole_sarif: Value = serde_json::from_str(
        &run_in(dir.path(), &["check", "--format", "sarif", "--no-cache"]).stdout,
    )
    .unwrap();
    for n in [2, 3, 5] {
        let mut shards = Vec::new();
        let mut sarifs = Vec::new();
        let mut n_files = 0;
        for k in 1..=n {
            let shard = format!("{k}/{n}");
            let json_path = dir.path().join(format!("../shard-{k}-of-{n}.json"));
            let sarif_path = dir.path().join(format!("../shard-{k}-of-{n}.sarif"));
            let run = run_in(
                dir.path(),
                &[
                    "check",
                    "--shard",
                    &shard,
                    "--format",
                    "json",
                    "--output",
                    &format!("sarif={}", sarif_path.display()),
                ],
            );
            assert!(run.stderr.is_empty(), "{}", run.stderr);
            n_files += report(&run)["summary"]["files_checked"].as_u64().unwrap();
            std::fs::write(&json_path, &run.stdout).unwrap();
            shards.push(json_path.display().to_string());
            sarifs.push(sarif_path.display().to_string());
        }
        assert_eq!(
            Some(n_files),
            whole["summary"]["files_checked"].as_u64(),
            "each file in one shard"
        );
        let mut args = vec!["merge"];
        args.extend(shards.iter().map(String::as_str));
        let merged = run_in(dir.path(), &args);
        assert_eq!(merged.code, 0, "{}", merged.stderr);
        assert_eq!(report(&merged), whole, "{n} shards");
        let mut args = vec!["merge"];
        args.extend(sarifs.iter().map(String::as_str));
        let merged: Value = serde_json::from_str(&run_in(dir.path(), &args).stdout).unwrap();
        assert_eq!(merged, whole_sarif, "{n} SARIF shards");
    }
    let bad = run_in(dir.path(), &["check", "--shard", "4/3"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("K must be between 1 and N"),
        "{}",
        bad.stderr
    );
}

#[test]
fn timings_report_rules_parsing_and_the_slowest_files() {
    let dir = examples();
    let (plain, _) = check_json(dir.path(), &["--no-cache"]);
    assert!(plain.get("timings").is_none(), "only with --timings");
    let (timed, run) = check_json(dir.path(), &["--timings"]);
    // Measuring changes nothing else.
    let mut without = timed.clone();
    without.as_object_mut().unwrap().remove("timings");
    assert_eq!(without, plain);
    let timings = &timed["timings"];
    let rules = timings["rules"].as_array().unwrap();
    let codes: Vec<&str> = rules.iter().map(|r| r["code"].as_str().unwrap()).collect();
    // A structural rule and a Rego rule that found something here both took time of their kind.
    let time_of = |code: &str, kind: &str| {
        rules
            .iter()
            .find(|r| r["code"] == code)
            .unwrap_or_else(|| panic!("{code} in {codes:?}"))[kind]
            .as_f64()
            .unwrap()
    };
    assert!(time_of("HS1001", "matching_ms") > 0.0, "{timings}");
    assert!(time_of("HS8020", "rego_ms") > 0.0, "{timings}");
    let total = |r: &Value| r["total_ms"].as_f64().unwrap();
    assert!(
        rules.windows(2).all(|w| total(&w[0]) >= total(&w[1])),
        "slowest first"
    );
    let parse = timings["parse"].as_array().unwrap();
    let files_of = |language: &str| {
        parse
            .iter()
            .find(|p| p["language"] == language)
            .map(|p| p["files"].as_u64().unwrap())
    };
    assert_eq!(files_of("rust"), Some(4), "{parse:?}");
    // `container/api/Dockerfile.fixed` is not read: every `FROM` is pinned and nothing is downloaded or
    // upgraded, so no rule's prefilter admits it.
    assert_eq!(files_of("dockerfile"), Some(3), "{parse:?}");
    let checked: Vec<&str> = timed["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let slowest = timings["slowest_files"].as_array().unwrap();
    assert_eq!(slowest.len(), 15);
    assert!(
        slowest
            .iter()
            .all(|f| dir.path().join(f["path"].as_str().unwrap()).is_file()),
        "{slowest:?} {checked:?}"
    );
    assert_eq!(timings["from_cache"], 0, "{}", run.stderr);
    // The next run takes every file from the cache, and says so.
    let (warm, _) = check_json(dir.path(), &["--timings"]);
    assert_eq!(
        warm["timings"]["from_cache"],
        timed["summary"]["files_checked"]
    );
    // Human output: the tables after the report.
    let human = run_in(dir.path(), &["check", "--timings"]);
    for heading in [
        "timings (ms, summed over threads)",
        "parse",
        "slowest files (ms)",
        "files from the result cache",
    ] {
        assert!(
            human.stdout.contains(heading),
            "{heading}: {}",
            human.stdout
        );
    }
}
