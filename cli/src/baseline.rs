//! The baseline: findings accepted as existing debt, recorded by fingerprint, so a check reports only new
//! ones. It is a ratchet: `hindsight baseline prune` only removes entries, and `baseline write` refuses to
//! add entries to an existing baseline unless told to (`--force`).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Context as _;
use hindsight_engine::walk::{Note, NoteKind, Report};
use hindsight_engine::{Finding, Suppressed, SuppressionKind};
use serde::Deserialize;
use serde_json::json;

use crate::report::Omitted;

/// Where `hindsight baseline` writes when no file is named.
pub(crate) const DEFAULT_FILE: &str = "hindsight-baseline.json";

/// Version of the baseline file format.
const FORMAT_VERSION: u32 = 1;

/// One recorded finding.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Entry {
    pub(crate) path: String,
    pub(crate) code: String,
    pub(crate) fingerprint: String,
    #[serde(default)]
    pub(crate) message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    fingerprints: String,
    findings: Vec<Entry>,
}

/// Reads a baseline file.
pub(crate) fn read(path: &Path) -> anyhow::Result<Vec<Entry>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the baseline {}", path.display()))?;
    let file: File = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a hindsight baseline", path.display()))?;
    if file.version != FORMAT_VERSION {
        anyhow::bail!(
            "{}: baseline version {} is not supported (expected {FORMAT_VERSION})",
            path.display(),
            file.version
        );
    }
    if file.fingerprints != hindsight_engine::fingerprint::VERSION {
        anyhow::bail!(
            "{}: written with `{}` fingerprints, this hindsight computes `{}`: write it again with `hindsight baseline write --force`",
            path.display(),
            file.fingerprints,
            hindsight_engine::fingerprint::VERSION
        );
    }
    Ok(file.findings)
}

/// Writes a baseline file, entries sorted.
pub(crate) fn write(path: &Path, entries: &BTreeSet<Entry>) -> anyhow::Result<()> {
    let document = json!({
        "version": FORMAT_VERSION,
        "fingerprints": hindsight_engine::fingerprint::VERSION,
        "findings": entries.iter().map(|e| json!({
            "path": e.path,
            "code": e.code,
            "fingerprint": e.fingerprint,
            "message": e.message,
        })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&document)?;
    text.push('\n');
    crate::write::atomic(path, &text)
}

/// The entry that records a finding.
pub(crate) fn entry(finding: &Finding) -> Entry {
    Entry {
        path: hindsight_engine::fingerprint::path_key(&finding.path),
        code: finding.code.to_string(),
        fingerprint: finding.fingerprint.clone(),
        message: finding.message.clone(),
    }
}

/// Findings a baseline records: every finding no suppression or waiver already covers, diagnostics about
/// hindsight's own inputs (`HS9xxx`) left out.
pub(crate) fn recordable(report: &Report) -> impl Iterator<Item = &Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none() && !f.code.starts_with("HS9"))
}

/// `check --baseline FILE`: marks the findings the baseline records as suppressed by it, and notes each entry
/// of a checked file that no longer matches a finding (`hindsight baseline prune` drops those). Returns the
/// summary's words.
pub(crate) fn apply(
    path: &Path,
    report: &mut Report,
    checked: &[&Path],
) -> anyhow::Result<Vec<Omitted>> {
    let entries = read(path)?;
    let known: BTreeSet<&str> = entries.iter().map(|e| e.fingerprint.as_str()).collect();
    let mut matched: BTreeSet<String> = BTreeSet::new();
    let mut n_baselined = 0;
    for finding in report.findings.iter_mut() {
        if known.contains(finding.fingerprint.as_str()) {
            matched.insert(finding.fingerprint.clone());
            if finding.suppressed.is_none() {
                n_baselined += 1;
                finding.suppressed = Some(Suppressed {
                    reason: format!("recorded in the baseline {}", path.display()),
                    line: 0,
                    kind: SuppressionKind::Baseline,
                });
            }
        }
    }
    let checked: BTreeSet<String> = checked
        .iter()
        .map(|p| hindsight_engine::fingerprint::path_key(p))
        .collect();
    let mut n_stale = 0;
    for entry in &entries {
        if checked.contains(&entry.path) && !matched.contains(&entry.fingerprint) {
            n_stale += 1;
            report.notes.push(Note {
                path: path.to_path_buf(),
                kind: NoteKind::Review(format!(
                    "baseline entry {} {} at {} no longer matches a finding: `hindsight baseline prune` drops it",
                    entry.code, entry.fingerprint, entry.path
                )),
            });
        }
    }
    Ok(vec![
        Omitted::new(
            "baselined",
            n_baselined,
            format!("{n_baselined} in the baseline not shown"),
        ),
        Omitted::new(
            "stale_baseline_entries",
            n_stale,
            format!("{n_stale} baseline entries no longer match"),
        ),
    ])
}
