//! One printer per output format, plus what several of them share: the rules of the run ([`RuleSet`]),
//! report paths as CI systems want them ([`report_path`]) and the files' text ([`source`]). Fingerprints are
//! the engine's (`hindsight_engine::fingerprint`).
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

use std::path::Path;
use std::sync::Arc;

use hindsight_engine::rule::Enforcement;
use hindsight_engine::walk::Report;
use hindsight_engine::{Checker, Finding, Rule, Severity};

/// Where hindsight lives; tool metadata in SARIF and rdjson points here.
pub(crate) const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The rules of one run as printers see them: every enabled automated rule at its effective severity, plus
/// every other code that produced a finding (the `HS9xxx` diagnostics), sorted by code.
pub(crate) struct RuleSet<'a> {
    entries: Vec<RuleEntry<'a>>,
}

/// One rule of a [`RuleSet`].
pub(crate) struct RuleEntry<'a> {
    /// The stable code, e.g. `HS1001`.
    pub(crate) code: Arc<str>,
    /// The rule's slug, e.g. `unwrap-outside-tests`.
    pub(crate) id: Arc<str>,
    /// The loaded rule; `None` for a diagnostic whose rule file is not loaded (`--no-builtin`).
    pub(crate) rule: Option<&'a Rule>,
    /// Severity after `hindsight.toml` overrides.
    pub(crate) severity: Severity,
}

impl<'a> RuleSet<'a> {
    /// The enabled rules of `checker` and the codes of `report`'s findings.
    pub(crate) fn new(checker: &'a Checker, report: &Report) -> Self {
        let mut entries: Vec<RuleEntry<'a>> = checker
            .active_rules()
            .map(|(rule, severity)| RuleEntry {
                code: rule.code.clone(),
                id: rule.id.clone(),
                rule: Some(rule),
                severity,
            })
            .collect();
        for finding in &report.findings {
            if entries.iter().any(|entry| entry.code == finding.code) {
                continue;
            }
            let code = &*finding.code;
            entries.push(RuleEntry {
                code: finding.code.clone(),
                id: finding.rule_id.clone(),
                rule: checker.pack().get(code),
                severity: checker
                    .diagnostic_severity(code)
                    .unwrap_or(finding.severity),
            });
        }
        entries.sort_by(|a, b| a.code.cmp(&b.code));
        Self { entries }
    }

    /// All rules, sorted by code.
    pub(crate) fn entries(&self) -> &[RuleEntry<'a>] {
        &self.entries
    }

    /// Position of `code` in [`RuleSet::entries`].
    pub(crate) fn index_of(&self, code: &str) -> Option<usize> {
        self.entries.iter().position(|entry| &*entry.code == code)
    }

    /// The loaded rule with this code.
    pub(crate) fn rule(&self, code: &str) -> Option<&'a Rule> {
        self.index_of(code).and_then(|idx| self.entries[idx].rule)
    }

    /// Where to read about `code`: see [`help_uri`].
    pub(crate) fn help_uri(&self, code: &str) -> Option<String> {
        self.rule(code).and_then(help_uri)
    }
}

/// Where to read about a rule: its first incident's post-mortem, else the rule file of a built-in rule in
/// hindsight's repository, else the first web reference of its docs.
pub(crate) fn help_uri(rule: &Rule) -> Option<String> {
    if let Some(incident) = rule.incidents.first() {
        return Some(incident.url.clone());
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
    let mut tags = Vec::new();
    if let Some(lang) = rule.language {
        tags.push(lang.name());
    }
    tags.extend(rule.formats.iter().map(|f| f.name()));
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
    let mut text = forward_slashes(&crate::setup::display_path(path));
    while let Some(rest) = text.strip_prefix("./") {
        text = rest.to_string();
    }
    text
}

/// A path with `/` between its components on every platform.
pub(crate) fn forward_slashes(path: &Path) -> String {
    let text = path.to_string_lossy();
    // Only where `\` separates paths: on Unix it is a legal file-name character.
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
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
            finding.code, incident.url
        ),
        None => format!("see `hindsight explain {}`", finding.code),
    }
}
