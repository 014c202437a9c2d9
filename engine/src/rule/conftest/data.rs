//! `--data`: documents a conftest policy reads as `data.*`, loaded the way `conftest test --data` does (through
//! OPA's file loader): every `.json`, `.yaml` and `.yml` file below each given path, its top-level object
//! merged into `data`. A file given directly, or at the top of a given directory, merges at the root; a file in
//! a subdirectory merges under the subdirectories' names (`DIR/teams/owners.yaml` holding `{"a": 1}` is
//! `data.teams.a`), as OPA places data by directory.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::super::LoadProblem;

/// The merged documents of `paths`, and the problems of the files that could not be read or merged (each
/// named; the other files still load).
pub(super) fn load(paths: &[PathBuf]) -> (Map<String, Value>, Vec<LoadProblem>) {
    let mut data = Map::new();
    let mut problems = Vec::new();
    for root in paths {
        if !root.exists() {
            problems.push(problem(root, 1, "the `--data` path does not exist".into()));
            continue;
        }
        for (file, prefix) in data_files(root) {
            match read(&file) {
                Ok(Value::Object(doc)) => {
                    let mut value = Value::Object(doc);
                    for key in prefix.iter().rev() {
                        let mut nested = Map::new();
                        nested.insert(key.clone(), value);
                        value = Value::Object(nested);
                    }
                    if let Value::Object(doc) = value
                        && let Err(key) = merge(&mut data, doc)
                    {
                        problems.push(problem(
                            &file,
                            1,
                            format!("`data.{key}` is already set by another `--data` file, to a different value"),
                        ));
                    }
                }
                // An empty file (YAML `null`) holds nothing to merge.
                Ok(Value::Null) => {}
                Ok(_) => problems.push(problem(
                    &file,
                    1,
                    "a `--data` document must be an object (its keys become `data.<key>`)".into(),
                )),
                Err((line, message)) => problems.push(problem(&file, line, message)),
            }
        }
    }
    (data, problems)
}

/// The data files of one `--data` path, sorted, each with the directories between the path and the file.
fn data_files(root: &Path) -> Vec<(PathBuf, Vec<String>)> {
    if root.is_file() {
        return vec![(root.to_path_buf(), Vec::new())];
    }
    let mut files: Vec<(PathBuf, Vec<String>)> = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .build()
        .flatten()
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
        .filter(|entry| {
            entry
                .path()
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "json" | "yaml" | "yml"))
        })
        .map(|entry| {
            let prefix = entry
                .path()
                .parent()
                .and_then(|dir| dir.strip_prefix(root).ok())
                .map(|dir| {
                    dir.components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            (entry.path().to_path_buf(), prefix)
        })
        .collect();
    files.sort();
    files
}

/// A data file as JSON; on failure, the line and what is wrong.
fn read(file: &Path) -> Result<Value, (usize, String)> {
    let text = std::fs::read_to_string(file)
        .map_err(|err| (1, format!("could not read the `--data` file: {err}")))?;
    let is_json = file.extension().is_some_and(|e| e == "json");
    if is_json {
        serde_json::from_str(&text)
            .map_err(|err| (err.line().max(1), format!("not valid JSON: {err}")))
    } else if text.trim().is_empty() {
        Ok(Value::Null)
    } else {
        serde_saphyr::from_str::<Value>(&text).map_err(|err| (1, format!("not valid YAML: {err}")))
    }
}

/// Deep-merges `doc` into `data`, as OPA merges data documents: objects merge key by key, an equal value is
/// no conflict, anything else is; the conflicting key path is the error.
fn merge(data: &mut Map<String, Value>, doc: Map<String, Value>) -> Result<(), String> {
    for (key, value) in doc {
        match (data.get_mut(&key), value) {
            (None, value) => {
                data.insert(key, value);
            }
            (Some(Value::Object(existing)), Value::Object(more)) => {
                merge(existing, more).map_err(|inner| format!("{key}.{inner}"))?;
            }
            (Some(existing), value) if *existing == value => {}
            (Some(_), _) => return Err(key),
        }
    }
    Ok(())
}

fn problem(path: &Path, line: usize, message: String) -> LoadProblem {
    LoadProblem {
        path: path.display().to_string(),
        line,
        column: 1,
        message,
        hint: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|err| panic!("{err}"));
        }
        std::fs::write(path, text).unwrap_or_else(|err| panic!("{err}"));
    }

    #[test]
    fn files_merge_at_the_root_and_subdirectories_nest() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        write(
            dir.path(),
            "services.yaml",
            "services:\n  ports: [22, 21]\n",
        );
        write(dir.path(), "teams/owners.json", "{\"payments\": \"alice\"}");
        write(dir.path(), "notes.md", "not data");
        write(dir.path(), "empty.yml", "");
        let single = dir.path().join("single.json");
        std::fs::write(&single, "{\"flag\": true}").unwrap_or_else(|err| panic!("{err}"));
        let (data, problems) = load(&[dir.path().to_path_buf(), single]);
        assert_eq!(problems, []);
        assert_eq!(
            Value::Object(data),
            serde_json::json!({
                "services": {"ports": [22, 21]},
                "teams": {"payments": "alice"},
                "flag": true
            })
        );
    }

    #[test]
    fn bad_and_conflicting_files_are_named_and_the_rest_loads() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        write(dir.path(), "a.yaml", "limits:\n  cpu: 2\n");
        write(dir.path(), "b.yaml", "limits:\n  cpu: 3\n  memory: 4\n");
        write(dir.path(), "c.json", "{\"x\": ");
        write(dir.path(), "d.yaml", "- a list\n");
        write(dir.path(), "e.yaml", "ok: 1\n");
        let (data, problems) = load(&[dir.path().to_path_buf(), dir.path().join("missing")]);
        let messages: Vec<String> = problems
            .iter()
            .map(|p| {
                let name = Path::new(&p.path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                format!("{name}:{} {}", p.line, p.message)
            })
            .collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(
            messages[0]
                .starts_with("b.yaml:1 `data.limits.cpu` is already set by another `--data` file"),
            "{messages:?}"
        );
        assert!(
            messages[1].starts_with("c.json:1 not valid JSON"),
            "{messages:?}"
        );
        assert!(messages[2].starts_with("d.yaml:1 a `--data` document must be an object"));
        assert_eq!(messages[3], "missing:1 the `--data` path does not exist");
        assert_eq!(data["limits"], serde_json::json!({"cpu": 2}));
        assert_eq!(data["ok"], serde_json::json!(1));
    }
}
