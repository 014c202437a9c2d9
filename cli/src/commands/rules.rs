//! `hindsight rules`: the loaded rules, one line each.

use std::io::Write as _;

use crate::Outcome;
use crate::args::{ListFormat, RulesArgs};
use crate::printer::json;

pub(crate) fn run(args: &RulesArgs) -> anyhow::Result<Outcome> {
    let setup = crate::setup::load(&args.pack, std::path::Path::new("."))?;
    let mut rules: Vec<_> = setup.pack.rules().iter().collect();
    rules.sort_by(|a, b| a.code.cmp(&b.code));
    let mut stdout = std::io::stdout().lock();
    match args.format {
        ListFormat::Human => {
            use hindsight_engine::rule::Enforcement;
            let rows: Vec<[String; 6]> = rules
                .iter()
                .map(|rule| {
                    let inputs = rule.input_names();
                    let language = match rule.enforcement {
                        Enforcement::Review => "review".to_string(),
                        _ if inputs.is_empty() => "-".to_string(),
                        _ => inputs.join(","),
                    };
                    let stage = stage_cell(rule, &setup.config);
                    [
                        rule.code.to_string(),
                        rule.id.to_string(),
                        rule.severity.as_str().to_string(),
                        language,
                        stage,
                        rule.title.clone(),
                    ]
                })
                .collect();
            let header = ["CODE", "ID", "SEVERITY", "LANGUAGE", "STAGE", "TITLE"].map(String::from);
            // Columns as wide as their widest cell, so long ids and language lists stay aligned.
            let widths: Vec<usize> = (0..5)
                .map(|i| {
                    rows.iter()
                        .chain([&header])
                        .map(|r| r[i].len())
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            for row in [&header].into_iter().chain(&rows) {
                let mut line = String::new();
                for (cell, width) in row.iter().zip(&widths) {
                    line.push_str(&format!("{cell:<width$} "));
                }
                line.push_str(&row[5]);
                writeln!(stdout, "{line}")?;
            }
            let automated = rules.iter().filter(|r| r.is_automated()).count();
            let review = rules
                .iter()
                .filter(|r| r.enforcement == hindsight_engine::rule::Enforcement::Review)
                .count();
            writeln!(
                stdout,
                "\n{automated} automated rules, {review} review-only lessons, {} tool diagnostics",
                rules.len() - automated - review
            )?;
        }
        ListFormat::Json => {
            let list: Vec<_> = rules
                .iter()
                .map(|rule| {
                    let mut summary = json::rule_summary(rule);
                    // `stage` is the rule file's; `configured` is what this repository's configuration
                    // makes of it (absent for review-only lessons and tool diagnostics).
                    if rule.is_automated() {
                        let (stage, scopes) = setup.config.configured_stage(rule);
                        summary["configured"] = serde_json::json!({
                            "enabled": setup.config.is_enabled(rule),
                            "stage": stage.as_str(),
                            "path_scopes": scopes,
                        });
                    }
                    summary
                })
                .collect();
            serde_json::to_writer_pretty(&mut stdout, &list)?;
            writeln!(stdout)?;
        }
    }
    crate::setup::finish_report(&setup.pack)
}

/// The STAGE column: the stage this repository's configuration gives the rule, with its path scopes and its
/// forms in other stages.
fn stage_cell(rule: &hindsight_engine::Rule, config: &hindsight_engine::Config) -> String {
    use hindsight_engine::rule::Enforcement;
    // A review-only lesson has no rollout: nothing runs it. Otherwise the stage this
    // repository's `hindsight.toml` gives the rule (its `[[rollout]]` entries and their dates),
    // and how many path scopes differ.
    if rule.enforcement == Enforcement::Review {
        "-".to_string()
    } else if rule.is_automated() && !config.is_enabled(rule) {
        "off".to_string()
    } else {
        let (stage, scopes) = config.configured_stage(rule);
        let mut text = match scopes {
            0 => stage.as_str().to_string(),
            1 => format!("{} +1 path scope", stage.as_str()),
            n => format!("{} +{n} path scopes", stage.as_str()),
        };
        // Forms in other languages that declare a stage of their own, unless the
        // configuration sets the rule's stage for them all.
        let own: Vec<&str> = rule
            .forms
            .iter()
            .filter_map(|f| f.stage.filter(|s| *s != stage))
            .map(|s| s.as_str())
            .collect();
        if scopes == 0 && stage == rule.stage && !own.is_empty() {
            let plural = if own.len() == 1 { "" } else { "s" };
            let which = if own.iter().all(|s| *s == own[0]) {
                own[0]
            } else {
                "staged"
            };
            text.push_str(&format!(" ({} form{plural} {which})", own.len()));
        }
        text
    }
}
