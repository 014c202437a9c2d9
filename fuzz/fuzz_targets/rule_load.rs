//! Rule file loading and pattern compilation. Even first byte: the rest is a whole rule file. Odd: the rest is a
//! `pattern`, `regex` or `kind` of a rule for the language the first byte picks, quoted into a valid rule, so
//! the fuzzer spends its time in the matcher compilers (ast-grep, regex). A bad rule is a load problem naming
//! the file and a line, never a panic.
#![no_main]

use hindsight_engine::RulePack;
use libfuzzer_sys::fuzz_target;

const LANGUAGES: [&str; 7] = [
    "rust",
    "go",
    "python",
    "typescript",
    "tsx",
    "javascript",
    "yaml",
];
const KEYS: [&str; 4] = ["pattern", "regex", "kind", "pattern-inside"];

fuzz_target!(|input: &[u8]| {
    let Some((&mode, rest)) = input.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let rule = if mode & 1 == 0 {
        text.to_string()
    } else {
        let language = LANGUAGES[usize::from(mode >> 1) % LANGUAGES.len()];
        let quoted = serde_json::to_string(text).unwrap_or_default();
        let matcher = match KEYS[usize::from(mode >> 4) % KEYS.len()] {
            "pattern-inside" => {
                format!("{{ kind: identifier, inside: {{ stopBy: end, pattern: {quoted} }} }}")
            }
            key => format!("{{ {key}: {quoted} }}"),
        };
        format!(
            "id: fuzz-rule\ncode: ACME1001\ntitle: If you need x, do y\nseverity: warning\nlanguage: {language}\n\
             message: m\nmatch: {matcher}\ndocs: {{ what: w, why: y, fix: f }}\n\
             incidents: [{{ date: \"2024-01-01\", organisation: Acme, summary: s, url: \"https://example.com/pm\" }}]\n"
        )
    };
    let mut pack = RulePack::new();
    pack.add_file("rules/fuzz.yaml", &rule);
    // Rule files are YAML: a lone `\r` ends a line too (as editors count).
    let lines = hindsight_fuzz::yaml_lines(&rule);
    for problem in pack.problems() {
        assert_eq!(problem.path, "rules/fuzz.yaml", "{problem:?}");
        assert!(
            problem.line >= 1 && problem.column >= 1,
            "not 1-based: {problem:?}"
        );
        assert!(
            problem.line <= lines + 1,
            "past the end of {lines} lines: {problem:?}"
        );
        assert!(!problem.message.is_empty(), "{problem:?} says nothing");
    }
});
