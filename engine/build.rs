//! Embeds the built-in rule pack (`../rules`) into the engine, so `hindsight check` works with zero setup.
//!
//! The generated file is a sorted list of `(relative path, contents)` pairs built with `include_str!`,
//! so a changed rule file rebuilds the engine and the order of the pack never depends on the file system.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let rules_dir = manifest_dir.join("..").join("rules");
    println!("cargo:rerun-if-changed={}", rules_dir.display());
    let mut files = Vec::new();
    collect(&rules_dir, &rules_dir, &mut files);
    files.sort();
    let mut out = String::from(
        "/// The built-in pack: `(path relative to rules/, contents)`, sorted by path.\n",
    );
    out.push_str("pub(crate) static BUILTIN_FILES: &[(&str, &str)] = &[\n");
    for (rel, abs) in &files {
        println!("cargo:rerun-if-changed={}", abs.display());
        let _ = writeln!(
            out,
            "    ({rel:?}, include_str!({:?})),",
            abs.display().to_string()
        );
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(err) = std::fs::write(out_dir.join("builtin_rules.rs"), out) {
        println!("cargo:warning=could not write the embedded rule pack: {err}");
        std::process::exit(1);
    }
}

/// Collects rule pack files: rule YAML, Rego policies and incident records, never scratch files.
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
            continue;
        }
        let wanted = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "rego")
        );
        if !wanted {
            continue;
        }
        if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((rel, path));
        }
    }
}
