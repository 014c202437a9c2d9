//! A whole `check_source` of the built-in pack on arbitrary Rust: the first byte picks the path (and so the
//! role and the rules that apply). Findings, syntax errors and fixes point inside the file.
#![no_main]

use std::path::Path;

use hindsight_engine::{Role, SourceFile};
use libfuzzer_sys::fuzz_target;

const PATHS: [(&str, Role); 4] = [
    ("src/lib.rs", Role::Production),
    ("src/config/load.rs", Role::Production),
    ("tests/it.rs", Role::Test),
    ("build.rs", Role::Tooling),
];

fuzz_target!(
    init: hindsight_fuzz::warm_up(&[("src/lib.rs", "fn main() { let x = vec![1]; x.unwrap(); }\n")]),
    |input: &[u8]| {
        let Some((&selector, rest)) = input.split_first() else {
            return;
        };
        let Ok(text) = std::str::from_utf8(rest) else {
            return;
        };
        let (path, role) = PATHS[usize::from(selector) % PATHS.len()];
        let file = SourceFile::new(Path::new(path), role, text);
        let report = hindsight_fuzz::checker().check_source(&file);
        hindsight_fuzz::assert_report(&report, text);
    }
);
