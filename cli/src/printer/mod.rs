//! One printer per output format, plus what several of them share: report paths as CI systems want them
//! ([`report_path`]), the notes every format for people adds ([`help_note`], [`incident_note`]) and the
//! files' text ([`source`]). Printers read only the report model (`crate::report`); fingerprints are the
//! engine's (`hindsight_engine::fingerprint`).
//!
//! [`FORMATS`] is the one list of output formats: `--format` and `--output` take their names from it and
//! `check` prints through it, so adding a format is a printer file that defines its [`Format`], plus its
//! `mod` line and its row in [`FORMATS`].
//!
//! The machine formats for CI (`sarif`, `github`, `junit`, `rdjson`, `gitlab`) are described in
//! `docs/ci-output.md`.

pub(crate) mod github;
pub(crate) mod gitlab;
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod junit;
pub(crate) mod rdjson;
pub(crate) mod sarif;
pub(crate) mod source;
pub(crate) mod statistics;

use std::io::Write;
use std::path::Path;

use hindsight_engine::rule::Enforcement;
use hindsight_engine::{Finding, Rule};

use crate::paths::{display_path, forward_slashes};
use crate::report::Run;

/// The output formats of `hindsight check`, in the order `--help` lists them.
pub(crate) const FORMATS: &[Format] = &[
    human::FORMAT,
    json::FORMAT,
    sarif::FORMAT,
    github::FORMAT,
    junit::FORMAT,
    rdjson::FORMAT,
    gitlab::FORMAT,
];

/// Writes a run in one format; `color` says whether terminal colours may be used.
pub(crate) type PrintFn =
    fn(out: &mut dyn Write, run: &Run<'_>, color: bool) -> std::io::Result<()>;

/// An output format: its name on the command line, its line in `--help`, and its printer.
#[derive(Clone, Copy)]
pub(crate) struct Format {
    /// The value of `--format`, and the `FORMAT` of `--output FORMAT=PATH`.
    pub(crate) name: &'static str,
    /// What `--help` says about it.
    pub(crate) help: &'static str,
    /// Its printer.
    pub(crate) print: PrintFn,
}

impl Format {
    /// Writes `run` in this format.
    pub(crate) fn print(
        &self,
        out: &mut dyn Write,
        run: &Run<'_>,
        color: bool,
    ) -> std::io::Result<()> {
        (self.print)(out, run, color)
    }
}

/// `--format` and `--output` take the names of [`FORMATS`], and `--help` lists them with their help.
impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        FORMATS
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name).help(self.help))
    }
}

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Formats are equal when their names are: each name is registered once.
impl PartialEq for Format {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Format {}

/// Where hindsight lives; tool metadata in SARIF and rdjson points here.
pub(crate) const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// Where to read about a rule: its first incident's post-mortem, else the rule file of a built-in rule in
/// hindsight's repository, else the first web reference of its docs.
pub(crate) fn help_uri(rule: &Rule) -> Option<String> {
    if let Some(url) = rule.incidents.first().and_then(|i| i.public_url()) {
        return Some(url.to_string());
    }
    if let Some(path) = rule.origin.path.strip_prefix("builtin:") {
        return Some(format!("{REPOSITORY}/blob/main/rules/{path}"));
    }
    rule.docs
        .references
        .iter()
        .find(|reference| reference.starts_with("https://") || reference.starts_with("http://"))
        .cloned()
}

/// Tags for a rule in SARIF: its language and how it is enforced.
pub(crate) fn rule_tags(rule: &Rule) -> Vec<&'static str> {
    let mut tags = rule.input_names();
    tags.push(match rule.enforcement {
        Enforcement::Match => "structural",
        Enforcement::Rego => "rego",
        Enforcement::Builtin => "hindsight-diagnostic",
        Enforcement::Review => "review",
    });
    if rule.has_fix() {
        tags.push("fix-available");
    }
    tags
}

/// A finding's path the way CI systems want it: relative to the working directory when it is below it
/// (CI runs from the repository root), with forward slashes and no leading `./`.
pub(crate) fn report_path(path: &Path) -> String {
    let mut text = forward_slashes(&display_path(path));
    while let Some(rest) = text.strip_prefix("./") {
        text = rest.to_string();
    }
    text
}

/// Is the finding shown in the formats for people (human, annotations, JUnit, reviewdog, Code Quality)?
/// Suppressed findings are not, nor are shadow-stage ones: those reach only JSON and SARIF.
pub(crate) fn shown(finding: &Finding) -> bool {
    finding.suppressed.is_none() && finding.stage != hindsight_engine::rule::Stage::Shadow
}

/// `incident: 2025-11-18 Cloudflare: …`, for a finding whose rule has an incident.
pub(crate) fn incident_note(finding: &Finding) -> Option<String> {
    finding.incident.as_ref().map(|incident| {
        format!(
            "incident: {} {}: {}",
            incident.date, incident.organisation, incident.summary
        )
    })
}

/// Where to learn more about a finding: `hindsight explain`, and the post-mortem when there is one.
pub(crate) fn help_note(finding: &Finding) -> String {
    match &finding.incident {
        Some(incident) => format!(
            "why and how to fix: `hindsight explain {}` or {}",
            finding.code,
            incident.reference()
        ),
        None => format!("see `hindsight explain {}`", finding.code),
    }
}

/// An incident as JSON and SARIF carry it: `ticket` only for an internal incident that has one.
/// How a finding on a rendered manifest was placed (JSON and SARIF): the tool, and whether its line is the one
/// that spells the key (`exact`) or the nearest enclosing key that the template spells (`approximate`).
pub(crate) fn rendered_json(rendered: &hindsight_engine::Rendered) -> serde_json::Value {
    serde_json::json!({
        "tool": rendered.tool,
        "line": if rendered.exact { "exact" } else { "approximate" },
    })
}

pub(crate) fn incident_json(incident: &hindsight_engine::finding::Incident) -> serde_json::Value {
    let mut value = serde_json::json!({
        "date": incident.date,
        "organisation": incident.organisation,
        "summary": incident.summary,
        "url": incident.url,
    });
    if let Some(ticket) = &incident.ticket {
        value["ticket"] = serde_json::Value::from(ticket.as_str());
    }
    value
}
