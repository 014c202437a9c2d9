//! Configuration files as data with positions: YAML (multi-document), JSON and TOML parsed into one owned
//! tree, [`DataNode`], with a byte span on every key and value.
//!
//! The tree is both the policy input (converted to a regorus value by [`to_rego`]) and the table from paths
//! to spans ([`resolve`]) that turns a policy's `path: ["spec", "strategy", ...]` into a line and column.
//! YAML and JSON are read with saphyr's marked loader (JSON is YAML 1.2); TOML with the `toml` crate's
//! spanned tables.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use saphyr::{LoadableYamlNode as _, MarkedYaml, Scalar, YamlData};

/// A configuration format read as data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataFormat {
    /// YAML, possibly several documents.
    Yaml,
    /// JSON.
    Json,
    /// TOML.
    Toml,
}

impl DataFormat {
    /// All formats, for listing.
    pub const ALL: [DataFormat; 3] = [DataFormat::Yaml, DataFormat::Json, DataFormat::Toml];

    /// The format of a file, from its extension.
    pub fn from_path(path: &Path) -> Option<DataFormat> {
        match path.extension()?.to_str()? {
            "yaml" | "yml" => Some(DataFormat::Yaml),
            "json" => Some(DataFormat::Json),
            "toml" => Some(DataFormat::Toml),
            _ => None,
        }
    }

    /// Lower-case name, as written in rule files.
    pub fn name(self) -> &'static str {
        match self {
            DataFormat::Yaml => "yaml",
            DataFormat::Json => "json",
            DataFormat::Toml => "toml",
        }
    }

    /// Parses a name as written in rule files.
    pub fn from_name(name: &str) -> Option<DataFormat> {
        Self::ALL
            .into_iter()
            .find(|f| f.name() == name || (name == "yml" && *f == DataFormat::Yaml))
    }
}

/// A value with the byte span it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct DataNode {
    /// The value.
    pub value: DataValue,
    /// Byte range in the file.
    pub span: Range<usize>,
}

/// A key of a mapping, with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct DataKey {
    /// The key as text (non-string YAML keys are written as they appear).
    pub name: String,
    /// Byte range of the key.
    pub span: Range<usize>,
}

/// The data model shared by all formats.
#[derive(Clone, Debug, PartialEq)]
pub enum DataValue {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string (TOML dates are strings too).
    Str(String),
    /// A sequence.
    Seq(Vec<DataNode>),
    /// A mapping, in source order.
    Map(Vec<(DataKey, DataNode)>),
}

/// A file that is not valid data, with where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// One element of a policy's `path`: a mapping key or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathElem {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A parsed document and its position in the file's stream of documents (0 for JSON and TOML).
#[derive(Clone, Debug)]
pub struct DataDoc {
    /// 0-based index in the file.
    pub index: usize,
    /// The document.
    pub root: DataNode,
}

/// Parses a file's text. Empty YAML documents (a trailing `---`) are skipped but keep their index.
pub fn parse(format: DataFormat, text: &str) -> Result<Vec<DataDoc>, DataError> {
    match format {
        DataFormat::Yaml => parse_yaml(text),
        DataFormat::Json => {
            // YAML accepts more than JSON (`{"a": }`), so JSON is validated strictly first; the positions
            // then come from the YAML reading of the same text.
            if let Err(err) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
                let message = err.to_string();
                let message = message
                    .split(" at line ")
                    .next()
                    .unwrap_or(&message)
                    .to_string();
                return Err(DataError {
                    line: err.line(),
                    column: err.column(),
                    message,
                });
            }
            parse_yaml(text)
        }
        DataFormat::Toml => parse_toml(text),
    }
}

/// Does this YAML file look like a Helm (or other Go) template rather than data? An action opens with `{{`,
/// an optional `-`, and then a pipeline (`.Values`, `$x`, `include`, `(`, `/* comment */`, a string).
///
/// Two look-alikes are data, not templates: GitHub Actions expressions (`${{ github.sha }}`), and Jinja or Go
/// actions inside a quoted scalar (Ansible's `name: "{{ item }}"`): the file is valid YAML whose strings
/// happen to hold template text, and rules can judge it.
pub fn is_template(text: &str) -> bool {
    text.match_indices("{{").any(|(at, _)| {
        if text[..at].ends_with('$') {
            return false;
        }
        let line = &text[text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
        let quotes = |q: char| line.chars().filter(|&c| c == q).count() % 2 == 1;
        if quotes('"') || quotes('\'') {
            return false;
        }
        let rest = text[at + 2..].trim_start_matches('-').trim_start();
        rest.starts_with(|c: char| {
            c == '.' || c == '$' || c == '(' || c == '/' || c == '"' || c.is_ascii_alphabetic()
        })
    })
}

fn parse_yaml(text: &str) -> Result<Vec<DataDoc>, DataError> {
    let docs = MarkedYaml::load_from_str(text).map_err(|err| {
        let marker = err.marker();
        DataError {
            line: marker.line(),
            column: marker.col() + 1,
            message: err.info().to_string(),
        }
    })?;
    let offsets = CharOffsets::new(text);
    Ok(docs
        .iter()
        .enumerate()
        .filter(|(_, doc)| {
            !matches!(doc.data, YamlData::Value(Scalar::Null)) || !doc_is_empty(doc, text, &offsets)
        })
        .map(|(index, doc)| DataDoc {
            index,
            root: convert_yaml(doc, &offsets),
        })
        .collect())
}

/// A null document is empty when nothing but whitespace, comments and `---` was written for it.
fn doc_is_empty(doc: &MarkedYaml<'_>, text: &str, offsets: &CharOffsets) -> bool {
    let span = offsets.bytes(doc.span.start.index()..doc.span.end.index());
    text.get(span)
        .is_none_or(|s| s.trim().is_empty() || s.trim() == "---")
}

fn convert_yaml(node: &MarkedYaml<'_>, offsets: &CharOffsets) -> DataNode {
    let span = offsets.bytes(node.span.start.index()..node.span.end.index());
    let value = match &node.data {
        YamlData::Value(scalar) => scalar_value(scalar),
        YamlData::Representation(text, style, tag) => scalar_value(
            &Scalar::parse_from_cow_and_metadata(text.clone(), *style, tag.as_ref())
                .unwrap_or_else(|| Scalar::String(text.clone())),
        ),
        YamlData::Sequence(items) => DataValue::Seq(
            items
                .iter()
                .map(|item| convert_yaml(item, offsets))
                .collect(),
        ),
        YamlData::Mapping(entries) => DataValue::Map(
            entries
                .iter()
                .map(|(key, value)| {
                    let key_span = offsets.bytes(key.span.start.index()..key.span.end.index());
                    let name = match &key.data {
                        YamlData::Value(Scalar::String(s)) => s.to_string(),
                        YamlData::Value(other) => scalar_text(other),
                        YamlData::Representation(text, _, _) => text.to_string(),
                        _ => String::new(),
                    };
                    (
                        DataKey {
                            name,
                            span: key_span,
                        },
                        convert_yaml(value, offsets),
                    )
                })
                .collect(),
        ),
        YamlData::Tagged(_, inner) => return convert_yaml(inner, offsets),
        YamlData::Alias(_) | YamlData::BadValue => DataValue::Null,
    };
    DataNode { value, span }
}

fn scalar_value(scalar: &Scalar<'_>) -> DataValue {
    match scalar {
        Scalar::Null => DataValue::Null,
        Scalar::Boolean(b) => DataValue::Bool(*b),
        Scalar::Integer(i) => DataValue::Int(*i),
        Scalar::FloatingPoint(f) => DataValue::Float(f.into_inner()),
        Scalar::String(s) => DataValue::Str(s.to_string()),
    }
}

fn scalar_text(scalar: &Scalar<'_>) -> String {
    match scalar {
        Scalar::Null => "null".into(),
        Scalar::Boolean(b) => b.to_string(),
        Scalar::Integer(i) => i.to_string(),
        Scalar::FloatingPoint(f) => f.to_string(),
        Scalar::String(s) => s.to_string(),
    }
}

/// saphyr counts characters; findings need bytes.
struct CharOffsets {
    /// Byte offset of every character, when the text is not ASCII.
    bytes: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let bytes = (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).collect());
        Self {
            bytes,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.bytes {
            None => char_index.min(self.len),
            Some(table) => table.get(char_index).copied().unwrap_or(self.len),
        }
    }

    fn bytes(&self, chars: Range<usize>) -> Range<usize> {
        self.byte(chars.start)..self.byte(chars.end).max(self.byte(chars.start))
    }
}

fn parse_toml(text: &str) -> Result<Vec<DataDoc>, DataError> {
    let table = toml::de::DeTable::parse(text).map_err(|err| {
        let offset = err.span().map_or(0, |s| s.start);
        let before = text.get(..offset).unwrap_or("");
        DataError {
            line: before.matches('\n').count() + 1,
            column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
            message: err.message().trim().to_string(),
        }
    })?;
    let span = table.span();
    let root = DataNode {
        value: convert_toml_table(table.get_ref()),
        span,
    };
    Ok(vec![DataDoc { index: 0, root }])
}

fn convert_toml_table(table: &toml::de::DeTable<'_>) -> DataValue {
    DataValue::Map(
        table
            .iter()
            .map(|(key, value)| {
                let key = DataKey {
                    name: key.get_ref().to_string(),
                    span: key.span(),
                };
                (
                    key,
                    DataNode {
                        value: convert_toml(value.get_ref()),
                        span: value.span(),
                    },
                )
            })
            .collect(),
    )
}

fn convert_toml(value: &toml::de::DeValue<'_>) -> DataValue {
    use toml::de::DeValue;
    match value {
        DeValue::String(s) => DataValue::Str(s.to_string()),
        DeValue::Integer(i) => {
            let digits: String = i.as_str().chars().filter(|c| *c != '_').collect();
            let digits = digits
                .trim_start_matches("0x")
                .trim_start_matches("0o")
                .trim_start_matches("0b");
            i64::from_str_radix(digits, i.radix())
                .map_or_else(|_| DataValue::Str(i.as_str().to_string()), DataValue::Int)
        }
        DeValue::Float(f) => {
            let digits: String = f.as_str().chars().filter(|c| *c != '_').collect();
            match digits.as_str() {
                "inf" | "+inf" => DataValue::Float(f64::INFINITY),
                "-inf" => DataValue::Float(f64::NEG_INFINITY),
                "nan" | "+nan" | "-nan" => DataValue::Float(f64::NAN),
                other => other
                    .parse()
                    .map_or_else(|_| DataValue::Str(digits.clone()), DataValue::Float),
            }
        }
        DeValue::Boolean(b) => DataValue::Bool(*b),
        DeValue::Datetime(d) => DataValue::Str(d.to_string()),
        DeValue::Array(items) => DataValue::Seq(
            items
                .iter()
                .map(|item| DataNode {
                    value: convert_toml(item.get_ref()),
                    span: item.span(),
                })
                .collect(),
        ),
        DeValue::Table(table) => convert_toml_table(table),
    }
}

/// Converts a node to the value policies see as `input`.
pub fn to_rego(node: &DataNode) -> regorus::Value {
    match &node.value {
        DataValue::Null => regorus::Value::Null,
        DataValue::Bool(b) => regorus::Value::from(*b),
        DataValue::Int(i) => regorus::Value::from(*i),
        DataValue::Float(f) => regorus::Value::from(*f),
        DataValue::Str(s) => regorus::Value::from(s.as_str()),
        DataValue::Seq(items) => {
            regorus::Value::from(items.iter().map(to_rego).collect::<Vec<_>>())
        }
        DataValue::Map(entries) => {
            let map: BTreeMap<regorus::Value, regorus::Value> = entries
                .iter()
                .map(|(key, value)| (regorus::Value::from(key.name.as_str()), to_rego(value)))
                .collect();
            regorus::Value::from(map)
        }
    }
}

/// Where a policy's `path` points, and whether the whole path exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The span to report.
    pub span: Range<usize>,
    /// `false` when the path does not exist and the span is its nearest existing ancestor.
    pub exact: bool,
}

/// Resolves a path in a document. A mapping entry with a scalar value spans key and value
/// (`maxUnavailable: 100%`); one with a nested value spans its key; a missing path resolves to its nearest
/// existing ancestor; the empty path to the document's first line.
pub fn resolve(root: &DataNode, path: &[PathElem], text: &str) -> Resolved {
    let first_line = |span: &Range<usize>| {
        let start = span.start.min(text.len());
        let end = text
            .get(start..)
            .and_then(|rest| rest.find('\n'))
            .map_or(text.len(), |n| start + n);
        start..end.max(start)
    };
    let mut node = root;
    let mut span = first_line(&root.span);
    for elem in path {
        let next = match (elem, &node.value) {
            (PathElem::Key(key), DataValue::Map(entries)) => {
                entries.iter().find(|(k, _)| k.name == *key).map(|(k, v)| {
                    let is_container = matches!(v.value, DataValue::Map(_) | DataValue::Seq(_));
                    let entry_span = if is_container {
                        k.span.clone()
                    } else {
                        k.span.start..v.span.end.max(k.span.end)
                    };
                    (v, entry_span)
                })
            }
            (PathElem::Index(i), DataValue::Seq(items)) => items.get(*i).map(|item| {
                let is_container = matches!(item.value, DataValue::Map(_) | DataValue::Seq(_));
                let item_span = if is_container {
                    first_line(&item.span)
                } else {
                    item.span.clone()
                };
                (item, item_span)
            }),
            _ => None,
        };
        match next {
            Some((child, child_span)) => {
                node = child;
                span = child_span;
            }
            None => return Resolved { span, exact: false },
        }
    }
    Resolved {
        span: trim_trailing(span, text),
        exact: true,
    }
}

/// Spans of block values can run to the start of the next line; stop them at the last non-space.
fn trim_trailing(span: Range<usize>, text: &str) -> Range<usize> {
    let trimmed = text
        .get(span.clone())
        .map_or(0, |slice| slice.trim_end().len());
    if trimmed == 0 {
        span
    } else {
        span.start..span.start + trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(format: DataFormat, text: &str, paths: &[&[PathElem]]) -> Vec<String> {
        let docs = parse(format, text).unwrap();
        paths
            .iter()
            .map(|path| {
                let resolved = resolve(&docs[0].root, path, text);
                format!("{:?} exact={}", &text[resolved.span], resolved.exact)
            })
            .collect()
    }

    fn key(k: &str) -> PathElem {
        PathElem::Key(k.into())
    }

    #[test]
    fn yaml_paths_resolve_to_keys_and_values() {
        let text = "kind: Deployment\nspec:\n  replicas: 3\n  strategy:\n    rollingUpdate:\n      maxUnavailable: 100%\n  containers:\n    - name: app\n      image: nginx:1.27\n";
        let out = spans(
            DataFormat::Yaml,
            text,
            &[
                &[
                    key("spec"),
                    key("strategy"),
                    key("rollingUpdate"),
                    key("maxUnavailable"),
                ],
                &[key("spec"), key("strategy")],
                &[
                    key("spec"),
                    key("containers"),
                    PathElem::Index(0),
                    key("image"),
                ],
                &[key("spec"), key("strategy"), key("type")],
                &[],
            ],
        );
        assert_eq!(
            out,
            [
                "\"maxUnavailable: 100%\" exact=true",
                "\"strategy\" exact=true",
                "\"image: nginx:1.27\" exact=true",
                "\"strategy\" exact=false",
                "\"kind: Deployment\" exact=true",
            ]
        );
    }

    #[test]
    fn multi_document_yaml_keeps_indices_and_skips_empty_documents() {
        let docs = parse(DataFormat::Yaml, "a: 1\n---\n---\nb: 2\n---\n").unwrap();
        let indices: Vec<usize> = docs.iter().map(|d| d.index).collect();
        assert_eq!(indices, [0, 2]);
    }

    #[test]
    fn json_and_toml_have_spans_too() {
        let json = "{\n  \"spec\": {\"replicas\": 3}\n}\n";
        assert_eq!(
            spans(DataFormat::Json, json, &[&[key("spec"), key("replicas")]]),
            ["\"\\\"replicas\\\": 3\" exact=true"]
        );
        let toml = "[server]\nport = 8080\nname = \"api\"\n";
        assert_eq!(
            spans(DataFormat::Toml, toml, &[&[key("server"), key("port")]]),
            ["\"port = 8080\" exact=true"]
        );
    }

    #[test]
    fn non_ascii_text_maps_characters_to_bytes() {
        let text = "name: café\nport: 80\n";
        assert_eq!(
            spans(DataFormat::Yaml, text, &[&[key("port")]]),
            ["\"port: 80\" exact=true"]
        );
    }

    #[test]
    fn broken_files_say_where() {
        let err = parse(DataFormat::Yaml, "a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.line >= 1 && !err.message.is_empty(), "{err:?}");
        let err = parse(DataFormat::Toml, "a = \n").unwrap_err();
        assert_eq!(err.line, 1, "{err:?}");
        let err = parse(DataFormat::Json, "{\"a\": }").unwrap_err();
        assert_eq!(err.line, 1, "{err:?}");
    }

    #[test]
    fn templates_are_recognised_by_their_actions() {
        assert!(is_template("image: {{ .Values.image }}\n"));
        assert!(is_template(
            "{{- include \"chart.labels\" . | nindent 4 }}\n"
        ));
        assert!(is_template("{{/* a comment */}}\n"));
        assert!(!is_template(
            "# files with `{{ }}` are templates\nkey: value\n"
        ));
        assert!(!is_template("text: \"{{}}\"\n"));
        // GitHub Actions expressions and actions inside quoted strings are data.
        assert!(!is_template(
            "steps:\n  - run: echo ${{ github.sha }}\n    if: ${{ always() }}\n"
        ));
        assert!(!is_template(
            "- name: \"install {{ item }}\"\n  when: x == '{{ y }}'\n"
        ));
        assert!(is_template(
            "env: ${{ github.ref }}\nimage: {{ .Values.image }}\n"
        ));
    }

    #[test]
    fn values_convert_for_policies() {
        let docs = parse(DataFormat::Yaml, "a: 1\nb: [true, x, 2.5, null]\n").unwrap();
        let value: serde_json::Value =
            serde_json::from_str(&to_rego(&docs[0].root).to_json_str().unwrap()).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"a": 1, "b": [true, "x", 2.5, null]})
        );
    }
}
