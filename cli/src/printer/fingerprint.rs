//! Stable fingerprints of findings, so CI systems recognise the same finding from one run to the next.
//!
//! A fingerprint hashes the rule code, the report path and the matched text with its whitespace collapsed, and
//! never a line or column: a finding keeps its fingerprint when code above it moves. When several findings of
//! one rule in one file match the same text, the n-th of them (in file order) also hashes n, so every
//! fingerprint in a report is unique. The hash is 64-bit FNV-1a, written as 16 lower-case hex digits: it is
//! defined byte for byte, so it is the same on every platform and in every release. Changing any of this
//! changes every fingerprint and must bump [`VERSION`] (documented in `docs/ci-output.md`).

use std::collections::HashMap;

use hindsight_engine::Finding;

use crate::printer::report_path;
use crate::printer::source::Sources;

/// Names the fingerprint scheme (SARIF's `partialFingerprints` key).
pub(crate) const VERSION: &str = "hindsight/v1";

/// The fingerprint of each finding, in order.
pub(crate) fn fingerprints(findings: &[Finding], sources: &mut Sources) -> Vec<String> {
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    findings
        .iter()
        .map(|finding| {
            let path = report_path(&finding.path);
            let text = normalise(sources.matched_text(finding));
            let key = (finding.code.to_string(), path, text);
            let occurrence = seen.entry(key.clone()).or_insert(0);
            let fingerprint = fingerprint(&key.0, &key.1, &key.2, *occurrence);
            *occurrence += 1;
            fingerprint
        })
        .collect()
}

/// Hashes one finding's identity. Fields are separated by NUL, which none of them contains.
fn fingerprint(code: &str, path: &str, text: &str, occurrence: usize) -> String {
    let mut hash = Fnv1a64::new();
    for field in [code, path, text] {
        hash.write(field.as_bytes());
        hash.write(&[0]);
    }
    // The first occurrence hashes nothing more, so adding a duplicate below never changes it.
    if occurrence > 0 {
        hash.write(occurrence.to_string().as_bytes());
    }
    format!("{:016x}", hash.finish())
}

/// Collapses every run of whitespace to one space and trims the ends, so re-indenting or re-wrapping the
/// matched code keeps the fingerprint.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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
            fingerprint("HS1001", "src/lib.rs", "unwrap", 0),
            "1379aa1c63b041d8"
        );
        assert_ne!(
            fingerprint("HS1001", "src/lib.rs", "unwrap", 1),
            fingerprint("HS1001", "src/lib.rs", "unwrap", 0)
        );
    }

    #[test]
    fn whitespace_is_collapsed() {
        assert_eq!(normalise("  a\n\t  .b( c )  "), "a .b( c )");
    }
}
