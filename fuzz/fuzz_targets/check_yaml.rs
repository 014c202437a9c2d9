//! A whole `check_source` of the built-in pack on arbitrary YAML (Kubernetes manifests, CI workflows, Helm templates, compose files): the first byte picks the path (and so the
//! role and the rules that apply). Findings, syntax errors and fixes point inside the file.
#![no_main]

use std::path::Path;

use hindsight_engine::{Role, SourceFile};
use libfuzzer_sys::fuzz_target;

const PATHS: [(&str, Role); 5] = [
    ("deploy/app.yaml", Role::Production),
    (".github/workflows/ci.yml", Role::Production),
    ("chart/templates/deployment.yaml", Role::Production),
    ("docker-compose.yml", Role::Production),
    ("config/settings.yaml", Role::Production),
];

fuzz_target!(
    init: hindsight_fuzz::warm_up(&[
        ("deploy/app.yaml", "apiVersion: apps/v1\nkind: Deployment\n"),
        (".github/workflows/ci.yml", "on: push\njobs: {}\n"),
        ("docker-compose.yml", "services: {}\n"),
    ]),
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
