//! Inputs the fuzz targets in `fuzz/` found failing, each fed through the function its target calls and held
//! to the target's assertion, so every fix stays fixed. The inputs are the fuzzer's own files, kept in
//! `tests/fuzz_inputs/<target>/` (their first byte is the target's selector, as in `fuzz/fuzz_targets/`).

use std::path::Path;

use hindsight_engine::RulePack;
use hindsight_engine::data::{self, DataFormat};

/// The fuzzer inputs kept for `target`: file name and bytes.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_inputs")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("a directory entry").path();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path.display().to_string(), bytes)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no inputs kept in {}", dir.display());
    out
}

/// Lines as YAML counts them: a lone `\r` ends a line, as `\n` and `\r\n` do (editors count the same way).
fn yaml_lines(text: &str) -> usize {
    text.replace("\r\n", "\n").matches(['\r', '\n']).count() + 1
}

/// `data_readers`: an error's line and column are 1-based, even where serde_json says column 0 (the end of an
/// empty or newline-ended text).
#[test]
fn json_errors_at_the_start_of_a_line_are_column_1() {
    for (text, line) in [("", 1), ("{\n", 2), ("[1,\n\n", 3)] {
        let error = data::parse(DataFormat::Json, text).expect_err("not valid JSON");
        assert_eq!((error.line, error.column), (line, 1), "{text:?}: {error:?}");
    }
}

/// `data_readers`: every kept input reads, or fails at a 1-based position inside the text (YAML's lines: a
/// lone `\r` ends one, which a `\n` count would call past the end).
#[test]
fn data_reader_inputs_fail_inside_the_text() {
    for (name, bytes) in inputs("data_readers") {
        let (&selector, rest) = bytes.split_first().expect("a selector byte");
        let text = std::str::from_utf8(rest).expect("UTF-8");
        let format = hindsight_engine::fuzzing::data_format(selector.into());
        if let Err(error) = data::parse(format, text) {
            assert!(error.line >= 1 && error.column >= 1, "{name}: {error:?}");
            assert!(error.line <= yaml_lines(text) + 1, "{name}: {error:?}");
        }
    }
}

/// `rule_load`: a broken rule file's problem names the file and a line inside it, counted as YAML (and the
/// editor showing the file) counts lines.
#[test]
fn rule_load_inputs_are_problems_inside_the_file() {
    for (name, bytes) in inputs("rule_load") {
        let (&mode, rest) = bytes.split_first().expect("a mode byte");
        assert_eq!(mode & 1, 0, "{name}: kept inputs are whole rule files");
        let text = std::str::from_utf8(rest).expect("UTF-8");
        let mut pack = RulePack::new();
        pack.add_file("rules/fuzz.yaml", text);
        assert!(!pack.problems().is_empty(), "{name}: not a valid rule");
        for problem in pack.problems() {
            assert_eq!(problem.path, "rules/fuzz.yaml", "{name}");
            assert!(
                problem.line >= 1 && problem.column >= 1,
                "{name}: {problem:?}"
            );
            assert!(problem.line <= yaml_lines(text) + 1, "{name}: {problem:?}");
        }
    }
}

/// `backtracking`: a 283-byte pattern, most of it under `(?i:…)`, and 311- and 678-byte ones under `(?i)` with
/// bracketed classes holding `\w`, timed out at `nice -n 19` on a loaded machine; on their own they took 0.15,
/// 0.24 and 0.27 s in a release build, nearly all of it regex-syntax case-folding Unicode `\w`: to read each
/// class's ASCII members (now read by bytes, `tree.rs`) and to check the whole pattern translates (now without
/// its `i` flags, `mod.rs`). They must be analysed, their problems quoting their own text, well inside a
/// generous bound for an unoptimised build.
#[test]
fn backtracking_inputs_are_analysed_in_bounded_time() {
    use hindsight_engine::analysis::backtracking::{Analysis, analyze};
    for (name, bytes) in inputs("backtracking") {
        let pattern = std::str::from_utf8(&bytes).expect("UTF-8");
        let started = std::time::Instant::now();
        let analysis = analyze(pattern);
        let took = started.elapsed();
        assert!(took.as_secs() < 30, "{name}: {took:?}");
        if let Analysis::Parsed { problems, .. } = analysis {
            for problem in problems {
                assert_eq!(
                    pattern.get(problem.span.clone()),
                    Some(problem.text.as_str()),
                    "{name}"
                );
            }
        }
    }
}
