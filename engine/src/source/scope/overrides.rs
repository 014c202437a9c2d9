//! `[scope]` globs from `hindsight.toml`: the first say on a file's role, before any convention.

use std::path::{Path, PathBuf};

use super::{FileScope, Role};

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

#[cfg(test)]
mod tests {
    use super::super::ScopeResolver;
    use super::*;

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
    fn paths_are_made_relative_to_the_configuration() {
        assert_eq!(
            relative_to(Path::new("./qa/a.yaml"), Path::new(".")),
            PathBuf::from("qa/a.yaml")
        );
        assert_eq!(
            relative_to(Path::new("/repo/qa/a.yaml"), Path::new("/repo")),
            PathBuf::from("qa/a.yaml")
        );
        assert_eq!(
            relative_to(Path::new("/elsewhere/a.yaml"), Path::new("/repo")),
            PathBuf::from("/elsewhere/a.yaml")
        );
    }
}
