//! What a file is for: production code, or test, example, tooling or vendored code, decided the way each
//! ecosystem declares it. Rules with `test_code: skip` report only in production code, and in examples of
//! configuration (see [`crate::rule::Rule::reports_in`]).
//!
//! The verdict comes from, in order:
//! 1. `[scope]` globs in `hindsight.toml` (`production` first, so a team can take back a directory the
//!    conventions below would exempt);
//! 2. vendored directories (`vendor/`, `third_party/`, `external-crates/`) below the checked root;
//! 3. for Rust, what the Cargo workspace declares about the file's package: a cargo-fuzz crate, an `xtask`,
//!    or a test-support crate (named so, or only ever a dev-dependency of the workspace's other members, or
//!    an optional dependency behind a `test-util`-like feature);
//! 4. directory conventions below the checked root: fixtures and test trees (`testdata/`, `test/`, `tests/`,
//!    `fixtures/`, `e2e/`, ...), `examples/`, `xtask/`, `fuzz/`, `benches/`;
//! 5. for Rust, Cargo's conventions inside the package (`tests/`, `benches/`, `examples/`, `build.rs`, the
//!    `tests.rs` and `src/**/tests/` homes of test modules) and out-of-line test modules: a file declared by
//!    `#[cfg(test)] mod name;` (or `#[path = "…"]`) in its parent module's file, followed up the module tree.
//!
//! Directory conventions count only below the root the user asked to check, so `hindsight check
//! tests/fixtures/x.yaml` or `hindsight check examples/service` still checks what was named.
//!
//! This module reads files (package manifests, the parent modules of Rust files): it is, with `walk`, the
//! engine's file-system boundary. [`ScopeResolver`] memoises what it read, per directory and per workspace.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// What a file is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Code or configuration that runs in production: every rule reports here.
    Production,
    /// Tests, test-support crates and fixtures.
    Test,
    /// Examples and samples.
    Example,
    /// Developer tooling: build scripts, `xtask`, fuzz targets, benchmarks.
    Tooling,
    /// Third-party code kept in the repository.
    Vendored,
}

impl Role {
    /// Lower-case name, as in `hindsight scope` and `[scope]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Production => "production",
            Role::Test => "test",
            Role::Example => "example",
            Role::Tooling => "tooling",
            Role::Vendored => "vendored",
        }
    }

    /// Is this production code, where every rule reports?
    pub fn is_production(self) -> bool {
        self == Role::Production
    }

    /// Every role, in the order `[scope]` globs are tried.
    pub const ALL: [Role; 5] = [
        Role::Production,
        Role::Test,
        Role::Example,
        Role::Tooling,
        Role::Vendored,
    ];
}

/// A file's role and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileScope {
    /// What the file is for.
    pub role: Role,
    /// Why, in words a user can check: the convention, manifest entry or declaration that decided it.
    pub reason: String,
}

impl FileScope {
    fn new(role: Role, reason: impl Into<String>) -> Self {
        Self {
            role,
            reason: reason.into(),
        }
    }

    /// Production code, because nothing says otherwise.
    pub fn production() -> Self {
        Self::new(
            Role::Production,
            "no test, example, tooling or vendored convention applies",
        )
    }
}

/// `[scope]` of `hindsight.toml`: globs, relative to the configuration file, that give files a role whatever
/// the conventions say.
#[derive(Clone, Debug, Default)]
pub struct ScopeOverrides {
    /// Directory the globs are relative to.
    pub base_dir: PathBuf,
    /// Per role, the globs as written and compiled.
    pub globs: Vec<(Role, Vec<String>, globset::GlobSet)>,
}

impl ScopeOverrides {
    /// The role the configuration gives `path`, if any, with the key that gave it.
    pub fn role_of(&self, path: &Path) -> Option<FileScope> {
        if self.globs.is_empty() {
            return None;
        }
        let relative = relative_to(path, &self.base_dir);
        Role::ALL.iter().find_map(|role| {
            self.globs
                .iter()
                .find(|(r, _, set)| r == role && set.is_match(&relative))
                .map(|(role, _, _)| {
                    FileScope::new(
                        *role,
                        format!("`[scope] {}` in hindsight.toml", role.as_str()),
                    )
                })
        })
    }
}

/// `path` relative to `base` when it is below it (both made absolute), else as given.
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let clean = |p: &Path| {
        p.strip_prefix(".")
            .map_or_else(|_| p.to_path_buf(), Path::to_path_buf)
    };
    if (base == Path::new(".") || base.as_os_str().is_empty()) && path.is_relative() {
        return clean(path);
    }
    match (std::path::absolute(path), std::path::absolute(base)) {
        (Ok(path), Ok(base)) => path
            .strip_prefix(&base)
            .map_or_else(|_| path.clone(), Path::to_path_buf),
        _ => clean(path),
    }
}

/// Directory names that hold third-party code.
const VENDORED_DIRS: &[&str] = &[
    "vendor",
    "vendored",
    "third_party",
    "third-party",
    "external-crates",
    "external_crates",
];

/// Directory names that hold tests or their fixtures, in every ecosystem we read.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "testdata",
    "test-data",
    "test_data",
    "fixtures",
    "__fixtures__",
    "test-fixtures",
    "test_fixtures",
    "e2e",
    "__tests__",
    "integration-tests",
    "integration_tests",
];

/// Directory names that hold examples.
const EXAMPLE_DIRS: &[&str] = &["examples", "example", "_examples"];

/// Directory names that hold developer tooling.
const TOOLING_DIRS: &[&str] = &["xtask", "fuzz", "fuzz_targets", "benches"];

/// The role directory names give a file, from the outermost directory below the checked root inwards.
fn directory_role(dirs: &[&str], vendored_only: bool) -> Option<FileScope> {
    for dir in dirs {
        if VENDORED_DIRS.contains(dir) {
            return Some(FileScope::new(
                Role::Vendored,
                format!("under `{dir}/` (third-party code kept in the repository)"),
            ));
        }
        if vendored_only {
            continue;
        }
        if TEST_DIRS.contains(dir) {
            return Some(FileScope::new(
                Role::Test,
                format!("under `{dir}/` (tests and their fixtures)"),
            ));
        }
        if EXAMPLE_DIRS.contains(dir) {
            return Some(FileScope::new(
                Role::Example,
                format!(
                    "under `{dir}/` (examples: configuration there is still checked, it is applied as written)"
                ),
            ));
        }
        if TOOLING_DIRS.contains(dir) {
            return Some(FileScope::new(
                Role::Tooling,
                format!("under `{dir}/` (developer tooling)"),
            ));
        }
    }
    None
}

/// The normal components of a path, as strings.
fn parts(path: &Path) -> Vec<&str> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(part) => part.to_str(),
            _ => None,
        })
        .collect()
}

/// Cargo's conventions inside a package, for a path relative to the package root: `tests/` (integration
/// tests), `benches/`, `examples/`, `build.rs`, and the usual homes of a `#[cfg(test)] mod tests;` declared in
/// another file (`tests.rs`, `*_tests.rs`, `src/**/tests/`, `src/**/test/`). A file named `test.rs` is not:
/// it is as often a `test` subcommand (`commands/test.rs`) as a test module.
pub fn package_role(package_relative: &Path) -> Option<FileScope> {
    let parts = parts(package_relative);
    let (file, dirs) = parts.split_last()?;
    if dirs.is_empty() && *file == "build.rs" {
        return Some(FileScope::new(Role::Tooling, "the package's build script"));
    }
    match dirs.first() {
        Some(&"tests") => {
            return Some(FileScope::new(
                Role::Test,
                "in the package's `tests/` (Cargo integration tests)",
            ));
        }
        Some(&"benches") => {
            return Some(FileScope::new(
                Role::Tooling,
                "in the package's `benches/` (Cargo benchmarks)",
            ));
        }
        Some(&"examples") => {
            return Some(FileScope::new(
                Role::Example,
                "in the package's `examples/` (Cargo examples)",
            ));
        }
        _ => {}
    }
    if dirs.first() == Some(&"src")
        && let Some(dir) = dirs.iter().find(|d| matches!(**d, "tests" | "test"))
    {
        return Some(FileScope::new(
            Role::Test,
            format!("under `src/**/{dir}/` (the home of a test module)"),
        ));
    }
    if *file == "tests.rs" || file.ends_with("_tests.rs") {
        return Some(FileScope::new(
            Role::Test,
            format!("named `{file}` (the home of a test module)"),
        ));
    }
    if TEST_SUPPORT_FILES.contains(file) {
        return Some(FileScope::new(
            Role::Test,
            format!("named `{file}` (test support)"),
        ));
    }
    None
}

/// File names that hold test support wherever they are declared (`pub mod fixtures;` is for tests even when it
/// is not gated on `cfg(test)`). `testing.rs` is not among them: it is as often a feature of the product.
const TEST_SUPPORT_FILES: &[&str] = &[
    "fixtures.rs",
    "test_utils.rs",
    "test_util.rs",
    "testutils.rs",
    "testutil.rs",
    "test_helpers.rs",
    "test_support.rs",
    "mocks.rs",
];

/// The role of a file judged by its path alone: Cargo's conventions inside a package, then directory
/// conventions. What rule examples are checked with (their `path` is relative to the package root), and what
/// the language server falls back to for a file outside any folder it knows.
pub fn conventional_role(package_relative: &Path) -> FileScope {
    if let Some(scope) = package_role(package_relative) {
        return scope;
    }
    let parts = parts(package_relative);
    let dirs = parts.split_last().map_or(&[][..], |(_, dirs)| dirs);
    directory_role(dirs, false).unwrap_or_else(FileScope::production)
}

/// Decides the role of files, reading package manifests and parent modules as needed and remembering them.
#[derive(Default)]
pub struct ScopeResolver {
    overrides: ScopeOverrides,
    /// Directory → the package whose root it is in (nearest `Cargo.toml`).
    package_of_dir: HashMap<PathBuf, Option<Arc<Package>>>,
    /// Workspace root → what its manifests say.
    workspaces: HashMap<PathBuf, Arc<Workspace>>,
    /// Directory → the `mod` declarations of its `.rs` files, by the file each declares.
    declarations: HashMap<PathBuf, Arc<HashMap<PathBuf, Declaration>>>,
}

/// A Cargo package.
#[derive(Debug)]
struct Package {
    root: PathBuf,
    /// What its manifest and workspace say about it, if anything.
    scope: Option<FileScope>,
}

/// What a workspace's manifests say about its members.
#[derive(Debug, Default)]
struct Workspace {
    /// Member package root → its role, for the members that are not production.
    roles: HashMap<PathBuf, FileScope>,
}

/// `mod name;` in some file, and where it points.
#[derive(Clone, Debug)]
struct Declaration {
    /// The declaring file.
    declarer: PathBuf,
    /// 1-based line of the `mod` item.
    line: usize,
    /// Declared under `#[cfg(test)]` (or `cfg(fuzzing)`), or in a file whose inner attributes say so: the
    /// role that gives the module.
    gate: Option<Role>,
}

impl ScopeResolver {
    /// A resolver applying `[scope]` globs before the conventions.
    pub fn new(overrides: ScopeOverrides) -> Self {
        Self {
            overrides,
            ..Self::default()
        }
    }

    /// The role of `path` (as shown in output: relative to the working directory, or absolute), where `root` is
    /// the directory the user asked to check (directory conventions count only below it; for a file named
    /// on its own, `root` is the file).
    pub fn classify(&mut self, path: &Path, root: &Path) -> FileScope {
        if let Some(scope) = self.overrides.role_of(path) {
            return scope;
        }
        let below_root = path.strip_prefix(root).unwrap_or(path);
        let below_root = parts(below_root);
        let dirs = below_root.split_last().map_or(&[][..], |(_, dirs)| dirs);
        if let Some(scope) = directory_role(dirs, true) {
            return scope;
        }
        let is_rust = path.extension().is_some_and(|e| e == "rs");
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let package = if is_rust {
            absolute.parent().and_then(|dir| self.package_of(dir))
        } else {
            None
        };
        if let Some(scope) = package.as_ref().and_then(|p| p.scope.clone()) {
            return scope;
        }
        if let Some(scope) = directory_role(dirs, false) {
            return scope;
        }
        let Some(package) = package else {
            return FileScope::production();
        };
        if let Some(scope) = absolute
            .strip_prefix(&package.root)
            .ok()
            .and_then(package_role)
        {
            return scope;
        }
        self.declared_test_module(&absolute, &package.root)
            .unwrap_or_else(FileScope::production)
    }

    /// The package whose root holds `dir`, read once per directory.
    fn package_of(&mut self, dir: &Path) -> Option<Arc<Package>> {
        if let Some(known) = self.package_of_dir.get(dir) {
            return known.clone();
        }
        let manifest = dir.join("Cargo.toml");
        let found = if manifest.is_file() {
            Some(Arc::new(self.read_package(dir, &manifest)))
        } else {
            dir.parent().and_then(|parent| self.package_of(parent))
        };
        self.package_of_dir.insert(dir.to_path_buf(), found.clone());
        found
    }

    fn read_package(&mut self, root: &Path, manifest: &Path) -> Package {
        let table = read_manifest(manifest);
        let mut scope = table.as_ref().and_then(|t| own_role(root, t));
        if scope.is_none() {
            scope = self
                .workspace_of(root, table.as_ref())
                .and_then(|ws| ws.roles.get(root).cloned());
        }
        Package {
            root: root.to_path_buf(),
            scope,
        }
    }

    /// The workspace `root`'s package belongs to: its own manifest if it has `[workspace]`, else the nearest
    /// ancestor manifest that does.
    fn workspace_of(
        &mut self,
        package_root: &Path,
        own: Option<&toml::Table>,
    ) -> Option<Arc<Workspace>> {
        let mut candidate = Some(package_root.to_path_buf());
        while let Some(dir) = candidate {
            if let Some(known) = self.workspaces.get(&dir) {
                return Some(known.clone());
            }
            let manifest = dir.join("Cargo.toml");
            let table = if dir == package_root {
                own.cloned()
            } else if manifest.is_file() {
                read_manifest(&manifest)
            } else {
                None
            };
            if let Some(table) = table
                && let Some(workspace) = table.get("workspace").and_then(|w| w.as_table())
            {
                let facts = Arc::new(analyse_workspace(&dir, &table, workspace));
                self.workspaces.insert(dir, facts.clone());
                return Some(facts);
            }
            candidate = dir.parent().map(Path::to_path_buf);
        }
        None
    }

    /// Is `file` (absolute) an out-of-line module declared under `#[cfg(test)]`, directly or through its
    /// parent modules?
    fn declared_test_module(&mut self, file: &Path, package_root: &Path) -> Option<FileScope> {
        let mut current = file.to_path_buf();
        // Deep enough for any real module tree; a cycle of `#[path]`s ends here too.
        for _ in 0..32 {
            let declaration = self.declaration_of(&current, package_root)?;
            if let Some(role) = declaration.gate {
                let gate = if role == Role::Test {
                    "test"
                } else {
                    "fuzzing"
                };
                let shown = declaration
                    .declarer
                    .strip_prefix(package_root)
                    .unwrap_or(&declaration.declarer)
                    .display()
                    .to_string();
                let how = if current == file {
                    "declared".to_string()
                } else {
                    let module = current
                        .strip_prefix(package_root)
                        .unwrap_or(&current)
                        .display()
                        .to_string();
                    format!("inside the module `{module}`, declared")
                };
                return Some(FileScope::new(
                    role,
                    format!(
                        "{how} under `#[cfg({gate})]` at {shown}:{} (an out-of-line {gate} module)",
                        declaration.line
                    ),
                ));
            }
            current = declaration.declarer;
        }
        None
    }

    /// The `mod` declaration that makes `file` a module: found among the `.rs` files of its own directory and
    /// of the directory above (where `a.rs` declares `a/b.rs`, and `mod.rs` declares `b/mod.rs`).
    fn declaration_of(&mut self, file: &Path, package_root: &Path) -> Option<Declaration> {
        let dir = file.parent()?;
        for candidate in [Some(dir), dir.parent()].into_iter().flatten() {
            if !candidate.starts_with(package_root) {
                continue;
            }
            let declarations = self.declarations_in(candidate);
            if let Some(found) = declarations.get(file)
                && found.declarer != file
            {
                return Some(found.clone());
            }
        }
        None
    }

    /// The `mod name;` declarations of every `.rs` file directly in `dir`, by the file each one declares.
    fn declarations_in(&mut self, dir: &Path) -> Arc<HashMap<PathBuf, Declaration>> {
        if let Some(known) = self.declarations.get(dir) {
            return known.clone();
        }
        let mut found = HashMap::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs") && p.is_file())
                .collect();
            files.sort();
            for declarer in files {
                let Ok(text) = std::fs::read_to_string(&declarer) else {
                    continue;
                };
                for item in scan_mod_declarations(&text) {
                    for target in module_files(&declarer, &item) {
                        found.entry(target).or_insert_with(|| Declaration {
                            declarer: declarer.clone(),
                            line: item.line,
                            gate: item.gate,
                        });
                    }
                }
            }
        }
        let found = Arc::new(found);
        self.declarations.insert(dir.to_path_buf(), found.clone());
        found
    }
}

fn read_manifest(path: &Path) -> Option<toml::Table> {
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
fn own_role(root: &Path, table: &toml::Table) -> Option<FileScope> {
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
fn is_test_feature(feature: &str) -> bool {
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
fn analyse_workspace(root: &Path, table: &toml::Table, workspace: &toml::Table) -> Workspace {
    let members = member_dirs(root, workspace);
    let mut manifests: Vec<(PathBuf, toml::Table)> = members
        .into_iter()
        .filter_map(|dir| read_manifest(&dir.join("Cargo.toml")).map(|t| (dir, t)))
        .collect();
    if table.get("package").is_some() && !manifests.iter().any(|(dir, _)| dir == root) {
        manifests.push((root.to_path_buf(), table.clone()));
    }
    let names: HashMap<String, usize> = manifests
        .iter()
        .enumerate()
        .filter_map(|(i, (_, t))| package_name(t).map(|n| (n.to_string(), i)))
        .collect();
    // dependents[i]: (dependent member, edge, the feature or table that makes it so).
    let mut dependents: Vec<Vec<(usize, Edge, String)>> = vec![Vec::new(); manifests.len()];
    for (from, (_, manifest)) in manifests.iter().enumerate() {
        let features = manifest.get("features").and_then(toml::Value::as_table);
        for (deps, dev) in dependency_tables(manifest) {
            for (key, value) in deps {
                let Some(&to) = names.get(crate_name(key, value)) else {
                    continue;
                };
                if to == from {
                    continue;
                }
                let optional = value.get("optional").and_then(toml::Value::as_bool) == Some(true);
                let (edge, why) = if dev {
                    (Edge::TestOnly, "a dev-dependency".to_string())
                } else if optional {
                    let enabling = enabling_features(features, key);
                    if !enabling.is_empty() && enabling.iter().all(|f| is_test_feature(f)) {
                        (
                            Edge::TestOnly,
                            format!("optional behind the `{}` feature", enabling.join("`/`")),
                        )
                    } else {
                        (Edge::Normal, String::new())
                    }
                } else {
                    (Edge::Normal, String::new())
                };
                dependents[to].push((from, edge, why));
            }
        }
    }
    let mut roles: HashMap<usize, FileScope> = manifests
        .iter()
        .enumerate()
        .filter_map(|(i, (dir, t))| own_role(dir, t).map(|s| (i, s)))
        .collect();
    // Grow the set of test-support members to a fixpoint: production dependents are what keeps a member out.
    loop {
        let mut grew = false;
        for (i, (_, manifest)) in manifests.iter().enumerate() {
            if roles.contains_key(&i) {
                continue;
            }
            let deps = &dependents[i];
            let from_production: Vec<&(usize, Edge, String)> = deps
                .iter()
                .filter(|(from, _, _)| !roles.contains_key(from))
                .collect();
            let name = package_name(manifest).unwrap_or("?");
            if !from_production.is_empty()
                && from_production
                    .iter()
                    .all(|(_, edge, _)| *edge == Edge::TestOnly)
            {
                let (from, _, why) = from_production[0];
                let user = package_name(&manifests[*from].1).unwrap_or("?");
                let others = from_production.len() - 1;
                let more = if others > 0 {
                    format!(" and {others} other member(s) the same way")
                } else {
                    String::new()
                };
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
        if !grew {
            break;
        }
    }
    Workspace {
        roles: roles
            .into_iter()
            .map(|(i, scope)| (manifests[i].0.clone(), scope))
            .collect(),
    }
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

/// One `mod name;` item found in a file's text.
#[derive(Debug, PartialEq, Eq)]
struct ModItem {
    name: String,
    /// `#[path = "…"]`, if given.
    path: Option<String>,
    /// Compiled only for tests (`#[cfg(test)]`) or fuzzing (`#[cfg(fuzzing)]`): the role that gives the module.
    gate: Option<Role>,
    line: usize,
}

/// The out-of-line `mod` items of a Rust file, read from its text without parsing it: a line-based scan that
/// collects the attributes written before each item (across lines), so `#[cfg(test)]` and `#[path]` are seen.
/// Everything in a file whose inner attributes say `#![cfg(test)]` counts as under `cfg(test)` (and likewise
/// `cfg(fuzzing)`, which cargo-fuzz sets).
fn scan_mod_declarations(text: &str) -> Vec<ModItem> {
    let mut items = Vec::new();
    let mut attributes: Vec<String> = Vec::new();
    let mut open: Option<String> = None;
    let mut file_gate: Option<Role> = None;
    let mut seen_item = false;
    for (index, raw_line) in text.lines().enumerate() {
        let mut line = raw_line.trim();
        if let Some(partial) = open.as_mut() {
            partial.push(' ');
            partial.push_str(line);
            if brackets_balanced(partial) {
                attributes.push(std::mem::take(partial));
                open = None;
            }
            continue;
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        if !seen_item && let Some(inner) = line.strip_prefix("#![") {
            if let Some(gate) = gate_of(inner.trim_end_matches(']').trim()) {
                file_gate = Some(gate);
            }
            continue;
        }
        // Attributes, possibly several on one line and possibly before the item on the same line.
        while let Some(rest) = line.strip_prefix("#[") {
            match attribute_end(rest) {
                Some(end) => {
                    attributes.push(rest[..end].trim().to_string());
                    line = rest[end + 1..].trim_start();
                }
                None => {
                    open = Some(rest.to_string());
                    line = "";
                }
            }
        }
        if line.is_empty() {
            continue;
        }
        seen_item = true;
        if let Some(name) = mod_item_name(line) {
            let gate = file_gate.or_else(|| attributes.iter().find_map(|a| gate_of(a)));
            let path = attributes.iter().find_map(|a| path_attribute(a));
            items.push(ModItem {
                name,
                path,
                gate,
                line: index + 1,
            });
        }
        attributes.clear();
    }
    items
}

/// The role a `cfg` attribute gives the item it gates: `cfg(test)` or a test feature
/// (`cfg(feature = "testing")`, `cfg(any(test, feature = "test-util"))`) → test, `cfg(fuzzing)` → tooling.
fn gate_of(attribute: &str) -> Option<Role> {
    if crate::source::context::is_cfg_test(attribute) || only_test_features(attribute) {
        Some(Role::Test)
    } else if crate::source::context::is_cfg(attribute, "fuzzing") {
        Some(Role::Tooling)
    } else {
        None
    }
}

/// `cfg(feature = "testing")`: every feature the attribute names is a test feature, and none is negated.
fn only_test_features(attribute: &str) -> bool {
    if !attribute.starts_with("cfg") || attribute.contains("not(") {
        return false;
    }
    let features: Vec<&str> = attribute
        .split("feature")
        .skip(1)
        .filter_map(|rest| rest.trim_start().strip_prefix('='))
        .filter_map(|rest| rest.trim_start().strip_prefix('"'))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    !features.is_empty() && features.iter().all(|f| is_test_feature(f))
}

/// Where the `]` closing an attribute is, in the text after its `#[`.
fn attribute_end(rest: &str) -> Option<usize> {
    let mut depth = 1usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        if in_string {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Has an attribute spread over lines been closed? (Its text starts after `#[`.)
fn brackets_balanced(text: &str) -> bool {
    attribute_end(text).is_some()
}

/// `mod name;`, `pub mod name;`, `pub(crate) mod r#name;` → `name`.
fn mod_item_name(line: &str) -> Option<String> {
    let mut rest = line;
    if let Some(after) = rest.strip_prefix("pub") {
        rest = after.trim_start();
        if let Some(after) = rest.strip_prefix('(') {
            rest = after.split_once(')')?.1.trim_start();
        }
    }
    let rest = rest.strip_prefix("mod")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let rest = rest.strip_prefix("r#").unwrap_or(rest);
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (name, after) = rest.split_at(end);
    (!name.is_empty() && after.trim_start().starts_with(';')).then(|| name.to_string())
}

/// `path = "x/y.rs"` → `x/y.rs`.
fn path_attribute(attribute: &str) -> Option<String> {
    let rest = attribute.strip_prefix("path")?.trim_start();
    let rest = rest.strip_prefix('=')?.trim();
    let rest = rest.strip_prefix('"')?;
    rest.split_once('"').map(|(path, _)| path.to_string())
}

/// The files a `mod` item in `declarer` can live in: `#[path]` relative to the declarer's directory, else
/// `name.rs` or `name/mod.rs` in the declarer's module directory (its own directory for `mod.rs`, `lib.rs`,
/// `main.rs` and other crate roots; `<stem>/` beside it otherwise).
fn module_files(declarer: &Path, item: &ModItem) -> Vec<PathBuf> {
    let Some(dir) = declarer.parent() else {
        return Vec::new();
    };
    if let Some(path) = &item.path {
        return vec![normalise(&dir.join(path))];
    }
    let stem = declarer.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let dir_name = dir.file_name().and_then(|s| s.to_str()).unwrap_or("");
    let owns_dir = matches!(stem, "mod" | "lib" | "main")
        || matches!(dir_name, "bin" | "tests" | "examples" | "benches")
        || (stem == "build" && dir.join("Cargo.toml").is_file());
    let module_dir = if owns_dir {
        dir.to_path_buf()
    } else {
        dir.join(stem)
    };
    vec![
        module_dir.join(format!("{}.rs", item.name)),
        module_dir.join(&item.name).join("mod.rs"),
    ]
}

/// `a/b/../c.rs` → `a/c.rs`, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, files: &[(&str, &str)]) {
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap_or(root))
                .unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    fn role_of(resolver: &mut ScopeResolver, root: &Path, path: &str) -> FileScope {
        resolver.classify(&root.join(path), root)
    }

    #[test]
    fn mod_items_are_found_with_their_attributes() {
        let text = "//! docs\n#![allow(x)]\nmod a;\n#[cfg(test)]\nmod tests;\n#[cfg(feature = \"testing\")]\nmod support;\n#[cfg(feature = \"std\")]\nmod std_only;\n#[cfg(all(test, feature = \"x\"))] pub(crate) mod helpers;\n#[cfg(test)]\n#[path = \"x_tests.rs\"]\nmod x;\n#[cfg(not(test))]\nmod real;\nmod inline {\n}\n#[cfg(\n  test\n)]\nmod spread;\n";
        let items = scan_mod_declarations(text);
        let summary: Vec<(&str, Option<&str>, bool)> = items
            .iter()
            .map(|i| {
                (
                    i.name.as_str(),
                    i.path.as_deref(),
                    i.gate == Some(Role::Test),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("a", None, false),
                ("tests", None, true),
                ("support", None, true),
                ("std_only", None, false),
                ("helpers", None, true),
                ("x", Some("x_tests.rs"), true),
                ("real", None, false),
                ("spread", None, true),
            ]
        );
        assert!(
            scan_mod_declarations("#![cfg(test)]\nmod a;\n")
                .iter()
                .all(|i| i.gate == Some(Role::Test))
        );
        assert_eq!(
            scan_mod_declarations("#[cfg(fuzzing)]\npub mod fuzz_logic;\n")[0].gate,
            Some(Role::Tooling)
        );
    }

    #[test]
    fn out_of_line_test_modules_are_followed_from_their_parent() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        write(
            root,
            &[
                ("Cargo.toml", "[package]\nname = \"svc\"\n"),
                (
                    "src/lib.rs",
                    "mod server;\n#[cfg(test)]\nmod harness;\n#[cfg(test)]\n#[path = \"lib_checks.rs\"]\nmod checks;\n",
                ),
                ("src/server.rs", "#[cfg(test)]\nmod support;\nmod codec;\n"),
                ("src/server/support.rs", "mod deep;\n"),
                ("src/server/support/deep.rs", ""),
                ("src/server/codec.rs", ""),
                ("src/harness/mod.rs", "mod util;\n"),
                ("src/harness/util.rs", ""),
                ("src/lib_checks.rs", ""),
            ],
        );
        let mut resolver = ScopeResolver::default();
        for (path, role) in [
            ("src/lib.rs", Role::Production),
            ("src/server.rs", Role::Production),
            ("src/server/codec.rs", Role::Production),
            ("src/server/support.rs", Role::Test),
            ("src/server/support/deep.rs", Role::Test),
            ("src/harness/mod.rs", Role::Test),
            ("src/harness/util.rs", Role::Test),
            ("src/lib_checks.rs", Role::Test),
            ("build.rs", Role::Tooling),
            ("tests/api.rs", Role::Test),
        ] {
            assert_eq!(role_of(&mut resolver, root, path).role, role, "{path}");
        }
        let reason = role_of(&mut resolver, root, "src/server/support/deep.rs").reason;
        assert!(reason.contains("src/server.rs:2"), "{reason}");
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

    #[test]
    fn directory_conventions_count_below_the_checked_root() {
        let mut resolver = ScopeResolver::default();
        let root = Path::new("repo");
        for (path, role) in [
            ("repo/deploy/app.yaml", Role::Production),
            ("repo/pkg/health/testdata/hpa.yaml", Role::Test),
            ("repo/test/e2e/kind/router.yaml", Role::Test),
            ("repo/examples/guestbook.yaml", Role::Example),
            ("repo/vendor/x/tests/y.yaml", Role::Vendored),
            ("repo/.github/workflows/ci.yml", Role::Production),
        ] {
            assert_eq!(
                resolver.classify(Path::new(path), root).role,
                role,
                "{path}"
            );
        }
        // A directory the user named is checked as production.
        let named = Path::new("repo/examples");
        assert_eq!(
            resolver
                .classify(Path::new("repo/examples/guestbook.yaml"), named)
                .role,
            Role::Production
        );
    }

    #[test]
    fn scope_globs_override_the_conventions() {
        let build = |patterns: &[&str]| {
            let mut builder = globset::GlobSetBuilder::new();
            for p in patterns {
                builder.add(globset::Glob::new(p).unwrap_or_else(|e| panic!("{e}")));
            }
            builder.build().unwrap_or_else(|e| panic!("{e}"))
        };
        let overrides = ScopeOverrides {
            base_dir: PathBuf::from("."),
            globs: vec![
                (
                    Role::Production,
                    vec!["examples/server/**".into()],
                    build(&["examples/server/**"]),
                ),
                (Role::Test, vec!["qa/**".into()], build(&["qa/**"])),
            ],
        };
        let mut resolver = ScopeResolver::new(overrides);
        let root = Path::new("");
        assert_eq!(
            resolver
                .classify(Path::new("examples/server/app.yaml"), root)
                .role,
            Role::Production
        );
        assert_eq!(
            resolver.classify(Path::new("qa/load.yaml"), root).role,
            Role::Test
        );
        assert_eq!(
            resolver
                .classify(Path::new("examples/other.yaml"), root)
                .role,
            Role::Example
        );
    }

    #[test]
    fn package_conventions() {
        for (path, role) in [
            ("tests/api.rs", Role::Test),
            ("benches/b.rs", Role::Tooling),
            ("examples/demo.rs", Role::Example),
            ("build.rs", Role::Tooling),
            ("src/tests.rs", Role::Test),
            ("src/a/b_tests.rs", Role::Test),
            ("src/hpack/test/fixture.rs", Role::Test),
            ("src/main.rs", Role::Production),
            ("src/build.rs", Role::Production),
            ("src/examples.rs", Role::Production),
            ("src/testing.rs", Role::Production),
            ("src/commands/test.rs", Role::Production),
            ("src/fixtures.rs", Role::Test),
            ("src/store/test_utils.rs", Role::Test),
        ] {
            assert_eq!(conventional_role(Path::new(path)).role, role, "{path}");
        }
    }
}
