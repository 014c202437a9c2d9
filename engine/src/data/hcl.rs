//! HCL (Terraform `*.tf`, OpenTofu `*.tofu`, `*.tfvars`, Terragrunt and Packer `*.hcl`) as data, read with `hcl-edit`, whose
//! parser keeps the byte span of every block, label, attribute and expression.
//!
//! The tree has the shape conftest's HCL2 parser (tmccombs/hcl2json) gives, so conftest policies port as they
//! are: a block is keyed by its type and then by each label, and holds a list of bodies, one per block written
//! (`resource "aws_s3_bucket" "logs" {..}` is `input.resource.aws_s3_bucket.logs[0]`; nested blocks such as
//! `lifecycle {..}` are lists too); an attribute holds its value where the value is a literal (strings,
//! numbers, booleans, null, and lists and objects of them), a template's text without its quotes
//! (`"arn:${var.x}"`), a heredoc's text, and any other expression as its source wrapped in `${…}`
//! (`var.name`, `true ? 1 : 0`, `jsonencode({..})` become `"${var.name}"` and so on).

use std::ops::Range;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, Body, Structure};

use super::{DataDoc, DataError, DataKey, DataNode, DataValue};

/// Reads an HCL file into one document.
///
/// hcl-edit refuses two things Terraform accepts, and both are met in real modules: an object that repeats a
/// key, and a line break inside an expression in brackets where hcl-edit does not expect one (after `&&` or
/// before `?` in the value of a `for` expression). Each is mended in a copy of the text of the same length
/// (a key renamed, a line break made a space), so every span is the file's own, and the copy parsed again;
/// see [`renamed_key`] and [`joined_line`]. When the copy still does not parse, the error reported is the
/// file's own: the first one a joined line did not mend, at its place in the file.
pub(super) fn read(text: &str) -> Result<Vec<DataDoc>, DataError> {
    let mut renamed: Vec<usize> = Vec::new();
    let mut mends = 0;
    let mut patched: Option<String> = None;
    // The error a joined line was tried on: reported if the file still fails, since a join is only a guess.
    let mut guessed: Option<DataError> = None;
    let body = loop {
        let source = patched.as_deref().unwrap_or(text);
        let err = match hcl_edit::parser::parse_body(source) {
            Ok(body) => break body,
            Err(err) => err,
        };
        let offset = err.location().offset();
        // hcl-edit's own place for the error is the file's: a renamed key keeps the text's length and lines, and
        // an error met after a joined line is never reported (the one the join was tried on is).
        let error = DataError {
            line: err.location().line(),
            column: err.location().column(),
            message: err.message().to_string(),
        };
        if mends >= MAX_MENDS || mends.saturating_mul(text.len()) > MEND_BUDGET {
            return Err(guessed.unwrap_or(error));
        }
        mends += 1;
        if err.message().contains(DUPLICATE_KEY_MESSAGE) {
            if let Some(next) = renamed_key(source, offset, &renamed) {
                renamed.push(offset);
                patched = Some(next);
                continue;
            }
        } else if let Some(next) = joined_line(source, offset) {
            guessed.get_or_insert(error);
            patched = Some(next);
            continue;
        }
        return Err(guessed.unwrap_or(error));
    };
    // Converted with the original text: every span is the same in both, and the sources of expressions and
    // templates are the file's own.
    let mut value = body_value(&body, text);
    if !renamed.is_empty() {
        restore_duplicate_keys(&mut value, &renamed, text);
    }
    let root = DataNode {
        value,
        span: 0..text.len(),
    };
    Ok(vec![DataDoc { index: 0, root }])
}

/// How many times one file may be mended and parsed again before its parse error is reported instead: a
/// module written with a line break after every `&&` needs one mend each (Azure's enterprise-scale
/// connectivity locals, 130 KB: 23 mends, 12 ms in all).
const MAX_MENDS: usize = 64;

/// And at most this many bytes parsed again in all, so that a large file with many errors costs a bounded
/// number of parses (two for a 16 MiB file).
const MEND_BUDGET: usize = 32 << 20;

/// `source` with the line break at `offset`, or the one before it when only blanks stand between, made a space
/// (a `\r\n` two spaces), or `None` when the error is not at a line's end or start.
///
/// Terraform reads a line break inside brackets as a blank (`location =>` on one line and its value on the
/// next, `&&` or `?` starting a continued condition); hcl-edit 0.10 refuses some of these in the value of a
/// `for` expression. Joining the lines is a guess: a file Terraform refuses for a line break outside brackets
/// is read too (Terraform reports it when it loads the file).
fn joined_line(source: &str, offset: usize) -> Option<String> {
    let bytes = source.as_bytes();
    let newline = if bytes.get(offset) == Some(&b'\n') {
        offset
    } else {
        let before = source.get(..offset)?;
        let line_start = before.rfind('\n')?;
        before[line_start + 1..]
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
            .then_some(line_start)?
    };
    // A line comment ends at the line break: joining would make the next line part of the comment.
    let line = &source[source[..newline].rfind('\n').map_or(0, |i| i + 1)..newline];
    if line.contains('#') || line.contains("//") || !in_for_expression(&source[..newline]) {
        return None;
    }
    let start = if newline > 0 && bytes[newline - 1] == b'\r' {
        newline - 1
    } else {
        newline
    };
    let mut patched = source.to_string();
    patched.replace_range(start..=newline, &" ".repeat(newline - start + 1));
    Some(patched)
}

/// Is the end of `before` inside the brackets of a `for` expression (`{ for k, v in ...` or `[ for x in ...`)?
/// Only there are line breaks joined: that is where hcl-edit refuses what Terraform reads, and a join anywhere
/// else can lead hcl-edit's parser into nested alternatives it tries in exponential time (an object key
/// written `i -0 -{` twenty levels deep takes seconds; a fuzzed file's joins took a minute).
///
/// A scan of brackets outside strings and comments, heredocs not known: a guess, as the join is.
fn in_for_expression(before: &str) -> bool {
    let mut open: Vec<usize> = Vec::new();
    let bytes = before.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => i = before[i..].find('\n').map_or(bytes.len(), |n| i + n),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = before[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = before[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 1);
            }
            b'{' | b'[' | b'(' => open.push(i),
            b'}' | b']' | b')' => {
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    open.last().is_some_and(|&at| {
        let inner = before[at + 1..].trim_start();
        matches!(bytes[at], b'{' | b'[')
            && inner.starts_with("for")
            && inner[3..].starts_with(char::is_whitespace)
    })
}

/// What hcl-edit says when an object constructor (`{ a = 1, a = 2 }`) repeats a key.
const DUPLICATE_KEY_MESSAGE: &str = "redefined object key";

/// Characters a renamed key's last character is replaced with, tried in turn until the key is unique.
const KEY_CHARS: &[u8] = b"_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// `source` with the object key at `offset` given another name of the same length, or `None` when the key is
/// not one this can rename (an expression key, a string with escapes or interpolation).
///
/// Terraform accepts an object constructor that repeats a key, the last value standing (hashicorp/terraform
/// #28727: an error would break configurations that work), and real `*.tfvars` files do it; hcl-edit rejects
/// it. So the repeated key is renamed in a copy of the text (same length, so every span stays), parsed again,
/// and [`restore_duplicate_keys`] puts its name back with the last value standing. A key already renamed at
/// this offset met another key of its new name: the next character is tried.
fn renamed_key(source: &str, offset: usize, renamed: &[usize]) -> Option<String> {
    let rest = source.get(offset..)?;
    let (start, len) = if let Some(quoted) = rest.strip_prefix('"') {
        let len = quoted.find('"')?;
        let content = &quoted[..len];
        let plain = content
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-./:@ ".contains(&b));
        (plain && len > 0).then_some((offset + 1, len))?
    } else {
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
            .count();
        (len > 0).then_some((offset, len))?
    };
    let last = start + len - 1;
    let tries = renamed.iter().filter(|&&o| o == offset).count();
    let current = source.as_bytes()[last];
    let replacement = KEY_CHARS
        .iter()
        .copied()
        // An identifier's first character cannot be a digit.
        .filter(|&c| {
            c != current && (len > 1 || !c.is_ascii_digit() || source.as_bytes()[offset] == b'"')
        })
        .nth(tries)?;
    let mut patched = source.to_string();
    patched.replace_range(last..=last, std::str::from_utf8(&[replacement]).ok()?);
    Some(patched)
}

/// Gives each renamed key (its span starts at one of `renamed`) its name from `text` again; when an earlier
/// key of the object has that name, the later key and value take its place, as in Terraform.
fn restore_duplicate_keys(value: &mut DataValue, renamed: &[usize], text: &str) {
    match value {
        DataValue::Map(entries) => {
            let mut i = 0;
            while i < entries.len() {
                restore_duplicate_keys(&mut entries[i].1.value, renamed, text);
                let key = &entries[i].0;
                if !renamed.contains(&key.span.start) {
                    i += 1;
                    continue;
                }
                let raw = text.get(key.span.clone()).unwrap_or_default();
                let name = raw
                    .strip_prefix('"')
                    .and_then(|s| s.strip_suffix('"'))
                    .unwrap_or(raw)
                    .to_string();
                entries[i].0.name.clone_from(&name);
                match entries[..i].iter().position(|(k, _)| k.name == name) {
                    Some(earlier) => {
                        let later = entries.remove(i);
                        entries[earlier] = later;
                    }
                    None => i += 1,
                }
            }
        }
        DataValue::Seq(items) => {
            for item in items {
                restore_duplicate_keys(&mut item.value, renamed, text);
            }
        }
        _ => {}
    }
}

/// A body's attributes and blocks as one mapping, blocks of the same type merged under one key.
fn body_value(body: &Body, text: &str) -> DataValue {
    let mut entries: Vec<(DataKey, DataNode)> = Vec::new();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => {
                let name = attr.key.as_str();
                // HCL forbids an attribute twice in a body (Terraform refuses the file); the first one stands.
                if entries.iter().any(|(k, _)| k.name == name) {
                    continue;
                }
                let key = DataKey {
                    name: name.to_string(),
                    span: span_of(attr.key.span()),
                };
                entries.push((key, expr_node(&attr.value, text)));
            }
            Structure::Block(block) => add_block(&mut entries, block, text),
        }
    }
    DataValue::Map(entries)
}

/// Puts a block under its type and labels, creating the mappings on the way, and appends its body to the list
/// at the end.
fn add_block(entries: &mut Vec<(DataKey, DataNode)>, block: &Block, text: &str) {
    let block_span = span_of(block.span());
    let mut keys = vec![(block.ident.as_str(), span_of(block.ident.span()))];
    for label in &block.labels {
        let span = match label {
            hcl_edit::structure::BlockLabel::Ident(ident) => ident.span(),
            hcl_edit::structure::BlockLabel::String(string) => string.span(),
        };
        keys.push((label.as_str(), span_of(span)));
    }
    let body = DataNode {
        value: body_value(&block.body, text),
        span: block_span.clone(),
    };
    let mut level = entries;
    let last = keys.len() - 1;
    for (i, (name, span)) in keys.into_iter().enumerate() {
        let pos = match level.iter().position(|(k, _)| k.name == name) {
            Some(pos) => pos,
            None => {
                let empty = if i == last {
                    DataValue::Seq(Vec::new())
                } else {
                    DataValue::Map(Vec::new())
                };
                let key = DataKey {
                    name: name.to_string(),
                    span,
                };
                level.push((
                    key,
                    DataNode {
                        value: empty,
                        span: block_span.clone(),
                    },
                ));
                level.len() - 1
            }
        };
        let node = &mut level[pos].1;
        match (&mut node.value, i == last) {
            (DataValue::Seq(items), true) => {
                items.push(body);
                return;
            }
            (DataValue::Map(inner), false) => level = inner,
            // An attribute and a block of one name, or a block with and without labels: not valid Terraform;
            // the block stays out of the tree rather than replacing what was there.
            _ => return,
        }
    }
}

/// An expression as data: literals as values, templates as their text, anything else as `${source}`.
fn expr_node(expr: &Expression, text: &str) -> DataNode {
    let span = span_of(expr.span());
    let source = || text.get(span.clone()).unwrap_or_default();
    let value = match expr {
        Expression::Null(_) => DataValue::Null,
        Expression::Bool(b) => DataValue::Bool(*b.value()),
        Expression::Number(n) => number(n.value(), false),
        Expression::String(s) => DataValue::Str(s.value().clone()),
        Expression::Array(array) => {
            DataValue::Seq(array.iter().map(|item| expr_node(item, text)).collect())
        }
        Expression::Object(object) => DataValue::Map(
            object
                .iter()
                .map(|(key, value)| (object_key(key, text), expr_node(value.expr(), text)))
                .collect(),
        ),
        Expression::StringTemplate(_) => {
            let raw = source();
            let inner = raw
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .unwrap_or(raw);
            DataValue::Str(inner.to_string())
        }
        Expression::HeredocTemplate(heredoc) => {
            let body = text
                .get(span_of(heredoc.template.span()))
                .unwrap_or_default();
            DataValue::Str(dedent(body, heredoc.indent()))
        }
        Expression::UnaryOp(op) => match (&op.expr, op.operator.value()) {
            (Expression::Number(n), hcl_edit::expr::UnaryOperator::Neg) => number(n.value(), true),
            _ => wrapped(source()),
        },
        Expression::Parenthesis(_)
        | Expression::Variable(_)
        | Expression::Conditional(_)
        | Expression::FuncCall(_)
        | Expression::Traversal(_)
        | Expression::BinaryOp(_)
        | Expression::ForExpr(_) => wrapped(source()),
    };
    DataNode { value, span }
}

/// An object's key: an identifier or a string as its text, another expression as `${source}`.
fn object_key(key: &ObjectKey, text: &str) -> DataKey {
    match key {
        ObjectKey::Ident(ident) => DataKey {
            name: ident.as_str().to_string(),
            span: span_of(ident.span()),
        },
        ObjectKey::Expression(expr) => {
            let node = expr_node(expr, text);
            let name = match node.value {
                DataValue::Str(s) => s,
                _ => text.get(node.span.clone()).unwrap_or_default().to_string(),
            };
            DataKey {
                name,
                span: node.span,
            }
        }
    }
}

fn number(n: &hcl_edit::Number, negate: bool) -> DataValue {
    match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => DataValue::Int(if negate { -i } else { i }),
        (None, Some(f)) => DataValue::Float(if negate { -f } else { f }),
        (None, None) => DataValue::Null,
    }
}

/// An expression that is not a literal, as hcl2json writes it.
fn wrapped(source: &str) -> DataValue {
    DataValue::Str(format!("${{{source}}}"))
}

/// A `<<-` heredoc's lines without the indentation its closing marker strips.
fn dedent(body: &str, indent: Option<usize>) -> String {
    let Some(indent) = indent else {
        return body.to_string();
    };
    body.split_inclusive('\n')
        .map(|line| {
            let spaces = line.len() - line.trim_start_matches([' ', '\t']).len();
            &line[spaces.min(indent)..]
        })
        .collect()
}

/// Every node hcl-edit's parser returns has a span; an empty one at 0 would be a bug there, not a panic here.
fn span_of(span: Option<Range<usize>>) -> Range<usize> {
    span.unwrap_or(0..0)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{key, spans};
    use super::super::{DataFormat, PathElem, parse, resolve};
    use super::in_for_expression;

    /// The shape a test mends is one hcl-edit refuses: when it no longer does, the mend can go.
    fn refused_by_hcl_edit(text: &str) {
        assert!(
            hcl_edit::parser::parse_body(text).is_err(),
            "hcl-edit alone refuses it"
        );
    }

    /// Where the node at `path` starts in `text`, read as HCL.
    fn start_of(text: &str, path: &[PathElem]) -> usize {
        let docs = parse(DataFormat::Hcl, text).unwrap();
        resolve(&docs[0].root, path, text).span.start
    }

    fn input(text: &str) -> serde_json::Value {
        let docs = parse(DataFormat::Hcl, text).unwrap();
        crate::data::doc_json(&docs[0])
    }

    #[test]
    fn blocks_are_keyed_by_type_then_labels_like_conftest() {
        let text = r#"
resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
  count  = 2
  ratio  = -0.5
  tags   = { team = "infra", "cost-center" = 42 }
  lifecycle {
    prevent_destroy = true
  }
}
resource "aws_s3_bucket" "assets" {
  bucket = "assets-${var.env}"
  policy = data.aws_iam_policy_document.assets.json
  acl    = var.public ? "public-read" : "private"
  list   = [1, "two", null]
}
provider "aws" {
  region = "eu-west-1"
}
provider "aws" {
  alias = "us"
}
"#;
        assert_eq!(
            input(text),
            serde_json::json!({
                "resource": {"aws_s3_bucket": {
                    "logs": [{
                        "bucket": "acme-logs", "count": 2, "ratio": -0.5,
                        "tags": {"team": "infra", "cost-center": 42},
                        "lifecycle": [{"prevent_destroy": true}],
                    }],
                    "assets": [{
                        "bucket": "assets-${var.env}",
                        "policy": "${data.aws_iam_policy_document.assets.json}",
                        "acl": "${var.public ? \"public-read\" : \"private\"}",
                        "list": [1, "two", null],
                    }],
                }},
                "provider": {"aws": [{"region": "eu-west-1"}, {"alias": "us"}]},
            })
        );
    }

    #[test]
    fn heredocs_and_dynamic_blocks() {
        let text = "locals {\n  script = <<-EOT\n    echo hi\n      indented\n    EOT\n  raw = <<EOT\n  kept\nEOT\n}\nresource \"x\" \"y\" {\n  dynamic \"rule\" {\n    for_each = var.rules\n    content {\n      name = rule.value\n    }\n  }\n}\n";
        assert_eq!(
            input(text),
            serde_json::json!({
                "locals": [{"script": "echo hi\n  indented\n", "raw": "  kept\n"}],
                "resource": {"x": {"y": [{"dynamic": {"rule": [{
                    "for_each": "${var.rules}",
                    "content": [{"name": "${rule.value}"}],
                }]}}]}},
            })
        );
    }

    #[test]
    fn every_node_keeps_its_span() {
        let text = "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n  deletion_protection = false # for now\n  lifecycle {\n    prevent_destroy = var.protect\n  }\n}\n";
        let i = PathElem::Index;
        assert_eq!(
            spans(
                DataFormat::Hcl,
                text,
                &[
                    &[
                        key("resource"),
                        key("aws_db_instance"),
                        key("main"),
                        i(0),
                        key("deletion_protection")
                    ],
                    &[key("resource"), key("aws_db_instance"), key("main"), i(0)],
                    &[key("resource"), key("aws_db_instance"), key("main")],
                    &[
                        key("resource"),
                        key("aws_db_instance"),
                        key("main"),
                        i(0),
                        key("lifecycle"),
                        i(0),
                        key("prevent_destroy"),
                    ],
                    &[
                        key("resource"),
                        key("aws_db_instance"),
                        key("main"),
                        i(0),
                        key("missing")
                    ],
                ],
            ),
            [
                "\"deletion_protection = false\" exact=true",
                "\"resource \\\"aws_db_instance\\\" \\\"main\\\" {\" exact=true",
                "\"\\\"main\\\"\" exact=true",
                "\"prevent_destroy = var.protect\" exact=true",
                "\"resource \\\"aws_db_instance\\\" \\\"main\\\" {\" exact=false",
            ]
        );
    }

    #[test]
    fn syntax_errors_say_where() {
        let err = parse(DataFormat::Hcl, "resource \"x\" \"y\" {\n  a = \n}\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 7), "{err:?}");
        assert!(err.message.starts_with("invalid expression"), "{err:?}");
        let err = parse(DataFormat::Hcl, "variable \"x\" {\n  default = \"open\n").unwrap_err();
        assert!(err.line >= 2, "{err:?}");
    }

    #[test]
    fn a_repeated_object_key_is_read_as_terraform_reads_it_the_last_value_standing() {
        // Found in real `*.tfvars` and examples (hmcts/azure-platform-terraform's prod.tfvars): Terraform plans
        // them, hcl-edit alone rejects them.
        let text = "backends = [\n  {\n    name   = \"a\"\n    domain = [\"old\"]\n    domain = [\"new\"]\n  },\n]\nroutes = {\n  \"event-log\" = { methods = [\"GET\"] }\n  \"event-log\" = { methods = [\"POST\"] }\n  a = 1\n  a = 2\n  _ = 3\n  a = 4\n}\n";
        refused_by_hcl_edit(text);
        assert_eq!(
            input(text),
            serde_json::json!({
                "backends": [{"name": "a", "domain": ["new"]}],
                "routes": {"event-log": {"methods": ["POST"]}, "a": 4, "_": 3},
            })
        );
        // The key that stands keeps its own span: a finding on it points at the line Terraform uses.
        assert_eq!(
            start_of(text, &[key("backends"), PathElem::Index(0), key("domain")]),
            text.find("domain = [\"new\"]").unwrap()
        );
        // A repeated key this cannot rename stays a syntax error, at the repeated key.
        let err = parse(DataFormat::Hcl, "x = {\n  (var.k) = 1\n  (var.k) = 2\n}\n").unwrap_err();
        assert_eq!((err.line, err.column), (3, 3), "{err:?}");
        assert!(err.message.contains("redefined object key"), "{err:?}");
        // A file wrong after its key is renamed is reported where the copy is wrong, at the file's own place.
        let err = parse(DataFormat::Hcl, "x = {\n  a = 1\n  a = 2\n}\ny = \n").unwrap_err();
        assert_eq!((err.line, err.column), (5, 5), "{err:?}");
    }

    #[test]
    fn a_line_break_inside_brackets_is_read_as_terraform_reads_it() {
        // The shapes of Azure/terraform-azurerm-caf-enterprise-scale's `modules/connectivity/locals.tf` and Cloud
        // Foundation Fabric's `modules/cloudsql-instance/main.tf`, which Terraform plans and hcl-edit refuses.
        let text = "locals {\n  enabled = {\n    for l in var.ls :\n    l =>\n    var.on &&\n    contains(var.x, l)\n  }\n  tier = {\n    for k, v in var.m : k => v.big\n    ? \"db-custom\"\n    : \"db-small\"\n  }\n  after = 1\n}\n";
        refused_by_hcl_edit(text);
        let value = input(text);
        let locals = &value["locals"][0];
        assert_eq!(
            locals["enabled"],
            "${{\n    for l in var.ls :\n    l =>\n    var.on &&\n    contains(var.x, l)\n  }}"
        );
        assert!(
            locals["tier"]
                .as_str()
                .unwrap()
                .contains("\n    ? \"db-custom\"")
        );
        assert_eq!(locals["after"], 1);
        assert_eq!(
            start_of(text, &[key("locals"), PathElem::Index(0), key("after")]),
            text.find("after = 1").unwrap()
        );
        // A line break after a comment is not joined: the next line would become part of the comment.
        let commented = "x = {\n  for k, v in var.m : k =>\n  v.on # why\n  ? 1\n  : 0\n}\n";
        refused_by_hcl_edit(commented);
        let err = parse(DataFormat::Hcl, commented).unwrap_err();
        assert_eq!(err.line, 4, "{err:?}");
        // Nor outside the brackets of a `for` expression: a fuzzed file whose joins led hcl-edit into nested
        // alternatives it tries in exponential time stays one error, found at once, where it was.
        let fuzzed = "x =  i  -{\n abliri -1  -\n{ i -0 -i -0  -{\nr777-0 -i -0  -{\n i777-0 -i -0   -7-0 -i -0  -{\n";
        let err = parse(DataFormat::Hcl, fuzzed).unwrap_err();
        assert_eq!(err.line, 2, "{err:?}");
        // A line break that mends nothing leaves the file's own error, where it was.
        let err = parse(DataFormat::Hcl, "a = 1\nb = \n\nc = 2 +\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 5), "{err:?}");
    }

    #[test]
    fn only_line_breaks_inside_a_for_expression_are_joined() {
        assert!(in_for_expression("x = {\n  for k, v in var.m : k =>"));
        assert!(in_for_expression(
            "x = [\n  for s in var.l :\n    upper(s) if s != \"}\" &&"
        ));
        assert!(!in_for_expression("x = {\n  format = \"for x\"\n  a = 1 +"));
        assert!(!in_for_expression("x = f(\n  for"));
        assert!(!in_for_expression("x = { # { for\n  a ="));
        // The start of the file data_readers timed out on: objects, no `for`.
        assert!(!in_for_expression("x =  i  -{\n abliri -1  -"));
    }

    #[test]
    fn empty_and_comment_only_files_are_an_empty_body() {
        assert_eq!(input(""), serde_json::json!({}));
        assert_eq!(
            input("# nothing\n// here\n/* either */\n"),
            serde_json::json!({})
        );
        let docs = parse(DataFormat::Hcl, "a = 1\n").unwrap();
        let whole = resolve(&docs[0].root, &[], "a = 1\n");
        assert_eq!(whole.span, 0..5);
    }
}
