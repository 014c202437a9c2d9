//! `hindsight check - --stdin-filename PATH`: one text from standard input, checked as the file PATH names.
//!
//! PATH's extension picks the format or language (`deploy.yaml`, `src/lib.rs`). A stream of documents with
//! Helm's `# Source:` comments (`helm template . | hindsight check - --stdin-filename chart/`) is cut into
//! documents and each is checked under the template it came from, below PATH (a directory, or the directory
//! of a file), and placed back at the template's lines when the template is on disk, as a rendered chart is.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use hindsight_engine::data::rendered::split_sources;
use hindsight_engine::walk::{self, FileEntry, WalkOptions};

use super::{Rendering, dir_of, helm};

/// The name piped text is checked under when `--stdin-filename` is not given: YAML, as conftest reads it.
const DEFAULT_NAME: &str = "stdin.yaml";

/// Reads standard input and makes it the run's files.
pub(crate) fn read(name: Option<&Path>, options: &WalkOptions) -> anyhow::Result<Rendering> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
        .context("cannot read standard input as UTF-8 text")?;
    from_text(name, &text, options)
}

/// Is PATH meant as a directory (`chart/`, or one that exists)?
fn is_dir_name(path: &Path) -> bool {
    path.as_os_str().to_string_lossy().ends_with('/') || path.is_dir()
}

/// The run's files for `text` piped in under `name`.
pub(crate) fn from_text(
    name: Option<&Path>,
    text: &str,
    options: &WalkOptions,
) -> anyhow::Result<Rendering> {
    let name = name.unwrap_or(Path::new(DEFAULT_NAME));
    let mut rendering = Rendering::default();
    let has_sources = split_sources(text).iter().any(|doc| doc.source.is_some());
    if !has_sources {
        let path = if is_dir_name(name) {
            name.join(DEFAULT_NAME)
        } else {
            name.to_path_buf()
        };
        let entry = entry_for(&path, options)?;
        rendering.files.push((entry, text.as_bytes().to_vec()));
        return Ok(rendering);
    }
    let base = if is_dir_name(name) {
        name.components().collect::<PathBuf>()
    } else {
        dir_of(name)
    };
    for (path, stream) in helm::by_template(&base, text) {
        let entry = entry_for(&path, options)?;
        if path.is_file() {
            // The template is on disk: findings go to its lines, as for a chart hindsight rendered.
            rendering.add(&entry, entry.path.clone(), stream, "helm", Vec::new());
        } else {
            // Nothing to place them in: they stay on the piped text, which the printers show.
            rendering.files.push((entry, stream.into_bytes()));
        }
    }
    Ok(rendering)
}

/// The file entry of a piped path: its scope, language and format as a file at that path would have.
fn entry_for(path: &Path, options: &WalkOptions) -> anyhow::Result<FileEntry> {
    // Piped text was asked for by name, like a file named on the command line: excludes do not apply.
    let options = WalkOptions {
        excludes: Vec::new(),
        ..options.clone()
    };
    let (mut entries, _) = walk::select(&[path.to_path_buf()], &options);
    entries.pop().with_context(|| {
        format!(
            "no rule reads a file named `{}`: give --stdin-filename a name whose extension says its format or \
             language (.yaml, .json, .toml, .rs, .go, .py, .ts, .js), or a directory such as `chart/` for \
             `helm template` output",
            path.display()
        )
    })
}
