//! Resources and the prompt: each rule as `hindsight://rules/CODE` (its docs in Markdown, the renderer of
//! `hindsight explain`), each incident as `hindsight://incidents/ID` (its record and action items), and a
//! `review` prompt that asks for a review of a change with the tools.

use std::fmt::Write as _;

use hindsight_engine::codex::incidents::IncidentRecord;
use rmcp::ErrorData;
use rmcp::model::{
    GetPromptRequestParams, GetPromptResult, Prompt, PromptArgument, PromptMessage,
    ReadResourceResult, Resource, ResourceContents, ResourceTemplate, Role,
};

use crate::setup::Setup;

const RULES: &str = "hindsight://rules/";
const INCIDENTS: &str = "hindsight://incidents/";
const MARKDOWN: &str = "text/markdown";

/// Every rule and incident of the loaded packs, rules by code.
pub(super) fn list(setup: &Setup) -> Vec<Resource> {
    let mut rules: Vec<&hindsight_engine::Rule> = setup.pack.rules().iter().collect();
    rules.sort_by(|a, b| a.code.cmp(&b.code));
    let rules = rules.into_iter().map(|rule| {
        Resource::new(format!("{RULES}{}", rule.code), rule.code.to_string())
            .with_title(format!("{} {}", rule.code, rule.id))
            .with_description(rule.title.clone())
            .with_mime_type(MARKDOWN)
    });
    let incidents = setup.pack.incidents().iter().map(|incident| {
        Resource::new(format!("{INCIDENTS}{}", incident.id), incident.id.clone())
            .with_title(format!(
                "{} {}: {}",
                incident.date, incident.organisation, incident.title
            ))
            .with_description(incident.summary.clone())
            .with_mime_type(MARKDOWN)
    });
    rules.chain(incidents).collect()
}

/// The URI templates, for clients that build a URI from a code they read in a review.
pub(super) fn templates() -> Vec<ResourceTemplate> {
    vec![
        ResourceTemplate::new(format!("{RULES}{{code}}"), "rule")
            .with_title("A rule's docs, by code (HS1001) or id")
            .with_mime_type(MARKDOWN),
        ResourceTemplate::new(format!("{INCIDENTS}{{id}}"), "incident")
            .with_title("An incident record and its action items, by id")
            .with_mime_type(MARKDOWN),
    ]
}

/// One resource's Markdown; an unknown URI is an MCP "resource not found" error.
pub(super) fn read(setup: &Setup, uri: &str) -> Result<ReadResourceResult, ErrorData> {
    let text = if let Some(code) = uri.strip_prefix(RULES) {
        setup
            .pack
            .get(code)
            .map(hindsight_engine::codex::docs::render_markdown)
    } else if let Some(id) = uri.strip_prefix(INCIDENTS) {
        setup
            .pack
            .incident(id)
            .map(|incident| incident_markdown(incident))
    } else {
        None
    };
    let Some(text) = text else {
        return Err(ErrorData::resource_not_found(
            format!("no rule or incident at `{uri}`: resources are {RULES}CODE and {INCIDENTS}ID"),
            None,
        ));
    };
    Ok(ReadResourceResult::new(vec![
        ResourceContents::text(text, uri).with_mime_type(MARKDOWN),
    ]))
}

/// An incident record as Markdown: what happened, where to read more, and its action items with the rules
/// that enforce them.
fn incident_markdown(incident: &IncidentRecord) -> String {
    let mut text = format!(
        "# {} {}: {}\n\n{}\n",
        incident.date,
        incident.organisation,
        incident.title,
        incident.summary.trim()
    );
    if !incident.links.is_empty() {
        text.push_str("\n## Links\n\n");
        for link in &incident.links {
            let _ = writeln!(text, "- {link}");
        }
    }
    if !incident.action_items.is_empty() {
        text.push_str("\n## Action items\n\n");
        for item in &incident.action_items {
            let rules = if item.rules.is_empty() {
                String::new()
            } else {
                format!(" ({})", item.rules.join(", "))
            };
            let _ = writeln!(
                text,
                "- **{}** [{}, {}{rules}]: {}",
                item.id,
                item.enforcement.as_str(),
                item.status.as_str(),
                item.text.trim()
            );
        }
    }
    text
}

const PROMPT: &str = "review";

/// The review prompt: its one optional argument is the git ref the change is compared with.
pub(super) fn prompt() -> Prompt {
    Prompt::new(
        PROMPT,
        Some("Review a change against the Engineering Codex: automated findings, then the review-only lessons that apply"),
        Some(vec![
            PromptArgument::new("base")
                .with_description("The git ref the change is compared with, such as origin/main (default: the working tree's uncommitted change)")
                .with_required(false),
        ]),
    )
}

pub(super) fn get_prompt(request: &GetPromptRequestParams) -> Result<GetPromptResult, ErrorData> {
    if request.name != PROMPT {
        return Err(ErrorData::invalid_params(
            format!("no prompt `{}`; the prompt is `{PROMPT}`", request.name),
            None,
        ));
    }
    let base = request
        .arguments
        .as_ref()
        .and_then(|args| args.get("base"))
        .and_then(|value| value.as_str())
        .filter(|base| !base.trim().is_empty());
    let scope = match base {
        Some(base) => format!(
            "the change since the merge base with `{base}` (`base: \"{base}\"` in the tools)"
        ),
        None => {
            "the uncommitted change of the working tree (`base: \"HEAD\"` in the tools)".to_string()
        }
    };
    let text = format!(
        "Review {scope} against the team's Engineering Codex.\n\n\
1. Call `check` with that base: report each finding with its code, location and why it matters; do not \
repeat findings the tool did not report.\n\
2. Call `lessons_for_change` with that base. For each review-only lesson, read the changed files it names \
and answer its question by eye: say whether the change follows the lesson, citing the code and its link.\n\
3. Note every suppression or waiver the change adds, and whether its reason holds.\n\n\
Cite lessons by code (HS1001) with their link; say nothing about lessons that do not apply."
    );
    Ok(
        GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
            .with_description("Review a change against the Engineering Codex"),
    )
}
