//! Findings: facts about the user's code. Tool failures are [`crate::walk::Problem`]s, never findings.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

/// How serious a finding is.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run by default.
    Info,
    /// Should be fixed; fails a run only with `--fail-on warning`.
    Warning,
    /// Must be fixed; fails the run.
    Error,
}

impl Severity {
    /// Lower-case name, as written in rule files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses the lower-case name.
    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 1-based line and column. Columns count Unicode scalar values, as rustc does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
}

/// A byte range with its start and end positions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// Byte offsets into the file.
    pub bytes: Range<usize>,
    /// Position of the first byte.
    pub start: Position,
    /// Position just past the last byte.
    pub end: Position,
}

/// One replacement of a byte range, produced by a rule's `fix`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// Bytes to replace.
    pub bytes: Range<usize>,
    /// Replacement text.
    pub replacement: String,
}

impl Edit {
    /// Applies `edits` to `text` from the end backwards, skipping an edit that overlaps one already applied
    /// (of two overlapping fixes the later one in the text wins; a second `--fix` pass gets the other) or
    /// does not fit the text. Returns how many were applied. `hindsight check --fix` and the rule tests both use this.
    pub fn apply_all<'a>(text: &mut String, edits: impl IntoIterator<Item = &'a Edit>) -> usize {
        let mut edits: Vec<&Edit> = edits.into_iter().collect();
        edits.sort_by_key(|edit| std::cmp::Reverse(edit.bytes.start));
        let mut floor = usize::MAX;
        let mut applied = 0;
        for edit in edits {
            if edit.bytes.end > floor
                || edit.bytes.start > edit.bytes.end
                || !text.is_char_boundary(edit.bytes.start)
                || !text.is_char_boundary(edit.bytes.end)
            {
                continue;
            }
            text.replace_range(edit.bytes.clone(), &edit.replacement);
            floor = edit.bytes.start;
            applied += 1;
        }
        applied
    }
}

/// A suppression that silenced a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppressed {
    /// The reason written in the suppression.
    pub reason: String,
    /// 1-based line of the suppression comment (of the `[[waiver]]` in `hindsight.toml` for a waiver; 0 for
    /// a baseline entry).
    pub line: usize,
    /// What silenced it.
    pub kind: SuppressionKind,
}

/// What silenced a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SuppressionKind {
    /// A `hindsight-allow(CODE): reason` comment in the file.
    Inline,
    /// A `[[waiver]]` of `hindsight.toml`.
    Waiver {
        /// Who answers for it.
        owner: String,
        /// When it stops suppressing (`YYYY-MM-DD`).
        expires: String,
        /// The ticket that tracks the debt, if any.
        ticket: Option<String>,
    },
    /// An entry of the baseline file (`check --baseline`).
    Baseline,
    /// A conftest `exception` rule of the policy, which exempts the named rule for this input.
    Exception,
}

impl SuppressionKind {
    /// Lower-case name, used in machine output.
    pub fn as_str(&self) -> &'static str {
        match self {
            SuppressionKind::Inline => "inline",
            SuppressionKind::Waiver { .. } => "waiver",
            SuppressionKind::Baseline => "baseline",
            SuppressionKind::Exception => "exception",
        }
    }
}

/// One finding of one rule at one place.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Stable rule code, such as `HS1001`.
    pub code: Arc<str>,
    /// Rule id, such as `unwrap-outside-tests`.
    pub rule_id: Arc<str>,
    /// Effective severity (after configuration overrides).
    pub severity: Severity,
    /// Message with metavariables interpolated.
    pub message: String,
    /// Path as given to the check (relative to the working directory when discovered by a walk).
    pub path: PathBuf,
    /// Where the finding points: the most specific node.
    pub span: Span,
    /// The rule's first incident, if it has one.
    pub incident: Option<Arc<Incident>>,
    /// A fix, when the rule has one and it can be applied safely.
    pub fix: Option<Edit>,
    /// Set when an inline suppression, a waiver or the baseline silenced this finding.
    pub suppressed: Option<Suppressed>,
    /// Rollout stage of the rule that reported it: shadow findings only reach machine output, warn findings
    /// never fail a run, enforce findings fail it at or above the failing severity.
    pub stage: Stage,
    /// The item the finding is in (`mod a::impl Foo::fn run` in Rust, `spec.containers[].image` in data),
    /// when it is in one; part of the fingerprint.
    pub enclosing: Option<String>,
    /// Stable identity across runs and commits (see [`crate::fingerprint`]); never depends on line numbers.
    pub fingerprint: String,
    /// Set when the finding was made on a rendered manifest (`helm template`, `kustomize build`) and placed
    /// back in the template, base or patch it came from.
    pub rendered: Option<Rendered>,
}

/// How a finding on rendered output was placed back in the file an engineer edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// The tool that rendered it: `helm` or `kustomize`.
    pub tool: &'static str,
    /// `true` when the file spells the key the finding is on; `false` when the line is the nearest enclosing
    /// key it spells (the key came from a value or a helper).
    pub exact: bool,
}

impl Finding {
    /// Sort key that makes output deterministic: path, position, code.
    pub fn sort_key(&self) -> (&PathBuf, usize, usize, &str, usize) {
        (
            &self.path,
            self.span.start.line,
            self.span.start.column,
            &self.code,
            self.span.bytes.end,
        )
    }
}

/// A public incident a rule derives from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incident {
    /// Id in the incident registry (`rules/incidents/<id>.yaml`); `None` for an incident written inline.
    pub id: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Who had the outage.
    pub organisation: String,
    /// One line: what happened.
    pub summary: String,
    /// Public post-mortem URL; empty for an internal incident known only by its `ticket`.
    pub url: String,
    /// Internal ticket id or private wiki reference, for an incident without a public post-mortem.
    pub ticket: Option<String>,
}

impl Incident {
    /// Where to read about it: the public post-mortem URL, else the internal ticket.
    pub fn reference(&self) -> &str {
        match (&self.ticket, self.url.is_empty()) {
            (Some(ticket), true) => ticket,
            _ => &self.url,
        }
    }

    /// The public post-mortem URL, if there is one.
    pub fn public_url(&self) -> Option<&str> {
        (!self.url.is_empty()).then_some(self.url.as_str())
    }
}

/// Rollout stage of a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Machine output only; never fails.
    Shadow,
    /// Shown; never fails.
    Warn,
    /// Shown; fails at or above the failing severity.
    Enforce,
}

impl Stage {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Shadow => "shadow",
            Stage::Warn => "warn",
            Stage::Enforce => "enforce",
        }
    }

    /// Parses the lower-case name.
    pub fn parse(name: &str) -> Option<Stage> {
        match name {
            "shadow" => Some(Stage::Shadow),
            "warn" => Some(Stage::Warn),
            "enforce" => Some(Stage::Enforce),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Edit;

    fn apply(text: &str, edits: &[(std::ops::Range<usize>, &str)]) -> (String, usize) {
        let edits: Vec<Edit> = edits
            .iter()
            .map(|(bytes, replacement)| Edit {
                bytes: bytes.clone(),
                replacement: replacement.to_string(),
            })
            .collect();
        let mut text = text.to_string();
        let applied = Edit::apply_all(&mut text, &edits);
        (text, applied)
    }

    #[test]
    fn edits_apply_in_any_order_and_overlaps_are_skipped() {
        assert_eq!(
            apply("a.unwrap(); b.unwrap();", &[(1..10, "?"), (13..22, "?")]),
            ("a?; b?;".to_string(), 2)
        );
        assert_eq!(
            apply("abcdef", &[(0..3, "X"), (2..5, "Y")]),
            ("abYf".to_string(), 1)
        );
    }

    #[test]
    fn edits_that_do_not_fit_the_text_are_skipped() {
        assert_eq!(apply("é", &[(1..2, "e")]), ("é".to_string(), 0));
        assert_eq!(apply("ab", &[(1..9, "x")]), ("ab".to_string(), 0));
    }
}
