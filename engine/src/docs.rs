//! The one Markdown renderer for rule documentation: `hindsight explain`, the docs site and editor hover
//! all call [`render_markdown`].

use std::fmt::Write as _;

use crate::rule::{Enforcement, Example, Rule};

/// Renders a rule's full documentation as Markdown.
pub fn render_markdown(rule: &Rule) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} `{}`\n", rule.code, rule.id);
    let _ = writeln!(out, "**{}**\n", rule.title);
    let names: Vec<&str> = rule
        .language
        .map(|l| l.name())
        .into_iter()
        .chain(rule.formats.iter().map(|f| f.name()))
        .collect();
    let language = if names.is_empty() {
        "any".to_string()
    } else {
        names.join(", ")
    };
    let fix = if rule.has_fix() {
        " · fix: available"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "Severity: {} · stage: {} · language: {} · enforced by: {}{fix}\n",
        rule.severity,
        rule.stage.as_str(),
        language,
        rule.enforcement.as_str(),
    );
    section(&mut out, "What it does", &rule.docs.what);
    section(&mut out, "Why is this bad?", &rule.docs.why);
    if !rule.incidents.is_empty() {
        out.push_str("## Incidents\n\n");
        for incident in &rule.incidents {
            let _ = writeln!(
                out,
                "- **{} · {}**: {} ([post-mortem]({}))",
                incident.date, incident.organisation, incident.summary, incident.url
            );
        }
        out.push('\n');
    }
    let fence = rule.language.map_or("", |l| l.name());
    examples(&mut out, "Example", &rule.bad_examples, fence);
    examples(&mut out, "Use instead", &rule.good_examples, fence);
    section(&mut out, "How to fix", &rule.docs.fix);
    if !rule.docs.references.is_empty() {
        out.push_str("## References\n\n");
        for reference in &rule.docs.references {
            let _ = writeln!(out, "- {reference}");
        }
        out.push('\n');
    }
    if rule.enforcement != Enforcement::Review {
        out.push_str("## Configuration\n\n```toml\n# hindsight.toml\n[rules]\n");
        let _ = writeln!(
            out,
            "severity = {{ {} = \"warning\" }}  # or: disable = [\"{}\"]\n```\n",
            rule.code, rule.code
        );
        if rule.enforcement == Enforcement::Match {
            let comment = rule.language.map_or("//", |l| l.spec().line_comment);
            let _ = writeln!(
                out,
                "To allow one finding, say why on the line or the line above:\n`{comment} hindsight-allow({}): <reason>`\n",
                rule.code
            );
        }
    }
    let _ = writeln!(out, "Source: `{}`", rule.origin.path);
    out
}

fn section(out: &mut String, heading: &str, body: &str) {
    let body = body.trim();
    if body.is_empty() {
        return;
    }
    let _ = writeln!(out, "## {heading}\n\n{body}\n");
}

fn examples(out: &mut String, heading: &str, examples: &[Example], fence: &str) {
    if examples.is_empty() {
        return;
    }
    let _ = writeln!(out, "## {heading}\n");
    for example in examples {
        let mut fence = fence;
        if let Some(path) = &example.path {
            let _ = writeln!(out, "`{path}`:\n");
            // An example of another language than the rule's (a YAML file for a rule over Rust and YAML).
            fence = match path.rsplit('.').next() {
                Some("rs") => "rust",
                Some("yaml" | "yml") => "yaml",
                Some("json") => "json",
                Some("toml") => "toml",
                _ => fence,
            };
        }
        let _ = writeln!(out, "```{fence}\n{}\n```\n", example.code.trim_end());
    }
}
