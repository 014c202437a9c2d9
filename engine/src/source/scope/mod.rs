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
//!    `fixtures/`, `e2e/`, ...), `examples/` (and `*-examples/`, `*_examples/`), `xtask/`, `fuzz/`, `benches/`;
//! 5. generated code, as each language marks it (`_pb2.py`, `.min.js`, a `// Code generated … DO NOT EDIT.` or
//!    `@generated` comment near the top, a minified line), counted as vendored;
//! 6. for Rust, Cargo's conventions inside the package (`tests/`, `benches/`, `examples/`, `build.rs`, the
//!    `tests.rs` and `src/**/tests/` homes of test modules) and out-of-line test modules: a file declared by
//!    `#[cfg(test)] mod name;` (or `#[path = "…"]`) in its parent module's file, followed up the module tree.
//!
//! Directory conventions count only below the root the user asked to check, so `hindsight check
//! tests/fixtures/x.yaml` or `hindsight check examples/service` still checks what was named.
//!
//! This module reads files (package manifests, the parent modules of Rust files): it is, with `walk`, the
//! engine's file-system boundary. [`ScopeResolver`] memoises what it read, per directory and per workspace.
//!
//! One file per source of the verdict: `overrides.rs` (1), `directories.rs` (2 and 4), `workspace.rs` (3),
//! `generated.rs` (5), `package.rs` and `modules.rs` (6); `resolver.rs` asks them in order.

use std::path::{Component, Path};

mod directories;
mod generated;
mod modules;
mod overrides;
mod package;
mod resolver;
mod workspace;

pub use overrides::ScopeOverrides;
pub use package::{conventional_role, package_role};
pub use resolver::ScopeResolver;

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
    pub(crate) fn new(role: Role, reason: impl Into<String>) -> Self {
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

/// The normal components of a path, as strings.
fn parts(path: &Path) -> Vec<&str> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(part) => part.to_str(),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{FileScope, ScopeResolver};

    pub(super) fn write(root: &Path, files: &[(&str, &str)]) {
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap_or(root))
                .unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    pub(super) fn role_of(resolver: &mut ScopeResolver, root: &Path, path: &str) -> FileScope {
        resolver.classify(&root.join(path), root)
    }
}
