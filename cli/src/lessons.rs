//! The lessons that apply to a change: for `hindsight review` and the MCP server's `lessons_for_change`.
//!
//! A lesson applies to a changed file when the engine says so ([`Rule::lesson_applies`]: language or format,
//! `files:`/`ignores:` globs, the content prefilter); rules the configuration switches off are left out. Each
//! lesson carries what a reviewer needs and nothing more: its "If you need X, do Y" title, why, what to look
//! for by eye, and a link anyone can open.

use std::path::PathBuf;

use hindsight_engine::codex::docs::first_sentence;
use hindsight_engine::{Checker, Config, Finding, Rule, RulePack};
use serde::Serialize;

/// A changed file as the lessons see it: its path as `check` shows it (which `files:` globs are matched
/// against) and its new text.
pub(crate) struct ChangedText {
    pub(crate) path: PathBuf,
    pub(crate) text: String,
}

/// One lesson that applies to a change.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Lesson {
    /// The stable code to cite, such as `HS7009`.
    pub(crate) code: String,
    /// The rule's id, such as `bulk-delete-without-guard`.
    pub(crate) id: String,
    /// `automated` (hindsight checks it: its findings come from `check`) or `review` (only a reviewer can).
    pub(crate) kind: String,
    /// The lesson in the codex voice: "If you need X, do Y; don't Z".
    pub(crate) title: String,
    /// Why, in one sentence (the incident behind it).
    pub(crate) why: String,
    /// How to check it by eye: what the lesson is about and what to ask of the change.
    pub(crate) check: String,
    /// What to do instead, in one sentence.
    pub(crate) fix: String,
    /// The incidents it comes from, one line each (`2025-11-18 Cloudflare: ...`).
    pub(crate) incidents: Vec<String>,
    /// The lesson's page: on the team's docs site (`[docs] url`), else its post-mortem or rule file.
    pub(crate) link: Option<String>,
    /// The changed files it applies to.
    pub(crate) files: Vec<String>,
}

/// The lessons that apply to `files`, review-only ones first, each once, by code.
pub(crate) fn for_change(pack: &RulePack, config: &Config, files: &[ChangedText]) -> Vec<Lesson> {
    let mut lessons: Vec<Lesson> = pack
        .rules()
        .iter()
        .filter(|rule| config.is_enabled(rule))
        .filter_map(|rule| {
            let touched: Vec<String> = files
                .iter()
                .filter(|file| rule.lesson_applies(&file.path, &file.text))
                .map(|file| crate::printer::report_path(&file.path))
                .collect();
            (!touched.is_empty()).then(|| lesson(rule, config, touched))
        })
        .collect();
    lessons.sort_by(|a, b| (a.kind != "review", &a.code).cmp(&(b.kind != "review", &b.code)));
    lessons
}

/// A rule as a lesson for the files `files`.
pub(crate) fn lesson(rule: &Rule, config: &Config, files: Vec<String>) -> Lesson {
    Lesson {
        code: rule.code.to_string(),
        id: rule.id.to_string(),
        kind: if rule.is_automated() {
            "automated"
        } else {
            "review"
        }
        .into(),
        title: rule.title.clone(),
        why: first_sentence(&rule.docs.why),
        check: rule.docs.what.trim().to_string(),
        fix: first_sentence(&rule.docs.fix),
        incidents: rule
            .incidents
            .iter()
            .map(|i| format!("{} {}: {}", i.date, i.organisation, i.summary))
            .collect(),
        link: link(rule, config),
        files,
    }
}

/// Where to read about a rule: its page on the team's docs site when `[docs] url` is set, else what the CI
/// formats link to (its first post-mortem, the built-in rule file, its first web reference).
pub(crate) fn link(rule: &Rule, config: &Config) -> Option<String> {
    match &config.docs_url {
        Some(base) => Some(format!("{base}rules/{}.html", rule.code)),
        None => crate::printer::help_uri(rule),
    }
}

/// A finding as a reviewer cites it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct CitedFinding {
    /// The rule's code, to cite (`HS1003`).
    pub(crate) code: String,
    /// The lesson, in the codex voice.
    pub(crate) title: String,
    /// `error`, `warning` or `info`.
    pub(crate) severity: String,
    /// `enforce` (fails CI) or `warn`.
    pub(crate) stage: String,
    /// What is wrong here.
    pub(crate) message: String,
    /// The file, as the CLI shows it.
    pub(crate) path: String,
    /// 1-based line of the start.
    pub(crate) line: usize,
    /// 1-based column of the start.
    pub(crate) column: usize,
    /// 1-based line of the end.
    pub(crate) end_line: usize,
    /// 1-based column of the end.
    pub(crate) end_column: usize,
    /// The incident behind the rule, in one line (`2025-11-18 Cloudflare: ...`).
    pub(crate) incident: Option<String>,
    /// Where to read about the rule (the team's docs site when configured).
    pub(crate) link: Option<String>,
    /// Whether `hindsight check --fix` can fix it.
    pub(crate) fixable: bool,
}

/// A finding of a check by `checker`, with its rule's title and link.
pub(crate) fn cite(finding: &Finding, checker: &Checker) -> CitedFinding {
    let rule = checker.pack().get(&finding.code);
    CitedFinding {
        code: finding.code.to_string(),
        title: rule.map(|r| r.title.clone()).unwrap_or_default(),
        severity: finding.severity.as_str().into(),
        stage: finding.stage.as_str().into(),
        message: finding.message.clone(),
        path: crate::printer::report_path(&finding.path),
        line: finding.span.start.line,
        column: finding.span.start.column,
        end_line: finding.span.end.line,
        end_column: finding.span.end.column,
        incident: finding
            .incident
            .as_ref()
            .map(|i| format!("{} {}: {}", i.date, i.organisation, i.summary)),
        link: rule.and_then(|r| link(r, checker.config())),
        fixable: finding.fix.is_some(),
    }
}
