//! Paths by their text: a leaf module, for every part of the engine (and the CLI) that names files.

use std::path::{Path, PathBuf};

/// How the display path of a built-in rule file begins (`builtin:code/x.yaml`).
pub(crate) const BUILTIN_PREFIX: &str = "builtin:";

/// `a/./b/../c` as `a/c`, by the text of the path, without the file system (no symlink is followed): one name
/// for a file however a path to it was spelled (a Kustomize resource `../../base/x.yaml`, a Terraform module's
/// `source = "../modules/db"`). A `..` above a relative start is kept, one above the root is dropped, and
/// nothing left is `.`.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut parts: Vec<Component<'_>> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(part),
            },
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        PathBuf::from(".")
    } else {
        parts.iter().collect()
    }
}
