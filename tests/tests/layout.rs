//! The code layout ARCHITECTURE.md promises, checked rather than hoped for: no import circle between files of
//! different concerns, no file past ~800 lines and no function past ~100 without a comment saying why.
//!
//! A concern is the first folder below a crate's `src/` (`engine/src/check/scan.rs` is `check`); a file
//! directly in `src/` is its own concern. Files of one concern may use each other freely.
//!
//! The checks read the source as text: `crate::a::b` paths (in `use` lines and in code, not in comments) name
//! the file they resolve to, and a function's extent is its signature line to the closing brace at the same
//! indentation, which `cargo fmt` guarantees.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The crates whose layout is checked.
const CRATES: [&str; 4] = ["engine", "cli", "lsp", "git"];
/// Past this many lines a file should be split.
const FILE_LINES: usize = 800;
/// Past this many lines a function should be split, unless a comment just above it says why it is long.
const FN_LINES: usize = 100;
/// The words that comment must contain.
const LONG_BECAUSE: &str = "long because";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace")
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Module path of a file below `src/`: `check/mod.rs` → `["check"]`, `check/scan.rs` → `["check", "scan"]`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The source without comment lines and without a trailing `#[cfg(test)] mod tests { … }`: tests may reach
/// anywhere.
fn code_of(text: &str) -> String {
    let end = text.find("#[cfg(test)]\nmod tests").unwrap_or(text.len());
    text[..end]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::…` path in `code`, group imports (`crate::{a::B, c}`) expanded one level.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let preceded_by_word = rest[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        rest = &rest[i + "crate::".len()..];
        if preceded_by_word {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let close = group.find('}').unwrap_or(group.len());
            for item in group[..close].split(',') {
                paths.push(segments(item.trim()));
            }
        } else {
            paths.push(segments(rest));
        }
    }
    paths
}

fn segments(text: &str) -> Vec<String> {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(text.len());
    text[..end]
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The longest prefix of `path` that is a module of the crate.
fn resolve(modules: &BTreeSet<Vec<String>>, path: &[String]) -> Option<Vec<String>> {
    (1..=path.len())
        .rev()
        .map(|k| path[..k].to_vec())
        .find(|m| modules.contains(m))
}

/// Strongly connected components of more than one file (Tarjan).
fn cycles(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<Vec<String>>> {
    struct State<'g> {
        graph: &'g BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'g Vec<String>, usize>,
        low: BTreeMap<&'g Vec<String>, usize>,
        stack: Vec<&'g Vec<String>>,
        out: Vec<Vec<Vec<String>>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g Vec<String>) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        for w in &s.graph[v] {
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if s.stack.contains(&w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                component.push(w.clone());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                s.out.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    state.out
}

#[test]
fn no_import_circle_between_concerns() {
    let mut circles = Vec::new();
    for name in CRATES {
        let src = workspace().join(name).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let texts: BTreeMap<Vec<String>, String> = files
            .iter()
            .map(|f| {
                let module = module_of(f.strip_prefix(&src).expect("below src"));
                let text = fs::read_to_string(f).expect("readable source");
                (module, code_of(&text))
            })
            .collect();
        let modules: BTreeSet<Vec<String>> = texts.keys().cloned().collect();
        let graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = texts
            .iter()
            .map(|(module, code)| {
                let uses = crate_paths(code)
                    .iter()
                    .filter_map(|p| resolve(&modules, p))
                    .filter(|m| m != module && !m.is_empty())
                    .collect();
                (module.clone(), uses)
            })
            .collect();
        for component in cycles(&graph) {
            let concerns: BTreeSet<&String> = component.iter().filter_map(|m| m.first()).collect();
            if concerns.len() > 1 {
                let names: Vec<String> = component.iter().map(|m| m.join("::")).collect();
                circles.push(format!("{name}: {}", names.join(" ↔ ")));
            }
        }
    }
    assert!(
        circles.is_empty(),
        "import circles between concerns (make the shared type a leaf, or move it down):\n{}",
        circles.join("\n")
    );
}

/// Functions longer than [`FN_LINES`] in `text`, as `line name length`, unless the comment lines just above
/// the signature (doc or plain) say [`LONG_BECAUSE`].
fn long_functions(text: &str) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut long = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let signature = [
            "pub(crate) ",
            "pub(super) ",
            "pub ",
            "const ",
            "async ",
            "unsafe ",
        ]
        .iter()
        .fold(trimmed, |t, p| t.strip_prefix(p).unwrap_or(t));
        let Some(name) = signature.strip_prefix("fn ") else {
            continue;
        };
        // A declaration, or a one-line function (as in a fixture inside a raw string): nothing to measure.
        if trimmed.ends_with(';') || (trimmed.contains('{') && balanced(trimmed)) {
            continue;
        }
        let close = format!("{indent}}}");
        let Some(end) = (i + 1..lines.len()).find(|&j| lines[j] == close) else {
            continue;
        };
        let length = end - i + 1;
        let explained = lines[..i]
            .iter()
            .rev()
            .take_while(|l| l.trim_start().starts_with("//") || l.trim_start().starts_with("#["))
            .any(|l| l.contains(LONG_BECAUSE));
        if length > FN_LINES && !explained {
            let name = name
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or(name);
            long.push((i + 1, name.to_string(), length));
        }
    }
    long
}

fn balanced(line: &str) -> bool {
    line.matches('{').count() == line.matches('}').count()
}

#[test]
fn files_and_functions_stay_short() {
    let mut too_long = Vec::new();
    for name in CRATES {
        for dir in ["src", "tests"] {
            let root = workspace().join(name).join(dir);
            if !root.is_dir() {
                continue;
            }
            let mut files = Vec::new();
            rust_files(&root, &mut files);
            for file in files {
                let text = fs::read_to_string(&file).expect("readable source");
                let shown = file.strip_prefix(workspace()).unwrap_or(&file).display();
                let lines = text.lines().count();
                if lines > FILE_LINES {
                    too_long.push(format!("{shown}: {lines} lines"));
                }
                for (line, function, length) in long_functions(&text) {
                    too_long.push(format!("{shown}:{line}: fn {function} is {length} lines"));
                }
            }
        }
    }
    assert!(
        too_long.is_empty(),
        "split these along a seam a newcomer would recognise, or say above the function why it is \
         {LONG_BECAUSE} …:\n{}",
        too_long.join("\n")
    );
}

#[test]
fn the_checks_see_what_they_claim() {
    // A circle across concerns and one inside a concern.
    let graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = [
        (vec!["a".into()], BTreeSet::from([vec!["b".into()]])),
        (vec!["b".into()], BTreeSet::from([vec!["a".into()]])),
        (vec!["c".into()], BTreeSet::new()),
    ]
    .into_iter()
    .collect();
    assert_eq!(cycles(&graph).len(), 1);
    assert_eq!(
        crate_paths("use crate::{a::B, c};\nlet x = crate::d::e(); my_crate::f::g();"),
        [vec!["a", "B"], vec!["c"], vec!["d", "e"]]
    );
    let body = "    x();\n".repeat(FN_LINES);
    let long = format!("fn big() {{\n{body}}}\n");
    assert_eq!(
        long_functions(&long),
        [(1, "big".to_string(), FN_LINES + 2)]
    );
    let explained = format!("// long because: a table of cases.\n{long}");
    assert!(long_functions(&explained).is_empty());
    assert!(long_functions("fn small() {\n    x();\n}\n").is_empty());
    assert!(long_functions(&format!("fn one() {{ x(); }}\n{body}}}\n")).is_empty());
}
