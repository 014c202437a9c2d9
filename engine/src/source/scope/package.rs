//! Cargo's conventions inside a package (`tests/`, `benches/`, `examples/`, `build.rs`, the homes of test
//! modules), and the role of a file judged by its path alone.

use std::path::Path;

use crate::source::lang::Lang;

use super::directories::directory_role;
use super::{FileScope, Role, parts};

/// Cargo's conventions inside a package, for a path relative to the package root: `tests/` (integration
/// tests), `benches/`, `examples/`, `build.rs`, and the usual homes of a `#[cfg(test)] mod tests;` declared in
/// another file (`src/**/tests/`, `src/**/test/`, and the file names of the language's entry: `tests.rs`,
/// `*_tests.rs`, test support such as `fixtures.rs`).
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
    test_file_role(file)
}

/// What the file's name says, by its language's [`crate::source::lang::TestFiles`]: the home of a test
/// module (`tests.rs`, `*_tests.rs`) or test support (`fixtures.rs`, `pub mod fixtures;` being for tests
/// even when it is not gated on `cfg(test)`).
pub(super) fn test_file_role(file: &str) -> Option<FileScope> {
    let names = &Lang::from_file(Path::new(file))?.spec().test_files;
    if names.modules.contains(&file)
        || names.module_prefixes.iter().any(|p| file.starts_with(p))
        || names.module_suffixes.iter().any(|s| file.ends_with(s))
    {
        return Some(FileScope::new(
            Role::Test,
            format!("named `{file}` (the home of a test module)"),
        ));
    }
    if names.support.contains(&file) {
        return Some(FileScope::new(
            Role::Test,
            format!("named `{file}` (test support)"),
        ));
    }
    None
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_count_in_their_own_language_only() {
        assert_eq!(
            test_file_role("tests.rs").map(|s| s.reason),
            Some("named `tests.rs` (the home of a test module)".into())
        );
        assert_eq!(
            test_file_role("mocks.rs").map(|s| s.reason),
            Some("named `mocks.rs` (test support)".into())
        );
        assert_eq!(test_file_role("test.rs"), None);
        assert_eq!(test_file_role("fixtures.yaml"), None);
        assert_eq!(test_file_role("tests"), None);
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
