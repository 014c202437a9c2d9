//! The INI reader: `[section]` headers and `key = value` lines into `{section: {key: value}}`, as conftest's
//! INI parser gives them: numbers and booleans (`true`, `false`, `t`, `f`, `1`...) typed, other values
//! strings, quotes removed, keys before the first section left out (conftest drops go-ini's `DEFAULT`
//! section). Sections and keys keep their spans. Line-based, so written here: the INI crates keep no
//! positions.

use super::{DataDoc, DataError, DataKey, DataNode, DataValue, text_lines};

/// The INI reader of [`super::FORMATS`]: one document, a mapping of sections.
pub(super) fn read(text: &str) -> Result<Vec<DataDoc>, DataError> {
    let mut sections: Vec<(DataKey, DataNode)> = Vec::new();
    let mut current: Option<usize> = None;
    for (number, (start, line)) in text_lines(text).enumerate() {
        let body = line.trim();
        if body.is_empty() || body.starts_with(';') || body.starts_with('#') {
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let at = start + lead;
        if let Some(header) = body.strip_prefix('[') {
            let Some(name) = header.split(']').next().filter(|_| header.contains(']')) else {
                return Err(DataError {
                    line: number + 1,
                    column: lead + 1,
                    message: format!("`{body}` opens a section without closing it"),
                });
            };
            let name = name.trim().to_string();
            let span = at..at + body.len();
            current = match sections.iter().position(|(k, _)| k.name == name) {
                Some(existing) => Some(existing),
                None => {
                    sections.push((
                        DataKey {
                            name,
                            span: span.clone(),
                        },
                        DataNode {
                            value: DataValue::Map(Vec::new()),
                            span,
                        },
                    ));
                    Some(sections.len() - 1)
                }
            };
            continue;
        }
        let (key, value) = match body.find(['=', ':']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            // go-ini reads a lone word as a boolean key, set to true.
            None => (body, None),
        };
        let name = key.trim();
        let key_span = at..at + name.len();
        let node = match value {
            Some(written) => {
                let trimmed = written.trim();
                let value_start = at + key.len() + 1 + (written.len() - written.trim_start().len());
                DataNode {
                    value: typed(trimmed),
                    span: value_start..value_start + trimmed.len(),
                }
            }
            None => DataNode {
                value: DataValue::Bool(true),
                span: key_span.clone(),
            },
        };
        // Keys outside a section belong to go-ini's `DEFAULT` section, which conftest leaves out.
        let Some(index) = current else {
            continue;
        };
        if let DataValue::Map(entries) = &mut sections[index].1.value {
            entries.retain(|(k, _)| k.name != name);
            entries.push((
                DataKey {
                    name: name.to_string(),
                    span: key_span,
                },
                node,
            ));
        }
        sections[index].1.span.end = start + line.len();
    }
    Ok(vec![DataDoc {
        index: 0,
        root: DataNode {
            value: DataValue::Map(sections),
            span: 0..text.len(),
        },
    }])
}

/// A value as conftest types it: a number when Go parses it as a float, a boolean when Go parses it as one,
/// else the string without its quotes.
fn typed(written: &str) -> DataValue {
    let unquoted = ['"', '\'', '`']
        .iter()
        .find_map(|q| {
            written
                .strip_prefix(*q)
                .and_then(|rest| rest.strip_suffix(*q))
        })
        .unwrap_or(written);
    if let Ok(int) = unquoted.parse::<i64>() {
        return DataValue::Int(int);
    }
    if let Ok(float) = unquoted.parse::<f64>()
        && float.is_finite()
    {
        return DataValue::Float(float);
    }
    match unquoted {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => DataValue::Bool(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => DataValue::Bool(false),
        _ => DataValue::Str(unquoted.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{PathElem, resolve};

    #[test]
    fn sections_keys_and_types_as_conftest_reads_them() {
        let text = "app_mode = production\n\n[server]\nhttp_port = 3000\nenable_gzip = false\n; a comment\ndomain = \"localhost\"\n\n[users]\nverify_email_enabled = False\nratio: 0.5\n";
        let docs = read(text).unwrap();
        let value = crate::data::doc_json(&docs[0]);
        assert_eq!(
            value,
            serde_json::json!({
                "server": {"http_port": 3000, "enable_gzip": false, "domain": "localhost"},
                "users": {"verify_email_enabled": false, "ratio": 0.5},
            })
        );
        let path = [
            PathElem::Key("users".into()),
            PathElem::Key("verify_email_enabled".into()),
        ];
        let span = resolve(&docs[0].root, &path, text).span;
        assert_eq!(&text[span], "verify_email_enabled = False");
    }

    #[test]
    fn an_unclosed_section_says_where() {
        let err = read("[ok]\na = 1\n  [broken\n").unwrap_err();
        assert_eq!((err.line, err.column), (3, 3), "{err:?}");
    }
}
