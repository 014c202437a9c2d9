//! Out-of-line Rust modules declared under `#[cfg(test)]` (or a test feature, or `cfg(fuzzing)`): a line scan of
//! a file's `mod name;` items with the attributes before them, and the files each item can live in.

use std::path::{Component, Path, PathBuf};

use super::Role;
use super::workspace::is_test_feature;

/// `mod name;` in some file, and where it points.
#[derive(Clone, Debug)]
pub(super) struct Declaration {
    /// The declaring file.
    pub(super) declarer: PathBuf,
    /// 1-based line of the `mod` item.
    pub(super) line: usize,
    /// Declared under `#[cfg(test)]` (or `cfg(fuzzing)`), or in a file whose inner attributes say so: the
    /// role that gives the module.
    pub(super) gate: Option<Role>,
}

/// One `mod name;` item found in a file's text.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct ModItem {
    pub(super) name: String,
    /// `#[path = "…"]`, if given.
    pub(super) path: Option<String>,
    /// Compiled only for tests (`#[cfg(test)]`) or fuzzing (`#[cfg(fuzzing)]`): the role that gives the module.
    pub(super) gate: Option<Role>,
    pub(super) line: usize,
}

/// The out-of-line `mod` items of a Rust file, read from its text without parsing it: a line-based scan that
/// collects the attributes written before each item (across lines), so `#[cfg(test)]` and `#[path]` are seen.
/// Everything in a file whose inner attributes say `#![cfg(test)]` counts as under `cfg(test)` (and likewise
/// `cfg(fuzzing)`, which cargo-fuzz sets).
pub(super) fn scan_mod_declarations(text: &str) -> Vec<ModItem> {
    let mut items = Vec::new();
    // Most files declare no out-of-line module; the walk reads every `.rs` file next to the ones it checks,
    // so skip the line scan when no `mod` is followed on its line by a name and `;` (every item the scan
    // finds is such a line).
    if !may_declare_modules(text) {
        return items;
    }
    let mut attributes: Vec<String> = Vec::new();
    let mut open: Option<String> = None;
    let mut file_gate: Option<Role> = None;
    let mut seen_item = false;
    for (index, raw_line) in text.lines().enumerate() {
        let mut line = raw_line.trim();
        if let Some(partial) = open.as_mut() {
            partial.push(' ');
            partial.push_str(line);
            if brackets_balanced(partial) {
                attributes.push(std::mem::take(partial));
                open = None;
            }
            continue;
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        if !seen_item && let Some(inner) = line.strip_prefix("#![") {
            if let Some(gate) = gate_of(inner.trim_end_matches(']').trim()) {
                file_gate = Some(gate);
            }
            continue;
        }
        // Attributes, possibly several on one line and possibly before the item on the same line.
        while let Some(rest) = line.strip_prefix("#[") {
            match attribute_end(rest) {
                Some(end) => {
                    attributes.push(rest[..end].trim().to_string());
                    line = rest[end + 1..].trim_start();
                }
                None => {
                    open = Some(rest.to_string());
                    line = "";
                }
            }
        }
        if line.is_empty() {
            continue;
        }
        seen_item = true;
        if let Some(name) = mod_item_name(line) {
            let gate = file_gate.or_else(|| attributes.iter().find_map(|a| gate_of(a)));
            let path = attributes.iter().find_map(|a| path_attribute(a));
            items.push(ModItem {
                name,
                path,
                gate,
                line: index + 1,
            });
        }
        attributes.clear();
    }
    items
}

/// The role a `cfg` attribute gives the item it gates: `cfg(test)` or a test feature
/// (`cfg(feature = "testing")`, `cfg(any(test, feature = "test-util"))`) → test, `cfg(fuzzing)` → tooling.
fn gate_of(attribute: &str) -> Option<Role> {
    if crate::source::context::is_cfg_test(attribute) || only_test_features(attribute) {
        Some(Role::Test)
    } else if crate::source::context::is_cfg(attribute, "fuzzing") {
        Some(Role::Tooling)
    } else {
        None
    }
}

/// `cfg(feature = "testing")`: every feature the attribute names is a test feature, and none is negated.
fn only_test_features(attribute: &str) -> bool {
    if !attribute.starts_with("cfg") || attribute.contains("not(") {
        return false;
    }
    let features: Vec<&str> = attribute
        .split("feature")
        .skip(1)
        .filter_map(|rest| rest.trim_start().strip_prefix('='))
        .filter_map(|rest| rest.trim_start().strip_prefix('"'))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    !features.is_empty() && features.iter().all(|f| is_test_feature(f))
}

/// Where the `]` closing an attribute is, in the text after its `#[`.
fn attribute_end(rest: &str) -> Option<usize> {
    let mut depth = 1usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        if in_string {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Has an attribute spread over lines been closed? (Its text starts after `#[`.)
fn brackets_balanced(text: &str) -> bool {
    attribute_end(text).is_some()
}

/// `mod name;`, `pub mod name;`, `pub(crate) mod r#name;` → `name`.
/// Whether some `mod` in `text` is followed on its line by a name and `;`: a quick test that lets a file
/// with none skip [`scan_mod_declarations`]'s line scan.
fn may_declare_modules(text: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), b"mod").any(|at| {
        let rest = &text[at..];
        let line = rest.find('\n').map_or(rest, |end| &rest[..end]);
        mod_item_name(line).is_some()
    })
}

fn mod_item_name(line: &str) -> Option<String> {
    let mut rest = line;
    if let Some(after) = rest.strip_prefix("pub") {
        rest = after.trim_start();
        if let Some(after) = rest.strip_prefix('(') {
            rest = after.split_once(')')?.1.trim_start();
        }
    }
    let rest = rest.strip_prefix("mod")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let rest = rest.strip_prefix("r#").unwrap_or(rest);
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (name, after) = rest.split_at(end);
    (!name.is_empty() && after.trim_start().starts_with(';')).then(|| name.to_string())
}

/// `path = "x/y.rs"` → `x/y.rs`.
fn path_attribute(attribute: &str) -> Option<String> {
    let rest = attribute.strip_prefix("path")?.trim_start();
    let rest = rest.strip_prefix('=')?.trim();
    let rest = rest.strip_prefix('"')?;
    rest.split_once('"').map(|(path, _)| path.to_string())
}

/// The files a `mod` item in `declarer` can live in: `#[path]` relative to the declarer's directory, else
/// `name.rs` or `name/mod.rs` in the declarer's module directory (its own directory for `mod.rs`, `lib.rs`,
/// `main.rs` and other crate roots; `<stem>/` beside it otherwise).
pub(super) fn module_files(declarer: &Path, item: &ModItem) -> Vec<PathBuf> {
    let Some(dir) = declarer.parent() else {
        return Vec::new();
    };
    if let Some(path) = &item.path {
        return vec![normalise(&dir.join(path))];
    }
    let stem = declarer.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let dir_name = dir.file_name().and_then(|s| s.to_str()).unwrap_or("");
    let owns_dir = matches!(stem, "mod" | "lib" | "main")
        || matches!(dir_name, "bin" | "tests" | "examples" | "benches")
        || (stem == "build" && dir.join("Cargo.toml").is_file());
    let module_dir = if owns_dir {
        dir.to_path_buf()
    } else {
        dir.join(stem)
    };
    vec![
        module_dir.join(format!("{}.rs", item.name)),
        module_dir.join(&item.name).join("mod.rs"),
    ]
}

/// `a/b/../c.rs` → `a/c.rs`, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::ScopeResolver;
    use super::super::tests::{role_of, write};
    use super::*;

    #[test]
    fn the_quick_test_passes_every_file_with_a_mod_item() {
        for text in [
            "mod a;",
            "pub mod a ;",
            "pub(in crate::x) mod\tr#type;",
            "#[cfg(test)] mod tests;\r\n",
            "fn f() {}\n#[cfg(\n  test\n)]\nmod spread;",
        ] {
            assert!(may_declare_modules(text), "{text:?}");
            assert!(!scan_mod_declarations(text).is_empty(), "{text:?}");
        }
        for text in [
            "mod tests {\n}\n",
            "let model = 1;\n// mod\nmode;",
            "mod\nname;",
            "",
        ] {
            assert!(!may_declare_modules(text), "{text:?}");
            assert!(scan_mod_declarations(text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn mod_items_are_found_with_their_attributes() {
        let text = "//! docs\n#![allow(x)]\nmod a;\n#[cfg(test)]\nmod tests;\n#[cfg(feature = \"testing\")]\nmod support;\n#[cfg(feature = \"std\")]\nmod std_only;\n#[cfg(all(test, feature = \"x\"))] pub(crate) mod helpers;\n#[cfg(test)]\n#[path = \"x_tests.rs\"]\nmod x;\n#[cfg(not(test))]\nmod real;\nmod inline {\n}\n#[cfg(\n  test\n)]\nmod spread;\n";
        let items = scan_mod_declarations(text);
        let summary: Vec<(&str, Option<&str>, bool)> = items
            .iter()
            .map(|i| {
                (
                    i.name.as_str(),
                    i.path.as_deref(),
                    i.gate == Some(Role::Test),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("a", None, false),
                ("tests", None, true),
                ("support", None, true),
                ("std_only", None, false),
                ("helpers", None, true),
                ("x", Some("x_tests.rs"), true),
                ("real", None, false),
                ("spread", None, true),
            ]
        );
        assert!(
            scan_mod_declarations("#![cfg(test)]\nmod a;\n")
                .iter()
                .all(|i| i.gate == Some(Role::Test))
        );
        assert_eq!(
            scan_mod_declarations("#[cfg(fuzzing)]\npub mod fuzz_logic;\n")[0].gate,
            Some(Role::Tooling)
        );
    }

    #[test]
    fn out_of_line_test_modules_are_followed_from_their_parent() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        write(
            root,
            &[
                ("Cargo.toml", "[package]\nname = \"svc\"\n"),
                (
                    "src/lib.rs",
                    "mod server;\n#[cfg(test)]\nmod harness;\n#[cfg(test)]\n#[path = \"lib_checks.rs\"]\nmod checks;\n",
                ),
                ("src/server.rs", "#[cfg(test)]\nmod support;\nmod codec;\n"),
                ("src/server/support.rs", "mod deep;\n"),
                ("src/server/support/deep.rs", ""),
                ("src/server/codec.rs", ""),
                ("src/harness/mod.rs", "mod util;\n"),
                ("src/harness/util.rs", ""),
                ("src/lib_checks.rs", ""),
            ],
        );
        let mut resolver = ScopeResolver::default();
        for (path, role) in [
            ("src/lib.rs", Role::Production),
            ("src/server.rs", Role::Production),
            ("src/server/codec.rs", Role::Production),
            ("src/server/support.rs", Role::Test),
            ("src/server/support/deep.rs", Role::Test),
            ("src/harness/mod.rs", Role::Test),
            ("src/harness/util.rs", Role::Test),
            ("src/lib_checks.rs", Role::Test),
            ("build.rs", Role::Tooling),
            ("tests/api.rs", Role::Test),
        ] {
            assert_eq!(role_of(&mut resolver, root, path).role, role, "{path}");
        }
        let reason = role_of(&mut resolver, root, "src/server/support/deep.rs").reason;
        assert!(reason.contains("src/server.rs:2"), "{reason}");
    }
}
