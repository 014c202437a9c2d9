//! The Java `.properties` reader: `key=value`, `key: value` and `key value` lines (with `\` continuations and
//! escapes) into one mapping of strings, as conftest's properties parser gives them. Keys and values keep their
//! spans. Line-based, so written here: the properties crates keep no positions.

use super::{DataDoc, DataError, DataKey, DataNode, DataValue, text_lines};

/// The properties reader of [`super::FORMATS`]: one document, a mapping. It never fails.
pub(super) fn read(text: &str) -> Result<Vec<DataDoc>, DataError> {
    let mut entries: Vec<(DataKey, DataNode)> = Vec::new();
    let mut lines = text_lines(text);
    while let Some((start, line)) = lines.next() {
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') || body.starts_with('!') {
            continue;
        }
        let key_start = start + (line.len() - body.len());
        // The key ends at the first unescaped `=`, `:` or blank.
        let mut key_len = body.len();
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '=' || c == ':' || c.is_whitespace() {
                key_len = i;
                break;
            }
        }
        let key = &body[..key_len];
        let rest = body[key_len..].trim_start();
        let rest = rest.strip_prefix(['=', ':']).map_or(rest, str::trim_start);
        let value_start = start + (line.len() - rest.len());
        let mut value = String::new();
        let mut end = value_start + rest.len();
        let mut piece = rest;
        // A line ending in an odd number of backslashes continues on the next one, without its indentation.
        loop {
            let trailing = piece.len() - piece.trim_end_matches('\\').len();
            if trailing % 2 == 1 {
                value.push_str(&piece[..piece.len() - 1]);
                match lines.next() {
                    Some((next_start, next)) => {
                        piece = next.trim_start();
                        end = next_start + next.len();
                    }
                    None => break,
                }
            } else {
                value.push_str(piece);
                break;
            }
        }
        let name = unescape(key);
        entries.retain(|(k, _)| k.name != name);
        entries.push((
            DataKey {
                name,
                span: key_start..key_start + key.len(),
            },
            DataNode {
                value: DataValue::Str(unescape(&value)),
                span: value_start..end.max(value_start),
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

/// `\t`, `\n`, `\r`, `\f` and `\uXXXX` escapes; any other escaped character stands for itself.
fn unescape(written: &str) -> String {
    let mut out = String::new();
    let mut chars = written.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(decoded) => out.push(decoded),
                    None => out.push_str(&hex),
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{PathElem, resolve};

    #[test]
    fn every_separator_continuations_and_escapes() {
        let text = "# db\ndb.url=jdbc:postgresql://db/app\nsecret.value : hunter2\nname Jane\\u0020Doe\nlong = a, \\\n    b\nkey\\=with\\:sep=1\n";
        let docs = read(text).unwrap();
        let value = crate::data::doc_json(&docs[0]);
        assert_eq!(
            value,
            serde_json::json!({
                "db.url": "jdbc:postgresql://db/app",
                "secret.value": "hunter2",
                "name": "Jane Doe",
                "long": "a, b",
                "key=with:sep": "1",
            })
        );
        let span = resolve(&docs[0].root, &[PathElem::Key("secret.value".into())], text).span;
        assert_eq!(&text[span], "secret.value : hunter2");
    }
}
