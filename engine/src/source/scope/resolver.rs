//! [`ScopeResolver`]: the verdict in the order the module documentation gives, with what it read from disk
//! (package manifests, workspaces, parent modules) remembered per directory and per workspace.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::source::lang::{Lang, PackageSystem};

use super::directories::directory_role;
use super::generated::generated_role;
use super::modules::{Declaration, module_files, scan_mod_declarations};
use super::overrides::ScopeOverrides;
use super::package::{package_role, test_file_role};
use super::workspace::{Workspace, analyse_workspace, own_role, read_manifest};
use super::{FileScope, Role, parts};

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
        // Only files of a language whose packages are Cargo's are judged by what their package says.
        let in_cargo_package = Lang::from_file(path).and_then(|lang| lang.spec().packages)
            == Some(PackageSystem::Cargo);
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let package = if in_cargo_package {
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
        if let Some(scope) = generated_role(path) {
            return scope;
        }
        let Some(package) = package else {
            // Outside a Cargo package, the file's name says what its language's conventions say
            // (`_test.go`, `test_*.py`, `conftest.py`, `*.spec.ts`).
            return path
                .file_name()
                .and_then(|name| name.to_str())
                .and_then(test_file_role)
                .unwrap_or_else(FileScope::production);
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
            // The directory entry's own type spares a `stat` per file; only a symlink is followed.
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .filter(|e| {
                    e.file_type()
                        .is_ok_and(|t| t.is_file() || (t.is_symlink() && e.path().is_file()))
                })
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
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
