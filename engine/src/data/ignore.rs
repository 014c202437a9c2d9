//! The ignore-file reader (`.gitignore`, `.dockerignore`): one entry per line, as conftest's ignore parser
//! gives them: `{Kind, Value, Original}` with `Kind` one of `Path`, `NegatedPath`, `Comment`, `Empty`. Every
//! entry and value keeps its span. Line-based, so written here: no crate reads these files with positions.

use super::{DataDoc, DataError, DataKey, DataNode, DataValue, text_lines};

/// The ignore-file reader of [`super::FORMATS`]: one document, the list of entries. It never fails.
pub(super) fn read(text: &str) -> Result<Vec<DataDoc>, DataError> {
    let entries = text_lines(text)
        .map(|(start, line)| entry(start, line))
        .collect();
    Ok(vec![DataDoc {
        index: 0,
        root: DataNode {
            value: DataValue::Seq(entries),
            span: 0..text.len(),
        },
    }])
}

fn entry(start: usize, line: &str) -> DataNode {
    let line_span = start..start + line.len();
    let stripped = trim_right_spaces(line);
    let (kind, value, value_start) = if stripped.is_empty() {
        ("Empty", line.to_string(), start)
    } else if let Some(rest) = stripped.strip_prefix('#') {
        let lead = rest.len() - rest.trim_start().len();
        ("Comment", rest.trim().to_string(), start + 1 + lead)
    } else if let Some(rest) = stripped.strip_prefix('!') {
        ("NegatedPath", unescape(rest), start + 1)
    } else {
        ("Path", unescape(stripped), start)
    };
    let value_end = (start + stripped.len()).max(value_start);
    let str_node = |value: String, span: std::ops::Range<usize>| DataNode {
        value: DataValue::Str(value),
        span,
    };
    let fields = [
        ("Kind", str_node(kind.into(), line_span.clone())),
        ("Value", str_node(value, value_start..value_end)),
        ("Original", str_node(line.to_string(), line_span.clone())),
    ];
    DataNode {
        value: DataValue::Map(
            fields
                .into_iter()
                .map(|(name, node)| {
                    let key = DataKey {
                        name: name.into(),
                        span: node.span.clone(),
                    };
                    (key, node)
                })
                .collect(),
        ),
        span: line_span,
    }
}

/// Trailing spaces are not part of a pattern unless the last one is escaped (`foo\ `).
fn trim_right_spaces(line: &str) -> &str {
    let trimmed = line.trim_end_matches(' ');
    if trimmed.ends_with('\\') && trimmed.len() < line.len() {
        &line[..trimmed.len() + 1]
    } else {
        trimmed
    }
}

/// `\#`, `\!` and `\ ` lose their backslash; `\\` is one backslash.
fn unescape(pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
        } else if chars.peek() == Some(&'\\') {
            out.push('\\');
            chars.next();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_read_as_conftest_reads_them() {
        let text = "# secrets\n.git\n!keep.me\n\nid_rsa  \n";
        let docs = read(text).unwrap();
        let value = crate::data::doc_json(&docs[0]);
        assert_eq!(
            value,
            serde_json::json!([
                {"Kind": "Comment", "Value": "secrets", "Original": "# secrets"},
                {"Kind": "Path", "Value": ".git", "Original": ".git"},
                {"Kind": "NegatedPath", "Value": "keep.me", "Original": "!keep.me"},
                {"Kind": "Empty", "Value": "", "Original": ""},
                {"Kind": "Path", "Value": "id_rsa", "Original": "id_rsa  "},
                {"Kind": "Empty", "Value": "", "Original": ""},
            ])
        );
        let path = [
            crate::data::PathElem::Index(2),
            crate::data::PathElem::Key("Value".into()),
        ];
        let span = crate::data::resolve(&docs[0].root, &path, text).span;
        assert_eq!(&text[span], "keep.me");
    }
}
