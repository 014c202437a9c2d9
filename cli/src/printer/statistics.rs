//! `check --statistics`: how many findings each rule gave, most first (Ruff's `--statistics`), as a table or,
//! with `--format json`, a JSON array. A view of the report model: it counts the findings the formats for
//! people show (unsuppressed, not in shadow), after git and baseline filters.

use std::collections::BTreeMap;
use std::io::Write;

use hindsight_engine::Severity;

use crate::printer::{Format, human, json, shown};
use crate::report::Run;

/// One row: a rule and how many findings it gave.
struct Row<'a> {
    count: usize,
    code: &'a str,
    id: &'a str,
    severity: Severity,
    title: &'a str,
}

/// `--statistics` is a table or JSON; another `--format` is a usage error, told before the check runs.
pub(crate) fn check_format(format: Format) -> anyhow::Result<()> {
    if format == human::FORMAT || format == json::FORMAT {
        Ok(())
    } else {
        anyhow::bail!(
            "--statistics prints a table, or JSON with --format json; not --format {} (write that format with --output {}=PATH)",
            format.name,
            format.name
        )
    }
}

/// The rows of a run, by count (most first), then code.
fn rows<'a>(run: &'a Run<'_>) -> Vec<Row<'a>> {
    let mut by_code: BTreeMap<&str, Row<'a>> = BTreeMap::new();
    for finding in run.report.findings.iter().filter(|f| shown(f)) {
        let row = by_code.entry(&finding.code).or_insert_with(|| Row {
            count: 0,
            code: &finding.code,
            id: &finding.rule_id,
            severity: finding.severity,
            title: run
                .rules
                .rule(&finding.code)
                .map_or(&*finding.rule_id, |rule| rule.title.as_str()),
        });
        row.count += 1;
        // Rollout and path-scoped settings can differ within a rule: show the highest.
        row.severity = row.severity.max(finding.severity);
    }
    let mut rows: Vec<Row<'a>> = by_code.into_values().collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    rows
}

/// Prints the statistics of `run` as a table, or as JSON when `format` is `json`.
pub(crate) fn print(out: &mut dyn Write, run: &Run<'_>, format: Format) -> std::io::Result<()> {
    let rows = rows(run);
    if format == json::FORMAT {
        let array: Vec<serde_json::Value> = rows
            .iter()
            .map(|row| {
                serde_json::json!({
                    "count": row.count,
                    "code": row.code,
                    "id": row.id,
                    "severity": row.severity.as_str(),
                    "title": row.title,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &array)?;
        return writeln!(out);
    }
    let count_width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(0);
    let code_width = rows.iter().map(|r| r.code.len()).max().unwrap_or(0);
    let severity_width = rows
        .iter()
        .map(|r| r.severity.as_str().len())
        .max()
        .unwrap_or(0);
    for row in &rows {
        writeln!(
            out,
            "{:>count_width$}  {:<code_width$}  {:<severity_width$}  {}",
            row.count,
            row.code,
            row.severity.as_str(),
            row.title
        )?;
    }
    Ok(())
}
