//! Inputs the fuzz targets in `fuzz/` found failing, each fed through the function its target calls and held
//! to the target's assertion, so every fix stays fixed. The target is named on each test.

use hindsight_engine::data::{self, DataFormat};

/// `data_readers`: an error's line and column are 1-based, even where serde_json says column 0 (the end of an
/// empty or newline-ended text).
#[test]
fn json_errors_at_the_start_of_a_line_are_column_1() {
    for (text, line) in [("", 1), ("{\n", 2), ("[1,\n\n", 3)] {
        let error = data::parse(DataFormat::Json, text).expect_err("not valid JSON");
        assert_eq!((error.line, error.column), (line, 1), "{text:?}: {error:?}");
    }
}
