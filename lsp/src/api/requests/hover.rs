//! `textDocument/hover`: on a finding, or on a code inside a `hindsight-allow(…)` comment, the rule's
//! explanation from the one Markdown renderer `hindsight explain` uses: title, why, incidents, how to fix.

use std::ops::Range;

use hindsight_engine::SUPPRESSION_MARKER;
use hindsight_engine::codex::docs::render_markdown;
use lsp_server::ResponseError;
use lsp_types::request::HoverRequest;
use lsp_types::{Hover as LspHover, HoverContents, MarkupContent, MarkupKind, Range as LspRange};

use crate::api::traits::{Context, RequestHandler, RequestParams, RequestResult};
use crate::schedule::checks::check_now;
use crate::session::diagnostics;
use crate::text::LineIndex;

pub(crate) struct Hover;

impl RequestHandler for Hover {
    type Request = HoverRequest;

    fn run(
        cx: Context<'_>,
        params: RequestParams<Self>,
    ) -> Result<RequestResult<Self>, ResponseError> {
        Ok(hover(cx, params))
    }
}

fn hover(cx: Context<'_>, params: RequestParams<Hover>) -> Option<LspHover> {
    let Context {
        session, client, ..
    } = cx;
    let position = params.text_document_position_params.position;
    let uri = params.text_document_position_params.text_document.uri;
    let encoding = session.client_caps.encoding;
    let document = session.documents.get(&uri)?;
    let index = LineIndex::new(&document.text, encoding);
    let offset = index.offset(position);
    let line = position.line as usize;
    let line_start = index.line_start(line);
    let (codes, range) = match suppression_codes_at(index.line_text(line), offset - line_start) {
        Some((codes, bytes)) => (
            codes,
            index.range(line_start + bytes.start..line_start + bytes.end),
        ),
        None => {
            let checked = check_now(session, client, &uri)?;
            let index = LineIndex::new(&checked.text, encoding);
            let mut hits = checked.findings.iter().filter(|f| {
                diagnostics::severity(f).is_some()
                    && f.span.bytes.start <= offset
                    && offset <= f.span.bytes.end
            });
            let first = hits.next()?;
            let mut codes = vec![first.code.to_string()];
            codes.extend(hits.map(|f| f.code.to_string()));
            codes.dedup();
            (codes, index.span_range(&first.span))
        }
    };
    let workspace_idx = session.workspace_of_uri(client, &uri);
    let workspace = session.workspaces.get(workspace_idx)?;
    let pages: Vec<String> = codes
        .iter()
        .filter_map(|code| workspace.checker.pack().get(code))
        .map(render_markdown)
        .collect();
    if pages.is_empty() {
        return None;
    }
    Some(LspHover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: pages.join("\n---\n\n"),
        }),
        range: Some(LspRange {
            start: range.start,
            end: range.end,
        }),
    })
}

/// The codes of a `hindsight-allow(…)` on this line that the cursor (a byte offset into the line) is on: the
/// code under it, or every code when it is on the marker. Returns the codes and the byte range to highlight.
fn suppression_codes_at(line: &str, cursor: usize) -> Option<(Vec<String>, Range<usize>)> {
    let marker = line.find(SUPPRESSION_MARKER)?;
    let open = marker + SUPPRESSION_MARKER.len();
    let rest = line.get(open..)?;
    let close = open + rest.find(')')?;
    if !rest.starts_with('(') || cursor < marker || cursor > close {
        return None;
    }
    let mut codes = Vec::new();
    let mut start = open + 1;
    for token in line.get(open + 1..close)?.split(',') {
        let trimmed_start = start + (token.len() - token.trim_start().len());
        let trimmed = token.trim();
        let range = trimmed_start..trimmed_start + trimmed.len();
        if !trimmed.is_empty() && !trimmed.starts_with("until") {
            if range.start <= cursor && cursor <= range.end {
                return Some((vec![trimmed.to_string()], range));
            }
            codes.push(trimmed.to_string());
        }
        start += token.len() + 1;
    }
    (cursor < open && !codes.is_empty()).then_some((codes, marker..open))
}

#[cfg(test)]
mod tests {
    use super::suppression_codes_at;

    #[test]
    fn the_code_under_the_cursor_is_found() {
        let line = "    // hindsight-allow(HS1001, until=2030-01-01, HS1003): reason";
        let at = |needle: &str| line.find(needle).unwrap_or(0);
        let code = |cursor| suppression_codes_at(line, cursor).map(|(codes, _)| codes);
        assert_eq!(code(at("HS1001") + 2), Some(vec!["HS1001".to_string()]));
        assert_eq!(code(at("HS1003")), Some(vec!["HS1003".to_string()]));
        assert_eq!(
            code(at("allow")),
            Some(vec!["HS1001".to_string(), "HS1003".to_string()])
        );
        assert_eq!(code(at("until") + 3), None);
        assert_eq!(code(at("reason")), None);
        assert_eq!(suppression_codes_at("let x = 1;", 2), None);
    }
}
