//! Directory conventions shared by every ecosystem: vendored code, tests and fixtures, examples and tooling,
//! judged from the directories below the checked root.

use super::{FileScope, Role};

/// Directory names that hold third-party code.
const VENDORED_DIRS: &[&str] = &[
    "vendor",
    "vendors",
    "vendored",
    "third_party",
    "third-party",
    "external-crates",
    "external_crates",
    "node_modules",
    "site-packages",
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
    "testutils",
    "testutil",
    "test_utils",
    "test-utils",
    "testhelpers",
];

/// Directory names that hold examples; also any name ending in `-examples` or `_examples`
/// ([`is_example_dir`]).
const EXAMPLE_DIRS: &[&str] = &["examples", "example"];

/// `usage-examples/` (LaunchDarkly's Terraform provider), `code_examples/`: a qualified examples directory is
/// still examples.
fn is_example_dir(dir: &str) -> bool {
    EXAMPLE_DIRS.contains(&dir) || dir.ends_with("-examples") || dir.ends_with("_examples")
}

/// Directory names that hold developer tooling.
const TOOLING_DIRS: &[&str] = &["xtask", "fuzz", "fuzz_targets", "benches"];

/// The role directory names give a file, from the outermost directory below the checked root inwards.
pub(super) fn directory_role(dirs: &[&str], vendored_only: bool) -> Option<FileScope> {
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
        if is_example_dir(dir) {
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::ScopeResolver;
    use super::*;

    #[test]
    fn the_outermost_directory_decides() {
        let role = |dirs: &[&str], vendored_only: bool| {
            directory_role(dirs, vendored_only).map(|s| s.role)
        };
        assert_eq!(role(&["deploy"], false), None);
        assert_eq!(role(&["examples", "tests"], false), Some(Role::Example));
        assert_eq!(role(&["tests", "vendor"], false), Some(Role::Test));
        assert_eq!(role(&["fuzz"], false), Some(Role::Tooling));
        assert_eq!(role(&["usage-examples", "v2"], false), Some(Role::Example));
        assert_eq!(role(&["code_examples"], false), Some(Role::Example));
        assert_eq!(role(&["examplesite"], false), None);
        // Vendored directories are looked for first, on their own.
        assert_eq!(role(&["tests", "vendor"], true), Some(Role::Vendored));
        assert_eq!(role(&["tests"], true), None);
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
}
