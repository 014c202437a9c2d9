//! The JSON reader: validated strictly with `serde_json` (YAML accepts more than JSON: `{"a": }`), then read
//! with positions by the YAML reader, since JSON is YAML 1.2.

use super::{DataDoc, DataError};

/// The JSON reader of [`super::FORMATS`].
pub(super) fn read(text: &str) -> Result<Vec<DataDoc>, DataError> {
    if let Err(err) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let message = err.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        // serde_json counts a position at the start of a line (the end of an empty or newline-ended text) as
        // column 0; ours are 1-based.
        return Err(DataError {
            line: err.line().max(1),
            column: err.column().max(1),
            message,
        });
    }
    super::yaml::read(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_yaml_accepts_and_json_does_not_is_an_error_with_its_place() {
        let err = read("{\n  \"a\": 1,\n  \"b\": \n}\n").unwrap_err();
        assert_eq!((err.line, err.column), (4, 1), "{err:?}");
        // serde_json's own position suffix is left out: the line and column say it.
        assert!(!err.message.contains(" at line "), "{err:?}");
        assert_eq!(read("{\"a\": [1, 2]}").map(|docs| docs.len()), Ok(1));
    }
}
