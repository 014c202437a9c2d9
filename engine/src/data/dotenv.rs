//! The `.env` reader: `KEY=value` lines into one mapping of strings, as conftest's dotenv parser gives them
//! (`export` prefixes, `#` comments, single quotes taken literally, double quotes with `\n` escapes). Keys and
//! values keep their spans. Line-based, so written here: the dotenv crates keep no positions.

use super::{DataDoc, DataError, DataKey, DataNode, DataValue, text_lines};

/// The `.env` reader of [`super::FORMATS`]: one document, a mapping.
pub(super) fn read(text: &str) -> Result<Vec<DataDoc>, DataError> {
    let mut entries: Vec<(DataKey, DataNode)> = Vec::new();
    for (number, (start, line)) in text_lines(text).enumerate() {
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let body = body.strip_prefix("export ").map_or(body, str::trim_start);
        let key_start = start + (line.len() - body.len());
        let Some((key, rest)) = body.split_once('=').or_else(|| body.split_once(':')) else {
            return Err(DataError {
                line: number + 1,
                column: key_start - start + 1,
                message: format!("expected `KEY=value`, found `{}`", body.trim()),
            });
        };
        let name = key.trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(DataError {
                line: number + 1,
                column: key_start - start + 1,
                message: format!("`{}` is not a variable name", key.trim()),
            });
        }
        let value_offset = key_start + key.len() + 1;
        let lead = rest.len() - rest.trim_start().len();
        let (value, span) = value_of(rest.trim_start(), value_offset + lead);
        let key_span = key_start..key_start + name.len();
        entries.retain(|(k, _)| k.name != name);
        entries.push((
            DataKey {
                name: name.to_string(),
                span: key_span,
            },
            DataNode {
                value: DataValue::Str(value),
                span,
            },
        ));
    }
    Ok(vec![DataDoc {
        index: 0,
        root: DataNode {
            value: DataValue::Map(entries),
            span: 0..text.len(),
        },
    }])
}

/// A value and its span: quoted values up to their closing quote, unquoted ones up to a ` #` comment.
fn value_of(written: &str, offset: usize) -> (String, std::ops::Range<usize>) {
    for quote in ['\'', '"'] {
        if let Some(inner) = written.strip_prefix(quote)
            && let Some(end) = inner.find(quote)
        {
            let raw = &inner[..end];
            let value = if quote == '"' {
                raw.replace("\\n", "\n").replace("\\\"", "\"")
            } else {
                raw.to_string()
            };
            return (value, offset..offset + end + 2);
        }
    }
    let end = written.find(" #").unwrap_or(written.len());
    let value = written[..end].trim_end();
    (value.to_string(), offset..offset + value.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{PathElem, resolve};

    #[test]
    fn variables_read_as_conftest_reads_them() {
        let text = "# app\nAPP_NAME=\nexport MYSQL_USER=root # admin\nGREETING=\"hello\\nworld\"\nRAW='a $b'\n";
        let docs = read(text).unwrap();
        let value = crate::data::doc_json(&docs[0]);
        assert_eq!(
            value,
            serde_json::json!({"APP_NAME": "", "MYSQL_USER": "root", "GREETING": "hello\nworld", "RAW": "a $b"})
        );
        let span = resolve(&docs[0].root, &[PathElem::Key("MYSQL_USER".into())], text).span;
        assert_eq!(&text[span], "MYSQL_USER=root");
    }

    #[test]
    fn a_line_that_is_no_assignment_says_where() {
        let err = read("A=1\nnot an assignment\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1), "{err:?}");
    }
}
