//! Existing conftest policies run unchanged: the violations match what conftest gives for the fixture in
//! `tests/conftest/` (written down by hand from OPA's semantics in `expected.json`), now with lines.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hindsight_engine::rule::Namespaces;
use hindsight_engine::walk::{self, WalkOptions};
use hindsight_engine::{Checker, Config, RulePack};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conftest")
}

/// Runs the fixture's policies on its inputs and renders each finding like the expectations.
fn run(namespaces: &Namespaces) -> Vec<serde_json::Value> {
    let mut pack = RulePack::new();
    pack.add_conftest_dir(&fixture().join("policy"), namespaces);
    assert_eq!(pack.problems(), &[], "the fixture's policies must load");
    let pack = Arc::new(pack);
    let checker = Checker::new(pack.clone(), &Config::default());
    let options = WalkOptions {
        languages: checker.languages().collect(),
        formats: checker.formats(),
        ..WalkOptions::default()
    };
    let (files, problems) = walk::discover(&[fixture().join("inputs")], &options);
    assert!(problems.is_empty(), "{problems:?}");
    let report = walk::check_files(&checker, &files, 1 << 20, &|_| {});
    let mut out: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let path = f
                .path
                .strip_prefix(fixture())
                .unwrap_or(&f.path)
                .to_string_lossy()
                .replace('\\', "/");
            let code = if f.code.starts_with("CT") {
                "derived".to_string()
            } else {
                f.code.to_string()
            };
            serde_json::json!({
                "path": path,
                "line": f.span.start.line,
                "severity": f.severity.as_str(),
                "code": code,
                "message": f.message,
            })
        })
        .collect();
    out.sort_by_key(|v| v.to_string());
    out
}

fn expected(key: &str) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(fixture().join("expected.json")).unwrap();
    let all: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut list = all[key].as_array().unwrap().clone();
    list.sort_by_key(|v| v.to_string());
    list
}

#[test]
fn default_namespace_matches_conftest() {
    assert_eq!(
        run(&Namespaces::Default),
        expected("namespace main (conftest's default)")
    );
}

#[test]
fn named_namespace_matches_conftest() {
    assert_eq!(
        run(&Namespaces::Named(vec!["kubernetes".into()])),
        expected("namespace kubernetes")
    );
}

#[test]
fn all_namespaces_is_the_union() {
    let mut want = expected("namespace main (conftest's default)");
    want.extend(expected("namespace kubernetes"));
    want.sort_by_key(|v| v.to_string());
    assert_eq!(run(&Namespaces::All), want);
}

#[test]
fn metadata_names_the_rule_and_missing_metadata_derives_one() {
    let mut pack = RulePack::new();
    pack.add_conftest_dir(&fixture().join("policy"), &Namespaces::All);
    let main = pack.get("ACME2001").unwrap();
    assert_eq!(main.title, "Containers must not run as root");
    assert_eq!(&*main.id, "conftest-main");
    let derived = pack.get("conftest-kubernetes").unwrap();
    assert!(derived.code.starts_with("CT"), "{}", derived.code);
}
