//! The one Markdown renderer for rule documentation: `hindsight explain`, the docs site and editor hover
//! all call [`render_markdown`].

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use crate::data::DataFormat;
use crate::rule::{Enforcement, Example, Incident, LanguageForm, Rule, RulePack, StrictForm};
use crate::source::lang::Lang;

/// Renders a rule's full documentation as Markdown.
pub fn render_markdown(rule: &Rule) -> String {
    render_markdown_with(rule, &|_| None)
}

/// Like [`render_markdown`]; `incident_page` gives a link target for an incident of the registry (the docs
/// site links its incident pages), next to the post-mortem link.
///
/// The sections follow ruff's rule docs: what it does, why it is bad, the incidents, examples, the strict
/// form, how to fix, references, then how to configure it.
pub fn render_markdown_with(
    rule: &Rule,
    incident_page: &dyn Fn(&Incident) -> Option<String>,
) -> String {
    let mut out = String::new();
    header(&mut out, rule);
    let what = if rule.enforcement == Enforcement::Review {
        "What to look for in review"
    } else {
        "What it does"
    };
    section(&mut out, what, &rule.docs.what);
    section(&mut out, "Why is this bad?", &rule.docs.why);
    incidents(&mut out, &rule.incidents, incident_page);
    let fence = example_fence(rule);
    examples(&mut out, "Example", &rule.bad_examples, fence);
    examples(&mut out, "Use instead", &rule.good_examples, fence);
    for form in &rule.forms {
        language_form(&mut out, form);
    }
    if let Some(strict) = &rule.strict {
        strict_profile(&mut out, strict, fence);
    }
    section(&mut out, "How to fix", &rule.docs.fix);
    list(&mut out, "References", &rule.docs.references);
    if rule.enforcement != Enforcement::Review {
        configuration(&mut out, rule);
    }
    let _ = writeln!(out, "Source: `{}`", rule.origin.path);
    out
}

/// The title lines: code, id, the lesson, and one line of facts (severity, stage, languages, enforcement).
fn header(out: &mut String, rule: &Rule) {
    let _ = writeln!(out, "# {} `{}`\n", rule.code, rule.id);
    let _ = writeln!(out, "**{}**\n", rule.title);
    if rule.enforcement == Enforcement::Review {
        let _ = writeln!(
            out,
            "Severity: {} · checked in review: no automated check can enforce this lesson\n",
            rule.severity
        );
        return;
    }
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
        languages(rule),
        rule.enforcement.as_str(),
    );
}

/// The rule's languages and data formats, `any` when it has none.
fn languages(rule: &Rule) -> String {
    let names = rule.input_names();
    if names.is_empty() {
        "any".to_string()
    } else {
        names.join(", ")
    }
}

/// The incidents the lesson comes from, with their post-mortems (and incident pages, where there are).
fn incidents(
    out: &mut String,
    incidents: &[Arc<Incident>],
    incident_page: &dyn Fn(&Incident) -> Option<String>,
) {
    if incidents.is_empty() {
        return;
    }
    out.push_str("## Incidents\n\n");
    for incident in incidents {
        let page = incident_page(incident)
            .map(|target| format!(" · [incident page]({target})"))
            .unwrap_or_default();
        let source = match incident.public_url() {
            Some(url) => format!("[post-mortem]({url})"),
            None => format!("internal: `{}`", incident.reference()),
        };
        let _ = writeln!(
            out,
            "- **{} · {}**: {} ({source}){page}",
            incident.date, incident.organisation, incident.summary
        );
    }
    out.push('\n');
}

/// The code fence of the rule's examples. Data rules have formats rather than a language; their examples
/// are YAML, JSON or TOML.
/// The fence language of a file: the name of its language, else of its data format, in the tables.
fn path_fence(path: &str) -> Option<&'static str> {
    let path = Path::new(path);
    Lang::from_file(path)
        .map(Lang::name)
        .or_else(|| DataFormat::from_path(path).map(DataFormat::name))
}

fn example_fence(rule: &Rule) -> &'static str {
    rule.language
        .map(|l| l.name())
        .or_else(|| rule.formats.first().map(|f| f.name()))
        .unwrap_or("")
}

/// A form in other languages: what it reports there, and its examples.
fn language_form(out: &mut String, form: &LanguageForm) {
    let Some(first) = form.languages.first() else {
        return;
    };
    let title = form
        .languages
        .iter()
        .map(|l| l.spec().title)
        .collect::<Vec<_>>()
        .join(", ");
    let mut what = form
        .what
        .as_deref()
        .unwrap_or("The same lesson, in this language.")
        .trim_end()
        .to_string();
    if let Some(stage) = form.stage {
        let _ = write!(
            what,
            "\n\nIn {title}, findings are in the `{}` stage until the form earns the rule's own.",
            stage.as_str()
        );
    }
    section(out, &format!("In {title}"), &what);
    let fence = first.name();
    examples(
        out,
        &format!("Example ({title})"),
        &form.bad_examples,
        fence,
    );
    examples(
        out,
        &format!("Use instead ({title})"),
        &form.good_examples,
        fence,
    );
}

/// The broad form: what it adds, how to turn it on, and its own examples.
fn strict_profile(out: &mut String, strict: &StrictForm, fence: &str) {
    let mut text = strict.what.trim_end().to_string();
    let _ = write!(
        text,
        "\n\nTurn it on with `hindsight check --profile strict` or `profile = \"strict\"` under `[rules]` in \
         hindsight.toml. Its findings are `{}` and do not cite the incident: most of what the broad form \
         reports is the letter of the lesson, not the incident's shape.",
        strict.severity.as_str()
    );
    section(out, "Strict profile", &text);
    examples(
        out,
        "Also reported under the strict profile",
        &strict.bad_examples,
        fence,
    );
    examples(
        out,
        "Left alone even under the strict profile",
        &strict.good_examples,
        fence,
    );
}

/// How to change the rule's severity or switch it off, and (for a structural rule) how to allow one finding.
fn configuration(out: &mut String, rule: &Rule) {
    out.push_str("## Configuration\n\n```toml\n# hindsight.toml\n[rules]\n");
    let _ = writeln!(
        out,
        "severity = {{ {} = \"warning\" }}  # or: disable = [\"{}\"]\n```\n",
        rule.code, rule.code
    );
    if rule.enforcement == Enforcement::Match || !rule.forms.is_empty() {
        // One line per comment syntax the rule's languages use: `//` for Rust and Go, `#` for Python.
        let mut comments: Vec<&str> = Vec::new();
        for comment in rule.languages().map(|l| l.spec().line_comment) {
            if !comments.contains(&comment) {
                comments.push(comment);
            }
        }
        let lines: Vec<String> = comments
            .iter()
            .map(|comment| format!("`{comment} hindsight-allow({}): <reason>`", rule.code))
            .collect();
        let _ = writeln!(
            out,
            "To allow one finding, say why on the line or the line above:\n{}\n",
            lines.join(" or ")
        );
    }
}

/// A section of bullet points; nothing when the list is empty.
fn list(out: &mut String, heading: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "## {heading}\n");
    for item in items {
        let _ = writeln!(out, "- {item}");
    }
    out.push('\n');
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
        // The example's own file name says best what it is: a data rule's example may be JSON or TOML, and a
        // rule over Rust and YAML may have a YAML example.
        let fence = example
            .path
            .as_deref()
            .and_then(path_fence)
            .unwrap_or(fence);
        if let Some(path) = &example.path {
            match example.severity {
                Some(severity) => {
                    let _ = writeln!(out, "`{path}` ({}):\n", severity.as_str());
                }
                None => {
                    let _ = writeln!(out, "`{path}`:\n");
                }
            }
        }
        // A fence longer than any run of backticks in the code, so code that holds a fence stays code.
        let longest = example
            .code
            .split(|c| c != '`')
            .map(str::len)
            .max()
            .unwrap_or(0);
        let ticks = "`".repeat(longest.max(2) + 1);
        let _ = writeln!(
            out,
            "{ticks}{fence}\n{}\n{ticks}\n",
            example.code.trim_end()
        );
    }
}

/// A group of lessons in the codex digest and the docs site, named after the directory a rule file lives in
/// (`rules/code/…` → Source code). Tool diagnostics (`hindsight/`) are not lessons and have no category.
pub fn category(rule: &Rule) -> Option<(usize, String)> {
    let path = rule
        .origin
        .path
        .strip_prefix("builtin:")
        .unwrap_or(&rule.origin.path);
    let dir = path
        .rsplit_once('/')
        .map(|(dir, _)| dir.rsplit('/').next().unwrap_or(dir))
        .unwrap_or("");
    // Known directories get a fixed order and a readable name; a team's own directories follow, by name.
    let known = [
        ("code", "Source code"),
        ("data", "Embedded languages: SQL and regular expressions"),
        ("kubernetes", "Kubernetes"),
        ("ci", "CI workflows"),
        ("rollout", "Rollout, config distribution and feature flags"),
        ("hosts", "Hosts and images"),
        ("infra", "Infrastructure as code"),
        ("review", "Checked in review"),
    ];
    // A team's `rules/rust/` or `rules/go/` holds source-code lessons too.
    let is_source_language =
        Lang::from_name(dir).is_some_and(|l| DataFormat::from_name(l.name()).is_none());
    let dir = if is_source_language { "code" } else { dir };
    match dir {
        "hindsight" => None,
        _ if rule.enforcement == Enforcement::Builtin => None,
        _ => Some(match known.iter().position(|(d, _)| *d == dir) {
            Some(i) => (i, known[i].1.to_string()),
            None if dir.is_empty() => (known.len(), "Other".to_string()),
            None => (known.len(), dir.to_string()),
        }),
    }
}

/// The first sentence of a docs paragraph, for one-line summaries. Abbreviations such as "e.g." do not end it.
pub fn first_sentence(text: &str) -> String {
    let paragraph = text
        .trim()
        .split("\n\n")
        .next()
        .unwrap_or("")
        .replace('\n', " ");
    let mut end = paragraph.len();
    for (i, _) in paragraph.match_indices(". ") {
        let before = &paragraph[..i];
        let abbreviation = ["e.g", "i.e", "etc", "vs", "cf"]
            .iter()
            .any(|a| before.ends_with(a));
        if !abbreviation {
            end = i + 1;
            break;
        }
    }
    paragraph[..end].trim().to_string()
}

/// Every lesson of the pack (automated rules and review-only lessons, not tool diagnostics) as a compact
/// Markdown digest in the codex voice, grouped by category, with codes and links: for a reviewers' guide or
/// an AI reviewer's instructions.
pub fn render_codex(pack: &RulePack) -> String {
    let lessons = codex_lessons(pack);
    let automated = lessons.iter().filter(|(_, r)| r.is_automated()).count();
    let review = lessons.len() - automated;
    let mut incidents: Vec<&str> = lessons
        .iter()
        .flat_map(|(_, r)| r.incidents.iter().map(|i| i.reference()))
        .collect();
    incidents.sort_unstable();
    incidents.dedup();
    let mut out = String::new();
    let _ = writeln!(out, "# Engineering Codex\n");
    let _ = writeln!(
        out,
        "{} from {}: {automated} checked automatically by hindsight, {review} checked in review.",
        crate::codex::coverage::plural(lessons.len(), "lesson"),
        crate::codex::coverage::plural(incidents.len(), "public incident"),
    );
    let example = lessons.first().map_or("HS1001", |(_, r)| &*r.code);
    let _ = writeln!(
        out,
        "Cite a lesson by its code (\"{example}\") in review; `hindsight explain CODE` tells the whole story.\n"
    );
    let mut current = None;
    for ((_, name), rule) in &lessons {
        if current != Some(name) {
            let _ = writeln!(out, "## {name}\n");
            current = Some(name);
        }
        let _ = writeln!(out, "- **{}** {}", rule.code, rule.title);
        let _ = writeln!(out, "  Look for: {}", first_sentence(&rule.docs.what));
        let because: Vec<String> = rule
            .incidents
            .iter()
            .map(|i| match i.public_url() {
                Some(url) => format!(
                    "[{} {}]({url}): {}",
                    i.organisation,
                    i.date,
                    i.summary.trim_end_matches('.')
                ),
                None => format!(
                    "{} {} (internal: `{}`): {}",
                    i.organisation,
                    i.date,
                    i.reference(),
                    i.summary.trim_end_matches('.')
                ),
            })
            .collect();
        let _ = writeln!(out, "  Because: {}.", because.join("; "));
        let how = if rule.is_automated() {
            format!("hindsight ({})", rule.severity)
        } else {
            "review".to_string()
        };
        let _ = writeln!(out, "  Checked by: {how}.");
        out.push('\n');
    }
    out
}

/// The lessons of a pack in digest order: by category, then code.
pub fn codex_lessons(pack: &RulePack) -> Vec<((usize, String), &Rule)> {
    let mut lessons: Vec<_> = pack
        .rules()
        .iter()
        .filter_map(|rule| category(rule).map(|c| (c, rule)))
        .collect();
    lessons.sort_by(|(a, ra), (b, rb)| a.cmp(b).then_with(|| ra.code.cmp(&rb.code)));
    lessons
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin(code: &str) -> &'static Rule {
        static PACK: std::sync::LazyLock<RulePack> = std::sync::LazyLock::new(RulePack::builtin);
        PACK.get(code).unwrap_or_else(|| panic!("{code}"))
    }

    #[test]
    fn languages_and_fences_come_from_the_language_or_the_formats() {
        assert_eq!(languages(builtin("HS1001")), "rust");
        assert_eq!(example_fence(builtin("HS1001")), "rust");
        // A rule over configuration data: its formats, and examples fenced as the first of them.
        assert_eq!(languages(builtin("HS4003")), "yaml, json, toml");
        assert_eq!(example_fence(builtin("HS4003")), "yaml");
        assert_eq!(languages(builtin("HS7005")), "any");
        assert_eq!(example_fence(builtin("HS7005")), "");
    }

    #[test]
    fn an_example_file_is_fenced_by_the_tables() {
        assert_eq!(path_fence("src/main.rs"), Some("rust"));
        assert_eq!(path_fence(".github/workflows/ci.yml"), Some("yaml"));
        assert_eq!(path_fence("package.json"), Some("json"));
        assert_eq!(path_fence("Cargo.toml"), Some("toml"));
        assert_eq!(path_fence("Dockerfile"), Some("dockerfile"));
        assert_eq!(path_fence("Makefile"), None);
    }

    #[test]
    fn a_review_lesson_has_no_configuration_or_stage() {
        let review = render_markdown(builtin("HS7005"));
        assert!(
            review.contains("checked in review: no automated check"),
            "{review}"
        );
        assert!(review.contains("## What to look for in review"));
        assert!(!review.contains("## Configuration"));
        let rule = render_markdown(builtin("HS1001"));
        assert!(rule.contains("· stage: "), "{rule}");
        assert!(rule.contains("## What it does"));
        assert!(rule.contains("`// hindsight-allow(HS1001): <reason>`"));
        assert!(rule.ends_with(&format!("Source: `{}`\n", builtin("HS1001").origin.path)));
    }

    #[test]
    fn incidents_link_their_page_when_there_is_one() {
        let incident = Arc::new(Incident {
            id: Some("acme-2024-01-01".into()),
            date: "2024-01-01".into(),
            organisation: "Acme".into(),
            summary: "It broke".into(),
            url: "https://example.com/pm".into(),
            ticket: None,
        });
        let mut out = String::new();
        incidents(&mut out, std::slice::from_ref(&incident), &|i| {
            i.id.as_ref().map(|id| format!("incidents/{id}.html"))
        });
        assert_eq!(
            out,
            "## Incidents\n\n- **2024-01-01 · Acme**: It broke ([post-mortem](https://example.com/pm)) · [incident page](incidents/acme-2024-01-01.html)\n\n"
        );
        let mut out = String::new();
        incidents(&mut out, &[incident], &|_| None);
        assert!(
            out.ends_with("([post-mortem](https://example.com/pm))\n\n"),
            "{out}"
        );
    }

    #[test]
    fn empty_sections_and_lists_are_left_out() {
        let mut out = String::new();
        section(&mut out, "How to fix", "  \n");
        list(&mut out, "References", &[]);
        incidents(&mut out, &[], &|_| None);
        assert_eq!(out, "");
        list(
            &mut out,
            "References",
            &["https://a".into(), "[b](https://b)".into()],
        );
        assert_eq!(out, "## References\n\n- https://a\n- [b](https://b)\n\n");
    }
}
