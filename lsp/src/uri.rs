//! `file://` URIs and paths, both ways. Clients percent-encode paths differently (VS Code encodes `:`), so
//! documents are matched by their decoded path, never by the URI text.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr as _;

use lsp_types::Uri;
use serde_json::Value;

/// The path of a `file:` URI; `None` for other schemes (`untitled:`, `https:`).
pub(crate) fn to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // `file:///path` (empty authority) or `file://localhost/path`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let decoded = percent_decode(rest)?;
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of an absolute path.
pub(crate) fn from_path(path: &Path) -> Option<Uri> {
    let absolute = std::path::absolute(path).ok()?;
    let mut text = String::from("file://");
    for byte in absolute.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=@".contains(&byte) {
            text.push(char::from(byte));
        } else {
            let _ = write!(text, "%{byte:02X}");
        }
    }
    Uri::from_str(&text).ok()
}

/// The paths of a `WorkspaceFolder[]` value (from `initialize` or `workspace/workspaceFolders`), read as JSON
/// so that one malformed folder leaves out only itself.
pub(crate) fn folder_paths(folders: &Value) -> Vec<PathBuf> {
    folders
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f.get("uri").and_then(Value::as_str))
        .filter_map(|u| u.parse::<Uri>().ok())
        .filter_map(|u| to_path(&u))
        .collect()
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(byte);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_through_uris() {
        for path in ["/tmp/a b/µ.rs", "/work/src/main.rs", "/x/100%/y#z.yaml"] {
            let uri = from_path(Path::new(path)).expect("a uri");
            assert_eq!(to_path(&uri), Some(PathBuf::from(path)), "{}", uri.as_str());
        }
        let encoded = Uri::from_str("file:///c%3A/x/y.rs").expect("a uri");
        assert_eq!(to_path(&encoded), Some(PathBuf::from("/c:/x/y.rs")));
        let untitled = Uri::from_str("untitled:Untitled-1").expect("a uri");
        assert_eq!(to_path(&untitled), None);
    }

    #[test]
    fn folder_paths_skip_what_is_not_a_file_folder() {
        let folders = serde_json::json!([
            {"uri": "file:///work/a", "name": "a"},
            {"uri": "untitled:x", "name": "x"},
            {"name": "no uri"},
            {"uri": "file:///work/b%20c", "name": "b c"},
        ]);
        assert_eq!(
            folder_paths(&folders),
            [PathBuf::from("/work/a"), PathBuf::from("/work/b c")]
        );
        assert!(folder_paths(&Value::Null).is_empty());
    }
}
