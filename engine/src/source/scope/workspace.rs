//! What a Cargo workspace declares about its members: cargo-fuzz crates, `xtask`s, benchmark crates and
//! test-support crates (named so, only ever a dev-dependency of the other members, or an optional dependency
//! behind a test feature, or described as tests).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{FileScope, Role, parts};

/// What a workspace's manifests say about its members.
#[derive(Debug, Default)]
pub(super) struct Workspace {
    /// Member package root → its role, for the members that are not production.
    pub(super) roles: HashMap<PathBuf, FileScope>,
}

pub(super) fn read_manifest(path: &Path) -> Option<toml::Table> {
    let text = std::fs::read_to_string(path).ok()?;
    toml::from_str(&text).ok()
}

fn package_name(table: &toml::Table) -> Option<&str> {
    table.get("package")?.get("name")?.as_str()
}

/// The words of a crate name: `linkerd-app-test` → `linkerd`, `app`, `test`.
fn name_words(name: &str) -> impl Iterator<Item = String> + '_ {
    name.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

/// Words that make a crate name test support.
const TEST_CRATE_WORDS: &[&str] = &[
    "test",
    "tests",
    "testing",
    "testkit",
    "testutil",
    "testutils",
    "mock",
    "mocks",
    "fixture",
    "fixtures",
    "e2e",
];

/// What a package's own manifest says: a cargo-fuzz crate, an `xtask`, a benchmark or test-support crate by
/// name.
pub(super) fn own_role(root: &Path, table: &toml::Table) -> Option<FileScope> {
    let name = package_name(table)?;
    let package = table.get("package")?;
    let fuzz_metadata = package
        .get("metadata")
        .and_then(|m| m.get("cargo-fuzz"))
        .and_then(toml::Value::as_bool)
        == Some(true);
    if fuzz_metadata || depends_on(table, "libfuzzer-sys") {
        return Some(FileScope::new(
            Role::Tooling,
            format!("package `{name}` holds fuzz targets"),
        ));
    }
    let dir = root.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == "xtask" || name.starts_with("xtask-") || name.starts_with("xtask_") || dir == "xtask"
    {
        return Some(FileScope::new(
            Role::Tooling,
            format!("package `{name}` is an xtask (developer automation)"),
        ));
    }
    let words: Vec<String> = name_words(name).collect();
    if let Some(word) = words
        .iter()
        .find(|w| TEST_CRATE_WORDS.contains(&w.as_str()))
    {
        return Some(FileScope::new(
            Role::Test,
            format!("package `{name}` is test support (named `…{word}…`)"),
        ));
    }
    if words
        .iter()
        .any(|w| matches!(w.as_str(), "bench" | "benches" | "benchmark" | "benchmarks"))
    {
        return Some(FileScope::new(
            Role::Tooling,
            format!("package `{name}` holds benchmarks"),
        ));
    }
    None
}

/// The dependency tables of a manifest, with whether only tests use them: `[dependencies]`,
/// `[build-dependencies]`, `[dev-dependencies]` and their `[target.'cfg(…)'.…]` forms, where a target that only
/// test or fuzzing builds have (`cfg(fuzzing)`, `cfg(test)`) counts as dev-dependencies.
fn dependency_tables(table: &toml::Table) -> Vec<(&toml::Table, bool)> {
    let targets = table
        .get("target")
        .and_then(toml::Value::as_table)
        .into_iter()
        .flat_map(|targets| {
            targets.iter().filter_map(|(cfg, t)| {
                let test_only = crate::source::context::is_cfg_test(cfg)
                    || crate::source::context::is_cfg(cfg, "fuzzing");
                t.as_table().map(|t| (t, test_only))
            })
        });
    std::iter::once((table, false))
        .chain(targets)
        .flat_map(|(t, test_only)| {
            [
                ("dependencies", false),
                ("build-dependencies", false),
                ("build_dependencies", false),
                ("dev-dependencies", true),
                ("dev_dependencies", true),
            ]
            .into_iter()
            .filter_map(move |(key, dev)| {
                t.get(key)
                    .and_then(toml::Value::as_table)
                    .map(|deps| (deps, dev || test_only))
            })
        })
        .collect()
}

/// Does the manifest always depend on the crate `name` (not as a dev-dependency, not optionally, not only
/// in test or fuzzing builds)?
fn depends_on(table: &toml::Table, name: &str) -> bool {
    dependency_tables(table)
        .into_iter()
        .filter(|(_, dev)| !dev)
        .any(|(deps, _)| {
            deps.iter().any(|(key, value)| {
                crate_name(key, value) == name
                    && value.get("optional").and_then(toml::Value::as_bool) != Some(true)
            })
        })
}

/// The crate a dependency entry names (`foo = { package = "bar" }` names `bar`).
fn crate_name<'a>(key: &'a str, value: &'a toml::Value) -> &'a str {
    value
        .get("package")
        .and_then(toml::Value::as_str)
        .unwrap_or(key)
}

/// Feature names that only tests turn on.
pub(super) fn is_test_feature(feature: &str) -> bool {
    name_words(feature).any(|w| TEST_CRATE_WORDS.contains(&w.as_str()))
}

/// How one workspace member depends on another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edge {
    /// A normal or build dependency that production code can reach.
    Normal,
    /// A dev-dependency, or an optional dependency only test features turn on.
    TestOnly,
}

/// Reads every member's manifest and decides which members are test support: a member whose every dependent
/// in the workspace depends on it as a dev-dependency (or through a test feature), or is itself test
/// support; and which are described as tests although nothing depends on them.
pub(super) fn analyse_workspace(
    root: &Path,
    table: &toml::Table,
    workspace: &toml::Table,
) -> Workspace {
    let members = member_manifests(root, table, workspace);
    let dependents = dependents(&members);
    let mut roles: HashMap<usize, FileScope> = members
        .iter()
        .enumerate()
        .filter_map(|(i, (dir, t))| own_role(dir, t).map(|s| (i, s)))
        .collect();
    // Grow the set of test-support members to a fixpoint: production dependents are what keeps a member out.
    while grow_test_support(&members, &dependents, &mut roles) {}
    Workspace {
        roles: roles
            .into_iter()
            .map(|(i, scope)| (members[i].0.clone(), scope))
            .collect(),
    }
}

/// A workspace member: its directory and its manifest.
type Member = (PathBuf, toml::Table);

/// One member depending on another.
struct Dependent {
    /// The index of the depending member.
    from: usize,
    edge: Edge,
    /// The feature or table that makes the edge test-only (`a dev-dependency`), for the reason shown.
    why: String,
}

/// The members' manifests, with the root package when the workspace manifest is a package too.
fn member_manifests(root: &Path, table: &toml::Table, workspace: &toml::Table) -> Vec<Member> {
    let mut members: Vec<Member> = member_dirs(root, workspace)
        .into_iter()
        .filter_map(|dir| read_manifest(&dir.join("Cargo.toml")).map(|t| (dir, t)))
        .collect();
    if table.get("package").is_some() && !members.iter().any(|(dir, _)| dir == root) {
        members.push((root.to_path_buf(), table.clone()));
    }
    members
}

/// Per member, the other members that depend on it and how.
fn dependents(members: &[Member]) -> Vec<Vec<Dependent>> {
    let names: HashMap<String, usize> = members
        .iter()
        .enumerate()
        .filter_map(|(i, (_, t))| package_name(t).map(|n| (n.to_string(), i)))
        .collect();
    let mut dependents: Vec<Vec<Dependent>> = members.iter().map(|_| Vec::new()).collect();
    for (from, (_, manifest)) in members.iter().enumerate() {
        let features = manifest.get("features").and_then(toml::Value::as_table);
        for (deps, dev) in dependency_tables(manifest) {
            for (key, value) in deps {
                let Some(&to) = names.get(crate_name(key, value)) else {
                    continue;
                };
                if to == from {
                    continue;
                }
                let (edge, why) = edge_of(key, value, dev, features);
                dependents[to].push(Dependent { from, edge, why });
            }
        }
    }
    dependents
}

/// How the dependency entry `key = value` (in a dev-dependency table when `dev`) depends, and why it is
/// test-only when it is.
fn edge_of(
    key: &str,
    value: &toml::Value,
    dev: bool,
    features: Option<&toml::Table>,
) -> (Edge, String) {
    if dev {
        return (Edge::TestOnly, "a dev-dependency".to_string());
    }
    let optional = value.get("optional").and_then(toml::Value::as_bool) == Some(true);
    if !optional {
        return (Edge::Normal, String::new());
    }
    let enabling = enabling_features(features, key);
    if !enabling.is_empty() && enabling.iter().all(|f| is_test_feature(f)) {
        (
            Edge::TestOnly,
            format!("optional behind the `{}` feature", enabling.join("`/`")),
        )
    } else {
        (Edge::Normal, String::new())
    }
}

/// One pass over the members not yet given a role: a member whose dependents outside test support all use it
/// only in tests is test support; one nothing depends on whose description says tests is tests. Whether a
/// role was added (another pass may then add more).
fn grow_test_support(
    members: &[Member],
    dependents: &[Vec<Dependent>],
    roles: &mut HashMap<usize, FileScope>,
) -> bool {
    let mut grew = false;
    for (i, (_, manifest)) in members.iter().enumerate() {
        if roles.contains_key(&i) {
            continue;
        }
        let deps = &dependents[i];
        let from_production: Vec<&Dependent> = deps
            .iter()
            .filter(|d| !roles.contains_key(&d.from))
            .collect();
        let name = package_name(manifest).unwrap_or("?");
        if !from_production.is_empty() && from_production.iter().all(|d| d.edge == Edge::TestOnly) {
            let first = from_production[0];
            let user = package_name(&members[first.from].1).unwrap_or("?");
            let others = from_production.len() - 1;
            let more = if others > 0 {
                format!(" and {others} other member(s) the same way")
            } else {
                String::new()
            };
            let why = &first.why;
            roles.insert(
                i,
                FileScope::new(
                    Role::Test,
                    format!(
                        "package `{name}` is test support: production members use it only in tests ({why} of `{user}`{more})"
                    ),
                ),
            );
            grew = true;
        } else if deps.is_empty() && describes_tests(manifest) {
            roles.insert(
                i,
                FileScope::new(
                    Role::Test,
                    format!(
                        "package `{name}` is tests: nothing in the workspace depends on it and its description says so"
                    ),
                ),
            );
            grew = true;
        }
    }
    grew
}

/// The features that turn on the optional dependency `key` (`dep:key`, `key`, `key/feature`, `key?/feature`).
fn enabling_features(features: Option<&toml::Table>, key: &str) -> Vec<String> {
    let Some(features) = features else {
        return Vec::new();
    };
    features
        .iter()
        .filter(|(_, enables)| {
            enables.as_array().is_some_and(|list| {
                list.iter().filter_map(toml::Value::as_str).any(|item| {
                    let item = item.strip_prefix("dep:").unwrap_or(item);
                    let dep = item.split('/').next().unwrap_or(item).trim_end_matches('?');
                    dep == key
                })
            })
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Does the package's description say it is tests (`"Proxy integration tests"`, `"Test utilities"`)?
fn describes_tests(manifest: &toml::Table) -> bool {
    let Some(description) = manifest
        .get("package")
        .and_then(|p| p.get("description"))
        .and_then(toml::Value::as_str)
    else {
        return false;
    };
    description.split(|c: char| !c.is_alphanumeric()).any(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "test" | "tests" | "testing"
        )
    })
}

/// The member directories a `[workspace]` lists (`members`, with `*` and `**` globs), less `exclude`.
fn member_dirs(root: &Path, workspace: &toml::Table) -> Vec<PathBuf> {
    let list = |key: &str| -> Vec<String> {
        workspace
            .get(key)
            .and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(toml::Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let excluded: HashSet<PathBuf> = list("exclude").iter().map(|e| root.join(e)).collect();
    let mut dirs = Vec::new();
    for pattern in list("members") {
        expand(root, &parts(Path::new(&pattern)), &mut dirs);
    }
    dirs.retain(|d| !excluded.contains(d) && d.join("Cargo.toml").is_file());
    dirs.sort();
    dirs.dedup();
    dirs
}

/// Expands a member pattern one path segment at a time (`crates/*`, `lib/**`).
fn expand(dir: &Path, segments: &[&str], out: &mut Vec<PathBuf>) {
    let Some((first, rest)) = segments.split_first() else {
        out.push(dir.to_path_buf());
        return;
    };
    if *first == "**" {
        expand(dir, rest, out);
        for sub in subdirs(dir) {
            expand(&sub, segments, out);
        }
        return;
    }
    if !first.contains(['*', '?', '[']) {
        expand(&dir.join(first), rest, out);
        return;
    }
    let Ok(glob) = globset::Glob::new(first) else {
        return;
    };
    let matcher = glob.compile_matcher();
    for sub in subdirs(dir) {
        if sub.file_name().is_some_and(|n| matcher.is_match(n)) {
            expand(&sub, rest, out);
        }
    }
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::ScopeResolver;
    use super::super::tests::{role_of, write};
    use super::*;

    fn manifest(text: &str) -> toml::Table {
        toml::from_str(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn edges_are_test_only_for_dev_dependencies_and_test_features() {
        let app = manifest(
            "[features]\ntest-util = [\"dep:harness\"]\nserde = [\"codec?/serde\"]\n[dependencies]\nharness = { path = \"h\", optional = true }\ncodec = { path = \"c\", optional = true }\ncore = { path = \"k\" }\n",
        );
        let features = app.get("features").and_then(toml::Value::as_table);
        let deps = app.get("dependencies").and_then(toml::Value::as_table);
        let Some(deps) = deps else {
            panic!("the manifest has dependencies");
        };
        let edge = |key: &str, dev: bool| edge_of(key, &deps[key], dev, features);
        assert_eq!(
            edge("core", true),
            (Edge::TestOnly, "a dev-dependency".into())
        );
        assert_eq!(edge("core", false), (Edge::Normal, String::new()));
        assert_eq!(
            edge("harness", false),
            (
                Edge::TestOnly,
                "optional behind the `test-util` feature".into()
            )
        );
        assert_eq!(edge("codec", false), (Edge::Normal, String::new()));
    }

    #[test]
    fn members_are_test_support_until_a_production_member_needs_them() {
        let members: Vec<Member> = [
            "[package]\nname = \"app\"\n",
            "[package]\nname = \"util\"\n",
            "[package]\nname = \"snap\"\n",
            "[package]\nname = \"suite\"\ndescription = \"Integration tests\"\n",
        ]
        .iter()
        .enumerate()
        .map(|(i, text)| (PathBuf::from(format!("m{i}")), manifest(text)))
        .collect();
        let dependent = |from: usize, edge: Edge| Dependent {
            from,
            edge,
            why: "a dev-dependency".into(),
        };
        // `app` uses `util` and `snap` only in tests, and `snap` uses `util` normally.
        let dependents = vec![
            Vec::new(),
            vec![dependent(0, Edge::TestOnly), dependent(2, Edge::Normal)],
            vec![dependent(0, Edge::TestOnly)],
            Vec::new(),
        ];
        let roles_of = |roles: &HashMap<usize, FileScope>| {
            let mut found: Vec<usize> = roles.keys().copied().collect();
            found.sort_unstable();
            found
        };
        let mut roles = HashMap::new();
        // The first pass: `snap` and the described `suite`; `util` still has `snap` as a production user.
        assert!(grow_test_support(&members, &dependents, &mut roles));
        assert_eq!(roles_of(&roles), [2, 3]);
        // The second pass: with `snap` test support, `util`'s production users use it only in tests.
        assert!(grow_test_support(&members, &dependents, &mut roles));
        assert_eq!(roles_of(&roles), [1, 2, 3]);
        assert!(!grow_test_support(&members, &dependents, &mut roles));
        assert!(
            roles[&1].reason.contains("(a dev-dependency of `app`)"),
            "{:?}",
            roles[&1]
        );
        assert!(
            roles[&3].reason.contains("its description says so"),
            "{:?}",
            roles[&3]
        );
    }

    #[test]
    fn workspace_members_used_only_in_tests_are_test_support() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        write(
            root,
            &[
                (
                    "Cargo.toml",
                    "[workspace]\nmembers = [\"crates/*\", \"tools/xtask\"]\nexclude = [\"crates/skipped\"]\n",
                ),
                (
                    "crates/app/Cargo.toml",
                    "[package]\nname = \"app\"\n[dependencies]\ncore = { path = \"../core\" }\nharness = { path = \"../harness\", optional = true }\n[features]\ntest-util = [\"dep:harness\"]\n[dev-dependencies]\nsnap = { path = \"../snap\" }\n",
                ),
                ("crates/core/Cargo.toml", "[package]\nname = \"core\"\n"),
                (
                    "crates/snap/Cargo.toml",
                    "[package]\nname = \"snap\"\n[dependencies]\ncore = { path = \"../core\" }\n",
                ),
                (
                    "crates/harness/Cargo.toml",
                    "[package]\nname = \"harness\"\n",
                ),
                (
                    "crates/integration/Cargo.toml",
                    "[package]\nname = \"integration\"\ndescription = \"End-to-end tests of the app\"\n",
                ),
                (
                    "crates/app-mock/Cargo.toml",
                    "[package]\nname = \"app-mock\"\n",
                ),
                (
                    "crates/fuzz/Cargo.toml",
                    "[package]\nname = \"app-fuzz\"\n[package.metadata]\ncargo-fuzz = true\n",
                ),
                ("tools/xtask/Cargo.toml", "[package]\nname = \"xtask\"\n"),
                (
                    "crates/skipped/Cargo.toml",
                    "[package]\nname = \"skipped\"\n",
                ),
            ],
        );
        let mut resolver = ScopeResolver::default();
        for (path, role) in [
            ("crates/app/src/main.rs", Role::Production),
            ("crates/core/src/lib.rs", Role::Production),
            ("crates/snap/src/lib.rs", Role::Test),
            ("crates/harness/src/lib.rs", Role::Test),
            ("crates/integration/src/lib.rs", Role::Test),
            ("crates/app-mock/src/lib.rs", Role::Test),
            ("crates/fuzz/fuzz_targets/a.rs", Role::Tooling),
            ("tools/xtask/src/main.rs", Role::Tooling),
            ("crates/skipped/src/lib.rs", Role::Production),
        ] {
            write(root, &[(path, "")]);
            assert_eq!(role_of(&mut resolver, root, path).role, role, "{path}");
        }
        let reason = role_of(&mut resolver, root, "crates/harness/src/lib.rs").reason;
        assert!(reason.contains("`test-util` feature of `app`"), "{reason}");
    }
}
