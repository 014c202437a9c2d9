//! `kustomize build` (or `kubectl kustomize`) on an overlay, and the files each built resource comes from:
//! the base or resource file that declares it, and the patches that may set a key of it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use hindsight_engine::data::rendered::{RenderedDoc, kind_of, split_sources};
use hindsight_engine::data::{DataFormat, DataNode, DataValue};
use hindsight_engine::paths;

use super::get;
use super::process::{Ran, find_on_path, run};

/// The names kustomize reads a kustomization from, in its order.
pub(crate) const FILE_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// A tool that builds overlays: `kustomize build DIR`, else `kubectl kustomize DIR`.
pub(crate) struct Tool {
    program: PathBuf,
    subcommand: &'static str,
}

impl Tool {
    /// The first of `kustomize` and `kubectl` on `PATH`.
    pub(crate) fn find() -> Option<Tool> {
        find_on_path("kustomize")
            .map(|program| Tool {
                program,
                subcommand: "build",
            })
            .or_else(|| {
                find_on_path("kubectl").map(|program| Tool {
                    program,
                    subcommand: "kustomize",
                })
            })
    }

    /// How the tool is called, for notes.
    fn name(&self) -> String {
        let program = self
            .program
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        format!("{program} {}", self.subcommand)
    }

    /// Builds the overlay in `dir`. `Err` is the one note for it.
    pub(crate) fn build(&self, dir: &Path, timeout: Duration) -> Result<Vec<RenderedDoc>, String> {
        let args = [self.subcommand.to_string(), dir.display().to_string()];
        let name = self.name();
        match run(&self.program, &args, timeout) {
            Ran::Output(text) => Ok(split_sources(&text)),
            Ran::Failed(message) => Err(format!(
                "`{name}` failed, so the overlay was checked as plain YAML: {message}"
            )),
            Ran::TimedOut => Err(format!(
                "`{name}` was still running after {}s and was stopped; the overlay was checked as plain YAML \
                 (`[render] timeout` in hindsight.toml)",
                timeout.as_secs()
            )),
            Ran::NotStarted(err) => Err(format!(
                "could not run `{name}`: {err}; the overlay was checked as plain YAML"
            )),
        }
    }
}

/// The files an overlay is built from, read through its kustomization and those of the directories it names:
/// resource files first (bases before the overlay's own), then patch files in the order they apply.
#[derive(Debug, Default)]
pub(crate) struct Inputs {
    pub(crate) resources: Vec<PathBuf>,
    pub(crate) patches: Vec<PathBuf>,
    /// The directories read, resolved: the overlay's first, then those it builds on.
    pub(crate) dirs: Vec<PathBuf>,
}

/// Reads the kustomization in `dir` and, recursively, those of local directories it names as resources,
/// bases or components. Remote resources (URLs) and unreadable files are left out: findings from them are
/// reported at the overlay's kustomization file.
pub(crate) fn inputs(dir: &Path) -> Inputs {
    let mut inputs = Inputs::default();
    let mut seen = Vec::new();
    collect(dir, &mut inputs, &mut seen, 0);
    inputs.dirs = seen;
    inputs
}

/// Kustomizations nest a few levels; a cycle (which kustomize itself rejects) must not loop here.
const MAX_DEPTH: usize = 16;

fn collect(dir: &Path, inputs: &mut Inputs, seen: &mut Vec<PathBuf>, depth: usize) {
    let Ok(canonical) = dir.canonicalize() else {
        return;
    };
    if depth > MAX_DEPTH || seen.contains(&canonical) {
        return;
    }
    seen.push(canonical);
    let Some(root) = FILE_NAMES
        .iter()
        .find_map(|name| read_root(&dir.join(name)))
    else {
        return;
    };
    for key in ["resources", "bases", "components"] {
        for entry in strings(&root, key) {
            if entry.contains("://") || entry.starts_with("github.com/") {
                continue;
            }
            let path = paths::normalize(&dir.join(&entry));
            if path.is_dir() {
                collect(&path, inputs, seen, depth + 1);
            } else if path.is_file() {
                inputs.resources.push(path);
            }
        }
    }
    for key in ["patchesStrategicMerge", "patches", "patchesJson6902"] {
        for entry in patch_paths(&root, key) {
            let path = paths::normalize(&dir.join(entry));
            if path.is_file() {
                inputs.patches.push(path);
            }
        }
    }
}

/// The first document of a YAML file.
fn read_root(path: &Path) -> Option<DataNode> {
    let text = std::fs::read_to_string(path).ok()?;
    hindsight_engine::data::parse(DataFormat::Yaml, &text)
        .ok()?
        .into_iter()
        .next()
        .map(|doc| doc.root)
}

/// The strings of the list at `key`.
fn strings(root: &DataNode, key: &str) -> Vec<String> {
    match get(root, key).map(|n| &n.value) {
        Some(DataValue::Seq(items)) => items
            .iter()
            .filter_map(|item| match &item.value {
                DataValue::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The files of a patch list: plain strings (`patchesStrategicMerge`) or `path:` of each item (`patches`).
fn patch_paths(root: &DataNode, key: &str) -> Vec<String> {
    let mut out = strings(root, key);
    if let Some(DataValue::Seq(items)) = get(root, key).map(|n| &n.value) {
        for item in items {
            if let Some(DataValue::Str(path)) = get(item, "path").map(|n| &n.value) {
                out.push(path.clone());
            }
        }
    }
    out
}

/// The resource file a built document comes from: the first resource file that declares its kind and a name
/// the built name contains (kustomize adds prefixes and suffixes), else the first that declares its kind.
pub(crate) fn origin<'a>(doc: &str, resources: &'a [(PathBuf, String)]) -> Option<&'a Path> {
    let kind = kind_of(doc)?;
    let built_name = metadata_name(doc).unwrap_or_default();
    let declares = |text: &str| {
        split_sources(text)
            .iter()
            .any(|d| kind_of(&d.text) == Some(kind))
    };
    let named = |text: &str| {
        split_sources(text).iter().any(|d| {
            kind_of(&d.text) == Some(kind)
                && metadata_name(&d.text).is_some_and(|n| !n.is_empty() && built_name.contains(n))
        })
    };
    resources
        .iter()
        .find(|(_, text)| named(text))
        .or_else(|| resources.iter().find(|(_, text)| declares(text)))
        .map(|(path, _)| path.as_path())
}

/// The `metadata.name` of a document, read from its lines (the first `name:` indented under `metadata:`).
fn metadata_name(doc: &str) -> Option<&str> {
    let mut in_metadata = false;
    for line in doc.lines() {
        if line.starts_with("metadata:") {
            in_metadata = true;
            continue;
        }
        if in_metadata {
            if !line.starts_with(' ') && !line.trim().is_empty() {
                in_metadata = false;
                continue;
            }
            if let Some(name) = line.trim_start().strip_prefix("name:")
                && line.len() - line.trim_start().len() == 2
            {
                return Some(name.trim().trim_matches(['"', '\'']));
            }
        }
    }
    None
}
