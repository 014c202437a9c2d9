//! `hindsight review --diff REF` / `--staged`: a change's review digest, Markdown for a pull-request comment
//! (or JSON): the findings on the lines it changes, the review-only lessons that apply to the files it touches
//! as a checklist, and the suppressions, waivers and rules it adds or removes.
//!
//! Everything comes from the CLI's own code paths: `check::analyse` in its `--diff` mode (with `--staged` and
//! `--rules-from` as `check` has them), `commands::change::Change` for the touched files, `crate::lessons` for
//! the lessons. The Markdown starts with a marker comment so CI can find and update its own comment.

use std::fmt::Write as _;
use std::io::Write as _;

use hindsight_engine::walk::NoteKind;
use serde::Serialize;

use crate::Outcome;
use crate::args::{CheckArgs, ReviewArgs, ReviewFormat};
use crate::commands::change::Change;
use crate::lessons::{self, ChangedText, CitedFinding, Lesson};

/// The first line of the Markdown: what CI looks for to update the comment instead of adding one.
pub(crate) const MARKER: &str = "<!-- hindsight-review -->";

/// Version of the `--format json` document.
const VERSION: u32 = 1;

/// A change's review digest.
#[derive(Serialize)]
struct Digest {
    version: u32,
    /// What the change is compared with.
    base: String,
    /// Whether the staged content was reviewed.
    staged: bool,
    /// Every file the change touches.
    files: Vec<String>,
    /// Findings on the lines the change touches (unsuppressed; shadow stage left out).
    findings: Vec<CitedFinding>,
    /// The review-only lessons that apply to the touched files.
    lessons: Vec<Lesson>,
    /// Suppressions and waivers added or removed, rule changes (with `--rules-from`).
    exemptions: Vec<Exemption>,
    /// What was left out, in words (`3 on untouched lines not shown`).
    omitted: Vec<String>,
}

#[derive(Serialize)]
struct Exemption {
    path: String,
    message: String,
}

pub(crate) fn run(args: &ReviewArgs) -> anyhow::Result<Outcome> {
    let digest = digest(args)?;
    let text = match args.format {
        ReviewFormat::Markdown => markdown(&digest),
        ReviewFormat::Json => {
            let mut text = serde_json::to_string_pretty(&digest)?;
            text.push('\n');
            text
        }
    };
    match &args.output {
        Some(path) => crate::write::atomic(path, text)?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(Outcome::Clean)
}

fn digest(args: &ReviewArgs) -> anyhow::Result<Digest> {
    let base = args.diff.clone().unwrap_or_else(|| "HEAD".into());
    let mut check = CheckArgs::whole_tree(args.pack.clone(), args.rules_from.clone());
    check.quiet = true;
    check.git.staged = args.staged;
    check.git.diff = Some(base.clone());
    let analysis = crate::commands::check::analyse(&check)?;
    let change = Change::open(&check.git, &[])?;
    let touched: Vec<ChangedText> = change
        .paths()
        .into_iter()
        .map(|path| {
            let text = change.text(&path).unwrap_or_default();
            ChangedText { path, text }
        })
        .collect();
    let checker = &analysis.checker;
    let lessons = lessons::for_change(checker.pack(), checker.config(), &touched)
        .into_iter()
        .filter(|lesson| lesson.kind == "review")
        .collect();
    let report = &analysis.report;
    let (shown, hidden): (Vec<_>, Vec<_>) = report
        .findings
        .iter()
        .partition(|f| crate::printer::shown(f));
    let mut omitted: Vec<String> = analysis.extra.iter().map(|o| o.words.clone()).collect();
    if !hidden.is_empty() {
        omitted.push(format!(
            "{} suppressed or in shadow stage not shown",
            hidden.len()
        ));
    }
    let exemptions = report
        .notes
        .iter()
        .filter(|note| matches!(note.kind, NoteKind::Review(_)))
        .map(|note| Exemption {
            path: crate::printer::report_path(&note.path),
            message: note.message(),
        })
        .collect();
    Ok(Digest {
        version: VERSION,
        base,
        staged: args.staged,
        files: touched
            .iter()
            .map(|f| crate::printer::report_path(&f.path))
            .collect(),
        findings: shown
            .into_iter()
            .map(|f| lessons::cite(f, checker))
            .collect(),
        lessons,
        exemptions,
        omitted,
    })
}

/// The digest as a pull-request comment.
fn markdown(digest: &Digest) -> String {
    let mut out = format!("{MARKER}\n## hindsight review\n\n");
    let _ = writeln!(
        out,
        "{} touched: {}, {} to check by eye, {}.\n",
        count(digest.files.len(), "file"),
        count(digest.findings.len(), "finding"),
        count(digest.lessons.len(), "review lesson"),
        count(
            digest.exemptions.len(),
            "suppression, waiver or rule change"
        ),
    );
    out.push_str("### Findings on the lines this change touches\n\n");
    if digest.findings.is_empty() {
        out.push_str("None.\n");
    }
    for finding in &digest.findings {
        let _ = writeln!(
            out,
            "- **{}** {} `{}:{}:{}`: {}",
            finding.severity,
            cited_code(&finding.code, finding.link.as_deref()),
            finding.path,
            finding.line,
            finding.column,
            inline(&finding.message),
        );
        let _ = writeln!(out, "  <br>{}", inline(&finding.title));
        if let Some(incident) = &finding.incident {
            let _ = writeln!(out, "  <br>incident: {}", inline(incident));
        }
    }
    out.push_str("\n### Review checklist\n\n");
    if digest.lessons.is_empty() {
        out.push_str("No review-only lesson applies to the files this change touches.\n");
    } else {
        out.push_str("Lessons no rule can check, for the files this change touches:\n\n");
    }
    for lesson in &digest.lessons {
        let files: Vec<String> = lesson.files.iter().map(|f| format!("`{f}`")).collect();
        let _ = writeln!(
            out,
            "- [ ] {} {}\n  <br>Why: {} In: {}",
            cited_code(&lesson.code, lesson.link.as_deref()),
            inline(&lesson.title),
            inline(&lesson.why),
            files.join(", "),
        );
    }
    if !digest.exemptions.is_empty() {
        out.push_str("\n### Suppressions, waivers and rules this change adds or removes\n\n");
        for exemption in &digest.exemptions {
            let _ = writeln!(
                out,
                "- `{}`: {}",
                exemption.path,
                inline(&exemption.message)
            );
        }
    }
    if !digest.omitted.is_empty() {
        let _ = writeln!(
            out,
            "\n<sub>Not shown: {}.</sub>",
            digest.omitted.join("; ")
        );
    }
    out
}

/// `[HS1003](link)`, or the bare code without a link.
fn cited_code(code: &str, link: Option<&str>) -> String {
    match link {
        Some(link) => format!("[{code}]({link})"),
        None => format!("`{code}`"),
    }
}

/// Text on one line of a Markdown list item: line breaks folded, HTML's `<` escaped.
fn inline(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('<', "&lt;")
}

fn count(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        _ => format!("{n} {noun}s"),
    }
}
