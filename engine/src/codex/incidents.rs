//! The incident registry: one YAML file per public incident (`rules/incidents/<id>.yaml`) with its action
//! items, each saying how it is enforced: by rule codes (automated), by review, or not at all, with a status.
//!
//! Rules cite incidents by id (`incidents: [cloudflare-2025-11-18]`); `hindsight coverage` reads the action
//! items to answer "which corrective actions are now enforced automatically, and which depend on memory".

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::finding::Incident;
use crate::problem::LoadProblem;

/// One incident of the registry.
#[derive(Clone, Debug)]
pub struct IncidentRecord {
    /// Stable id, such as `cloudflare-2025-11-18`; equals the file name.
    pub id: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Who had the outage.
    pub organisation: String,
    /// A short title.
    pub title: String,
    /// What happened, in a few sentences.
    pub summary: String,
    /// Public post-mortems and write-ups, the primary one first.
    pub links: Vec<String>,
    /// Internal ticket id or private wiki reference, for an incident without a public post-mortem.
    pub ticket: Option<String>,
    /// What the organisation (or the codex) set out to change.
    pub action_items: Vec<ActionItem>,
    /// Display path of the file.
    pub origin: String,
}

impl IncidentRecord {
    /// The form rules and findings carry.
    pub fn as_incident(&self) -> Incident {
        Incident {
            id: Some(self.id.clone()),
            date: self.date.clone(),
            organisation: self.organisation.clone(),
            summary: self.title.clone(),
            url: self.links.first().cloned().unwrap_or_default(),
            ticket: self.ticket.clone(),
        }
    }
}

/// One corrective action and how it is enforced.
#[derive(Clone, Debug)]
pub struct ActionItem {
    /// Id within the incident, such as `harden-config-ingestion`.
    pub id: String,
    /// The action, in one sentence.
    pub text: String,
    /// How it is enforced.
    pub enforcement: ActionEnforcement,
    /// The rules that enforce it: automated rule codes, or review-only lesson codes.
    pub rules: Vec<String>,
    /// Where the action stands.
    pub status: ActionStatus,
    /// Line of the item's `id:` in the incident file.
    pub line: usize,
}

/// How an action item is enforced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActionEnforcement {
    /// By hindsight rules that check files.
    Automated,
    /// By a human or AI reviewer, from a review-only codex lesson.
    Review,
    /// No check can enforce it (architecture, process, drills).
    None,
}

/// Where an action item stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    /// Enforced as described.
    Done,
    /// Being built.
    InProgress,
    /// Decided, not started.
    Planned,
    /// Nobody owns it yet.
    Open,
    /// Deliberately not enforced; the reason belongs in the text.
    WontDo,
}

impl ActionStatus {
    /// Kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Done => "done",
            ActionStatus::InProgress => "in-progress",
            ActionStatus::Planned => "planned",
            ActionStatus::Open => "open",
            ActionStatus::WontDo => "wont-do",
        }
    }
}

impl ActionEnforcement {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionEnforcement::Automated => "automated",
            ActionEnforcement::Review => "review",
            ActionEnforcement::None => "none",
        }
    }
}

/// The file format of an incident record.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "hindsight incident")]
pub struct RawIncidentRecord {
    /// Stable id: organisation and date, such as `cloudflare-2025-11-18`. Must equal the file name.
    pub id: String,
    /// Date of the incident, `YYYY-MM-DD`.
    pub date: String,
    /// Who had the outage.
    pub organisation: String,
    /// A short title.
    pub title: String,
    /// What happened, in a few sentences.
    pub summary: String,
    /// Public post-mortems and write-ups, the primary one first. Optional when `ticket` is given.
    #[serde(default)]
    pub links: Vec<String>,
    /// Internal ticket id or private wiki reference (such as `INC-2041` or `wiki:postmortems/2026-03-payments`),
    /// for an incident whose post-mortem is not public: then `links` may be empty.
    #[serde(default)]
    pub ticket: Option<String>,
    /// Corrective actions and how each is enforced.
    #[serde(default)]
    pub action_items: Vec<RawActionItem>,
}

/// The file format of an action item.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawActionItem {
    /// Id within the incident, kebab-case.
    pub id: String,
    /// The action, in one sentence.
    pub text: String,
    /// `automated` (by `rules`), `review` (by review-only lessons in `rules`) or `none`.
    pub enforcement: ActionEnforcement,
    /// Rule codes that enforce it.
    #[serde(default)]
    pub rules: Vec<String>,
    /// `done`, `in-progress`, `planned`, `open` or `wont-do`.
    pub status: ActionStatus,
}

/// Parses and validates one incident file: the record's identity (id, file name, date), its title and links,
/// then its action items.
pub(crate) fn load(path: &str, text: &str) -> Result<IncidentRecord, Box<LoadProblem>> {
    let file = IncidentFile { path, text };
    let raw: RawIncidentRecord = serde_saphyr::from_str(text).map_err(|err| {
        let line = err.location().map_or(1, |loc| loc.line() as usize);
        file.problem(line, crate::problem::yaml_message(&err.to_string()), None)
    })?;
    check_identity(&file, &raw)?;
    check_title_and_links(&file, &raw)?;
    let action_items = action_items(&file, raw.action_items)?;
    Ok(IncidentRecord {
        id: raw.id,
        date: raw.date,
        organisation: raw.organisation,
        title: raw.title,
        summary: raw.summary,
        links: raw.links,
        ticket: raw.ticket.filter(|t| !t.trim().is_empty()),
        action_items,
        origin: path.to_string(),
    })
}

/// The incident file being loaded: where its problems point.
struct IncidentFile<'a> {
    path: &'a str,
    text: &'a str,
}

type Problem = Box<LoadProblem>;

impl IncidentFile<'_> {
    fn problem(&self, line: usize, message: String, hint: Option<&str>) -> Problem {
        Box::new(LoadProblem {
            path: self.path.to_string(),
            line,
            column: 1,
            message,
            hint: hint.map(str::to_string),
        })
    }

    /// The line of the first `key:` (with `value`, when given) at or after the 0-based line `from`; line 1
    /// when there is none.
    ///
    /// Semantic errors point at the line of the offending key; the text is small, so a scan is fine. Keys are
    /// matched at the start of the (trimmed, list-dash-stripped) line, so prose in a summary cannot match.
    fn key_line(&self, key: &str, value: Option<&str>, from: usize) -> usize {
        self.text
            .lines()
            .enumerate()
            .skip(from)
            .find(|(_, l)| {
                let l = l.trim_start();
                let l = l.strip_prefix("- ").unwrap_or(l);
                l.strip_prefix(key)
                    .and_then(|rest| rest.strip_prefix(':'))
                    .is_some_and(|rest| value.is_none_or(|v| rest.trim().trim_matches('"') == v))
            })
            .map_or(1, |(i, _)| i + 1)
    }

    /// The line of the record's first `key:`.
    fn line_of(&self, key: &str) -> usize {
        self.key_line(key, None, 0)
    }
}

/// The id is a kebab-case slug equal to the file name, and ends in the incident's date.
fn check_identity(file: &IncidentFile<'_>, raw: &RawIncidentRecord) -> Result<(), Problem> {
    if !is_slug(&raw.id) {
        return Err(file.problem(
            file.line_of("id"),
            format!("incident id `{}` is not kebab-case", raw.id),
            Some("write `<organisation>-<YYYY-MM-DD>`, such as `cloudflare-2025-11-18`"),
        ));
    }
    let stem = file_stem(file.path);
    if raw.id != stem {
        return Err(file.problem(
            file.line_of("id"),
            format!("incident id `{}` must equal the file name `{stem}`", raw.id),
            Some("name the file `<id>.yaml`"),
        ));
    }
    if !crate::problem::is_date(&raw.date) {
        return Err(file.problem(
            file.line_of("date"),
            format!("incident date `{}` is not YYYY-MM-DD", raw.date),
            None,
        ));
    }
    if !raw.id.ends_with(&raw.date) {
        return Err(file.problem(
            file.line_of("date"),
            format!(
                "incident date `{}` is not the date in its id `{}`",
                raw.date, raw.id
            ),
            Some("ids end in the incident's date: `<organisation>-<YYYY-MM-DD>`"),
        ));
    }
    Ok(())
}

/// The title is one line, and the record links public write-ups.
fn check_title_and_links(file: &IncidentFile<'_>, raw: &RawIncidentRecord) -> Result<(), Problem> {
    if raw.title.trim().is_empty() || raw.title.contains('\n') {
        return Err(file.problem(
            file.line_of("title"),
            "an incident `title` is one non-empty line".into(),
            None,
        ));
    }
    let has_ticket = raw.ticket.as_deref().is_some_and(|t| !t.trim().is_empty());
    if raw.links.is_empty() && !has_ticket {
        return Err(file.problem(
            file.line_of("links"),
            "an incident needs public `links` (https://...) or an internal `ticket`".into(),
            Some("link the post-mortem first, or write `ticket: INC-123` for an internal incident"),
        ));
    }
    if raw
        .links
        .iter()
        .any(|l| !l.starts_with("https://") && !l.starts_with("http://"))
    {
        return Err(file.problem(
            file.line_of("links"),
            "incident `links` are web addresses (https://...)".into(),
            Some("put an internal reference in `ticket` instead"),
        ));
    }
    Ok(())
}

/// The action items, each checked and given the line of its `id:`.
fn action_items(
    file: &IncidentFile<'_>,
    raw: Vec<RawActionItem>,
) -> Result<Vec<ActionItem>, Problem> {
    let mut seen = std::collections::HashSet::new();
    let mut action_items = Vec::new();
    // Items are found in file order, each after the one before, so a repeated id points at its repetition.
    let mut searched = 0;
    for item in raw {
        let line = file.key_line("id", Some(&item.id), searched);
        searched = line;
        let repeated = !seen.insert(item.id.clone());
        if let Some((message, hint)) = action_item_problem(&item, repeated) {
            return Err(file.problem(line, message, hint));
        }
        action_items.push(ActionItem {
            line,
            id: item.id,
            text: item.text,
            enforcement: item.enforcement,
            rules: item.rules,
            status: item.status,
        });
    }
    Ok(action_items)
}

/// What is wrong with one action item, if anything: its id, or rules that do not fit its enforcement.
fn action_item_problem(
    item: &RawActionItem,
    repeated: bool,
) -> Option<(String, Option<&'static str>)> {
    if !is_slug(&item.id) {
        return Some((
            format!("action item id `{}` is not kebab-case", item.id),
            None,
        ));
    }
    if item.enforcement == ActionEnforcement::None && !item.rules.is_empty() {
        return Some((
            format!(
                "action item `{}` is enforced by nothing but names rules",
                item.id
            ),
            Some("write `enforcement: automated` or `review`, or remove `rules:`"),
        ));
    }
    if repeated {
        return Some((format!("action item `{}` appears twice", item.id), None));
    }
    if item.enforcement != ActionEnforcement::None && item.rules.is_empty() {
        return Some((
            format!(
                "action item `{}` is `{}` but names no rules",
                item.id,
                item.enforcement.as_str()
            ),
            Some("list the rule codes that enforce it, or write `enforcement: none`"),
        ));
    }
    None
}

/// Lower-case letters, digits and inner dashes.
fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// `rules/incidents/acme-2024-01-01.yaml` → `acme-2024-01-01`; empty when the file is not `.yaml`.
fn file_stem(path: &str) -> &str {
    path.rsplit('/')
        .next()
        .and_then(|f| f.strip_suffix(".yaml"))
        .unwrap_or("")
}

/// Shared handle on a registry entry.
pub type IncidentRef = Arc<IncidentRecord>;

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, enforcement: ActionEnforcement, rules: &[&str]) -> RawActionItem {
        RawActionItem {
            id: id.into(),
            text: "t".into(),
            enforcement,
            rules: rules.iter().map(|r| r.to_string()).collect(),
            status: ActionStatus::Done,
        }
    }

    #[test]
    fn slugs_and_file_stems() {
        assert!(is_slug("cloudflare-2025-11-18"));
        assert!(!is_slug(""));
        assert!(!is_slug("-a"));
        assert!(!is_slug("a-"));
        assert!(!is_slug("Acme-2024"));
        assert_eq!(
            file_stem("rules/incidents/acme-2024-01-01.yaml"),
            "acme-2024-01-01"
        );
        assert_eq!(file_stem("acme.yaml"), "acme");
        assert_eq!(file_stem("rules/incidents/acme.yml"), "");
    }

    #[test]
    fn keys_are_found_at_the_start_of_a_line() {
        let text = "id: acme-2024-01-01\nsummary: the id: field\naction_items:\n  - id: \"first\"\n    text: t\n  - id: second\n  - id: first\n";
        let file = IncidentFile {
            path: "acme-2024-01-01.yaml",
            text,
        };
        assert_eq!(file.line_of("id"), 1);
        assert_eq!(file.line_of("summary"), 2);
        // Quoted values match; list dashes are skipped.
        assert_eq!(file.key_line("id", Some("first"), 0), 4);
        assert_eq!(file.key_line("id", Some("second"), 0), 6);
        // Searching from after the first finds the repetition.
        assert_eq!(file.key_line("id", Some("first"), 4), 7);
        // No such key: line 1.
        assert_eq!(file.line_of("links"), 1);
    }

    #[test]
    fn action_items_name_rules_that_fit_their_enforcement() {
        use ActionEnforcement::{Automated, None as Nothing, Review};
        let problem = |item: &RawActionItem, repeated| {
            action_item_problem(item, repeated).map(|(message, _)| message)
        };
        assert_eq!(problem(&item("a", Automated, &["HS1001"]), false), None);
        assert_eq!(problem(&item("a", Nothing, &[]), false), None);
        assert_eq!(
            problem(&item("A", Automated, &["HS1001"]), false).as_deref(),
            Some("action item id `A` is not kebab-case")
        );
        assert_eq!(
            problem(&item("a", Nothing, &["HS1001"]), false).as_deref(),
            Some("action item `a` is enforced by nothing but names rules")
        );
        assert_eq!(
            problem(&item("a", Review, &["HS8001"]), true).as_deref(),
            Some("action item `a` appears twice")
        );
        assert_eq!(
            problem(&item("a", Review, &[]), false).as_deref(),
            Some("action item `a` is `review` but names no rules")
        );
    }
}
