//! Suppression comments in every comment syntax (each language's and each data format's; the first byte picks
//! it): found in the text, parsed and placed on the line they apply to. Every comment lies in the text and
//! applies to its own line or a later one inside the file.
#![no_main]

use hindsight_engine::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&selector, rest)) = input.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let selector = usize::from(selector);
    let lines = text.matches('\n').count() + 1;
    for placed in fuzzing::suppressions(text, selector) {
        hindsight_fuzz::assert_range_in(&placed.range, text, "a suppression comment");
        let (line, _) = hindsight_fuzz::line_column(text, placed.range.start);
        assert_eq!(placed.line, line, "{placed:?}");
        assert!(
            placed.target_line >= placed.line,
            "{placed:?} applies to an earlier line"
        );
        assert!(
            placed.target_line <= lines + 1,
            "{placed:?} applies past the end ({lines} lines)"
        );
        assert!(
            placed.malformed.is_some() || placed.codes.iter().all(|c| !c.is_empty()),
            "{placed:?} has an empty code"
        );
    }
    // Each line as one comment on its own.
    for line in text.lines() {
        let _ = fuzzing::parse_suppression(line, selector);
    }
});
