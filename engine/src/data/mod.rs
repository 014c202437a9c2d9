//! Configuration files as data with positions: YAML (multi-document), JSON and TOML parsed into one owned
//! tree, [`DataNode`], with a byte span on every key and value.
//!
//! The tree is both the policy input (converted to a regorus value by [`to_rego`]) and the table from paths
//! to spans ([`resolve`]) that turns a policy's `path: ["spec", "strategy", ...]` into a line and column.
//!
//! The formats are a table, [`FORMATS`]: a name, the file extensions, the line-comment syntax suppressions are
//! written in, and a reader. Each reader is one module: `yaml` (saphyr's marked loader, template detection,
//! the lenient reading of closing brackets), `json` (validated strictly, positions from the YAML reader: JSON
//! is YAML 1.2), `toml` (the `toml` crate's spanned tables), `hcl` (Terraform, with `hcl-edit`, in the shape of
//! conftest's HCL2 parser) and `xml` (roxmltree, in the shape of conftest's XML parser). Adding a format is one
//! reader module, one
//! [`DataFormat`] variant and one row of [`FORMATS`].

use std::ops::Range;
use std::path::Path;

mod dockerfile;
mod dotenv;
mod hcl;
mod ignore;
mod ini;
mod json;
mod properties;
pub mod rendered;
pub mod terraform;
mod to_rego;
mod toml;
mod xml;
mod yaml;

#[cfg(test)]
pub(crate) use to_rego::doc_json;
pub use to_rego::{to_rego, to_rego_keys};
pub use yaml::{YamlReading, has_action_line, has_template_action, is_helm_template, read_yaml};

/// A configuration format read as data. Each variant has its row in [`FORMATS`], in the same order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataFormat {
    /// YAML, possibly several documents.
    Yaml,
    /// JSON.
    Json,
    /// TOML.
    Toml,
    /// HCL: Terraform, Terragrunt, Packer.
    Hcl,
    /// Dockerfile (and Containerfile): the list of instructions.
    Dockerfile,
    /// INI: sections of keys.
    Ini,
    /// `.env`: variables.
    Dotenv,
    /// Java `.properties`.
    Properties,
    /// `.gitignore` and `.dockerignore`: the list of entries.
    Ignore,
    /// XML, in the shape of conftest's XML parser.
    Xml,
}

/// Reads a file's text into its documents, or says where and why it is not valid.
pub type Reader = fn(&str) -> Result<Vec<DataDoc>, DataError>;

/// One row of the format table.
pub struct FormatSpec {
    /// The format this row describes.
    pub format: DataFormat,
    /// Lower-case name, as written in rule files (`formats: [yaml]`).
    pub name: &'static str,
    /// The name in messages (`not valid YAML`, `not valid Dockerfile`).
    pub title: &'static str,
    /// Other accepted spellings in rule files.
    pub aliases: &'static [&'static str],
    /// File extensions (without the dot) that select this format.
    pub extensions: &'static [&'static str],
    /// File names that select this format: exact (`Dockerfile`) or with one `*` at the start or the end
    /// (`Dockerfile.*`). An extension of any row wins over a name, so `Dockerfile.yaml` is YAML.
    pub names: &'static [&'static str],
    /// Prefix of a line comment, where a suppression is written.
    pub line_comment: &'static str,
    /// Another line-comment prefix the format allows (HCL's `//` beside `#`), where suppressions are read too.
    pub alt_line_comment: Option<&'static str>,
    /// Opening and closing of a block comment, for a format whose only comments are blocks (XML's `<!--`
    /// and `-->`; its `line_comment` is then the opening, and a suppression is written on one line).
    pub block_comment: Option<(&'static str, &'static str)>,
    /// The reader.
    pub read: Reader,
}

/// Every format hindsight reads as data, in the order of [`DataFormat`]'s variants (checked when compiling).
pub const FORMATS: [FormatSpec; 10] = [
    FormatSpec {
        format: DataFormat::Yaml,
        name: "yaml",
        title: "YAML",
        aliases: &["yml"],
        extensions: &["yaml", "yml"],
        names: &[],
        line_comment: "#",
        alt_line_comment: None,
        block_comment: None,
        read: yaml::read,
    },
    FormatSpec {
        format: DataFormat::Json,
        name: "json",
        title: "JSON",
        // `jsonc` is the editors' language id for JSON with comments.
        aliases: &["jsonc"],
        extensions: &["json"],
        names: &[],
        // JSON has no comments; `//` is what JSON-with-comments files (and editors) use.
        line_comment: "//",
        alt_line_comment: None,
        block_comment: None,
        read: json::read,
    },
    FormatSpec {
        format: DataFormat::Toml,
        name: "toml",
        title: "TOML",
        aliases: &[],
        extensions: &["toml"],
        names: &[],
        line_comment: "#",
        alt_line_comment: None,
        block_comment: None,
        read: toml::read,
    },
    FormatSpec {
        format: DataFormat::Hcl,
        name: "hcl",
        title: "HCL",
        // `terraform` is the editors' language id for `.tf` files, `opentofu` the OpenTofu extension's; `.tofu` is
        // OpenTofu's own extension for the same language.
        aliases: &["terraform", "tf", "opentofu"],
        extensions: &["tf", "tofu", "tfvars", "hcl"],
        names: &[],
        line_comment: "#",
        alt_line_comment: Some("//"),
        block_comment: None,
        read: hcl::read,
    },
    FormatSpec {
        format: DataFormat::Dockerfile,
        name: "dockerfile",
        title: "Dockerfile",
        aliases: &["containerfile"],
        extensions: &["dockerfile", "Dockerfile", "containerfile", "Containerfile"],
        // `dockerfile`: the name BuildKit falls back to when there is no `Dockerfile` (moby/moby#10858).
        names: &[
            "Dockerfile",
            "dockerfile",
            "Containerfile",
            "Dockerfile.*",
            "Containerfile.*",
            "Dockerfile-*",
            "Containerfile-*",
        ],
        line_comment: "#",
        alt_line_comment: None,
        block_comment: None,
        read: dockerfile::read,
    },
    FormatSpec {
        format: DataFormat::Ini,
        name: "ini",
        title: "INI",
        aliases: &["cfg", "conf"],
        // Only `.ini`: `.cfg` and `.conf` are too many formats to read as INI unasked.
        extensions: &["ini"],
        names: &[],
        line_comment: ";",
        alt_line_comment: Some("#"),
        block_comment: None,
        read: ini::read,
    },
    FormatSpec {
        format: DataFormat::Dotenv,
        name: "dotenv",
        title: ".env",
        aliases: &["env"],
        extensions: &["env"],
        names: &[".env", ".env.*"],
        line_comment: "#",
        alt_line_comment: None,
        block_comment: None,
        read: dotenv::read,
    },
    FormatSpec {
        format: DataFormat::Properties,
        name: "properties",
        title: "properties",
        aliases: &[],
        extensions: &["properties"],
        names: &[],
        line_comment: "#",
        alt_line_comment: Some("!"),
        block_comment: None,
        read: properties::read,
    },
    FormatSpec {
        format: DataFormat::Ignore,
        name: "ignore",
        title: "ignore file",
        aliases: &["gitignore", "dockerignore"],
        extensions: &["gitignore", "dockerignore"],
        names: &[".gitignore", ".dockerignore"],
        line_comment: "#",
        alt_line_comment: None,
        block_comment: None,
        read: ignore::read,
    },
    FormatSpec {
        format: DataFormat::Xml,
        name: "xml",
        title: "XML",
        aliases: &[],
        // As conftest: `.xml` only (a CycloneDX or SPDX document in XML is read as XML); `.csproj`, `.config`
        // and the like are XML too, but not configuration this table should read unasked.
        extensions: &["xml"],
        names: &[],
        line_comment: "<!--",
        alt_line_comment: None,
        block_comment: Some(("<!--", "-->")),
        read: xml::read,
    },
];

// A row out of place would give a variant another format's reader: refuse to compile instead.
const _: () = {
    let mut i = 0;
    while i < FORMATS.len() {
        assert!(
            FORMATS[i].format as usize == i,
            "FORMATS rows must follow DataFormat's variant order"
        );
        i += 1;
    }
};

impl DataFormat {
    /// All formats, for listing, in table order.
    pub const ALL: [DataFormat; FORMATS.len()] = {
        let mut all = [DataFormat::Yaml; FORMATS.len()];
        let mut i = 0;
        while i < FORMATS.len() {
            all[i] = FORMATS[i].format;
            i += 1;
        }
        all
    };

    /// The format's row in [`FORMATS`].
    pub fn spec(self) -> &'static FormatSpec {
        &FORMATS[self as usize]
    }

    /// The format of a file, from its extension, else from its name (`Dockerfile.prod`).
    pub fn from_path(path: &Path) -> Option<DataFormat> {
        let by_extension = path
            .extension()
            .and_then(|ext| ext.to_str())
            .and_then(|ext| FORMATS.iter().find(|spec| spec.extensions.contains(&ext)));
        let name = path.file_name()?.to_str()?;
        by_extension
            .or_else(|| {
                FORMATS
                    .iter()
                    .find(|spec| spec.names.iter().any(|pattern| name_matches(pattern, name)))
            })
            .map(|spec| spec.format)
    }

    /// Is this file name (not extension) one of a format's names? Hidden files so named (`.gitignore`,
    /// `.env`) are read although the walk skips other hidden files.
    pub fn is_named(name: &str) -> bool {
        FORMATS
            .iter()
            .any(|spec| spec.names.iter().any(|pattern| name_matches(pattern, name)))
    }

    /// Are files of this format under `examples/` example code rather than configuration applied as written?
    /// A Terraform module's `examples/` are runnable demonstrations its own tests create and destroy (the
    /// registry shows them as usage, terratest and `terraform test` apply them), so they are written to be
    /// torn down (`force_destroy = true`, no deletion protection); a Kubernetes manifest under `examples/` is
    /// applied as it is.
    pub fn examples_are_code(self) -> bool {
        self == DataFormat::Hcl
    }

    /// Lower-case name, as written in rule files.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Parses a name as written in rule files.
    pub fn from_name(name: &str) -> Option<DataFormat> {
        FORMATS
            .iter()
            .find(|spec| spec.name == name || spec.aliases.contains(&name))
            .map(|spec| spec.format)
    }
}

/// The lines of `text` with the byte offset each starts at: split at `\n` (a `\r` before it dropped), the
/// text after the last line end included, as the line-based readers need.
fn text_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split('\n').map(move |line| {
        let at = start;
        start += line.len() + 1;
        (at, line.strip_suffix('\r').unwrap_or(line))
    })
}

/// Extensions a name pattern never selects: templates (`Dockerfile.j2` renders a Dockerfile, it is not one),
/// documents (`Containerfile.5.md`, a man page), scripts and editor or patch leftovers.
const NOT_SELECTED_BY_NAME: &[&str] = &[
    "j2", "jinja", "jinja2", "tmpl", "tpl", "template", "in", "erb", "mustache", "hbs", "gotmpl",
    "md", "rst", "txt", "adoc", "html", "sh", "ps1", "bak", "orig", "swp", "patch", "diff", "sig",
    "asc",
];

/// `Dockerfile.*` matches `Dockerfile.prod` (not a template such as `Dockerfile.j2`), `*.env` matches
/// `prod.env`; otherwise the names are equal.
fn name_matches(pattern: &str, name: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix('*') {
        let excluded = name
            .rsplit_once('.')
            .is_some_and(|(_, ext)| NOT_SELECTED_BY_NAME.contains(&ext));
        name.len() > prefix.len() && name.starts_with(prefix) && !excluded
    } else if let Some(suffix) = pattern.strip_prefix('*') {
        name.len() > suffix.len() && name.ends_with(suffix)
    } else {
        pattern == name
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

/// Parses a file's text with its format's reader. Empty YAML documents (a trailing `---`) are skipped but keep
/// their index.
///
/// A UTF-8 byte order mark, which Windows editors write (Visual Studio, PowerShell's `Out-File`), is not read:
/// Terraform ignores one at the start of a file (hashicorp/terraform#19715), BuildKit strips it from a
/// Dockerfile, RFC 8259 lets a JSON reader ignore it, and git from an ignore file; hcl-edit and serde_json
/// refuse it, and the Dockerfile grammar would read `\u{feff}FROM` as no instruction. The reader gets the text
/// after it, and the spans are moved back onto the file's bytes; an error's column, like every column
/// ([`crate::line_index::LineIndex`]), does not count it.
pub fn parse(format: DataFormat, text: &str) -> Result<Vec<DataDoc>, DataError> {
    let read = format.spec().read;
    match text.strip_prefix(BOM) {
        Some(rest) => {
            let mut docs = read(rest)?;
            for doc in &mut docs {
                moved(&mut doc.root, BOM.len_utf8());
            }
            Ok(docs)
        }
        None => read(text),
    }
}

/// The UTF-8 byte order mark: not read at the start of a file (see [`parse`]), and no column
/// ([`crate::line_index::LineIndex`]), wherever a file's text is looked at.
pub const BOM: char = '\u{feff}';

/// `node` with every span (its own, its keys', its children's) `by` bytes later.
fn moved(node: &mut DataNode, by: usize) {
    node.span = node.span.start + by..node.span.end + by;
    match &mut node.value {
        DataValue::Seq(items) => items.iter_mut().for_each(|item| moved(item, by)),
        DataValue::Map(entries) => {
            for (key, value) in entries {
                key.span = key.span.start + by..key.span.end + by;
                moved(value, by);
            }
        }
        _ => {}
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

    /// Parses `text` and renders, for each path, the text it resolves to in the first document.
    pub(super) fn spans(format: DataFormat, text: &str, paths: &[&[PathElem]]) -> Vec<String> {
        let docs = parse(format, text).unwrap();
        paths
            .iter()
            .map(|path| {
                let resolved = resolve(&docs[0].root, path, text);
                format!("{:?} exact={}", &text[resolved.span], resolved.exact)
            })
            .collect()
    }

    pub(super) fn key(k: &str) -> PathElem {
        PathElem::Key(k.into())
    }

    #[test]
    fn formats_are_found_by_extension_and_name() {
        assert_eq!(
            DataFormat::from_path(Path::new("deploy/app.yml")),
            Some(DataFormat::Yaml)
        );
        assert_eq!(
            DataFormat::from_path(Path::new("package.json")),
            Some(DataFormat::Json)
        );
        assert_eq!(
            DataFormat::from_path(Path::new("Cargo.toml")),
            Some(DataFormat::Toml)
        );
        assert_eq!(
            DataFormat::from_path(Path::new("modules/db/main.tf")),
            Some(DataFormat::Hcl)
        );
        assert_eq!(DataFormat::from_name("terraform"), Some(DataFormat::Hcl));
        assert_eq!(
            DataFormat::from_path(Path::new("live/main.tofu")),
            Some(DataFormat::Hcl)
        );
        assert_eq!(DataFormat::from_name("opentofu"), Some(DataFormat::Hcl));
        assert_eq!(DataFormat::from_path(Path::new("src/main.rs")), None);
        assert_eq!(DataFormat::from_name("yml"), Some(DataFormat::Yaml));
        assert_eq!(DataFormat::from_name("toml"), Some(DataFormat::Toml));
        assert_eq!(DataFormat::from_name("ini"), Some(DataFormat::Ini));
        assert_eq!(DataFormat::from_name("cue"), None);
        for (path, format) in [
            ("Dockerfile", Some(DataFormat::Dockerfile)),
            ("services/api/dockerfile", Some(DataFormat::Dockerfile)),
            ("build/Dockerfile.prod", Some(DataFormat::Dockerfile)),
            ("api.dockerfile", Some(DataFormat::Dockerfile)),
            ("Containerfile", Some(DataFormat::Dockerfile)),
            ("Dockerfile.yaml", Some(DataFormat::Yaml)),
            ("Dockerfiles", None),
            ("Dockerfile.j2", None),
            ("docs/Containerfile.5.md", None),
            ("ci/Dockerfile-linux64", Some(DataFormat::Dockerfile)),
            ("web.Dockerfile", Some(DataFormat::Dockerfile)),
            ("dockerfile.rs", None),
        ] {
            assert_eq!(DataFormat::from_path(Path::new(path)), format, "{path}");
        }
        for (path, format) in [
            ("conf/grafana.ini", Some(DataFormat::Ini)),
            (".env", Some(DataFormat::Dotenv)),
            ("deploy/.env.production", Some(DataFormat::Dotenv)),
            ("prod.env", Some(DataFormat::Dotenv)),
            (
                "src/main/resources/application.properties",
                Some(DataFormat::Properties),
            ),
            (".gitignore", Some(DataFormat::Ignore)),
            ("app/.dockerignore", Some(DataFormat::Ignore)),
            ("Dockerfile.dockerignore", Some(DataFormat::Ignore)),
            (".envrc", None),
            ("pom.xml", Some(DataFormat::Xml)),
            ("bom.XML", None),
        ] {
            assert_eq!(DataFormat::from_path(Path::new(path)), format, "{path}");
        }
        assert!(DataFormat::is_named(".gitignore") && !DataFormat::is_named(".github"));
        assert_eq!(
            DataFormat::ALL,
            [
                DataFormat::Yaml,
                DataFormat::Json,
                DataFormat::Toml,
                DataFormat::Hcl,
                DataFormat::Dockerfile,
                DataFormat::Ini,
                DataFormat::Dotenv,
                DataFormat::Properties,
                DataFormat::Ignore,
                DataFormat::Xml,
            ]
        );
        for format in DataFormat::ALL {
            assert_eq!(format.spec().format, format);
            assert_eq!(DataFormat::from_name(format.name()), Some(format));
        }
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
    fn a_byte_order_mark_is_not_read_and_spans_stay_on_the_files_bytes() {
        // Every format reads the same data with and without one, and a path resolves to the same text.
        let cases = [
            (DataFormat::Json, "{\"spec\": {\"replicas\": 3}}\n"),
            (DataFormat::Yaml, "spec:\n  replicas: 3\n"),
            (DataFormat::Toml, "[spec]\nreplicas = 3\n"),
            (DataFormat::Hcl, "spec {\n  replicas = 3\n}\n"),
        ];
        for (format, text) in cases {
            let with_bom = format!("\u{feff}{text}");
            let plain = parse(format, text).unwrap();
            let marked = parse(format, &with_bom).unwrap();
            assert_eq!(doc_json(&plain[0]), doc_json(&marked[0]), "{format:?}");
            let path: &[PathElem] = if format == DataFormat::Hcl {
                &[key("spec"), PathElem::Index(0), key("replicas")]
            } else {
                &[key("spec"), key("replicas")]
            };
            assert_eq!(
                spans(format, text, &[path]),
                spans(format, &with_bom, &[path]),
                "{format:?}"
            );
        }
        let dockerfile = parse(DataFormat::Dockerfile, "\u{feff}FROM node\n").unwrap();
        assert_eq!(doc_json(&dockerfile[0])[0]["Cmd"], "from");
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
    fn values_convert_for_policies() {
        let docs = parse(DataFormat::Yaml, "a: 1\nb: [true, x, 2.5, null]\n").unwrap();
        let value = crate::data::doc_json(&docs[0]);
        assert_eq!(
            value,
            serde_json::json!({"a": 1, "b": [true, "x", 2.5, null]})
        );
    }
}
