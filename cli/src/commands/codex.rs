//! `hindsight codex export`: every lesson as a compact digest.

use std::io::Write as _;

use hindsight_engine::codex::docs;

use crate::Outcome;
use crate::args::{CodexCommand, CodexExportArgs, ExportFormat};

pub(crate) fn run(command: &CodexCommand) -> anyhow::Result<Outcome> {
    match command {
        CodexCommand::Export(args) => export(args),
    }
}

fn export(args: &CodexExportArgs) -> anyhow::Result<Outcome> {
    let setup = crate::setup::load(&args.pack, std::path::Path::new("."))?;
    let text = match args.format {
        ExportFormat::Markdown => docs::render_codex(&setup.pack),
        ExportFormat::Json => {
            let lessons: Vec<serde_json::Value> = docs::codex_lessons(&setup.pack)
                .into_iter()
                .map(|((_, category), rule)| {
                    let mut summary = crate::printer::json::rule_summary(rule);
                    if let Some(object) = summary.as_object_mut() {
                        object.insert("category".into(), category.into());
                        object.insert("why".into(), docs::first_sentence(&rule.docs.why).into());
                        object.insert("what".into(), docs::first_sentence(&rule.docs.what).into());
                        object.insert("incidents".into(), crate::printer::json::incidents(rule));
                    }
                    summary
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&lessons)?;
            text.push('\n');
            text
        }
    };
    match &args.output {
        Some(path) => crate::write::atomic(path, text)?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    crate::setup::finish_report(&setup.pack)
}
