//! The built-in rule pack, embedded at build time from `rules/` by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
