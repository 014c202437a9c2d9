//! Coverage of the incident registry: for every action item, is it enforced automatically, left to review,
//! or open (nothing checks it, so it depends on people remembering)?
//!
//! An item counts as automated only when every rule it names is loaded, enabled, past the shadow stage and
//! passing its own tests: a rule that exists on paper but is switched off or broken enforces nothing. The
//! report is data ([`CoverageReport`], serialisable as JSON); [`render_markdown`] and [`render_text`] are
//! its two human views, shared by `hindsight coverage` and the docs site.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::codex::incidents::{ActionEnforcement, IncidentRecord};
use crate::codex::testing::RuleTests;
use crate::config::Config;
use crate::rule::{Enforcement, RulePack, Stage};

/// Version of the JSON form; bumped on incompatible changes.
pub const JSON_VERSION: u32 = 1;

/// How an action item is enforced today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ItemState {
    /// Every enforcing rule is loaded, enabled, passing its tests and past the shadow stage.
    Automated,
    /// Automated, but at least one enforcing rule is still in the shadow stage (measured, never shown).
    Shadow,
    /// A review-only lesson tells reviewers what to look for.
    Review,
    /// Nothing checks it: not checkable, not built yet, or its rules are missing, disabled or failing.
    Open,
}

impl ItemState {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Automated => "automated",
            ItemState::Shadow => "shadow",
            ItemState::Review => "review",
            ItemState::Open => "open",
        }
    }
}

/// Whether a rule's tests pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TestState {
    /// Every example and Rego test passes.
    Pass,
    /// At least one fails.
    Fail,
    /// The rule has no tests (a review-only lesson).
    None,
}

/// One rule an action item names.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct RuleStatus {
    /// Its code, as the action item wrote it.
    pub code: String,
    /// Is a rule with this code loaded?
    pub loaded: bool,
    /// Its title, when loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `match`, `rego` or `review`, when loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// Rollout stage, when loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<&'static str>,
    /// The source languages it checks (empty for data rules and review-only lessons).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<&'static str>,
    /// Enabled by the configuration?
    pub enabled: bool,
    /// Its tests.
    pub tests: TestState,
}

/// One action item and how it is enforced.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ItemCoverage {
    /// Id within the incident.
    pub id: String,
    /// The action.
    pub text: String,
    /// How the registry says it is enforced.
    pub enforcement: &'static str,
    /// The status the registry gives.
    pub status: &'static str,
    /// How it is enforced today.
    pub state: ItemState,
    /// Why an item is not automated although the registry says so, or why it is open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The rules it names.
    pub rules: Vec<RuleStatus>,
}

/// One incident and its action items.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct IncidentCoverage {
    /// Registry id.
    pub id: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Who had the outage.
    pub organisation: String,
    /// Short title.
    pub title: String,
    /// What happened (Markdown).
    pub summary: String,
    /// Public write-ups, primary first.
    pub links: Vec<String>,
    /// Internal ticket or private wiki reference, for an incident without a public post-mortem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// Codes of the rules that cite the incident.
    pub cited_by: Vec<String>,
    /// Its action items.
    pub items: Vec<ItemCoverage>,
    /// Item counts by state.
    pub totals: Totals,
}

/// Counts of action items by state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Totals {
    /// All items.
    pub items: usize,
    /// Enforced automatically.
    pub automated: usize,
    /// Automated, rolling out in shadow.
    pub shadow: usize,
    /// Left to review.
    pub review: usize,
    /// Not enforced.
    pub open: usize,
}

impl Totals {
    /// The sum of two counts.
    pub fn plus(&self, other: &Totals) -> Totals {
        Totals {
            items: self.items + other.items,
            automated: self.automated + other.automated,
            shadow: self.shadow + other.shadow,
            review: self.review + other.review,
            open: self.open + other.open,
        }
    }

    fn add(&mut self, state: ItemState) {
        self.items += 1;
        match state {
            ItemState::Automated => self.automated += 1,
            ItemState::Shadow => self.shadow += 1,
            ItemState::Review => self.review += 1,
            ItemState::Open => self.open += 1,
        }
    }

    fn percent(&self, n: usize) -> f64 {
        if self.items == 0 {
            0.0
        } else {
            n as f64 * 100.0 / self.items as f64
        }
    }
}

/// The whole report.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct CoverageReport {
    /// [`JSON_VERSION`].
    pub version: u32,
    /// Item counts over all incidents.
    pub totals: Totals,
    /// Incidents, newest first.
    pub incidents: Vec<IncidentCoverage>,
}

/// Builds the report for `pack` under `config`. `tests` holds the test results of the pack's rules by code
/// (see [`crate::codex::testing::check_rule`]); a rule without an entry counts as failing, since nobody ran it.
pub fn report(
    pack: &RulePack,
    config: &Config,
    tests: &HashMap<String, RuleTests>,
) -> CoverageReport {
    let mut incidents: Vec<IncidentCoverage> = pack
        .incidents()
        .iter()
        .map(|record| incident_coverage(pack, config, tests, record))
        .collect();
    incidents.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    let mut totals = Totals::default();
    for item in incidents.iter().flat_map(|i| &i.items) {
        totals.add(item.state);
    }
    CoverageReport {
        version: JSON_VERSION,
        totals,
        incidents,
    }
}

fn incident_coverage(
    pack: &RulePack,
    config: &Config,
    tests: &HashMap<String, RuleTests>,
    record: &IncidentRecord,
) -> IncidentCoverage {
    let cited_by = pack
        .rules()
        .iter()
        .filter(|rule| {
            rule.incidents
                .iter()
                .any(|i| i.id.as_deref() == Some(&*record.id))
        })
        .map(|rule| rule.code.to_string())
        .collect::<Vec<_>>();
    let mut cited_by = cited_by;
    cited_by.sort();
    let mut totals = Totals::default();
    let items: Vec<ItemCoverage> = record
        .action_items
        .iter()
        .map(|item| {
            let rules: Vec<RuleStatus> = item
                .rules
                .iter()
                .map(|code| rule_status(pack, config, tests, code))
                .collect();
            let (state, reason) = item_state(item.enforcement, &rules);
            totals.add(state);
            ItemCoverage {
                id: item.id.clone(),
                text: item.text.clone(),
                enforcement: item.enforcement.as_str(),
                status: item.status.as_str(),
                state,
                reason,
                rules,
            }
        })
        .collect();
    IncidentCoverage {
        id: record.id.clone(),
        date: record.date.clone(),
        organisation: record.organisation.clone(),
        title: record.title.clone(),
        summary: record.summary.clone(),
        links: record.links.clone(),
        ticket: record.ticket.clone(),
        cited_by,
        items,
        totals,
    }
}

fn rule_status(
    pack: &RulePack,
    config: &Config,
    tests: &HashMap<String, RuleTests>,
    code: &str,
) -> RuleStatus {
    let Some(rule) = pack.get(code) else {
        return RuleStatus {
            code: code.to_string(),
            loaded: false,
            title: None,
            kind: None,
            stage: None,
            languages: Vec::new(),
            enabled: false,
            tests: TestState::Fail,
        };
    };
    let test_state = if !rule.is_automated() {
        TestState::None
    } else if tests.get(&*rule.code).is_some_and(RuleTests::passed) {
        TestState::Pass
    } else {
        TestState::Fail
    };
    RuleStatus {
        code: code.to_string(),
        loaded: true,
        title: Some(rule.title.clone()),
        kind: Some(rule.enforcement.as_str()),
        // The repository-wide stage: `[[rollout]]` entries without `paths`, moved on by their dates.
        stage: Some(config.stage_for(rule, std::path::Path::new("")).as_str()),
        languages: rule.languages().map(|l| l.name()).collect(),
        enabled: config.is_enabled(rule),
        tests: test_state,
    }
}

fn item_state(enforcement: ActionEnforcement, rules: &[RuleStatus]) -> (ItemState, Option<String>) {
    match enforcement {
        ActionEnforcement::None => (ItemState::Open, Some("no check can enforce it".into())),
        ActionEnforcement::Review => {
            let missing: Vec<&str> = rules
                .iter()
                .filter(|r| !r.loaded)
                .map(|r| r.code.as_str())
                .collect();
            if missing.is_empty() {
                (ItemState::Review, None)
            } else {
                (
                    ItemState::Open,
                    Some(format!("not loaded: {}", missing.join(", "))),
                )
            }
        }
        ActionEnforcement::Automated => {
            let mut problems = Vec::new();
            for rule in rules {
                let problem = if !rule.loaded {
                    "is not loaded"
                } else if rule.kind == Some(Enforcement::Review.as_str()) {
                    "is a review-only lesson"
                } else if !rule.enabled {
                    "is disabled by the configuration"
                } else if rule.tests != TestState::Pass {
                    "fails its tests"
                } else {
                    continue;
                };
                problems.push(format!("{} {problem}", rule.code));
            }
            if !problems.is_empty() {
                return (ItemState::Open, Some(problems.join("; ")));
            }
            let shadow: Vec<&str> = rules
                .iter()
                .filter(|r| r.stage == Some(Stage::Shadow.as_str()))
                .map(|r| r.code.as_str())
                .collect();
            if shadow.is_empty() {
                (ItemState::Automated, None)
            } else {
                (
                    ItemState::Shadow,
                    Some(format!("in shadow stage: {}", shadow.join(", "))),
                )
            }
        }
    }
}

impl RuleStatus {
    /// How the rule stands, in a few words: `enforce, tests pass`, `review`, `not loaded`, ...
    pub fn detail(&self) -> String {
        match (self.loaded, self.stage) {
            (true, Some(_)) if self.kind == Some(Enforcement::Review.as_str()) => "review".into(),
            (true, Some(stage)) => {
                let tests = match self.tests {
                    TestState::Pass => "tests pass",
                    TestState::Fail => "tests FAIL",
                    TestState::None => "no tests",
                };
                let disabled = if self.enabled { "" } else { ", disabled" };
                // A lesson with forms in several languages says which it covers.
                let languages = if self.languages.len() > 1 {
                    format!(", {}", self.languages.join("/"))
                } else {
                    String::new()
                };
                format!("{stage}, {tests}{disabled}{languages}")
            }
            _ => "not loaded".into(),
        }
    }
}

fn rule_cell(rule: &RuleStatus) -> String {
    format!("{} ({})", rule.code, rule.detail())
}

/// `1 incident`, `2 incidents`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn totals_line(totals: &Totals) -> String {
    format!(
        "{}: {} automated ({:.0}%), {} in shadow, {} by review ({:.0}%), {} open ({:.0}%)",
        plural(totals.items, "action item"),
        totals.automated,
        totals.percent(totals.automated),
        totals.shadow,
        totals.review,
        totals.percent(totals.review),
        totals.open,
        totals.percent(totals.open),
    )
}

/// The report as markdown: a summary table of incidents, then one section per incident. `incident_link`
/// turns an incident id into a link target (the docs site links its incident pages; `None` links nothing),
/// and `rule_link` does the same for rule codes.
pub fn render_markdown(
    report: &CoverageReport,
    incident_link: &dyn Fn(&str) -> Option<String>,
    rule_link: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Incident coverage\n");
    let _ = writeln!(
        out,
        "Which corrective actions are enforced automatically, which depend on review, and which are open.\n"
    );
    let _ = writeln!(
        out,
        "{}, {}.\n",
        plural(report.incidents.len(), "incident"),
        totals_line(&report.totals)
    );
    let _ = writeln!(
        out,
        "| Incident | Date | Automated | Shadow | Review | Open |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|");
    for incident in &report.incidents {
        let name = format!(
            "{}: {}",
            incident.organisation,
            escape_cell(&incident.title)
        );
        let name = match incident_link(&incident.id) {
            Some(target) => format!("[{name}]({target})"),
            None => name,
        };
        let t = incident.totals;
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} |",
            incident.date, t.automated, t.shadow, t.review, t.open
        );
    }
    for incident in &report.incidents {
        let _ = writeln!(
            out,
            "\n## {} · {}: {}\n",
            incident.date, incident.organisation, incident.title
        );
        if let Some(link) = incident.links.first() {
            let _ = write!(out, "Post-mortem: <{link}>");
        } else if let Some(ticket) = &incident.ticket {
            let _ = write!(out, "Internal: `{ticket}`");
        }
        if !incident.cited_by.is_empty() {
            let cited: Vec<String> = incident
                .cited_by
                .iter()
                .map(|c| code_link(c, rule_link))
                .collect();
            let _ = write!(out, " · cited by {}", cited.join(", "));
        }
        let _ = writeln!(out, "\n\n{}.\n", totals_line(&incident.totals));
        if incident.items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "| State | Action item | Status | Rules |");
        let _ = writeln!(out, "|---|---|---|---|");
        for item in &incident.items {
            let mut rules: Vec<String> = item
                .rules
                .iter()
                .map(|r| {
                    let cell = rule_cell(r);
                    match rule_link(&r.code) {
                        Some(target) if r.loaded => {
                            cell.replacen(&r.code, &format!("[{}]({target})", r.code), 1)
                        }
                        _ => cell,
                    }
                })
                .collect();
            if let Some(reason) = &item.reason {
                rules.push(format!("*{}*", escape_cell(reason)));
            }
            let _ = writeln!(
                out,
                "| **{}** | {} | {} | {} |",
                item.state.as_str(),
                escape_cell(&item.text),
                item.status,
                rules.join("<br>")
            );
        }
    }
    out
}

fn code_link(code: &str, rule_link: &dyn Fn(&str) -> Option<String>) -> String {
    match rule_link(code) {
        Some(target) => format!("[{code}]({target})"),
        None => format!("`{code}`"),
    }
}

fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The report as plain text for a terminal.
pub fn render_text(report: &CoverageReport) -> String {
    let mut out = String::new();
    for incident in &report.incidents {
        let _ = writeln!(
            out,
            "{} {} ({}): {}",
            incident.date, incident.organisation, incident.id, incident.title
        );
        for item in &incident.items {
            let _ = writeln!(
                out,
                "  {:<9} {} [{}]",
                item.state.as_str(),
                item.text,
                item.status
            );
            let rules: Vec<String> = item.rules.iter().map(rule_cell).collect();
            if !rules.is_empty() {
                let _ = writeln!(out, "            by {}", rules.join(", "));
            }
            if let Some(reason) = &item.reason
                && item.enforcement != ActionEnforcement::None.as_str()
            {
                let _ = writeln!(out, "            note: {reason}");
            }
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "{}, {}",
        plural(report.incidents.len(), "incident"),
        totals_line(&report.totals)
    );
    out
}
