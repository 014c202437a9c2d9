//! From raw hits to findings: supersession (`supersedes:`), inline suppressions, and the `HS9xxx` diagnostics
//! about suppressions that are malformed, lack a reason, have expired or suppress nothing.

use std::ops::Range;
use std::sync::Arc;

use super::suppress::{self, Comment, Suppression};
use super::{Checker, Hit, SourceFile};
use crate::finding::{Finding, Span, Suppressed};
use crate::line_index::LineIndex;
use crate::rule::{Rule, codes};

impl Checker {
    /// Turns raw hits into findings: supersession, suppressions, and the diagnostics about suppressions.
    pub(super) fn resolve(
        &self,
        file: &SourceFile<'_>,
        hits: Vec<Hit>,
        comments: &[Comment],
        index: &LineIndex<'_>,
        syntax: suppress::CommentSyntax,
    ) -> Vec<Finding> {
        let hits = drop_superseded(hits, |active_idx| {
            let rule = self.rule(self.active[active_idx]);
            (&*rule.code, rule.supersedes.as_slice())
        });
        let mut suppressions = suppress::collect_suppressions(comments, index, syntax);
        let mut findings = Vec::with_capacity(hits.len());
        for hit in hits {
            let rule = self.rule(self.active[hit.active_idx]);
            let span = index.span(hit.range.clone());
            let suppressed = match &hit.exempted {
                Some(name) => Some(exception(name)),
                None => suppress::claim(
                    &mut suppressions,
                    span.start.line,
                    &rule.code,
                    &rule.id,
                    self.today.as_deref(),
                ),
            };
            findings.push(self.finding(file, hit, span, suppressed));
        }
        for suppression in &suppressions {
            self.suppression_diagnostics(file, suppression, index, &mut findings);
        }
        findings
    }

    /// The finding of a structural or Rego hit, with its severity, incident and rollout stage.
    fn finding(
        &self,
        file: &SourceFile<'_>,
        hit: Hit,
        span: Span,
        suppressed: Option<Suppressed>,
    ) -> Finding {
        let active = self.active[hit.active_idx];
        let rule = self.rule(active);
        Finding {
            code: rule.code.clone(),
            rule_id: rule.id.clone(),
            // A Rego `warn` is a warning, unless the configuration sets the rule's severity.
            severity: match hit.severity {
                Some(severity) if !active.severity_configured => severity,
                _ => active.severity,
            },
            message: hit.message,
            path: file.path.to_path_buf(),
            span,
            // The incident is cited where the finding has its shape: a rule's broad form (the strict
            // profile) reports every instance of the letter of the lesson, most of them not that shape.
            incident: (!active.strict)
                .then(|| rule.incidents.first().cloned())
                .flatten(),
            fix: hit.fix,
            suppressed,
            stage: self
                .config
                .stage_declared(rule, active.declared_stage(rule), file.path),
            enclosing: (!hit.enclosing.is_empty()).then_some(hit.enclosing),
            fingerprint: String::new(),
            rendered: None,
        }
    }

    /// What is wrong with one suppression once every finding of the file has been matched against it: it is
    /// malformed, has no reason, has expired, or names a code that reported nothing on its line.
    fn suppression_diagnostics(
        &self,
        file: &SourceFile<'_>,
        suppression: &Suppression,
        index: &LineIndex<'_>,
        out: &mut Vec<Finding>,
    ) {
        let span = index.span(suppression.range.clone());
        let directive = &suppression.directive;
        if let Some(what) = &directive.malformed {
            out.extend(self.diagnostic(
                codes::SUPPRESSION_WITHOUT_REASON,
                file.path,
                span,
                format!("malformed suppression: {what}"),
            ));
            return;
        }
        if directive.reason.is_none() {
            let codes = directive.codes.join(", ");
            out.extend(self.diagnostic(
                codes::SUPPRESSION_WITHOUT_REASON,
                file.path,
                span,
                format!("suppression of {codes} has no reason, so it suppresses nothing: write `{}({codes}): <why this is safe>`", suppress::MARKER),
            ));
            return;
        }
        if suppression.expired(self.today.as_deref()) {
            let until = directive.until.clone().unwrap_or_default();
            out.extend(self.diagnostic(
                codes::EXPIRED_SUPPRESSION,
                file.path,
                span,
                format!(
                    "suppression of {} expired on {until} and no longer applies",
                    directive.codes.join(", ")
                ),
            ));
            return;
        }
        for (code, used) in directive.codes.iter().zip(&suppression.used) {
            if *used {
                continue;
            }
            let message = match self.pack.get(code) {
                None => format!("suppression names `{code}`, which no loaded rule has"),
                Some(rule) if !self.runs_on(rule, file) => continue,
                Some(rule) => format!(
                    "unused suppression: {} ({}) reports nothing on line {}",
                    rule.code, rule.id, suppression.target_line
                ),
            };
            out.extend(self.diagnostic(
                codes::UNUSED_SUPPRESSION,
                file.path,
                span.clone(),
                message,
            ));
        }
    }

    /// Did `rule` run on this file (enabled, same language, paths match)?
    fn runs_on(&self, rule: &Rule, file: &SourceFile<'_>) -> bool {
        let same_input = rule.checks_language(file.lang)
            || file.format.is_some_and(|f| rule.formats.contains(&f));
        // Repository-scope rules judge a file's documents after every file is read; a suppression of one is
        // never reported unused.
        same_input
            && !rule.is_repository_scope()
            && rule.applies_to(file.path)
            && self
                .active
                .iter()
                .any(|a| std::ptr::eq(self.rule(*a), rule))
    }
}

/// Drops each hit that another hit at the same range supersedes (its rule names the hit's code in
/// `supersedes:`). `rule_of` gives, by index into the active rules, a rule's code and the codes it supersedes.
fn drop_superseded<'r>(
    mut hits: Vec<Hit>,
    rule_of: impl Fn(usize) -> (&'r str, &'r [Arc<str>]),
) -> Vec<Hit> {
    if hits.iter().all(|h| rule_of(h.active_idx).1.is_empty()) {
        return hits;
    }
    let covering: Vec<(Range<usize>, &[Arc<str>])> = hits
        .iter()
        .map(|h| (h.range.clone(), rule_of(h.active_idx).1))
        .filter(|(_, supersedes)| !supersedes.is_empty())
        .collect();
    hits.retain(|hit| {
        let code = rule_of(hit.active_idx).0;
        !covering
            .iter()
            .any(|(range, codes)| *range == hit.range && codes.iter().any(|c| **c == *code))
    });
    hits
}

/// How a result a conftest `exception` exempts is reported: suppressed, with the rule name that exempted it.
pub(super) fn exception(name: &str) -> Suppressed {
    let what = if name.is_empty() {
        "the policy's `exception` exempts this input (by the empty name, which stands for `deny`, `violation` and `warn`)".to_string()
    } else {
        format!("the policy's `exception` exempts this input from `{name}`")
    };
    Suppressed {
        reason: what,
        line: 0,
        kind: crate::finding::SuppressionKind::Exception,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(active_idx: usize, range: Range<usize>) -> Hit {
        Hit {
            active_idx,
            range,
            message: String::new(),
            fix: None,
            severity: None,
            enclosing: String::new(),
            exempted: None,
        }
    }

    /// Three active rules: HS1001, HS1002 (which supersedes HS1001) and HS1003.
    fn rules() -> Vec<(Arc<str>, Vec<Arc<str>>)> {
        vec![
            (Arc::from("HS1001"), Vec::new()),
            (Arc::from("HS1002"), vec![Arc::from("HS1001")]),
            (Arc::from("HS1003"), Vec::new()),
        ]
    }

    fn kept(hits: Vec<Hit>) -> Vec<(usize, Range<usize>)> {
        let rules = rules();
        drop_superseded(hits, |idx| (&*rules[idx].0, rules[idx].1.as_slice()))
            .into_iter()
            .map(|h| (h.active_idx, h.range))
            .collect()
    }

    #[test]
    fn a_hit_is_dropped_where_a_superseding_rule_hit_the_same_range() {
        let hits = vec![hit(0, 10..20), hit(1, 10..20), hit(2, 10..20)];
        assert_eq!(kept(hits), [(1, 10..20), (2, 10..20)]);
    }

    #[test]
    fn a_hit_elsewhere_or_without_a_superseding_rule_is_kept() {
        // HS1002 at an overlapping but different range does not supersede.
        let hits = vec![hit(0, 10..20), hit(1, 10..21), hit(0, 30..40)];
        assert_eq!(kept(hits), [(0, 10..20), (1, 10..21), (0, 30..40)]);
        let hits = vec![hit(0, 10..20), hit(2, 10..20)];
        assert_eq!(kept(hits), [(0, 10..20), (2, 10..20)]);
    }
}
