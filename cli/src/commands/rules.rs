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
            writeln!(
                stdout,
                "{:<8} {:<32} {:<8} {:<8} {:<8} TITLE",
                "CODE", "ID", "SEVERITY", "LANGUAGE", "STAGE"
            )?;
            for rule in &rules {
                let formats: Vec<&str> = rule.formats.iter().map(|f| f.name()).collect();
                let language = match (rule.enforcement, rule.language) {
                    (hindsight_engine::rule::Enforcement::Review, _) => "review".to_string(),
                    (_, Some(lang)) if !formats.is_empty() => {
                        format!("{},{}", lang.name(), formats.join(","))
                    }
                    (_, Some(lang)) => lang.name().to_string(),
                    (_, None) if !formats.is_empty() => formats.join(","),
                    _ => "-".to_string(),
                };
                writeln!(
                    stdout,
                    "{:<8} {:<32} {:<8} {:<10} {:<8} {}",
                    rule.code,
                    rule.id,
                    rule.severity.as_str(),
                    language,
                    rule.stage.as_str(),
                    rule.title
                )?;
            }
        }
        ListFormat::Json => {
            let list: Vec<_> = rules.iter().map(|rule| json::rule_summary(rule)).collect();
            serde_json::to_writer_pretty(&mut stdout, &list)?;
            writeln!(stdout)?;
        }
    }
    for problem in setup.pack.problems() {
        writeln!(
            std::io::stderr(),
            "error[HS9003]: {}:{}:{}: {}",
            problem.path,
            problem.line,
            problem.column,
            problem.message
        )?;
    }
    Ok(if setup.pack.problems().is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
