//! Rendered manifests (`helm template`, `kustomize build`, text piped to `check -`) and the way back to the
//! file an engineer edits.
//!
//! A rendering is a stream of YAML documents; Helm puts a `# Source: CHART/templates/FILE` comment at the top
//! of each. [`split_sources`] cuts the stream into documents and reads that comment, so each document is
//! checked under the name of the template it came from. A finding on a rendered document points at a key path
//! (`spec.strategy.rollingUpdate.maxUnavailable`); [`locate_key`] finds the line of the template (or base or
//! patch) that spells that key, judged by the keys above it, so the finding is reported where the engineer
//! would change it. When the template does not spell the key (it comes from a value through `toYaml`, or from a
//! helper), the nearest enclosing key it does spell is used and the line is marked approximate.
//!
//! Pure: text in, positions out. Running the tools is the command line's business.

use std::ops::Range;

/// One document of a rendered stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedDoc {
    /// What its `# Source:` comment names, as written (`mychart/templates/deployment.yaml`).
    pub source: Option<String>,
    /// The document's text, its comments included, without the `---` line that starts it.
    pub text: String,
}

/// Cuts a rendered YAML stream at its `---` lines into documents, reading each one's `# Source:` comment.
/// Documents with nothing but comments and blank lines (an empty template) are dropped.
pub fn split_sources(stream: &str) -> Vec<RenderedDoc> {
    let mut docs = Vec::new();
    let mut current = String::new();
    let mut finish = |text: &mut String| {
        let doc = std::mem::take(text);
        let has_content = doc.lines().any(|line| {
            let line = line.trim();
            !line.is_empty() && !line.starts_with('#')
        });
        if has_content {
            let source = doc.lines().find_map(|line| {
                line.trim()
                    .strip_prefix("# Source:")
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
            });
            docs.push(RenderedDoc { source, text: doc });
        }
    };
    for line in stream.split_inclusive('\n') {
        if is_document_start(line) {
            finish(&mut current);
            continue;
        }
        current.push_str(line);
    }
    finish(&mut current);
    docs
}

/// Is this line a `---` document marker (possibly followed by a comment)?
fn is_document_start(line: &str) -> bool {
    let line = line.trim_end();
    line == "---"
        || line
            .strip_prefix("---")
            .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('\t'))
}

/// Where a key path is spelled in a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// Byte range in the template: the key's line from the key to the end of the line.
    pub bytes: Range<usize>,
    /// `true` when the template spells the whole path (its last key, under the keys above it); `false` when
    /// the line is the nearest enclosing key it spells, or the document's first line.
    pub exact: bool,
    /// How many keys of the path, from the top, the line stands for (all of them when `exact`).
    pub depth: usize,
}

/// One `key:` line of a template: where the key is and the keys above it by indentation.
struct KeyLine {
    /// Byte offset where the key starts.
    start: usize,
    /// Byte offset of the end of the line (line break excluded, trailing spaces trimmed).
    end: usize,
    /// The keys from the document's top down to this one.
    chain: Vec<String>,
    /// Which `---` section of the template it is in.
    section: usize,
    /// The text after the colon, trimmed and unquoted.
    value: String,
}

/// Finds the line of `template` that spells `key_path` (as in a finding's `enclosing`:
/// `spec.template.spec.containers[].image`, sequence indices left out). `kind` is the rendered document's
/// `kind`, which picks the `---` section of a template that holds several documents. Template actions
/// (`{{ }}`) are not keys: a key spelled by a value (`{{ .Values.key }}: x`) cannot be found and is approximate.
pub fn locate_key(template: &str, key_path: &str, kind: Option<&str>) -> Located {
    locate_key_valued(template, key_path, kind, None)
}

/// [`locate_key`], preferring among equally good lines the one whose value is `value` as rendered (a template
/// that spells `apiVersion:` twice, in the two branches of an `if`).
pub fn locate_key_valued(
    template: &str,
    key_path: &str,
    kind: Option<&str>,
    value: Option<&str>,
) -> Located {
    let wanted = path_keys(key_path);
    let lines = key_lines(template);
    let sections = sections_of_kind(&lines, kind);
    let candidates = || lines.iter().filter(|l| sections.contains(&l.section));
    // The longest prefix of the path the template spells: the whole path first, then its ancestors.
    for depth in (1..=wanted.len()).rev() {
        let prefix = &wanted[..depth];
        let best = candidates()
            .filter(|l| l.chain.last().map(String::as_str) == prefix.last().copied())
            .map(|l| (matching_suffix(&l.chain, prefix), l))
            .max_by_key(|(score, l)| {
                let fits = match value {
                    Some(v) if depth == wanted.len() => value_fit(&l.value, v),
                    _ => 0,
                };
                (*score, fits, std::cmp::Reverse(l.start))
            });
        if let Some((score, line)) = best {
            // A lone key name matched far from its place (`name:` under some other parent) says little: accept
            // it only when the keys above it match too, or when it is the top of the path.
            if score == prefix.len().min(line.chain.len()) || depth == 1 {
                let whole = depth == wanted.len() && score == prefix.len();
                return Located {
                    bytes: line.start..line.end,
                    exact: whole,
                    depth,
                };
            }
        }
    }
    // Not even the top key: the document's first key line (its `apiVersion` or `kind`), approximately.
    let first = candidates()
        .find(|l| l.chain.len() == 1 && l.chain[0] == "kind")
        .or_else(|| candidates().next());
    Located {
        bytes: first.map_or(0..0, |l| l.start..l.end),
        exact: wanted.is_empty() && first.is_some(),
        depth: 0,
    }
}

/// How well a template's value text could have rendered `rendered`: 2 when it is the same text, 1 when its
/// literal pieces around `{{ }}` actions appear in order (`{{ $repo }}@sha256:{{ $digest }}` cannot render
/// `quay.io/x:v1`, while `{{ $repo }}:{{ $tag }}` can), 0 otherwise.
fn value_fit(template: &str, rendered: &str) -> u8 {
    if template == rendered {
        return 2;
    }
    if !template.contains("{{") {
        return 0;
    }
    // The literal text between actions: `a{{ x }}b{{ y }}c` → `a`, `b`, `c`.
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        pieces.push(&rest[..open]);
        rest = rest[open..]
            .find("}}")
            .map_or("", |close| &rest[open + close + 2..]);
    }
    pieces.push(rest);
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if !rendered.starts_with(first)
        || !rendered.ends_with(last)
        || rendered.len() < first.len() + last.len()
    {
        return 0;
    }
    let mut at = first.len();
    let end = rendered.len() - last.len();
    for piece in &pieces[1..pieces.len() - 1] {
        match rendered[at..end].find(piece) {
            Some(i) => at += i + piece.len(),
            None => return 0,
        }
    }
    1
}

/// The keys of a key path (`spec.containers[].image` → `spec`, `containers`, `image`).
pub fn path_keys(key_path: &str) -> Vec<&str> {
    key_path
        .split('.')
        .map(|k| k.trim_end_matches("[]"))
        .filter(|k| !k.is_empty())
        .collect()
}

/// How many keys at the end of `chain` match the end of `path`, going up.
fn matching_suffix(chain: &[String], path: &[&str]) -> usize {
    chain
        .iter()
        .rev()
        .zip(path.iter().rev())
        .take_while(|(a, b)| a.as_str() == **b)
        .count()
}

/// The `---` sections of the template whose text names `kind` (`kind: Deployment`), or all when none does.
fn sections_of_kind(lines: &[KeyLine], kind: Option<&str>) -> Vec<usize> {
    let mut all: Vec<usize> = lines.iter().map(|l| l.section).collect();
    all.dedup();
    let Some(kind) = kind else { return all };
    let named: Vec<usize> = lines
        .iter()
        .filter(|l| l.chain.len() == 1 && l.chain[0] == "kind" && l.value == kind)
        .map(|l| l.section)
        .collect();
    if named.is_empty() { all } else { named }
}

/// Every `key:` line of a template with the chain of keys above it. A `- ` item marker counts as indentation
/// (the key after it is one level inside the sequence), and lines that are only template actions or comments
/// neither open nor close a level.
fn key_lines(template: &str) -> Vec<KeyLine> {
    let mut out = Vec::new();
    // (indent, key) of the open levels.
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut section = 0;
    let mut offset = 0;
    for raw in template.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if is_document_start(line) {
            section += 1;
            stack.clear();
            continue;
        }
        let Some(parsed) = parse_key_line(line) else {
            continue;
        };
        // A `- ` item closes the keys of the item before it (deeper than its dash) but not the key that holds
        // the sequence, which may sit at the dash's own column (`containers:` / `- name: x`).
        let closes = |i: usize| match parsed.dash {
            Some(dash) => i > dash,
            None => i >= parsed.key_at,
        };
        while stack.last().is_some_and(|(i, _)| closes(*i)) {
            stack.pop();
        }
        let (key_at, value) = (parsed.key_at, parsed.value);
        stack.push((key_at, parsed.key));
        out.push(KeyLine {
            start: line_start + key_at,
            end: line_start + line.trim_end().len(),
            chain: stack.iter().map(|(_, k)| k.clone()).collect(),
            section,
            value,
        });
    }
    out
}

/// A `key: value` line, possibly after `- ` item markers.
struct ParsedLine {
    /// Byte offset (and so indentation) of the key.
    key_at: usize,
    /// Byte offset of the first item marker, if any.
    dash: Option<usize>,
    /// The key, unquoted.
    key: String,
    /// The text after the colon, trimmed and unquoted.
    value: String,
}

/// Reads a line `  - key: value`; `None` for anything else (comments, actions, items without a key).
fn parse_key_line(line: &str) -> Option<ParsedLine> {
    let mut at = line.len() - line.trim_start().len();
    let mut rest = &line[at..];
    let dash = rest.starts_with('-').then_some(at);
    while let Some(after) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("-\t")) {
        let skipped = rest.len() - after.trim_start().len();
        at += skipped;
        rest = &line[at..];
    }
    if rest.starts_with('#') || rest.starts_with("{{") {
        return None;
    }
    let colon = key_end(rest)?;
    let key = rest[..colon].trim().trim_matches(['"', '\'']);
    if key.is_empty() || key.contains("{{") || key.contains(' ') {
        return None;
    }
    let value = rest[colon + 1..]
        .trim()
        .trim_matches(['"', '\''])
        .to_string();
    Some(ParsedLine {
        key_at: at,
        dash,
        key: key.to_string(),
        value,
    })
}

/// The byte offset of the `:` that ends a plain or quoted key (followed by a space or the end of the line).
fn key_end(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') if i == 0 => quote = Some(b),
            (None, b':') if bytes.get(i + 1).is_none_or(|n| *n == b' ' || *n == b'\t') => {
                return Some(i);
            }
            (None, b' ' | b'\t' | b'{' | b'[' | b'#') => return None,
            _ => {}
        }
    }
    None
}

/// The `kind` of a rendered document, read from its top-level `kind:` line.
pub fn kind_of(doc: &str) -> Option<&str> {
    doc.lines().find_map(|line| {
        line.strip_prefix("kind:")
            .map(|k| k.trim().trim_matches(['"', '\'']))
            .filter(|k| !k.is_empty())
    })
}

#[cfg(test)]
#[path = "rendered_tests.rs"]
mod tests;
