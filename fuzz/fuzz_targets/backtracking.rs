//! The backtracking analysis of regex patterns (`hindsight.regex.backtracking`): any pattern is parsed or
//! refused, never a panic or a hang, and each problem's span is the sub-pattern it quotes.
#![no_main]

use hindsight_engine::analysis::backtracking::{Analysis, analyze};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Ok(pattern) = std::str::from_utf8(input) else {
        return;
    };
    if let Analysis::Parsed { problems, .. } = analyze(pattern) {
        for problem in problems {
            hindsight_fuzz::assert_range_in(&problem.span, pattern, "a problem's span");
            assert_eq!(problem.text, pattern[problem.span.clone()], "{problem:?}");
        }
    }
});
