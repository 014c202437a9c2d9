//! Syntax highlighting of code blocks with the grammars hindsight already parses with, through
//! `tree-sitter-highlight` and each grammar's own highlight query. Output is HTML spans with `hl-*` classes
//! styled by the site's stylesheet; languages without a grammar are escaped and left plain.

use std::collections::HashMap;

use hindsight_engine::Lang;
use tree_sitter_highlight::{Highlight, HighlightConfiguration, Highlighter, HtmlRenderer};

/// Capture names the stylesheet styles; a capture such as `function.method` takes the longest known prefix.
const NAMES: &[&str] = &[
    "attribute",
    "comment",
    "constant",
    "constant.builtin",
    "constructor",
    "escape",
    "function",
    "function.macro",
    "function.method",
    "keyword",
    "label",
    "number",
    "operator",
    "property",
    "punctuation",
    "string",
    "type",
    "type.builtin",
    "variable.builtin",
    "variable.parameter",
    "boolean",
];

/// Highlighters for every language with a grammar, built once per site.
pub(crate) struct Highlighters {
    configs: HashMap<&'static str, HighlightConfiguration>,
    classes: Vec<String>,
}

impl Highlighters {
    pub(crate) fn new() -> Self {
        let mut configs = HashMap::new();
        for lang in Lang::all() {
            let spec = lang.spec();
            // A grammar whose query does not compile is left unhighlighted: highlighting is decoration.
            let query = spec.highlights.join("\n");
            if let Ok(mut config) =
                HighlightConfiguration::new(lang.ts_language(), spec.name, &query, "", "")
            {
                config.configure(NAMES);
                configs.insert(spec.name, config);
            }
        }
        let classes = NAMES
            .iter()
            .map(|name| format!("class=\"hl-{}\"", name.replace('.', "-")))
            .collect();
        Self { configs, classes }
    }

    /// `code` as HTML (without the surrounding `<pre><code>`), highlighted when `info` names a language
    /// with a grammar.
    pub(crate) fn to_html(&self, info: &str, code: &str) -> String {
        let name = Lang::from_name(info).map(|l| l.name());
        if let Some(config) = name.and_then(|n| self.configs.get(n)) {
            let mut highlighter = Highlighter::new();
            if let Ok(events) = highlighter.highlight(config, code.as_bytes(), None, None, |_| None)
            {
                let mut renderer = HtmlRenderer::new();
                let attributes = |highlight: Highlight, out: &mut Vec<u8>| {
                    if let Some(class) = self.classes.get(highlight.0) {
                        out.extend_from_slice(class.as_bytes());
                    }
                };
                if renderer
                    .render(events, code.as_bytes(), &attributes)
                    .is_ok()
                {
                    return String::from_utf8_lossy(&renderer.html).into_owned();
                }
            }
        }
        escape(code)
    }
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_highlight_query_compiles() {
        // A query that does not compile is skipped silently at run time; here it fails.
        let highlighters = Highlighters::new();
        for lang in Lang::all() {
            assert!(
                highlighters.configs.contains_key(lang.name()),
                "{lang}: its highlight query does not compile against its grammar"
            );
        }
    }

    #[test]
    fn rust_highlighting_knows_the_patched_grammar() {
        let html = Highlighters::new().to_html(
            "rust",
            "unsafe extern \"C\" {\n    safe fn now() -> u64;\n}\n",
        );
        assert!(
            html.contains("<span class=\"hl-keyword\">safe</span>"),
            "{html}"
        );
    }
}
