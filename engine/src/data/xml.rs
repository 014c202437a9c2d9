//! The XML reader: a document into the shape conftest's XML parser (goxml2json) gives policies, so their
//! policies port unchanged: `{root: {...}}`, attributes as `-name` keys (namespace declarations too: `-xmlns`,
//! `-xsi`), an element's text as `#content` beside its attributes and children (or as its value when it has
//! neither), repeated elements as an array, names without their namespace prefix, and values typed as
//! goxml2json types them (`true`/`false`, `null`, numbers of two or more digits or with a point; a single
//! digit stays a string). Parsed with `roxmltree`, which keeps the byte range of every element and attribute.
//!
//! One difference on purpose: a document that is not well-formed is an error naming its line, where
//! goxml2json silently gives the part before the mistake.

use std::collections::HashMap;

use super::{DataDoc, DataError, DataKey, DataNode, DataValue};

/// The XML reader of [`super::FORMATS`]: one document, `{root element name: its value}`.
pub(super) fn read(text: &str) -> Result<Vec<DataDoc>, DataError> {
    // A DOCTYPE is common (XHTML, Spring and Hibernate configuration); roxmltree refuses one unless asked.
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let document = roxmltree::Document::parse_with_options(text, options).map_err(|err| {
        let pos = err.pos();
        let message = err.to_string();
        // roxmltree ends its messages with ` at LINE:COLUMN`, which the error's own position says already.
        let suffix = format!(" at {}:{}", pos.row, pos.col);
        DataError {
            line: pos.row as usize,
            column: pos.col as usize,
            message: message
                .strip_suffix(&suffix)
                .unwrap_or(&message)
                .to_string(),
        }
    })?;
    let (key, node) = element(document.root_element(), text);
    Ok(vec![DataDoc {
        index: 0,
        root: DataNode {
            value: DataValue::Map(vec![(key, node)]),
            span: 0..text.len(),
        },
    }])
}

/// An element as its key (spanning `<name`) and its value (spanning the whole element).
fn element(node: roxmltree::Node<'_, '_>, text: &str) -> (DataKey, DataNode) {
    let range = node.range();
    let key = DataKey {
        name: node.tag_name().name().to_string(),
        span: range.start..range.start + 1 + tag_name_len(&text[range.start + 1..]),
    };
    let mut entries = namespace_declarations(node, text);
    entries.extend(node.attributes().map(|attr| {
        (
            DataKey {
                name: format!("-{}", attr.name()),
                span: attr.range_qname(),
            },
            DataNode {
                value: typed(attr.value()),
                // With its quotes, so a finding on the attribute spans `name="value"`.
                span: attr.range_value().start - 1..attr.range_value().end + 1,
            },
        )
    }));
    entries.extend(
        node.children()
            .filter(roxmltree::Node::is_element)
            .map(|child| element(child, text)),
    );
    // goxml2json keeps the last run of text directly inside the element (the one after its last child,
    // usually only white space), trimmed.
    let content = node
        .children()
        .rev()
        .find(roxmltree::Node::is_text)
        .map(|t| (trim(t.text().unwrap_or_default()), t.range()));
    let value = if entries.is_empty() {
        typed(content.map_or("", |(text, _)| text))
    } else {
        let mut map = Vec::new();
        if let Some((content, span)) = content.filter(|(text, _)| !text.is_empty()) {
            map.push((
                DataKey {
                    name: "#content".to_string(),
                    span: span.clone(),
                },
                DataNode {
                    value: typed(content),
                    span,
                },
            ));
        }
        map.extend(grouped(entries));
        DataValue::Map(map)
    };
    (key, DataNode { value, span: range })
}

/// Entries of one element in order of first appearance, a name written more than once as an array.
fn grouped(entries: Vec<(DataKey, DataNode)>) -> Vec<(DataKey, DataNode)> {
    let mut groups: Vec<(DataKey, Vec<DataNode>)> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for (key, node) in entries {
        match at.get(&key.name) {
            Some(&i) => groups[i].1.push(node),
            None => {
                at.insert(key.name.clone(), groups.len());
                groups.push((key, vec![node]));
            }
        }
    }
    groups
        .into_iter()
        .map(|(key, mut nodes)| {
            if nodes.len() == 1 {
                return (key, nodes.remove(0));
            }
            let span = nodes[0].span.start..nodes[nodes.len() - 1].span.end;
            let value = DataNode {
                value: DataValue::Seq(nodes),
                span,
            };
            (key, value)
        })
        .collect()
}

/// The `xmlns` and `xmlns:p` attributes written on an element's start tag. roxmltree keeps them as
/// namespaces, not attributes; goxml2json gives them as `-xmlns` and `-p`.
fn namespace_declarations(node: roxmltree::Node<'_, '_>, text: &str) -> Vec<(DataKey, DataNode)> {
    let start = node.range().start;
    let mut out = Vec::new();
    let tag = &text[start..];
    let mut pos = 1 + tag_name_len(&tag[1..]);
    let bytes = tag.as_bytes();
    loop {
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= bytes.len() || matches!(bytes[pos], b'>' | b'/') {
            return out;
        }
        let name_start = pos;
        while pos < bytes.len() && !bytes[pos].is_ascii_whitespace() && bytes[pos] != b'=' {
            pos += 1;
        }
        let name = &tag[name_start..pos];
        while pos < bytes.len() && (bytes[pos].is_ascii_whitespace() || bytes[pos] == b'=') {
            pos += 1;
        }
        let Some(&quote) = bytes.get(pos) else {
            return out;
        };
        let value_start = pos + 1;
        let Some(len) = tag[value_start..].find(char::from(quote)) else {
            return out;
        };
        pos = value_start + len + 1;
        let prefix = match name.strip_prefix("xmlns") {
            Some("") => None,
            Some(rest) => match rest.strip_prefix(':') {
                Some(prefix) => Some(prefix),
                None => continue,
            },
            None => continue,
        };
        let uri = node.lookup_namespace_uri(prefix).unwrap_or_default();
        out.push((
            DataKey {
                name: format!("-{}", prefix.unwrap_or("xmlns")),
                span: start + name_start..start + name_start + name.len(),
            },
            DataNode {
                value: typed(uri),
                span: start + value_start - 1..start + value_start + len + 1,
            },
        ));
    }
}

/// The length of the (qualified) name at the start of `tag`.
fn tag_name_len(tag: &str) -> usize {
    tag.find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .unwrap_or(tag.len())
}

/// Text without the white space and non-printing characters around it, as goxml2json trims it.
fn trim(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || c.is_control() || c == '\u{feff}')
}

/// A value as goxml2json types it: `true`/`false`, `null`, a number with a point, an integer of two or more
/// digits not starting with `0`; anything else (`1`, `007`, `1.0-SNAPSHOT`) a string, as written. Numbers
/// goxml2json would write as invalid JSON (`+1`, `.5`), which conftest then cannot read, are strings here.
fn typed(written: &str) -> DataValue {
    let trimmed = written.trim();
    match trimmed {
        "true" => return DataValue::Bool(true),
        "false" => return DataValue::Bool(false),
        "null" => return DataValue::Null,
        _ => {}
    }
    let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
    if trimmed.contains('.') && is_json_float(digits) {
        if let Ok(float) = trimmed.parse::<f64>()
            && float.is_finite()
        {
            return DataValue::Float(float);
        }
    } else if trimmed.len() > 1
        && !trimmed.starts_with('0')
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && let Ok(int) = trimmed.parse::<i64>()
    {
        return DataValue::Int(int);
    }
    DataValue::Str(written.to_string())
}

/// Is `text` (without a sign) a JSON number with a fraction: `0.5`, `12.25e3`?
fn is_json_float(text: &str) -> bool {
    let Some((whole, rest)) = text.split_once('.') else {
        return false;
    };
    let (fraction, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let whole_ok = digits(whole) && (whole == "0" || !whole.starts_with('0'));
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    whole_ok && digits(fraction) && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{PathElem, doc_json, resolve};

    const POM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 x.xsd">
    <!-- hindsight-allow(HS9999): an example -->
    <modelVersion>4.0.0</modelVersion>
    <build>
        <plugins>
            <plugin>
                <artifactId>maven-compiler-plugin</artifactId>
                <version>3.6.0</version>
            </plugin>
            <plugin>
                <artifactId>maven-surefire-plugin</artifactId>
                <version>2.18.1</version>
                <configuration><forkCount>1</forkCount><threads>10</threads><ratio>0.5</ratio></configuration>
            </plugin>
        </plugins>
    </build>
    <empty/>
    <flag enabled="true">on</flag>
</project>
"#;

    #[test]
    fn elements_attributes_and_text_as_conftest_reads_them() {
        let docs = read(POM).unwrap();
        assert_eq!(
            doc_json(&docs[0]),
            serde_json::json!({"project": {
                "-xmlns": "http://maven.apache.org/POM/4.0.0",
                "-xsi": "http://www.w3.org/2001/XMLSchema-instance",
                "-schemaLocation": "http://maven.apache.org/POM/4.0.0 x.xsd",
                "modelVersion": "4.0.0",
                "build": {"plugins": {"plugin": [
                    {"artifactId": "maven-compiler-plugin", "version": "3.6.0"},
                    {"artifactId": "maven-surefire-plugin", "version": "2.18.1",
                     "configuration": {"forkCount": "1", "threads": 10, "ratio": 0.5}},
                ]}},
                "empty": "",
                "flag": {"#content": "on", "-enabled": true},
            }})
        );
    }

    #[test]
    fn paths_resolve_to_elements_and_attributes() {
        let docs = read(POM).unwrap();
        let key = |k: &str| PathElem::Key(k.into());
        let at = |path: &[PathElem]| {
            let resolved = resolve(&docs[0].root, path, POM);
            (&POM[resolved.span], resolved.exact)
        };
        let plugins = [key("project"), key("build"), key("plugins"), key("plugin")];
        let mut version = plugins.to_vec();
        version.extend([PathElem::Index(0), key("version")]);
        assert_eq!(at(&version), ("<version>3.6.0</version>", true));
        let mut second = plugins.to_vec();
        second.push(PathElem::Index(1));
        assert_eq!(at(&second), ("<plugin>", true));
        assert_eq!(
            at(&[key("project"), key("flag"), key("-enabled")]),
            ("enabled=\"true\"", true)
        );
        assert_eq!(
            at(&[key("project"), key("flag"), key("#content")]),
            ("on", true)
        );
        assert_eq!(
            at(&[key("project"), key("-xsi")]),
            (
                "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
                true
            )
        );
        assert!(!at(&[key("project"), key("missing")]).1);
    }

    #[test]
    fn values_are_typed_as_goxml2json_types_them() {
        for (written, value) in [
            ("true", DataValue::Bool(true)),
            ("null", DataValue::Null),
            ("42", DataValue::Int(42)),
            ("-7", DataValue::Int(-7)),
            ("7", DataValue::Str("7".into())),
            ("007", DataValue::Str("007".into())),
            ("1.5e3", DataValue::Float(1500.0)),
            ("0.25", DataValue::Float(0.25)),
            (".5", DataValue::Str(".5".into())),
            ("1.0-SNAPSHOT", DataValue::Str("1.0-SNAPSHOT".into())),
            (
                "99999999999999999999",
                DataValue::Str("99999999999999999999".into()),
            ),
        ] {
            assert_eq!(typed(written), value, "{written}");
        }
    }

    #[test]
    fn mixed_content_keeps_the_last_text_and_a_bom_and_doctype_are_read() {
        let text = "\u{feff}<!DOCTYPE a>\n<a>first<b>x</b>last</a>";
        let docs = read(text).unwrap();
        assert_eq!(
            doc_json(&docs[0]),
            serde_json::json!({"a": {"#content": "last", "b": "x"}})
        );
        let span = resolve(&docs[0].root, &[PathElem::Key("a".into())], text).span;
        assert_eq!(&text[span], "<a");
    }

    #[test]
    fn a_document_that_is_not_well_formed_says_where() {
        let err = read("<a>\n  <b>\n</a>\n").unwrap_err();
        assert_eq!(err.line, 3, "{err:?}");
        assert!(err.message.contains('b'), "{err:?}");
        assert!(!err.message.contains(" at 3:"), "{err:?}");
    }
}
