//! Markdown to HTML for the docs site. The Markdown comes from the engine's one docs renderer (the same text
//! `hindsight explain` prints); this adds syntax highlighting to fenced code and treats raw HTML in rule
//! docs as text, so a rule file cannot inject markup or scripts into the site.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd, html};

use super::highlight::{Highlighters, escape};

pub(crate) fn to_html(markdown: &str, highlighters: &Highlighters) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut events = Vec::new();
    let mut code: Option<(String, String)> = None;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((info, String::new()));
            }
            Event::Text(text) if code.is_some() => {
                if let Some((_, body)) = code.as_mut() {
                    body.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((info, body)) = code.take() {
                    let class = if info.is_empty() {
                        String::new()
                    } else {
                        format!(" class=\"language-{}\"", escape(&info))
                    };
                    events.push(Event::Html(
                        format!(
                            "<pre><code{class}>{}</code></pre>\n",
                            highlighters.to_html(&info, &body)
                        )
                        .into(),
                    ));
                }
            }
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            other => events.push(other),
        }
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    out
}

/// One line of Markdown (a rule title) as inline HTML: code spans and emphasis, no paragraph.
pub(crate) fn inline(text: &str, highlighters: &Highlighters) -> String {
    let html = to_html(text, highlighters);
    let trimmed = html.trim_end();
    trimmed
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>"))
        .unwrap_or(trimmed)
        .to_string()
}
