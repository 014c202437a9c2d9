//! `check` is deterministic: the same findings in the same order whatever the number of threads, and a file's
//! own findings do not depend on which other files are in the run (repository-scope rules, which read every
//! file of a run at once by design, are compared across thread counts only).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hindsight_engine::walk::{self, FileEntry, WalkOptions};
use hindsight_engine::{Checker, Config, Finding, Lang, RulePack};
use proptest::prelude::*;

/// The repository's `examples/`, copied once into a temporary directory (so nothing the run does touches the
/// repository), with the checker and every file found there.
struct Fixture {
    _dir: tempfile::TempDir,
    checker: Checker,
    files: Vec<FileEntry>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        copy_tree(&examples, dir.path());
        let options = WalkOptions {
            languages: Lang::all().collect(),
            formats: hindsight_engine::data::FORMATS
                .iter()
                .map(|f| f.format)
                .collect(),
            ..WalkOptions::default()
        };
        let (files, problems) = walk::discover(&[dir.path().to_path_buf()], &options);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(files.len() >= 40, "only {} example files", files.len());
        let checker = Checker::new(std::sync::Arc::new(RulePack::builtin()), &Config::default());
        Fixture {
            _dir: dir,
            checker,
            files,
        }
    })
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{e}")) {
        let entry = entry.unwrap_or_else(|e| panic!("{e}"));
        let target = to.join(entry.file_name());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            if entry.file_name() == "target" {
                continue;
            }
            std::fs::create_dir_all(&target).unwrap_or_else(|e| panic!("{e}"));
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

/// What a run shows of a finding, in the order it shows them.
fn shown(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{} {} {} {}",
                f.path.display(),
                f.span.start.line,
                f.span.start.column,
                f.code,
                f.message,
                f.fingerprint
            )
        })
        .collect()
}

fn in_pool<T: Send>(threads: usize, run: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
        .install(run)
}

/// The whole check (per-file and repository-scope rules) of `files`.
fn check(files: &[FileEntry], threads: usize) -> Vec<String> {
    let fixture = fixture();
    let report = in_pool(threads, || {
        walk::check_files(&fixture.checker, files, 1 << 24, &|_| {})
    });
    shown(&report.findings)
}

/// The per-file findings of `files` (no repository-scope rules), by path.
fn per_file(files: &[FileEntry], threads: usize) -> Vec<(PathBuf, Vec<String>)> {
    let fixture = fixture();
    let report = in_pool(threads, || {
        walk::run_files(
            files,
            1 << 24,
            &|source| fixture.checker.check_source(source),
            &|_| {},
        )
    });
    files
        .iter()
        .map(|file| {
            let own: Vec<Finding> = report
                .findings
                .iter()
                .filter(|f| f.path == file.path)
                .cloned()
                .collect();
            (file.path.clone(), shown(&own))
        })
        .collect()
}

/// Each example file's findings checked alone, once.
fn alone() -> &'static Vec<(PathBuf, Vec<String>)> {
    static ALONE: OnceLock<Vec<(PathBuf, Vec<String>)>> = OnceLock::new();
    ALONE.get_or_init(|| {
        fixture()
            .files
            .iter()
            .flat_map(|file| per_file(std::slice::from_ref(file), 1))
            .collect()
    })
}

/// A run's files: some of the examples, in any order (the order a walk lists them in must not matter either).
fn some_files() -> impl Strategy<Value = Vec<usize>> {
    let n = fixture().files.len();
    proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 1..n).prop_shuffle()
}

proptest! {
    // Each case is four checks of up to every example: a few cases keep the suite fast, and every run of the
    // suite tries new ones.
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    #[test]
    fn findings_are_the_same_whatever_the_threads_and_the_other_files(picked in some_files()) {
        let files: Vec<FileEntry> = picked.iter().map(|&i| fixture().files[i].clone()).collect();
        let one = check(&files, 1);
        prop_assert_eq!(&one, &check(&files, 4));
        let mut sorted = files.clone();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        prop_assert_eq!(&one, &check(&sorted, 3));
        for (path, findings) in per_file(&files, 2) {
            let expected = alone().iter().find(|(p, _)| *p == path).map(|(_, f)| f);
            prop_assert_eq!(Some(&findings), expected, "{} in a run of {} files", path.display(), files.len());
        }
    }
}

#[test]
fn the_examples_have_findings_to_compare() {
    let with_findings = alone().iter().filter(|(_, f)| !f.is_empty()).count();
    assert!(with_findings >= 10, "{with_findings}");
}

/// A plain `check` walks before it knows the pack's languages and formats (on a thread of its own while the
/// pack loads), collecting every kind, and narrows the entries afterwards: that must find exactly what a walk
/// of the pack's kinds finds, each file read as the same language and format, with the same scope.
#[test]
fn narrowing_a_walk_of_every_kind_is_the_walk_of_fewer_kinds() {
    use hindsight_engine::data::DataFormat;
    let dir = fixture()._dir.path().to_path_buf();
    let shown = |files: &[FileEntry]| -> Vec<String> {
        files
            .iter()
            .map(|f| {
                let lang = f.lang.map(|l| l.name().to_string());
                format!(
                    "{} {lang:?} {:?} {:?} {}",
                    f.path.display(),
                    f.format,
                    f.scope.role,
                    f.scope.reason
                )
            })
            .collect()
    };
    let kinds: [(Vec<Lang>, Vec<DataFormat>); 4] = [
        (vec![Lang::RUST], vec![]),
        (vec![], vec![DataFormat::Yaml, DataFormat::Json]),
        (vec![Lang::GO, Lang::PYTHON], vec![DataFormat::Dockerfile]),
        (vec![], vec![]),
    ];
    for (languages, formats) in kinds {
        let options = WalkOptions {
            languages,
            formats,
            ..WalkOptions::default()
        };
        let (direct, direct_problems) = walk::discover(std::slice::from_ref(&dir), &options);
        let (every, every_problems) =
            walk::discover(std::slice::from_ref(&dir), &options.clone().every_kind());
        let narrowed = walk::narrow(every, &options);
        assert_eq!(shown(&narrowed), shown(&direct), "{options:?}");
        assert_eq!(direct_problems, every_problems);
    }
    // Not vacuous: the narrow walks found files and the widest found more.
    let rust_only = WalkOptions {
        languages: vec![Lang::RUST],
        ..WalkOptions::default()
    };
    let (rust, _) = walk::discover(std::slice::from_ref(&dir), &rust_only);
    let (all, _) = walk::discover(std::slice::from_ref(&dir), &rust_only.every_kind());
    assert!(!rust.is_empty() && all.len() > rust.len());
}
