//! One open document: its text and version as the client last sent them, and its last finished check with the
//! syntax tree that incremental reparsing starts from.

use std::path::PathBuf;
use std::sync::Arc;

use hindsight_engine::Finding;
use lsp_types::Uri;

use super::workspace::Workspace;

/// An open document.
pub(crate) struct Document {
    pub(crate) uri: Uri,
    /// Absolute path for `file:` URIs.
    pub(crate) path: Option<PathBuf>,
    /// The language id the client gave, used for documents without a path.
    pub(crate) language_id: String,
    pub(crate) version: i32,
    pub(crate) text: String,
    /// The last finished check.
    pub(crate) checked: Option<Checked>,
    /// The syntax tree of the last check, edited in step with `text` since.
    pub(crate) tree: Option<tree_sitter::Tree>,
}

/// The result of checking one version of a document.
pub(crate) struct Checked {
    pub(crate) version: i32,
    pub(crate) generation: u64,
    /// The text that was checked (positions are computed against it).
    pub(crate) text: Arc<str>,
    pub(crate) findings: Vec<Finding>,
    /// Set when the document was over the size cap and not analysed: its size and the cap.
    pub(crate) too_large: Option<(usize, u64)>,
}

impl Document {
    /// Is the last check of this version, under the rules of `generation`?
    pub(crate) fn is_checked_at(&self, generation: u64) -> bool {
        self.checked
            .as_ref()
            .is_some_and(|c| c.version == self.version && c.generation == generation)
    }

    /// The path the document is checked under, relative to its workspace as `hindsight check` would see it.
    pub(crate) fn check_path(&self, workspace: &Workspace) -> PathBuf {
        match &self.path {
            Some(path) => workspace.relative(path).to_path_buf(),
            None => untitled_path(&self.language_id),
        }
    }

    /// A path with the extension of the document's language, for a document whose own path says nothing.
    pub(crate) fn stand_in_path(&self) -> PathBuf {
        untitled_path(&self.language_id)
    }
}

/// A stand-in path for a document without one (`untitled:`), so its language is known.
fn untitled_path(language_id: &str) -> PathBuf {
    // The editor's language id (`rust`, `go`, `typescriptreact`, `jsonc`) is a name or alias in the
    // engine's tables.
    let extension = hindsight_engine::Lang::from_name(language_id)
        .map(hindsight_engine::Lang::extension)
        .or_else(|| {
            hindsight_engine::data::DataFormat::from_name(language_id)
                .map(|format| format.spec().extensions[0])
        })
        .unwrap_or(language_id);
    PathBuf::from(format!("untitled.{extension}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untitled_documents_get_their_language_extension() {
        for (language, path) in [
            ("rust", "untitled.rs"),
            ("jsonc", "untitled.json"),
            ("toml", "untitled.toml"),
            ("python", "untitled.py"),
            ("typescriptreact", "untitled.tsx"),
            ("go", "untitled.go"),
            ("cobol", "untitled.cobol"),
        ] {
            assert_eq!(untitled_path(language), PathBuf::from(path), "{language}");
        }
    }
}
