//! Stubs a scaffold leaves for the author: lines marked [`MARKER`] in rule, incident and policy files.
//! `hindsight new rule` writes them; `hindsight test` lists every one still there, naming its field, so a
//! scaffolded rule fails until all of them are filled in, and says so all at once.

use std::path::{Path, PathBuf};

/// The text that marks a stub. Distinct from a plain `TODO`, which a rule's own examples may well contain.
pub(crate) const MARKER: &str = "TODO(new rule)";

/// One stub left in a file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Stub {
    /// The file.
    pub(crate) path: PathBuf,
    /// 1-based line.
    pub(crate) line: usize,
    /// The field holding it (`docs.why`, `examples.bad`), or `policy` in a Rego file.
    pub(crate) field: String,
    /// What the stub asks for: the text after the marker.
    pub(crate) ask: String,
}

/// Every stub in the `.yaml`, `.yml` and `.rego` files under `dir` (or in `dir` itself, a file), in path order.
pub(crate) fn find(dir: &Path) -> Vec<Stub> {
    let mut files = Vec::new();
    collect(dir, &mut files);
    files.sort();
    files
        .iter()
        .filter_map(|path| Some((path, std::fs::read_to_string(path).ok()?)))
        .flat_map(|(path, text)| in_text(path, &text))
        .collect()
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        for entry in entries.flatten() {
            collect(&entry.path(), out);
        }
    } else if path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "yaml" | "yml" | "rego"))
    {
        out.push(path.to_path_buf());
    }
}

/// The stubs of one file. In YAML the field is the path of keys that encloses the marker, by indentation.
fn in_text(path: &Path, text: &str) -> Vec<Stub> {
    let yaml = path.extension().and_then(|e| e.to_str()) != Some("rego");
    let mut keys: Vec<(usize, String)> = Vec::new();
    let mut stubs = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if yaml && !trimmed.is_empty() {
            keys.retain(|(depth, _)| *depth < indent);
            if let Some((depth, key)) = key_of(line) {
                keys.retain(|(d, _)| *d < depth);
                keys.push((depth, key));
            }
        }
        let Some(at) = line.find(MARKER) else {
            continue;
        };
        let ask = line[at + MARKER.len()..]
            .trim_start_matches(':')
            .trim()
            .trim_end_matches('"')
            .trim()
            .to_string();
        let field = if yaml {
            keys.iter()
                .map(|(_, k)| k.as_str())
                .collect::<Vec<_>>()
                .join(".")
        } else {
            "policy".to_string()
        };
        stubs.push(Stub {
            path: path.to_path_buf(),
            line: index + 1,
            field,
            ask,
        });
    }
    stubs
}

/// The key a YAML line starts (after list dashes) and the column it starts at.
fn key_of(line: &str) -> Option<(usize, String)> {
    let mut depth = line.len() - line.trim_start().len();
    let mut rest = line.trim_start();
    while let Some(after) = rest.strip_prefix("- ") {
        depth += 2;
        rest = after;
    }
    if rest.starts_with('#') {
        return None;
    }
    let (key, _) = rest.split_once(':')?;
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    plain.then(|| (depth, key.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_stub_is_named_by_the_field_that_holds_it() {
        let text = "id: x\ntitle: \"TODO(new rule): the lesson\"\ndocs:\n  what: w\n  why: |\n    TODO(new rule): the story\nincidents:\n  - date: \"2000-01-01\"  # TODO(new rule): the day\nexamples:\n  bad:\n    # TODO(new rule): code to report\n    - |\n      fn f() {}\n";
        let stubs = in_text(Path::new("r.yaml"), text);
        let found: Vec<(usize, &str, &str)> = stubs
            .iter()
            .map(|s| (s.line, s.field.as_str(), s.ask.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (2, "title", "the lesson"),
                (6, "docs.why", "the story"),
                (8, "incidents.date", "the day"),
                (11, "examples.bad", "code to report"),
            ]
        );
    }

    #[test]
    fn a_rego_stub_is_in_the_policy() {
        let stubs = in_text(
            Path::new("r.rego"),
            "package p\n# TODO(new rule): the shape\n",
        );
        assert_eq!(stubs.len(), 1);
        assert_eq!(stubs[0].field, "policy");
    }
}
