//! `textDocument/codeAction`: a finding's fix (quick fix), "fix all hindsight findings in this file"
//! (`source.fixAll.hindsight`), and "allow HSxxxx here", which inserts a suppression in the file's comment
//! syntax with the reason to be written: a snippet with the reason placeholder selected where the client
//! takes snippet edits, else an empty reason (which suppresses nothing until written) and the cursor put there.

use hindsight_engine::SUPPRESSION_MARKER;
use lsp_server::ResponseError;
use lsp_types::request::{CodeActionRequest, Request};
use lsp_types::{
    CodeActionKind, CodeActionParams, Diagnostic, NumberOrString, Position, Range, Uri,
};
use serde_json::{Value, json};

use crate::api::capabilities::{EDIT_REASON_COMMAND, FIX_ALL_KIND};
use crate::api::traits::{Context, RequestHandler, RequestParams, RequestResult};
use crate::client::Client;
use crate::schedule::checks::check_now;
use crate::session::Session;
use crate::session::diagnostics::{self, DiagnosticData, SOURCE};
use crate::text::LineIndex;

pub(crate) struct CodeAction;

/// `textDocument/codeAction` answered with JSON actions: snippet edits (LSP 3.18) are newer than `lsp-types`.
pub(crate) enum CodeActionJson {}

impl Request for CodeActionJson {
    type Params = CodeActionParams;
    type Result = Vec<Value>;
    const METHOD: &'static str = CodeActionRequest::METHOD;
}

impl RequestHandler for CodeAction {
    type Request = CodeActionJson;

    fn run(
        cx: Context<'_>,
        params: RequestParams<Self>,
    ) -> Result<RequestResult<Self>, ResponseError> {
        Ok(code_actions(cx.session, cx.client, params))
    }
}

fn code_actions(session: &mut Session, client: &Client, params: CodeActionParams) -> Vec<Value> {
    let uri = params.text_document.uri;
    let Some(document) = session.documents.get(&uri) else {
        return Vec::new();
    };
    let version = document.version;
    let only = params.context.only.unwrap_or_default();
    let wants = |kind: &str| {
        only.is_empty()
            || only
                .iter()
                .any(|o| kind == o.as_str() || kind.starts_with(&format!("{}.", o.as_str())))
    };
    let mut actions = Vec::new();
    // One "allow" per code and line, however many findings of that code the line has.
    let mut allowed: Vec<(String, u32)> = Vec::new();
    for diagnostic in &params.context.diagnostics {
        if diagnostic.source.as_deref() != Some(SOURCE) {
            continue;
        }
        let Some(NumberOrString::String(code)) = &diagnostic.code else {
            continue;
        };
        let data: DiagnosticData = diagnostic
            .data
            .clone()
            .and_then(|d| serde_json::from_value(d).ok())
            .unwrap_or_default();
        if wants(CodeActionKind::QUICKFIX.as_str()) {
            if let Some(fix) = data.fix.as_ref().filter(|_| data.version == Some(version)) {
                actions.push(json!({
                    "title": format!("Fix {code}: replace with `{}`", abbreviate(&fix.new_text)),
                    "kind": CodeActionKind::QUICKFIX,
                    "diagnostics": [diagnostic],
                    "isPreferred": true,
                    "edit": {"changes": {uri.as_str(): [{"range": fix.range, "newText": fix.new_text}]}},
                }));
            }
            let key = (code.clone(), diagnostic.range.start.line);
            if data.allow && !allowed.contains(&key) {
                actions.extend(allow_action(session, &uri, diagnostic, code));
                allowed.push(key);
            }
        }
    }
    if wants(FIX_ALL_KIND) {
        actions.extend(fix_all_action(session, client, &uri));
    }
    actions
}

fn allow_action(
    session: &Session,
    uri: &Uri,
    diagnostic: &Diagnostic,
    code: &str,
) -> Option<Value> {
    let document = session.documents.get(uri)?;
    let encoding = session.client_caps.encoding;
    let path = document.path.clone().unwrap_or_default();
    let prefix = diagnostics::comment_prefix(&path)
        .or_else(|| diagnostics::comment_prefix(&document.stand_in_path()))?;
    let mut close = diagnostics::comment_close(&path);
    if close.is_empty() {
        close = diagnostics::comment_close(&document.stand_in_path());
    }
    let index = LineIndex::new(&document.text, encoding);
    let line = diagnostic.range.start.line;
    let line_text = index.line_text(line as usize);
    let indent: String = line_text
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let head = format!("{indent}{prefix} {SUPPRESSION_MARKER}({code}): ");
    let at = Range {
        start: Position { line, character: 0 },
        end: Position { line, character: 0 },
    };
    let title = format!("Allow {code} here (write why it is safe)");
    if session.client_caps.snippet_edits {
        let snippet = format!("{}${{1:why this is safe}}{close}\n", escape_snippet(&head));
        return Some(json!({
            "title": title,
            "kind": CodeActionKind::QUICKFIX,
            "diagnostics": [diagnostic],
            "edit": {"documentChanges": [{
                "textDocument": {"uri": uri, "version": document.version},
                "edits": [{"range": at, "snippet": {"kind": "snippet", "value": snippet}}],
            }]},
        }));
    }
    let reason_at = Position {
        line,
        character: LineIndex::new(&head, encoding)
            .position(head.len())
            .character,
    };
    Some(json!({
        "title": title,
        "kind": CodeActionKind::QUICKFIX,
        "diagnostics": [diagnostic],
        "edit": {"changes": {uri.as_str(): [{"range": at, "newText": format!("{head}{close}\n")}]}},
        "command": {
            "title": "Write the reason",
            "command": EDIT_REASON_COMMAND,
            "arguments": [uri, {"start": reason_at, "end": reason_at}],
        },
    }))
}

fn fix_all_action(session: &mut Session, client: &Client, uri: &Uri) -> Option<Value> {
    let encoding = session.client_caps.encoding;
    let checked = check_now(session, client, uri)?;
    let mut fixes: Vec<&hindsight_engine::Edit> = checked
        .findings
        .iter()
        .filter(|f| diagnostics::severity(f).is_some())
        .filter_map(|f| f.fix.as_ref())
        .collect();
    if fixes.is_empty() {
        return None;
    }
    fixes.sort_by_key(|edit| (edit.bytes.start, edit.bytes.end));
    let index = LineIndex::new(&checked.text, encoding);
    let mut edits = Vec::new();
    let mut end = 0;
    for fix in fixes {
        // Edits must not overlap; an overlapping one is left for the next round.
        if fix.bytes.start < end {
            continue;
        }
        end = fix.bytes.end.max(fix.bytes.start + 1);
        edits.push(json!({"range": index.range(fix.bytes.clone()), "newText": fix.replacement}));
    }
    Some(json!({
        "title": "Fix all hindsight findings in this file",
        "kind": FIX_ALL_KIND,
        "edit": {"changes": {uri.as_str(): edits}},
    }))
}

fn escape_snippet(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('$', "\\$")
        .replace('}', "\\}")
}

fn abbreviate(text: &str) -> String {
    let first = text.lines().next().unwrap_or("");
    if first.chars().count() > 40 || text.contains('\n') {
        format!("{}…", first.chars().take(40).collect::<String>())
    } else {
        first.to_string()
    }
}
