//! Unit tests of `check`: `--fix` against files that change or vanish between the check and the fix.

use super::*;

/// A rule pack with one fixable rule (`dbg!(x)` → `x`), a file it fixes, and the first check's report.
fn checked_fixable_file(dir: &Path) -> (PathBuf, Report) {
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        rules.join("dbg.yaml"),
        include_str!("../../tests/cli/data/dbg-rule.yaml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut pack = hindsight_engine::RulePack::new();
    pack.add_dir(&rules);
    assert!(pack.problems().is_empty(), "{:?}", pack.problems());
    let checker = Checker::new(std::sync::Arc::new(pack), &Config::default());
    let path = dir.join("lib.rs");
    std::fs::write(&path, "fn f(a: u8) -> u8 {\n    dbg!(a)\n}\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let options = WalkOptions {
        languages: vec![hindsight_engine::Lang::RUST],
        ..WalkOptions::default()
    };
    let (files, _) = walk::discover(std::slice::from_ref(&path), &options);
    let report = walk::check_files(&checker, &files, 1 << 20, &|_| {});
    assert!(
        report.findings.iter().any(|f| f.fix.is_some()),
        "{:?}",
        report.findings
    );
    (path, report)
}

#[test]
fn a_file_changed_between_check_and_fix_is_left_byte_for_byte_with_a_note() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (path, report) = checked_fixable_file(dir.path());
    // Someone (an editor, a formatter) writes the file after the check: the fix's offsets are stale.
    let edited = "// moved down a line\nfn f(a: u8) -> u8 {\n    dbg!(a)\n}\n";
    std::fs::write(&path, edited).unwrap_or_else(|e| panic!("{e}"));
    let mut outcome = FixOutcome::default();
    assert_eq!(apply_fixes(&report, &mut outcome), 0);
    assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some(edited));
    let notes: Vec<String> = outcome
        .changed
        .values()
        .map(|n| format!("{} {}: {}", n.kind.name(), n.path.display(), n.message()))
        .collect();
    assert_eq!(
        notes,
        [format!(
            "not-fixed {}: not fixed: the file changed since it was checked; run --fix again",
            path.display()
        )]
    );
    assert!(outcome.failed.is_empty());
}

#[test]
fn an_unchanged_file_is_fixed_and_an_unwritable_one_fails_alone() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (path, report) = checked_fixable_file(dir.path());
    let mut outcome = FixOutcome::default();
    assert_eq!(apply_fixes(&report, &mut outcome), 1);
    assert_eq!(
        std::fs::read_to_string(&path).ok().as_deref(),
        Some("fn f(a: u8) -> u8 {\n    a\n}\n")
    );
    assert!(outcome.changed.is_empty() && outcome.failed.is_empty());

    // The same file gone by the time of the fix: a problem naming it, not an error ending the run.
    let (path, report) = checked_fixable_file(&dir.path().join("again"));
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut outcome = FixOutcome::default();
    assert_eq!(apply_fixes(&report, &mut outcome), 0);
    assert_eq!(outcome.failed.len(), 1);
    assert!(
        outcome.failed[0].message.contains("lib.rs"),
        "{}",
        outcome.failed[0].message
    );
}

#[test]
fn no_paths_means_the_current_directory_and_empty_ones_are_skipped() {
    assert_eq!(requested_paths(&[]).unwrap(), vec![PathBuf::from(".")]);
    let given = vec![PathBuf::from("src"), PathBuf::from("tests")];
    assert_eq!(requested_paths(&given).unwrap(), given);
    let with_empty = vec![PathBuf::from("src"), PathBuf::new()];
    assert_eq!(
        requested_paths(&with_empty).unwrap(),
        [PathBuf::from("src")]
    );
    assert!(requested_paths(&[PathBuf::new()]).is_err());
}
