//! Stable fingerprints of findings: how a baseline, `--new-only`, waivers and CI systems recognise the same
//! finding from one run (or one commit) to the next.
//!
//! A fingerprint hashes the rule code, the path, the matched text with its whitespace collapsed and the
//! *enclosing item* (for Rust the enclosing `mod`/`impl`/`trait`/`fn` names, for configuration data the
//! mapping key path), and never a line or column: a finding keeps its fingerprint when code above it moves.
//! When several findings of one rule in one file have the same text and enclosing item, the n-th of them (in
//! file order) also hashes n, so the fingerprints of a file are unique. The hash is 64-bit FNV-1a, written as
//! 16 lower-case hex digits: defined byte for byte, so the same on every platform and in every release.
//! Changing any of this changes every fingerprint and must bump [`VERSION`] (documented in
//! `docs/ci-output.md`).

use std::collections::HashMap;
use std::path::Path;

use crate::finding::Finding;
use crate::source::lang::{ItemName, Lang};

/// Names the fingerprint scheme (SARIF's `partialFingerprints` key, the baseline's `fingerprints` field).
pub const VERSION: &str = "hindsight/v2";

/// The path as fingerprints see it: `/` between components, no leading `./`.
pub fn path_key(path: &Path) -> String {
    let mut text = path.to_string_lossy().into_owned();
    if std::path::MAIN_SEPARATOR != '/' {
        text = text.replace(std::path::MAIN_SEPARATOR, "/");
    }
    while let Some(rest) = text.strip_prefix("./") {
        text = rest.to_string();
    }
    text
}

/// Collapses every run of whitespace to one space and trims the ends, so re-indenting or re-wrapping the
/// matched code keeps the fingerprint.
pub fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sets the fingerprint of every finding of one file, in file order. `text` is the file's text (`None` when
/// it is not at hand, as for a rule file that failed to load: the message stands in for the matched text).
pub fn assign(findings: &mut [Finding], text: Option<&str>) {
    let mut seen: HashMap<(String, String, String, String), usize> = HashMap::new();
    for finding in findings.iter_mut() {
        let matched = match text {
            Some(text) => text.get(finding.span.bytes.clone()).unwrap_or(""),
            None => finding.message.as_str(),
        };
        let key = (
            finding.code.to_string(),
            path_key(&finding.path),
            normalise(matched),
            finding.enclosing.clone().unwrap_or_default(),
        );
        let occurrence = seen.entry(key.clone()).or_insert(0);
        finding.fingerprint = compute(&key.0, &key.1, &key.2, &key.3, *occurrence);
        *occurrence += 1;
    }
}

/// Hashes one finding's identity. Fields are separated by NUL, which none of them contains.
pub fn compute(code: &str, path: &str, text: &str, enclosing: &str, occurrence: usize) -> String {
    let mut hash = Fnv1a64::new();
    for field in [code, path, text, enclosing] {
        hash.write(field.as_bytes());
        hash.write(&[0]);
    }
    // The first occurrence hashes nothing more, so adding a duplicate below never changes it.
    if occurrence > 0 {
        hash.write(occurrence.to_string().as_bytes());
    }
    format!("{:016x}", hash.finish())
}

/// 64-bit FNV-1a (http://www.isthe.com/chongo/tech/comp/fnv/): tiny, and fixed by its definition, unlike
/// `std`'s `DefaultHasher`, which may change between Rust releases.
struct Fnv1a64(u64);

impl Fnv1a64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Self {
        Self(Self::OFFSET_BASIS)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The enclosing item of a node, from its ancestors (innermost first), as the language's
/// [`crate::source::lang::Enclosing`] entry names it: for Rust the `mod`, `trait`, `impl` and `fn` items
/// around it (`mod a::impl Foo::fn run`), for YAML the mapping keys above it (`spec.containers[].image`).
/// Empty for top-level code.
pub(crate) fn enclosing_item_in<'t>(
    lang: Lang,
    ancestors: impl Iterator<Item = tree_sitter::Node<'t>>,
    src: &[u8],
) -> String {
    let text = |node: Option<tree_sitter::Node<'_>>| {
        node.and_then(|n| n.utf8_text(src).ok())
            .map(normalise)
            .unwrap_or_default()
    };
    let enclosing = &lang.spec().enclosing;
    let mut parts: Vec<String> = Vec::new();
    for node in ancestors {
        let kind = node.kind();
        let Some((_, name)) = enclosing.items.iter().find(|(k, _)| *k == kind) else {
            continue;
        };
        parts.push(match name {
            ItemName::Keyword(keyword) => {
                format!("{keyword} {}", text(node.child_by_field_name("name")))
            }
            ItemName::Impl => {
                let ty = text(node.child_by_field_name("type"));
                match node.child_by_field_name("trait") {
                    Some(t) => format!("impl {} for {ty}", text(Some(t))),
                    None => format!("impl {ty}"),
                }
            }
            ItemName::Key => text(node.child_by_field_name("key")),
            ItemName::Name => text(node.child_by_field_name("name")),
            ItemName::Receiver(keyword, field) => {
                // `(s *Server)` names its type `*Server`; the variable name is the author's choice.
                let receiver = node.child_by_field_name(field);
                let ty = receiver
                    .and_then(|r| r.named_child(0))
                    .and_then(|p| p.child_by_field_name("type"))
                    .or(receiver);
                format!(
                    "{keyword} ({}).{}",
                    text(ty),
                    text(node.child_by_field_name("name"))
                )
            }
            ItemName::Text(fixed) => (*fixed).to_string(),
        });
    }
    parts.reverse();
    // A sequence item joins its key without a separator: `containers[]`, not `containers.[]`.
    parts.join(enclosing.separator).replace(".[]", "[]")
}

/// The mapping key path of a data path (`spec.containers[].image`): sequence indices are left out, so
/// inserting an item above does not change it.
pub(crate) fn key_path(path: &[crate::data::PathElem]) -> String {
    let mut out = String::new();
    for elem in path {
        match elem {
            crate::data::PathElem::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            crate::data::PathElem::Index(_) => out.push_str("[]"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fnv(text: &str) -> String {
        let mut hash = Fnv1a64::new();
        hash.write(text.as_bytes());
        format!("{:016x}", hash.finish())
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv(""), "cbf29ce484222325");
        assert_eq!(fnv("a"), "af63dc4c8601ec8c");
        assert_eq!(fnv("foobar"), "85944171f73967e8");
    }

    #[test]
    fn fingerprints_are_pinned() {
        // A change here changes every user's fingerprints: bump `VERSION` and document it instead.
        assert_eq!(
            compute("HS1001", "src/lib.rs", "unwrap", "fn main", 0),
            "95e79940c483c2c3"
        );
        assert_ne!(
            compute("HS1001", "src/lib.rs", "unwrap", "fn main", 1),
            compute("HS1001", "src/lib.rs", "unwrap", "fn main", 0)
        );
        assert_ne!(
            compute("HS1001", "src/lib.rs", "unwrap", "fn other", 0),
            compute("HS1001", "src/lib.rs", "unwrap", "fn main", 0)
        );
    }

    #[test]
    fn whitespace_is_collapsed_and_paths_are_cleaned() {
        assert_eq!(normalise("  a\n\t  .b( c )  "), "a .b( c )");
        assert_eq!(path_key(Path::new("./src/lib.rs")), "src/lib.rs");
    }

    /// The enclosing item of the first node whose text is `needle`, in `text` parsed as `lang`.
    fn enclosing_of(lang: Lang, text: &str, needle: &str) -> String {
        crate::source::with_node_at(lang, text, needle, |node| {
            enclosing_item_in(
                lang,
                std::iter::successors(node.parent(), |n| n.parent()),
                text.as_bytes(),
            )
        })
    }

    #[test]
    fn enclosing_items_are_named_as_the_language_entry_says() {
        let rust = "mod a {\n    impl Display for Foo {\n        fn fmt(&self) { x.unwrap() }\n    }\n    trait T { fn g(); }\n}\n";
        assert_eq!(
            enclosing_of(Lang::RUST, rust, "unwrap"),
            "mod a::impl Display for Foo::fn fmt"
        );
        assert_eq!(enclosing_of(Lang::RUST, rust, "g"), "mod a::trait T::fn g");
        let yaml = "spec:\n  containers:\n    - name: app\n      image: nginx\n";
        assert_eq!(
            enclosing_of(Lang::YAML, yaml, "nginx"),
            "spec.containers[].image"
        );
        // Top-level code has no enclosing item.
        assert_eq!(enclosing_of(Lang::RUST, "use std::io;\n", "io"), "");
    }

    #[test]
    fn key_paths_leave_out_indices() {
        use crate::data::PathElem::{Index, Key};
        let path = [
            Key("spec".into()),
            Key("containers".into()),
            Index(3),
            Key("image".into()),
        ];
        assert_eq!(key_path(&path), "spec.containers[].image");
    }
}
