//! `hindsight merge REPORT…`: the reports of several `hindsight check` runs (the shards of a CI matrix) as
//! one. JSON reports (`--format json`) become one JSON report; SARIF logs become one log with one run.
//!
//! Shards check disjoint files, so their findings are concatenated; what every shard reports about the run
//! as a whole (a broken rule file, an expired waiver) is kept once. A waiver is unused (`HS9007`) only when
//! no shard used it, so that finding is kept only when every report has it.

use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde_json::{Map, Value, json};

use crate::Outcome;
use crate::args::MergeArgs;

/// The code of an unused waiver: a fact about all shards together.
const UNUSED_WAIVER: &str = hindsight_engine::rule::codes::UNUSED_WAIVER;

pub(crate) fn run(args: &MergeArgs) -> anyhow::Result<Outcome> {
    let mut reports = Vec::new();
    for path in &args.reports {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let value: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a JSON or SARIF report", path.display()))?;
        reports.push((path.clone(), value));
    }
    let merged = if reports.iter().all(|(_, r)| is_sarif(r)) {
        merge_sarif(&reports)?
    } else if reports.iter().all(|(_, r)| r.get("findings").is_some()) {
        merge_json(&reports)?
    } else {
        bail!(
            "the reports are not all `hindsight check --format json` or all SARIF; merge one format at a time"
        );
    };
    let mut text = serde_json::to_string_pretty(&merged)?;
    text.push('\n');
    match &args.output {
        Some(path) => crate::write::atomic(path, text)?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(Outcome::Clean)
}

fn is_sarif(report: &Value) -> bool {
    report.get("runs").is_some_and(Value::is_array)
}

/// The items of every report's list, each once, in first-seen order; an unused-waiver finding (its code by
/// `code_of`) only when every report has it.
fn union(reports: &[&Vec<Value>], code_of: fn(&Value) -> Option<&str>) -> Vec<Value> {
    let texts: Vec<HashSet<String>> = reports
        .iter()
        .map(|items| items.iter().map(Value::to_string).collect())
        .collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for items in reports {
        for item in *items {
            let text = item.to_string();
            if code_of(item) == Some(UNUSED_WAIVER) && !texts.iter().all(|t| t.contains(&text)) {
                continue;
            }
            if seen.insert(text) {
                out.push(item.clone());
            }
        }
    }
    out
}

fn array<'a>(value: &'a Value, field: &str, path: &Path) -> anyhow::Result<&'a Vec<Value>> {
    value
        .get(field)
        .and_then(Value::as_array)
        .with_context(|| format!("{}: `{field}` is not a list", path.display()))
}

/// A JSON finding's code.
fn code(finding: &Value) -> Option<&str> {
    finding.get("code").and_then(Value::as_str)
}

/// Notes, errors and notifications are kept once each, whatever they say.
fn no_code(_: &Value) -> Option<&str> {
    None
}

/// A SARIF result's rule.
fn rule_id(result: &Value) -> Option<&str> {
    result.get("ruleId").and_then(Value::as_str)
}

fn merge_json(reports: &[(PathBuf, Value)]) -> anyhow::Result<Value> {
    for (path, report) in reports {
        let version = report.get("version").and_then(Value::as_u64);
        if version != Some(u64::from(crate::printer::json::WIRE_VERSION)) {
            bail!(
                "{}: JSON report version {version:?}, this hindsight merges version {}",
                path.display(),
                crate::printer::json::WIRE_VERSION
            );
        }
    }
    let lists = |field: &str| -> anyhow::Result<Vec<&Vec<Value>>> {
        reports.iter().map(|(p, r)| array(r, field, p)).collect()
    };
    let mut findings = union(&lists("findings")?, code);
    findings.sort_by_key(|f| {
        let n = |a: &str, b: &str| f[a][b].as_u64().unwrap_or(0);
        (
            f["path"].as_str().unwrap_or("").to_string(),
            n("start", "line"),
            n("start", "column"),
            code(f).unwrap_or("").to_string(),
        )
    });
    let notes = union(&lists("notes")?, no_code);
    let errors = union(&lists("errors")?, no_code);
    let summary = merged_summary(reports, &findings);
    Ok(json!({
        "version": crate::printer::json::WIRE_VERSION,
        "tool": reports[0].1["tool"],
        "findings": findings,
        "notes": notes,
        "errors": errors,
        "summary": summary,
    }))
}

/// The summary of the merged findings, counted as one run counts them; files and bytes are summed, the wall
/// time is the longest shard's.
fn merged_summary(reports: &[(PathBuf, Value)], findings: &[Value]) -> Value {
    let mut severities: BTreeMap<&str, u64> = BTreeMap::new();
    let mut stages: BTreeMap<&str, u64> = BTreeMap::new();
    let mut suppressed = 0;
    for finding in findings {
        if !finding["suppressed"].is_null() {
            suppressed += 1;
            continue;
        }
        let stage = finding["stage"].as_str().unwrap_or("enforce");
        *stages.entry(stage).or_default() += 1;
        if stage != "shadow" {
            *severities
                .entry(finding["severity"].as_str().unwrap_or(""))
                .or_default() += 1;
        }
    }
    let summaries: Vec<&Map<String, Value>> = reports
        .iter()
        .filter_map(|(_, r)| r.get("summary").and_then(Value::as_object))
        .collect();
    let sum = |key: &str| -> u64 {
        summaries
            .iter()
            .filter_map(|s| s.get(key).and_then(Value::as_u64))
            .sum()
    };
    let max = |key: &str| -> u64 {
        summaries
            .iter()
            .filter_map(|s| s.get(key).and_then(Value::as_u64))
            .max()
            .unwrap_or(0)
    };
    let count = |map: &BTreeMap<&str, u64>, key: &str| map.get(key).copied().unwrap_or(0);
    let mut summary = json!({
        "files_checked": sum("files_checked"),
        "bytes_checked": sum("bytes_checked"),
        "rules": max("rules"),
        "errors": count(&severities, "error"),
        "warnings": count(&severities, "warning"),
        "infos": count(&severities, "info"),
        "suppressed": suppressed,
        "stages": {
            "enforce": count(&stages, "enforce"),
            "warn": count(&stages, "warn"),
            "shadow": count(&stages, "shadow"),
        },
        "fixed": sum("fixed"),
        "elapsed_ms": max("elapsed_ms"),
    });
    // What git and baseline modes left out, summed (present only when some report has them).
    let known: HashSet<&str> = summary
        .as_object()
        .map(|s| s.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let extra: Vec<String> = summaries
        .iter()
        .flat_map(|s| s.keys())
        .filter(|k| !known.contains(k.as_str()))
        .cloned()
        .collect();
    if let Some(object) = summary.as_object_mut() {
        for key in extra {
            let total = sum(&key);
            object.insert(key, json!(total));
        }
    }
    summary
}

fn merge_sarif(reports: &[(PathBuf, Value)]) -> anyhow::Result<Value> {
    let mut runs = Vec::new();
    for (path, report) in reports {
        let list = array(report, "runs", path)?;
        match list.as_slice() {
            [run] => runs.push((path, run)),
            _ => bail!(
                "{}: a SARIF log of hindsight has one run; this one has {}",
                path.display(),
                list.len()
            ),
        }
    }
    // One rule list, by id; each result's `ruleIndex` points into it again.
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
    for (_, run) in &runs {
        for rule in run["tool"]["driver"]["rules"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(id) = rule["id"].as_str() {
                rules.entry(id.to_string()).or_insert_with(|| rule.clone());
            }
        }
    }
    let index: BTreeMap<&str, usize> = rules
        .keys()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let result_lists: Vec<Vec<Value>> = runs
        .iter()
        .map(|(_, run)| {
            run["results"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|result| {
                    let mut result = result.clone();
                    let position = result["ruleId"]
                        .as_str()
                        .and_then(|id| index.get(id).copied());
                    if let (Some(object), Some(position)) = (result.as_object_mut(), position) {
                        object.insert("ruleIndex".into(), json!(position));
                    }
                    result
                })
                .collect()
        })
        .collect();
    let refs: Vec<&Vec<Value>> = result_lists.iter().collect();
    let mut results = union(&refs, rule_id);
    results.sort_by_key(|r| {
        let location = &r["locations"][0]["physicalLocation"];
        (
            location["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            location["region"]["startLine"].as_u64().unwrap_or(0),
            location["region"]["startColumn"].as_u64().unwrap_or(0),
            r["ruleId"].as_str().unwrap_or("").to_string(),
        )
    });
    let notification_lists: Vec<Vec<Value>> = runs
        .iter()
        .map(|(_, run)| {
            run["invocations"][0]["toolExecutionNotifications"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    let refs: Vec<&Vec<Value>> = notification_lists.iter().collect();
    let notifications = union(&refs, no_code);
    let successful = runs
        .iter()
        .all(|(_, run)| run["invocations"][0]["executionSuccessful"] != json!(false));
    let mut invocation = json!({ "executionSuccessful": successful });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = json!(notifications);
    }
    let mut run = runs[0].1.clone();
    run["tool"]["driver"]["rules"] = json!(rules.into_values().collect::<Vec<_>>());
    run["invocations"] = json!([invocation]);
    run["results"] = json!(results);
    let mut log = reports[0].1.clone();
    log["runs"] = json!([run]);
    Ok(log)
}
