//! The report model of one `hindsight check` run, as every printer reads it: what the engine found (findings,
//! notes, tool problems: [`walk::Report`]), the counts of the summary ([`Stats`], with what git and baseline
//! modes left out: [`Omitted`]) and the rules the run applied ([`RuleSet`]).
//!
//! `commands/check.rs` builds a [`Run`]; the printers in `printer/` depend only on this module, never on the
//! command, so adding an output format needs nothing from the command.

use std::collections::BTreeMap;
use std::sync::Arc;

use hindsight_engine::rule::Stage;
use hindsight_engine::walk::{self, Report};
use hindsight_engine::{Checker, Finding, Rule, Severity};

/// One finished `hindsight check` run, ready to print.
pub(crate) struct Run<'a> {
    /// Findings (sorted, after git, baseline and waiver filters), notes and tool problems.
    pub(crate) report: Report,
    /// The counts of the summary line and of the JSON summary.
    pub(crate) stats: Stats,
    /// The rules of the run, for the formats that describe them (SARIF) or link to them (rdjson).
    pub(crate) rules: RuleSet<'a>,
    /// Where the time went, with `--timings`.
    pub(crate) timings: Option<crate::timings::RunTimings>,
}

impl<'a> Run<'a> {
    /// The model of a run of `checker` that gave `report`, fixed `n_fixed` findings and left `omitted` out.
    pub(crate) fn new(
        checker: &'a Checker,
        report: Report,
        n_fixed: usize,
        omitted: Vec<Omitted>,
    ) -> Self {
        let stats = Stats::of(&report.findings, checker.n_active_rules(), n_fixed, omitted);
        let rules = RuleSet::new(checker, &report);
        Self {
            report,
            stats,
            rules,
            timings: None,
        }
    }
}

/// Findings a git or baseline mode left out of the report, counted for the summary.
pub(crate) struct Omitted {
    /// The JSON summary's key.
    pub(crate) key: &'static str,
    pub(crate) count: usize,
    /// The human summary's words.
    pub(crate) words: String,
}

impl Omitted {
    pub(crate) fn new(key: &'static str, count: usize, words: String) -> Self {
        Self { key, count, words }
    }
}

/// Counts shown in the summary and the JSON output.
pub(crate) struct Stats {
    pub(crate) n_rules: usize,
    /// Unsuppressed findings per severity, shadow ones left out.
    pub(crate) by_severity: BTreeMap<Severity, usize>,
    /// Unsuppressed findings per rollout stage.
    pub(crate) by_stage: BTreeMap<Stage, usize>,
    pub(crate) n_suppressed: usize,
    pub(crate) n_fixed: usize,
    /// More for the summary line (git and baseline modes).
    pub(crate) extra: Vec<Omitted>,
}

impl Stats {
    /// Counts `findings`: suppressed ones apart, the others by stage, and those not in shadow by severity.
    pub(crate) fn of(
        findings: &[Finding],
        n_rules: usize,
        n_fixed: usize,
        extra: Vec<Omitted>,
    ) -> Self {
        let mut by_severity = BTreeMap::new();
        let mut by_stage = BTreeMap::new();
        let mut n_suppressed = 0;
        for finding in findings {
            if finding.suppressed.is_some() {
                n_suppressed += 1;
                continue;
            }
            *by_stage.entry(finding.stage).or_insert(0) += 1;
            if finding.stage != Stage::Shadow {
                *by_severity.entry(finding.severity).or_insert(0) += 1;
            }
        }
        Self {
            n_rules,
            by_severity,
            by_stage,
            n_suppressed,
            n_fixed,
            extra,
        }
    }

    /// Unsuppressed findings of this severity, shadow ones left out.
    pub(crate) fn count(&self, severity: Severity) -> usize {
        self.by_severity.get(&severity).copied().unwrap_or(0)
    }

    /// Unsuppressed findings of this rollout stage.
    pub(crate) fn count_stage(&self, stage: Stage) -> usize {
        self.by_stage.get(&stage).copied().unwrap_or(0)
    }
}

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
    pub(crate) fn new(checker: &'a Checker, report: &walk::Report) -> Self {
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
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use hindsight_engine::{Position, Span, Suppressed, SuppressionKind};

    use super::*;

    fn finding(severity: Severity, stage: Stage, suppressed: bool) -> Finding {
        let position = Position { line: 1, column: 1 };
        Finding {
            code: "HS1001".into(),
            rule_id: "unwrap-outside-tests".into(),
            severity,
            message: "m".into(),
            path: PathBuf::from("src/lib.rs"),
            span: Span {
                bytes: 0..1,
                start: position,
                end: position,
            },
            incident: None,
            fix: None,
            suppressed: suppressed.then(|| Suppressed {
                kind: SuppressionKind::Inline,
                reason: "r".into(),
                line: 1,
            }),
            stage,
            enclosing: None,
            fingerprint: String::new(),
            rendered: None,
        }
    }

    #[test]
    fn stats_count_suppressed_apart_and_shadow_only_by_stage() {
        let findings = [
            finding(Severity::Error, Stage::Enforce, false),
            finding(Severity::Error, Stage::Warn, false),
            finding(Severity::Warning, Stage::Shadow, false),
            finding(Severity::Error, Stage::Enforce, true),
        ];
        let extra = vec![Omitted::new("untouched", 2, "2 on untouched lines".into())];
        let stats = Stats::of(&findings, 7, 3, extra);
        assert_eq!(stats.n_rules, 7);
        assert_eq!(stats.n_fixed, 3);
        assert_eq!(stats.n_suppressed, 1);
        assert_eq!(stats.count(Severity::Error), 2, "suppressed not counted");
        assert_eq!(stats.count(Severity::Warning), 0, "shadow not counted");
        assert_eq!(stats.count(Severity::Info), 0);
        assert_eq!(stats.count_stage(Stage::Enforce), 1);
        assert_eq!(stats.count_stage(Stage::Warn), 1);
        assert_eq!(stats.count_stage(Stage::Shadow), 1);
        assert_eq!(stats.extra[0].key, "untouched");
    }
}
