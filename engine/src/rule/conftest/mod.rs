//! Plain conftest policies (`hindsight check --policy PATH`): directories or files of `.rego` policies, queried
//! per namespace for `deny`, `violation` and `warn` (and their `_suffixed` forms, with `exception`s) exactly as
//! conftest does (`crate::rego` applies its conventions), with line and column added; `--data` documents,
//! `--combine` and namespace patterns as `conftest test` has them.
//!
//! Each selected namespace becomes one rule. Its metadata comes from an OPA `# METADATA` block with package
//! scope (the block right above a `package` line): `title`, `description`, `related_resources`, and in
//! `custom` our own fields `code`, `id`, `severity`, `why`, `fix`. A namespace without metadata gets a derived
//! id (`conftest-main`) and code (`CT` and four digits from a stable hash of the namespace).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::{
    Docs, Enforcement, LazyPolicy, LoadProblem, Origin, RegoRule, Rule, Scope, Stage, TestCode,
};
use crate::data::DataFormat;
use crate::finding::Severity;
use crate::rego::{Policy, Source};

mod data;

/// The time budget of a plain conftest policy, at load and on each file (conftest has no rule file to set one).
const CONFTEST_BUDGET: Duration = Duration::from_secs(1);

/// Which namespaces (packages) of the policies are queried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Namespaces {
    /// `main`, conftest's default.
    Default,
    /// These packages (`--namespace`, without the `data.` prefix). When any of them holds a glob character
    /// (`*`, `?`, `[`), each is a pattern matched against every package, as conftest does (`c*`, `main.*`);
    /// otherwise they are names, and a name no policy declares queries nothing, as in conftest.
    Named(Vec<String>),
    /// Every package that defines a result rule.
    All,
}

/// How `conftest test`'s options shape the rules of a set of policies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConftestOptions {
    /// Which packages are queried.
    pub namespaces: Namespaces,
    /// `--data`: files and directories of JSON and YAML documents, merged at `data` for every policy.
    pub data: Vec<PathBuf>,
    /// `--combine`: every policy sees all documents of the check at once, as conftest's list of
    /// `{"path", "contents"}` (the repository scope of `docs/rego.md`, which also has `document`).
    pub combine: bool,
}

impl Default for ConftestOptions {
    fn default() -> Self {
        Self {
            namespaces: Namespaces::Default,
            data: Vec::new(),
            combine: false,
        }
    }
}

/// What loading a set of policies gave: the rules, the problems (broken files), and notices that are not
/// problems (a `--namespace` no policy declares, which conftest passes silently).
#[derive(Default)]
pub(super) struct Loaded {
    pub(super) rules: Vec<Rule>,
    pub(super) problems: Vec<LoadProblem>,
    pub(super) notices: Vec<LoadProblem>,
}

/// The rules of the policies at `paths` (directories of `.rego` files, or `.rego` files), loaded together as
/// conftest loads every `--policy` path into one engine.
pub(super) fn load(paths: &[PathBuf], options: &ConftestOptions) -> Loaded {
    let mut loaded = Loaded::default();
    let mut files = Vec::new();
    for path in paths {
        let found = policy_files(path);
        if found.is_empty() {
            let message = if path.exists() {
                "no `.rego` policy files here"
            } else {
                "the policy path does not exist"
            };
            loaded.problems.push(dir_problem(
                path,
                message.into(),
                Some("pass the directory that holds your conftest policies, such as `--policy policy/`"),
            ));
        }
        files.extend(found);
    }
    files.sort();
    files.dedup();
    if files.is_empty() {
        return loaded;
    }
    let sources = read_sources(&files, &mut loaded.problems);
    let (data, data_problems) = data::load(&options.data);
    loaded.problems.extend(data_problems);
    let packages = first_sources(&sources);
    let selected = select(
        &paths[0],
        &options.namespaces,
        &packages,
        &mut loaded.notices,
    );
    let scope = if options.combine {
        Scope::Repository
    } else {
        Scope::File
    };
    for (package, first) in selected {
        // Every file is loaded, as conftest does: a policy may import helpers from another package.
        match Policy::compile_with_data(&sources, &package, data.clone(), CONFTEST_BUDGET) {
            Ok(policy) => {
                loaded
                    .rules
                    .push(rule_for(&package, first, policy, sources.clone(), scope))
            }
            Err(err)
                if !matches!(options.namespaces, Namespaces::Default)
                    && err.message.contains("defines none of") => {}
            Err(err) => loaded.problems.push(LoadProblem {
                path: err.file.clone().unwrap_or_else(|| first.path.clone()),
                line: err.line,
                column: err.column,
                message: err.load_message(CONFTEST_BUDGET),
                hint: None,
            }),
        }
    }
    loaded
}

/// The policy files of one `--policy` path, sorted: the path itself when it is a `.rego` file, else the
/// `.rego` files below it that are not `_test.rego` unit tests. Hidden files are skipped; `.gitignore` is not
/// read, as conftest does not.
fn policy_files(dir: &Path) -> Vec<PathBuf> {
    if dir.is_file() {
        return if dir.extension().is_some_and(|e| e == "rego") {
            vec![dir.to_path_buf()]
        } else {
            Vec::new()
        };
    }
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .hidden(true)
        .build()
        .flatten()
    {
        let path = entry.path();
        let is_policy = path.extension().is_some_and(|e| e == "rego")
            && !path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with("_test.rego"));
        if is_policy && entry.file_type().is_some_and(|t| t.is_file()) {
            files.push(path.to_path_buf());
        }
    }
    files.sort();
    files
}

/// The policies' text; a file that cannot be read is a problem, and the others still load.
fn read_sources(files: &[PathBuf], problems: &mut Vec<LoadProblem>) -> Vec<Source> {
    let mut sources = Vec::new();
    for file in files {
        match std::fs::read_to_string(file) {
            Ok(text) => sources.push(Source {
                path: file.display().to_string(),
                text,
            }),
            Err(err) => problems.push(LoadProblem {
                path: file.display().to_string(),
                line: 1,
                column: 1,
                message: format!("could not read the policy: {err}"),
                hint: None,
            }),
        }
    }
    sources
}

/// Packages in file order, each with the first source that declares it (for metadata and the origin).
fn first_sources(sources: &[Source]) -> BTreeMap<String, &Source> {
    let mut packages: BTreeMap<String, &Source> = BTreeMap::new();
    for source in sources {
        if let Some(package) = super::load::package_of(&source.text) {
            packages.entry(package).or_insert(source);
        }
    }
    packages
}

/// The packages `namespaces` asks for, each with its first source. A named namespace no policy declares is a
/// notice (conftest queries it and finds nothing); a bad pattern is too.
fn select<'s>(
    dir: &Path,
    namespaces: &Namespaces,
    packages: &BTreeMap<String, &'s Source>,
    notices: &mut Vec<LoadProblem>,
) -> Vec<(String, &'s Source)> {
    match namespaces {
        Namespaces::Default => packages
            .get("data.main")
            .map(|&s| ("data.main".to_string(), s))
            .into_iter()
            .collect(),
        Namespaces::Named(names) if names.iter().any(|n| n.contains(['*', '?', '['])) => {
            let mut matchers = Vec::new();
            for pattern in names {
                match globset::Glob::new(pattern) {
                    Ok(glob) => matchers.push(glob.compile_matcher()),
                    Err(err) => notices.push(dir_problem(
                        dir,
                        format!("`--namespace {pattern}` is not a valid pattern: {err}"),
                        None,
                    )),
                }
            }
            packages
                .iter()
                .filter(|(package, _)| {
                    let namespace = package.trim_start_matches("data.");
                    matchers.iter().any(|m| m.is_match(namespace))
                })
                .map(|(p, &s)| (p.clone(), s))
                .collect()
        }
        Namespaces::Named(names) => names
            .iter()
            .filter_map(|name| {
                let package = format!("data.{name}");
                match packages.get(&package) {
                    Some(&first) => Some((package, first)),
                    None => {
                        notices.push(dir_problem(
                            dir,
                            format!("no policy declares `package {name}`, so `--namespace {name}` queries nothing"),
                            Some("check `--namespace`, or use `--all-namespaces`"),
                        ));
                        None
                    }
                }
            })
            .collect(),
        Namespaces::All => packages.iter().map(|(p, &s)| (p.clone(), s)).collect(),
    }
}

/// A problem with the policy directory as a whole.
fn dir_problem(dir: &Path, message: String, hint: Option<&str>) -> LoadProblem {
    LoadProblem {
        path: dir.display().to_string(),
        line: 1,
        column: 1,
        message,
        hint: hint.map(str::to_string),
    }
}

fn rule_for(
    package: &str,
    source: &Source,
    policy: Policy,
    sources: Vec<Source>,
    scope: Scope,
) -> Rule {
    let namespace = package.trim_start_matches("data.");
    let meta = package_metadata(&source.text);
    let text = |key: &str| meta.get(key).and_then(|v| v.as_str()).map(str::to_string);
    let custom = meta
        .get("custom")
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    let custom_text = |key: &str| custom.get(key).and_then(|v| v.as_str()).map(str::to_string);
    let slug: String = namespace
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let id = custom_text("id").unwrap_or_else(|| format!("conftest-{slug}"));
    let code =
        custom_text("code").unwrap_or_else(|| format!("CT{:04}", stable_hash(namespace) % 10_000));
    let severity = custom_text("severity")
        .and_then(|s| Severity::parse(&s))
        .unwrap_or(Severity::Error);
    let title =
        text("title").unwrap_or_else(|| format!("Conftest policies of package `{namespace}`"));
    let what = text("description").unwrap_or_else(|| {
        format!("The `deny`, `violation` and `warn` rules of package `{namespace}`.")
    });
    let references = meta
        .get("related_resources")
        .and_then(|r| r.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|r| {
                    r.get("ref")
                        .and_then(|v| v.as_str())
                        .or_else(|| r.as_str())
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    Rule {
        id: Arc::from(id),
        code: Arc::from(code),
        title,
        severity,
        stage: Stage::Enforce,
        language: None,
        formats: DataFormat::ALL.to_vec(),
        enforcement: Enforcement::Rego,
        message: String::new(),
        docs: Docs {
            what,
            why: custom_text("why").unwrap_or_default(),
            fix: custom_text("fix").unwrap_or_default(),
            references,
        },
        incidents: Vec::new(),
        bad_examples: Vec::new(),
        good_examples: Vec::new(),
        forms: Vec::new(),
        lesson: None,
        origin: Origin {
            path: source.path.clone(),
            code_line: 1,
        },
        supersedes: Vec::new(),
        test_code: TestCode::Check,
        files: None,
        ignores: None,
        matcher: None,
        strict: None,
        rego: Some(Box::new(RegoRule {
            policy: LazyPolicy::compiled(policy),
            sources,
            tests: Vec::new(),
            package: package.to_string(),
            scope,
            prefilter: None,
            timeout: CONFTEST_BUDGET,
            default_options: serde_json::Map::new(),
        })),
    }
}

/// The `# METADATA` block right above the `package` line (OPA's package scope), as JSON.
fn package_metadata(text: &str) -> serde_json::Map<String, serde_json::Value> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(package_line) = lines
        .iter()
        .position(|l| l.trim_start().starts_with("package "))
    else {
        return serde_json::Map::new();
    };
    // Walk up over the comment block that ends right above `package`.
    let mut start = package_line;
    while start > 0 && lines[start - 1].trim_start().starts_with('#') {
        start -= 1;
    }
    let block = &lines[start..package_line];
    let Some(marker) = block.iter().position(|l| l.trim() == "# METADATA") else {
        return serde_json::Map::new();
    };
    let yaml: String = block[marker + 1..]
        .iter()
        .map(|l| {
            l.trim_start()
                .strip_prefix('#')
                .unwrap_or(l)
                .strip_prefix(' ')
                .unwrap_or("")
        })
        .collect::<Vec<_>>()
        .join("\n");
    match serde_saphyr::from_str::<serde_json::Value>(&yaml) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
}

/// FNV-1a: stable across runs, platforms and releases, unlike `DefaultHasher`.
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_metadata_is_read_from_the_block_above_package() {
        let text = "# METADATA\n# title: No root containers\n# custom:\n#   code: ACME2001\n#   severity: warning\npackage main\n\ndeny[msg] { msg := \"x\" }\n";
        let meta = package_metadata(text);
        assert_eq!(
            meta.get("title").and_then(|v| v.as_str()),
            Some("No root containers")
        );
        assert_eq!(meta["custom"]["code"], "ACME2001");
        assert!(package_metadata("package main\n").is_empty());
    }

    fn source(path: &str, text: &str) -> Source {
        Source {
            path: path.into(),
            text: text.into(),
        }
    }

    #[test]
    fn policy_files_skip_unit_tests_and_hidden_files() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        for name in [
            "b.rego",
            "a.rego",
            "a_test.rego",
            "notes.md",
            ".hidden/c.rego",
            "sub/d.rego",
        ] {
            let path = dir.path().join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|err| panic!("{err}"));
            }
            std::fs::write(&path, "package main\n").unwrap_or_else(|err| panic!("{err}"));
        }
        let found: Vec<PathBuf> = policy_files(dir.path())
            .iter()
            .filter_map(|p| p.strip_prefix(dir.path()).ok().map(Path::to_path_buf))
            .collect();
        assert_eq!(
            found,
            [
                PathBuf::from("a.rego"),
                PathBuf::from("b.rego"),
                PathBuf::from("sub/d.rego")
            ]
        );
    }

    #[test]
    fn a_package_belongs_to_its_first_file() {
        let sources = [
            source("a.rego", "package main\n"),
            source("b.rego", "package main\n"),
            source("c.rego", "package lib.k8s\n"),
            source("d.rego", "# no package\n"),
        ];
        let packages = first_sources(&sources);
        let firsts: Vec<(&str, &str)> = packages
            .iter()
            .map(|(package, s)| (package.as_str(), s.path.as_str()))
            .collect();
        assert_eq!(
            firsts,
            [("data.lib.k8s", "c.rego"), ("data.main", "a.rego")]
        );
    }

    #[test]
    fn namespaces_select_packages_and_name_missing_ones() {
        let sources = [
            source("a.rego", "package main\n"),
            source("b.rego", "package k8s\n"),
        ];
        let packages = first_sources(&sources);
        let dir = Path::new("policy");
        let names = |namespaces: &Namespaces, problems: &mut Vec<LoadProblem>| -> Vec<String> {
            select(dir, namespaces, &packages, problems)
                .into_iter()
                .map(|(package, _)| package)
                .collect()
        };
        let mut problems = Vec::new();
        assert_eq!(names(&Namespaces::Default, &mut problems), ["data.main"]);
        assert_eq!(
            names(&Namespaces::All, &mut problems),
            ["data.k8s", "data.main"]
        );
        let named = Namespaces::Named(vec!["k8s".into(), "nope".into()]);
        assert_eq!(names(&named, &mut problems), ["data.k8s"]);
        let [problem] = problems.as_slice() else {
            panic!("one problem: {problems:?}");
        };
        assert_eq!(problem.path, "policy");
        assert_eq!(
            problem.message,
            "no policy declares `package nope`, so `--namespace nope` queries nothing"
        );
        let wildcard = Namespaces::Named(vec!["k*".into()]);
        assert_eq!(names(&wildcard, &mut problems), ["data.k8s"]);
        let every = Namespaces::Named(vec!["*".into()]);
        assert_eq!(names(&every, &mut problems), ["data.k8s", "data.main"]);
        assert_eq!(problems.len(), 1, "a pattern matching nothing is no notice");
    }

    #[test]
    fn derived_codes_are_stable() {
        assert_eq!(stable_hash("main") % 10_000, stable_hash("main") % 10_000);
        assert_ne!(stable_hash("main"), stable_hash("kubernetes"));
    }
}
