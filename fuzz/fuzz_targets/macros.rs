//! The macro re-parser: every node found inside re-parsed macro arguments (three levels deep) maps back to
//! bytes inside the file, of the same length, holding the same text except where the rewrite replaced a
//! byte (`!`, brackets, a blanked path, `=>` and `,` of `select!` arms).
#![no_main]

use hindsight_engine::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    for node in fuzzing::macro_positions(text) {
        let original = &node.original;
        assert!(
            original.start <= original.end && original.end <= text.len(),
            "{node:?} maps outside the file of {} bytes",
            text.len()
        );
        assert_eq!(
            original.len(),
            node.fragment.len(),
            "{node:?} maps to a range of another length"
        );
        let bytes = &text.as_bytes()[original.clone()];
        for (i, (&got, &want)) in node.fragment_text.as_bytes().iter().zip(bytes).enumerate() {
            assert!(
                got == want || b" ();".contains(&got),
                "{node:?}: byte {i} is {:?} in the fragment but {:?} in the file",
                char::from(got),
                char::from(want)
            );
        }
    }
});
