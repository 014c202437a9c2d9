//! The YAML reader: saphyr's marked loader, with a byte span on every node; telling templates (Helm charts,
//! Jinja) from data; and the lenient reading of closing brackets and quotes that libyaml, Kubernetes and GitHub
//! Actions accept and YAML 1.2's indentation rule does not.

use std::ops::Range;
use std::path::Path;

use saphyr::{LoadableYamlNode as _, MarkedYaml, Scalar, YamlData};

use super::{DataDoc, DataError, DataKey, DataNode, DataValue};

/// Only a hint: a file with such text is still read as YAML when it parses (see [`read_yaml`]). An action is
/// `{{ … }}` (Go, Helm, Jinja; not GitHub's `${{ … }}`) or a Terraform template directive (`%{ if … }`,
/// `%{~ for … }`, `%{ endfor }`: a `cloud-config.yaml` that a module fills in with `templatefile`).
pub fn has_template_action(text: &str) -> bool {
    text.match_indices("{{")
        .any(|(at, _)| !text[..at].ends_with('$'))
        || text.match_indices("%{").any(|(at, _)| {
            let directive = text[at + 2..].trim_start_matches('~').trim_start();
            ["if ", "for ", "else", "endif", "endfor"]
                .iter()
                .any(|keyword| directive.starts_with(keyword))
        })
}

/// Does a line of `text` start (after blanks) with a `{{` action? No line of a Dockerfile can, outside a
/// continued instruction, so a Dockerfile that does not parse and has one is a template.
pub fn has_action_line(text: &str) -> bool {
    text.lines().any(|line| line.trim_start().starts_with("{{"))
}

/// Is this a Helm chart template: a file under a `templates/` directory whose actions use what only Helm
/// provides (`.Values`, `.Release`, `.Chart`, `.Capabilities`, `.Files`, `.Template`, `include`, `tpl`,
/// `required`, `lookup`, `template`, `define`)? Such a file means nothing until Helm renders it, even when its
/// text happens to parse as YAML (`image: {{ .Values.image }}` is a YAML flow mapping).
///
/// Decided from the path and the text alone, so that every front end (`check`, git modes, the language
/// server) says the same without looking for the chart's `Chart.yaml`; the Helm objects tell chart templates
/// from other files in `templates/` directories (argo-cd's notification templates, whose actions read
/// `.app` and `.context`, are data).
pub fn is_helm_template(path: &Path, text: &str) -> bool {
    let in_templates = path
        .parent()
        .is_some_and(|dir| dir.components().any(|c| c.as_os_str() == "templates"));
    in_templates && actions(text).any(helm_action)
}

/// The contents of each `{{ … }}` action (up to the next `}}`), GitHub Actions expressions excluded.
fn actions(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("{{").filter_map(move |(at, _)| {
        if text[..at].ends_with('$') {
            return None;
        }
        let rest = &text[at + 2..];
        Some(&rest[..rest.find("}}").unwrap_or(rest.len())])
    })
}

/// Does an action's pipeline use a Helm built-in object or a Helm-only function?
fn helm_action(action: &str) -> bool {
    const OBJECTS: [&str; 7] = [
        ".Values",
        ".Release",
        ".Chart",
        ".Capabilities",
        ".Files",
        ".Template",
        ".Subcharts",
    ];
    const FUNCTIONS: [&str; 7] = [
        "include", "tpl", "required", "lookup", "template", "define", "toYaml",
    ];
    OBJECTS.iter().any(|o| {
        action.match_indices(o).any(|(at, _)| {
            !action[at + o.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        })
    }) || action
        .trim_start_matches('-')
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| FUNCTIONS.contains(&word))
}

/// How a YAML file is read: its documents, or why not.
#[derive(Clone, Debug)]
pub enum YamlReading {
    /// Valid YAML, template actions in its strings or not.
    Data(Vec<DataDoc>),
    /// A template: a Helm chart template, or a file with template actions that is not valid YAML.
    Template,
    /// Not valid YAML, and no template action to explain it.
    Invalid(DataError),
}

/// Reads a YAML file, telling templates from data: a document is a template only when it does not parse as
/// YAML (braces inside string values are text: Prometheus alert text, `pattern=v{{major}}` in a workflow), or
/// when it is a Helm chart template ([`is_helm_template`]).
pub fn read_yaml(path: &Path, text: &str) -> YamlReading {
    let maybe_template = has_template_action(text);
    if maybe_template && is_helm_template(path, text) {
        return YamlReading::Template;
    }
    // `key: {{ .Values.x }}` parses: a flow mapping whose key is another mapping. Nobody writes a mapping as a
    // key on purpose; next to template actions it means the braces were actions, not YAML.
    let reading = |docs: &[MarkedYaml<'_>], text: &str| {
        if maybe_template && docs.iter().any(has_collection_key) {
            YamlReading::Template
        } else {
            YamlReading::Data(convert_docs(docs, text))
        }
    };
    match load_yaml(text) {
        Ok(docs) => reading(&docs, text),
        // A duplicated key is what it says, template actions or not (`kubectl` refuses such a manifest).
        Err(err) if err.message.starts_with("duplicated key") => YamlReading::Invalid(err),
        Err(err) => match lenient_flow_brackets(text, &err) {
            Some(relaxed) => match load_yaml(&relaxed) {
                Ok(docs) => reading(&docs, &relaxed),
                Err(_) if maybe_template => YamlReading::Template,
                Err(_) => YamlReading::Invalid(err),
            },
            None if maybe_template => YamlReading::Template,
            None => YamlReading::Invalid(err),
        },
    }
}

/// Does some mapping in this node have a mapping or a sequence as a key?
fn has_collection_key(node: &MarkedYaml<'_>) -> bool {
    match &node.data {
        YamlData::Mapping(entries) => entries.iter().any(|(key, value)| {
            matches!(key.data, YamlData::Mapping(_) | YamlData::Sequence(_))
                || has_collection_key(value)
        }),
        YamlData::Sequence(items) => items.iter().any(has_collection_key),
        YamlData::Tagged(_, inner) => has_collection_key(inner),
        _ => false,
    }
}

/// The YAML reader of [`super::FORMATS`] (and JSON's, once validated): every document, read leniently where
/// libyaml is lenient.
pub(super) fn read(text: &str) -> Result<Vec<DataDoc>, DataError> {
    match load_yaml(text) {
        Ok(docs) => Ok(convert_docs(&docs, text)),
        Err(err) => {
            // saphyr holds the closing bracket of a flow collection, and the closing quote of a scalar spread over
            // lines, to YAML 1.2's indentation rule, which libyaml, PyYAML, Kubernetes and GitHub Actions do
            // not: `target: [\n  "a",\n]` with `]` under `target`, `args: ['\n  echo a\n']`. Such a file is
            // read as they read it, with each offending closing line moved to the end of the line above; the
            // text keeps its length and its line count, so every position stays where it was.
            let Some(relaxed) = lenient_flow_brackets(text, &err) else {
                return Err(err);
            };
            let docs = load_yaml(&relaxed).map_err(|_| err)?;
            Ok(convert_docs(&docs, &relaxed))
        }
    }
}

/// Where a YAML comment starts on a line: a `#` at the start or after whitespace, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return Some(i),
            None => {}
        }
        previous = c;
    }
    None
}

/// The line saphyr's indentation error is about, or the first after it that only closes something (a flow
/// collection's bracket, a quoted scalar's quote: saphyr points at where the construct opened): its byte
/// offset, its indentation and the length of what it closes with. `None` when there is no such line, or it is
/// the first line.
fn closing_line(text: &str, error_line: usize) -> Option<(usize, usize, usize)> {
    let mut offset = 0;
    let mut opened_at: Option<usize> = None;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        if index + 1 < error_line {
            continue;
        }
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start().len();
        let rest = content.trim_start();
        let run = rest
            .find(|c: char| !matches!(c, ']' | '}' | ',' | '\'' | '"'))
            .unwrap_or(rest.len());
        if run > 0 && rest[run..].trim().is_empty() {
            return (start > 0).then_some((start, indent, run));
        }
        // Only as far as the construct can reach: lines indented deeper than where it opened.
        match opened_at {
            None => opened_at = Some(indent),
            Some(opened) if !rest.is_empty() && indent <= opened => return None,
            Some(_) => {}
        }
    }
    None
}

/// `text` with the closing lines (brackets, quotes) that saphyr finds under-indented, and any others it then
/// finds, moved onto the line above, keeping every byte offset and line number; `None` when the error is of
/// another kind or moving them does not help.
fn lenient_flow_brackets(text: &str, first: &DataError) -> Option<String> {
    let mut relaxed = text.to_string();
    let mut err = first.clone();
    // A file can hold several such brackets; each pass moves one.
    for _ in 0..64 {
        if !err.message.starts_with("invalid indentation") {
            return None;
        }
        let (line_start, indent, run) = closing_line(&relaxed, err.line)?;
        let brackets = relaxed
            .get(line_start + indent..line_start + indent + run)?
            .to_string();
        // A comment ending the line above would swallow what is moved there: blank it (comments are not data).
        let above_start = relaxed[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
        if let Some(comment) = comment_start(&relaxed[above_start..line_start - 1]) {
            let (from, to) = (above_start + comment, line_start - 1);
            relaxed.replace_range(from..to, &" ".repeat(to - from));
        }
        // `\n` + indentation + brackets becomes indentation + brackets + `\n`.
        let start = line_start - 1;
        let end = line_start + indent + run;
        let moved = format!("{}{brackets}\n", &relaxed[line_start..line_start + indent]);
        relaxed.replace_range(start..end, &moved);
        match load_yaml(&relaxed).err() {
            None => return Some(relaxed),
            Some(next) => err = next,
        }
    }
    None
}

fn load_yaml(text: &str) -> Result<Vec<MarkedYaml<'_>>, DataError> {
    MarkedYaml::load_from_str(text).map_err(|err| {
        let marker = err.marker();
        DataError {
            line: marker.line(),
            column: marker.col() + 1,
            message: err.info().to_string(),
        }
    })
}

fn convert_docs(docs: &[MarkedYaml<'_>], text: &str) -> Vec<DataDoc> {
    let offsets = CharOffsets::new(text);
    docs.iter()
        .enumerate()
        .filter(|(_, doc)| {
            !matches!(doc.data, YamlData::Value(Scalar::Null)) || !doc_is_empty(doc, text, &offsets)
        })
        .map(|(index, doc)| DataDoc {
            index,
            root: convert_yaml(doc, &offsets),
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::super::DataFormat;
    use super::super::parse;
    use super::super::tests::{key, spans};
    use super::*;

    #[test]
    fn multi_document_yaml_keeps_indices_and_skips_empty_documents() {
        let docs = parse(DataFormat::Yaml, "a: 1\n---\n---\nb: 2\n---\n").unwrap();
        let indices: Vec<usize> = docs.iter().map(|d| d.index).collect();
        assert_eq!(indices, [0, 2]);
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
    fn flow_brackets_under_their_key_are_read_as_libyaml_reads_them() {
        let text = "jobs:\n  a:\n    matrix:\n      target: [\n        \"web\",\n        \"cli\"\n      ]\n    name: x\n  b: {\n    k: v\n  }\n";
        let docs = parse(DataFormat::Yaml, text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            spans(
                DataFormat::Yaml,
                text,
                &[
                    &[key("jobs"), key("a"), key("name")],
                    &[key("jobs"), key("b"), key("k")]
                ]
            ),
            ["\"name: x\" exact=true", "\"k: v\" exact=true"]
        );
        assert_eq!(docs.len(), 1);
        let commented = "flags: [\n  \"--validate=false\"  # turned off\n]\nimage: alpine\n";
        assert!(parse(DataFormat::Yaml, commented).is_ok());
        let quoted = "args: ['\n    echo a;\n    echo b\n  ']\nimage: alpine\n";
        assert!(parse(DataFormat::Yaml, quoted).is_ok());
        // With template-like braces in its strings it is still data, not a template.
        let workflow = "spec:\n  args: ['\n    echo \"{{inputs.parameters.x}}\"\n  ']\n";
        assert!(matches!(
            read_yaml(Path::new("examples/ci.yaml"), workflow),
            YamlReading::Data(_)
        ));
        let duplicated = "metadata:\n  annotations: {}\n  annotations: {}\nspec:\n  args: [\"{{workflow.name}}\"]\n";
        assert!(matches!(
            read_yaml(Path::new("examples/patch.yaml"), duplicated),
            YamlReading::Invalid(_)
        ));
        // Another indentation error is still an error.
        assert!(parse(DataFormat::Yaml, "a:\n  b: 1\n c: 2\n").is_err());
    }

    #[test]
    fn comments_start_at_a_hash_after_whitespace_outside_quotes() {
        assert_eq!(comment_start("a: b # note"), Some(5));
        assert_eq!(comment_start("# whole line"), Some(0));
        assert_eq!(comment_start("url: http://x/#anchor"), None);
        assert_eq!(comment_start("a: \"b # c\" # d"), Some(11));
        assert_eq!(comment_start("a: 'b # c'"), None);
    }

    #[test]
    fn the_closing_line_is_found_from_the_error_line_down() {
        let text = "target: [\n  \"a\",\n]\n";
        // Byte offset of the `]` line, its indentation, and the length of what it closes with.
        assert_eq!(closing_line(text, 1), Some((17, 0, 1)));
        let quoted = "args: ['\n    echo a\n  ']\n";
        assert_eq!(closing_line(quoted, 1), Some((20, 2, 2)));
        // An error on the first line has no line above to move a bracket to.
        assert_eq!(closing_line("]\n", 1), None);
        // A line back at the opening indentation ends the search.
        assert_eq!(closing_line("a: [\n  1,\nb: 2\n]\n", 1), None);
    }

    /// How `read_yaml` reads `text` at `path`: "data" (with the number of documents), "template" or "invalid".
    fn reading(path: &str, text: &str) -> String {
        match read_yaml(Path::new(path), text) {
            YamlReading::Data(docs) => format!("data {}", docs.len()),
            YamlReading::Template => "template".into(),
            YamlReading::Invalid(_) => "invalid".into(),
        }
    }

    #[test]
    fn valid_yaml_with_braces_in_strings_is_data() {
        // Prometheus alert text (kube-prometheus `manifests/*-prometheusRule.yaml`).
        let rule = "kind: PrometheusRule\nspec:\n  groups:\n  - rules:\n    - alert: Down\n      annotations:\n        description: Prometheus {{$labels.namespace}}/{{$labels.pod}} is down.\n        summary: '{{ $value | humanizePercentage }} of targets'\n";
        assert_eq!(
            reading("manifests/prometheus-prometheusRule.yaml", rule),
            "data 1"
        );
        // docker/metadata-action patterns in a workflow (meilisearch's `publish-docker-images.yml`).
        let workflow = "on: push\njobs:\n  docker:\n    steps:\n      - uses: docker/metadata-action@v5\n        with:\n          tags: |\n            type=semver,pattern=v{{major}}.{{minor}}\n            type=ref,event=tag\n          flavor: latest=${{ github.ref == 'refs/heads/main' }}\n";
        assert_eq!(reading(".github/workflows/publish.yml", workflow), "data 1");
        // ApplicationSet fields (argo-cd's examples), quoted.
        let appset = "kind: ApplicationSet\nspec:\n  template:\n    metadata:\n      name: '{{path.basename}}'\n";
        assert_eq!(
            reading("applicationset/examples/list.yaml", appset),
            "data 1"
        );
        // Go templates in a `templates/` directory that is not a Helm chart (argo-cd's notification catalog).
        let notification = "message: |\n  {{if eq .serviceType \"slack\"}}:white_check_mark:{{end}} {{.app.metadata.name}}\n";
        assert_eq!(
            reading(
                "notifications_catalog/templates/app-created.yaml",
                notification
            ),
            "data 1"
        );
        assert!(!is_helm_template(
            Path::new("notifications_catalog/templates/app-created.yaml"),
            notification
        ));
    }

    #[test]
    fn text_that_does_not_parse_is_a_template_only_with_actions() {
        // Cloud Foundation Fabric's `modules/cloud-config-container/*/cloud-config.yaml`, filled in by
        // Terraform's `templatefile`.
        let terraform = "#cloud-config\nwrite_files:\n  %{ for path, data in files }\n  - path: ${path}\n    content: |\n      ${indent(6, data.content)}\n  %{ endfor }\n";
        assert_eq!(reading("cloud-config.yaml", terraform), "template");
        assert!(
            reading("curl.yaml", "format: \"%{http_code}\"\nbroken: [\n").starts_with("invalid"),
            "a `%{{` that is no directive explains no error"
        );
        let go = "kind: ConfigMap\n{{- if .Values.enabled }}\ndata:\n  a: b\n{{- end }}\n";
        assert_eq!(reading("deploy/config.yaml", go), "template");
        let jinja = "- hosts: all\n  vars:\n    port: {{ port }}\n    name: {{ name }} server\n";
        assert_eq!(reading("playbook.yml", jinja), "template");
        assert_eq!(reading("deploy/config.yaml", "a: [1, 2\nb: 3\n"), "invalid");
        // A GitHub Actions expression is not a template action: a broken workflow is broken.
        assert_eq!(
            reading(
                ".github/workflows/ci.yml",
                "on: push\njobs: [${{ matrix.x }}\n"
            ),
            "invalid"
        );
    }

    #[test]
    fn helm_chart_templates_stay_templates_even_when_they_parse() {
        // `{{ .Values.image }}` parses as a YAML flow mapping, but only Helm knows what the file says.
        let chart = "kind: Deployment\nspec:\n  image: {{ .Values.image }}\n";
        assert_eq!(
            reading("charts/app/templates/deployment.yaml", chart),
            "template"
        );
        assert_eq!(
            reading(
                "charts/app/templates/nested/x.yaml",
                "a: {{ include \"x\" . }}\n"
            ),
            "template"
        );
        assert!(is_helm_template(
            Path::new("c/templates/a.yaml"),
            "v: {{- tpl .Values.x $ }}\n"
        ));
        assert!(!is_helm_template(
            Path::new("c/templates/a.yaml"),
            "v: ${{ .Values.x }}\n"
        ));
        assert!(!is_helm_template(
            Path::new("c/templates/a.yaml"),
            "v: '{{ .ValuesFoo }}'\n"
        ));
        // A plain file in a chart's `templates/` is what Helm renders unchanged.
        assert_eq!(
            reading(
                "charts/app/templates/crd.yaml",
                "kind: CustomResourceDefinition\n"
            ),
            "data 1"
        );
        // Outside `templates/`, Helm-looking text in strings is data; an action where a value goes parses only
        // as a mapping used as a key, which is a template.
        assert_eq!(
            reading("values.yaml", "note: \"{{ .Values.x }}\"\n"),
            "data 1"
        );
        assert_eq!(
            reading(
                "deploy/chart.yaml",
                "spec:\n  replicas: {{ .Values.replicas }}\n"
            ),
            "template"
        );
        assert_eq!(reading("deploy/list.yaml", "- {{ x }}\n"), "template");
    }

    #[test]
    fn template_actions_are_told_from_expressions() {
        assert!(has_template_action("image: {{ .Values.image }}\n"));
        assert!(has_template_action("a: \"{{}}\"\n"));
        assert!(!has_template_action("run: echo ${{ github.sha }}\n"));
        assert!(has_template_action(
            "write_files:\n  %{~ for path, data in files }\n  - path: ${path}\n  %{ endfor }\n"
        ));
        assert!(!has_template_action("format: \"%{http_code}\"\n"));
        assert!(has_template_action(
            "env: ${{ github.ref }}\nimage: {{ x }}\n"
        ));
    }
}
