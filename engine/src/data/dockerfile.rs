//! The Dockerfile reader: tree-sitter-containerfile's syntax tree into the list of instructions conftest's
//! Dockerfile parser gives policies (`[{Cmd, SubCmd, Flags, Value, JSON, Stage}]`, comments as `Cmd:
//! "comment"`), with a span on every value so a finding lands on the exact word.
//!
//! The grammar (a maintained fork of the one editors use) knows heredocs, BuildKit flags, parser directives
//! (`# escape=`) and JSON-array versus shell form. `Value` follows BuildKit's parser, which conftest uses: the
//! whole command for a shell form, the array for the JSON form, words for `FROM`/`COPY`/`ADD`/`EXPOSE`/
//! `VOLUME`/`ARG`, key and value in turn for `ENV` and `LABEL`. Line continuations are removed from values as
//! BuildKit removes them. Added for hindsight: `Original` (the instruction as written), `Heredocs` (their
//! bodies) and `Commands`, the shell commands of a shell form split at `&&`, `||`, `;` and line ends outside
//! quotes, each with its own span (a split, not a shell parser).

use std::ops::Range;

use super::{DataDoc, DataError, DataKey, DataNode, DataValue};

mod shell;

/// The Dockerfile reader of [`super::FORMATS`]: one document, the list of instructions.
pub(super) fn read(text: &str) -> Result<Vec<DataDoc>, DataError> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_containerfile::LANGUAGE.into())
        .map_err(|err| DataError {
            line: 1,
            column: 1,
            message: format!("the Dockerfile grammar did not load: {err}"),
        })?;
    // What BuildKit reads and the grammar does not is mended in a copy of the same length, which is parsed
    // instead: its tree has the file's own spans, and every value is taken from the file's own text. The copy
    // is parsed first, not after the file failed: the grammar's error recovery on a refused instruction costs
    // more than the whole rest of the file (on docker-library/python's Dockerfiles, failing first made reading
    // the 250 Dockerfiles 40 % dearer), and the mend changes nothing the grammar reads in a file it accepts.
    let escape = escape_char(text);
    let copy = mended(text, escape);
    let Some(tree) = parser.parse(copy.as_deref().unwrap_or(text), None) else {
        return Err(DataError {
            line: 1,
            column: 1,
            message: "the Dockerfile parser gave up".into(),
        });
    };
    let root = tree.root_node();
    if root.has_error() {
        // What was mended is not wrong: the copy's first error is the file's.
        return Err(first_error(root, text));
    }
    let reader = Reader { text, escape };
    let mut items = Vec::new();
    let mut comments = Vec::new();
    let mut stage: i64 = -1;
    let mut cursor = root.walk();
    for child in root.named_children(&mut cursor) {
        if child.kind() == "comment" {
            comments.push(child);
            continue;
        }
        if child.kind() == "from_instruction" {
            stage += 1;
        }
        let stage = stage.max(0);
        // BuildKit hands the comments above an instruction to conftest, which lists them first.
        for comment in comments.drain(..) {
            items.push(reader.comment(comment, stage));
        }
        items.push(reader.instruction(child, stage));
    }
    Ok(vec![DataDoc {
        index: 0,
        root: DataNode {
            value: DataValue::Seq(items),
            span: 0..text.len(),
        },
    }])
}

/// `text` with what BuildKit reads and tree-sitter-containerfile 0.9 refuses made plain, the length kept, or
/// `None` when there is nothing to mend:
///
/// - a `[` in the shell form of `RUN`, `CMD` or `ENTRYPOINT`: the grammar takes one that starts a continued
///   line (a shell test, `[ -s "$f" ]; \`, in docker-library's official python and golang images) or follows
///   a quoted string (PowerShell's `('PATH', [EnvironmentVariableTarget]::Machine)` in their Windows images)
///   for a JSON array and refuses the instruction. Each becomes `x` in the copy, but the one that opens the
///   arguments (`CMD ["nginx"]`, or `CMD \` then `["nginx"]` on the next line): that is the JSON form.
/// - `USER "${NB_UID}"`: a quoted user, which BuildKit unquotes. The quotes become blanks in the copy.
fn mended(text: &str, escape: char) -> Option<String> {
    let mut copy = text.as_bytes().to_vec();
    let mut offset = 0;
    // The instruction a line continues: whether it has a shell form, and whether its arguments have begun.
    let mut continued: Option<(bool, bool)> = None;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end();
        let first = content.trim_start();
        let indent = content.len() - first.len();
        // A comment line inside a continued instruction neither ends nor continues it.
        if first.starts_with('#') {
            offset += line.len();
            continue;
        }
        let (shell, args_before, args_from) = match continued {
            Some((shell, begun)) => (shell, begun, indent),
            None => {
                if let Some(user) = quoted_user(first) {
                    copy[offset + indent + user.start] = b' ';
                    copy[offset + indent + user.end - 1] = b' ';
                }
                let keyword = first.split_whitespace().next().unwrap_or_default();
                let shell = ["run", "cmd", "entrypoint"]
                    .iter()
                    .any(|k| keyword.eq_ignore_ascii_case(k));
                (shell, false, indent + args_start(first))
            }
        };
        let args = content.get(args_from..).unwrap_or_default();
        let opener = args.len() - args.trim_start().len();
        if shell {
            for (at, _) in args.match_indices('[') {
                if at != opener || args_before {
                    copy[offset + args_from + at] = b'x';
                }
            }
        }
        let begun = args_before || !args.trim_end_matches(escape).trim().is_empty();
        continued = content.ends_with(escape).then_some((shell, begun));
        offset += line.len();
    }
    (copy != text.as_bytes())
        .then(|| String::from_utf8(copy).ok())
        .flatten()
}

/// Where an instruction line's arguments begin: after its keyword and its `--flags`.
fn args_start(line: &str) -> usize {
    let mut at = 0;
    for index in 0.. {
        let rest = &line[at..];
        let word = rest.trim_start();
        let length = word.find(char::is_whitespace).unwrap_or(word.len());
        if length == 0 || (index > 0 && !word.starts_with("--")) {
            break;
        }
        at += rest.len() - word.len() + length;
    }
    at
}

/// The byte range of `"..."`, quotes included, in a `USER "..."` line (trimmed at its start).
fn quoted_user(line: &str) -> Option<Range<usize>> {
    let keyword = line.get(..4)?;
    if !keyword.eq_ignore_ascii_case("user") {
        return None;
    }
    let rest = &line[4..];
    let argument = rest.trim_start();
    let start = 4 + rest.len() - argument.len();
    let argument = argument.trim_end();
    let quoted = argument.len() >= 2
        && argument.starts_with('"')
        && argument.ends_with('"')
        && !argument[1..argument.len() - 1].contains('"')
        && start > 4;
    quoted.then(|| start..start + argument.len())
}

/// The first place the grammar could not read, as the one note for the file.
fn first_error(root: tree_sitter::Node<'_>, text: &str) -> DataError {
    let mut node = root;
    'descend: loop {
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.is_error() || child.is_missing() {
                node = child;
                break 'descend;
            }
            if child.has_error() {
                node = child;
                continue 'descend;
            }
        }
        break;
    }
    let point = node.start_position();
    let line = text.lines().nth(point.row).unwrap_or("").trim();
    let shown: String = line.chars().take(60).collect();
    let message = if node.is_missing() {
        format!("expected `{}` here", node.kind())
    } else {
        format!("not a Dockerfile instruction or argument: `{shown}`")
    };
    DataError {
        line: point.row + 1,
        column: text.lines().nth(point.row).map_or(0, |l| {
            l.get(..point.column).map_or(0, |s| s.chars().count())
        }) + 1,
        message,
    }
}

struct Reader<'t> {
    text: &'t str,
    /// `\\`, or `` ` `` after a `# escape=`` directive.
    escape: char,
}

/// What an instruction's arguments become, as BuildKit reads each instruction.
struct Args {
    value: Vec<DataNode>,
    json: bool,
    commands: Vec<DataNode>,
}

impl<'t> Reader<'t> {
    fn str_node(&self, value: String, span: Range<usize>) -> DataNode {
        DataNode {
            value: DataValue::Str(value),
            span,
        }
    }

    fn comment(&self, node: tree_sitter::Node<'_>, stage: i64) -> DataNode {
        let range = node.byte_range();
        let written = self.text[range.clone()].trim_end();
        let span = range.start..range.start + written.len();
        let body = written.trim_start_matches('#').trim().to_string();
        let fields = vec![
            ("Cmd", self.str_node("comment".into(), span.clone())),
            ("SubCmd", self.str_node(String::new(), span.clone())),
            ("JSON", bool_node(false, span.clone())),
            ("Flags", seq_node(Vec::new(), span.clone())),
            (
                "Value",
                seq_node(vec![self.str_node(body, span.clone())], span.clone()),
            ),
            ("Stage", int_node(stage, span.clone())),
            ("Original", self.str_node(written.to_string(), span.clone())),
        ];
        map_node(fields, span)
    }

    /// One instruction as conftest shapes it. `ONBUILD` takes its value from the instruction it wraps.
    fn instruction(&self, node: tree_sitter::Node<'_>, stage: i64) -> DataNode {
        let range = node.byte_range();
        let keyword = node
            .child(0)
            .map_or(range.start..range.start, |k| k.byte_range());
        let cmd = self.text[keyword.clone()].to_ascii_lowercase();
        let flags = self.flags(node);
        let (sub_cmd, args) = match named(node).find(|c| c.kind().ends_with("_instruction")) {
            Some(inner) if node.kind() == "onbuild_instruction" => {
                let inner_keyword = inner.child(0).map_or(0..0, |k| k.byte_range());
                let sub = self.text[inner_keyword].to_ascii_lowercase();
                (sub, self.args(inner))
            }
            _ => (String::new(), self.args(node)),
        };
        let heredocs: Vec<DataNode> = named(node)
            .chain(
                named(node)
                    .filter(|c| c.kind() == "run_instruction")
                    .flat_map(named),
            )
            .filter(|c| c.kind() == "heredoc_block")
            .filter_map(|block| named(block).find(|c| c.kind() == "heredoc_content"))
            .map(|content| {
                let span = content.byte_range();
                self.str_node(self.text[span.clone()].to_string(), span)
            })
            .collect();
        let head_end = named(node)
            .find(|c| c.kind() == "heredoc_block")
            .map_or(range.end, |block| block.start_byte());
        let original = self.joined(range.start..head_end);
        let args_span = args
            .value
            .first()
            .zip(args.value.last())
            .map_or(keyword.clone(), |(a, b)| a.span.start..b.span.end);
        let flags_span = flags
            .first()
            .zip(flags.last())
            .map_or(keyword.clone(), |(a, b)| a.span.start..b.span.end);
        let mut commands = args.commands;
        if cmd == "run" && !heredocs.is_empty() {
            // `RUN <<EOF` runs the heredoc: its lines are the commands, the marker is not one.
            commands.retain(|c| !matches!(&c.value, DataValue::Str(s) if s.starts_with("<<")));
            for doc in &heredocs {
                commands.extend(self.commands(doc.span.clone()));
            }
        }
        let fields = vec![
            ("Cmd", self.str_node(cmd, keyword.clone())),
            ("SubCmd", self.str_node(sub_cmd, keyword.clone())),
            ("JSON", bool_node(args.json, args_span.clone())),
            ("Flags", seq_node(flags, flags_span)),
            ("Value", seq_node(args.value, args_span.clone())),
            ("Stage", int_node(stage, keyword.clone())),
            ("Original", self.str_node(original, range.start..head_end)),
            ("Heredocs", seq_node(heredocs, args_span.clone())),
            ("Commands", seq_node(commands, args_span)),
        ];
        map_node(fields, range)
    }

    /// `--from=build`, `--mount=type=cache,target=/x`: as written, like BuildKit's `Flags`.
    fn flags(&self, node: tree_sitter::Node<'_>) -> Vec<DataNode> {
        named(node)
            .filter(|c| matches!(c.kind(), "param" | "mount_param"))
            .map(|flag| {
                let span = flag.byte_range();
                self.str_node(self.joined(span.clone()), span)
            })
            .collect()
    }

    fn args(&self, node: tree_sitter::Node<'_>) -> Args {
        let range = node.byte_range();
        // Arguments start after the keyword and the flags, and stop where a heredoc's body starts.
        let start = named(node)
            .filter(|c| matches!(c.kind(), "param" | "mount_param"))
            .last()
            .or_else(|| node.child(0))
            .map_or(range.start, |c| c.end_byte());
        let end = named(node)
            .find(|c| c.kind() == "heredoc_block")
            .map_or(range.end, |block| block.start_byte());
        let rest = start..end.max(start);
        let mut args = Args {
            value: Vec::new(),
            json: false,
            commands: Vec::new(),
        };
        if let Some(array) = named(node).find(|c| c.kind() == "json_string_array") {
            args.json = true;
            args.value = named(array)
                .filter(|c| c.kind() == "json_string")
                .map(|s| {
                    let span = s.byte_range();
                    let written = &self.text[span.clone()];
                    let value = serde_json::from_str::<String>(written)
                        .unwrap_or_else(|_| written.trim_matches('"').to_string());
                    self.str_node(value, span)
                })
                .collect();
            return args;
        }
        match node.kind() {
            "run_instruction" | "cmd_instruction" | "entrypoint_instruction" => {
                let span = self.trimmed(rest);
                args.commands = self.commands(span.clone());
                args.value = vec![self.str_node(self.joined(span.clone()), span)];
            }
            "env_instruction" | "label_instruction" => {
                for pair in named(node) {
                    for part in named(pair) {
                        let span = part.byte_range();
                        args.value
                            .push(self.str_node(self.joined(span.clone()), span));
                    }
                }
            }
            "healthcheck_instruction" => {
                match named(node).find(|c| c.kind() == "cmd_instruction") {
                    Some(cmd) => {
                        let keyword = cmd.child(0).map_or(0..0, |k| k.byte_range());
                        let inner = self.args(cmd);
                        args.value.push(self.str_node("CMD".into(), keyword));
                        args.value.extend(inner.value);
                        args.json = inner.json;
                        args.commands = inner.commands;
                    }
                    None => {
                        let span = self.trimmed(rest);
                        args.value = vec![self.str_node(self.joined(span.clone()), span)];
                    }
                }
            }
            "from_instruction" | "copy_instruction" | "add_instruction" | "expose_instruction"
            | "volume_instruction" | "arg_instruction" => {
                args.value = shell::words(&self.masked(rest.clone()), rest.start)
                    .into_iter()
                    .map(|span| self.str_node(self.joined(span.clone()), span))
                    .collect();
            }
            _ => {
                let mut span = self.trimmed(rest);
                if node.kind() == "user_instruction" {
                    // BuildKit unquotes a user (`USER "${NB_UID}"`; the grammar reads it only mended, see
                    // `mended`, and its node then stops before the closing quote).
                    let written = &self.text[span.clone()];
                    if written.starts_with('"') {
                        span.start += 1;
                    }
                    if written.len() > 1 && written.ends_with('"') {
                        span.end -= 1;
                    }
                }
                if !span.is_empty() {
                    args.value = vec![self.str_node(self.joined(span.clone()), span)];
                }
            }
        }
        args
    }

    /// The shell commands of `span`, each with its own span.
    fn commands(&self, span: Range<usize>) -> Vec<DataNode> {
        shell::commands(&self.masked(span.clone()), span.start)
            .into_iter()
            .map(|part| self.str_node(self.joined(part.clone()), part))
            .collect()
    }

    /// `span` without the whitespace around it.
    fn trimmed(&self, span: Range<usize>) -> Range<usize> {
        let written = &self.text[span.clone()];
        let start = span.start + (written.len() - written.trim_start().len());
        let end = span.start + written.trim_end().len();
        start..end.max(start)
    }

    /// The text of `span` with line continuations (and the comment lines inside them) turned into spaces, so
    /// that offsets stay those of the file.
    fn masked(&self, span: Range<usize>) -> String {
        let mut bytes = self.text.as_bytes()[span.clone()].to_vec();
        for hole in continuations(self.text, span.clone(), self.escape) {
            for byte in &mut bytes[hole.start - span.start..hole.end - span.start] {
                *byte = b' ';
            }
        }
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// The text of `span` as BuildKit gives it: line continuations and the comment lines inside them removed.
    fn joined(&self, span: Range<usize>) -> String {
        let mut out = String::new();
        let mut at = span.start;
        for hole in continuations(self.text, span.clone(), self.escape) {
            out.push_str(&self.text[at..hole.start]);
            at = hole.end;
        }
        out.push_str(&self.text[at..span.end]);
        out
    }
}

/// The line continuations in `span` (the escape character, trailing blanks and the line end) and the comment
/// and blank lines that follow one, as byte ranges. BuildKit joins lines before any quoting is looked at, so a
/// line whose last character is the escape character (`\`, or `` ` `` after `# escape=``) continues.
fn continuations(text: &str, span: Range<usize>, escape: char) -> Vec<Range<usize>> {
    let mut holes = Vec::new();
    let mut at = span.start;
    while at < span.end {
        let line_end = text[at..span.end].find('\n').map_or(span.end, |n| at + n);
        let line = text[at..line_end].trim_end_matches([' ', '\t', '\r']);
        if line.ends_with(escape) && line_end < span.end {
            let mut end = line_end + 1;
            // Comment lines and blank lines inside a continued instruction are not part of it.
            while end < span.end {
                let next_end = text[end..span.end].find('\n').map_or(span.end, |n| end + n);
                let next = text[end..next_end].trim();
                if next.starts_with('#') || (next.is_empty() && next_end < span.end) {
                    // A comment on the span's last line has no newline after it inside the span.
                    end = (next_end + 1).min(span.end);
                } else {
                    break;
                }
            }
            holes.push(at + line.len() - escape.len_utf8()..end);
            at = end;
        } else {
            at = line_end + 1;
        }
    }
    holes
}

/// The escape character a `# escape=` parser directive at the top of the file sets (BuildKit: only before the
/// first instruction, comment or blank line).
fn escape_char(text: &str) -> char {
    for line in text.lines() {
        let Some(directive) = line.trim().strip_prefix('#') else {
            break;
        };
        let Some((name, value)) = directive.split_once('=') else {
            break;
        };
        if name.trim().eq_ignore_ascii_case("escape") {
            return if value.trim() == "`" { '`' } else { '\\' };
        }
    }
    '\\'
}

fn named<'a>(node: tree_sitter::Node<'a>) -> impl Iterator<Item = tree_sitter::Node<'a>> {
    (0..node.named_child_count()).filter_map(move |i| node.named_child(i as u32))
}

fn map_node(fields: Vec<(&str, DataNode)>, span: Range<usize>) -> DataNode {
    DataNode {
        value: DataValue::Map(
            fields
                .into_iter()
                .map(|(name, value)| {
                    let key = DataKey {
                        name: name.to_string(),
                        span: value.span.clone(),
                    };
                    (key, value)
                })
                .collect(),
        ),
        span,
    }
}

fn seq_node(items: Vec<DataNode>, span: Range<usize>) -> DataNode {
    DataNode {
        value: DataValue::Seq(items),
        span,
    }
}

fn bool_node(value: bool, span: Range<usize>) -> DataNode {
    DataNode {
        value: DataValue::Bool(value),
        span,
    }
}

fn int_node(value: i64, span: Range<usize>) -> DataNode {
    DataNode {
        value: DataValue::Int(value),
        span,
    }
}

#[cfg(test)]
mod tests;
