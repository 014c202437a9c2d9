//! `hindsight explain CODE|ID`: a rule's documentation, rendered by the engine's one Markdown renderer.

use std::io::Write as _;

use anyhow::bail;

use crate::Outcome;
use crate::args::{ExplainArgs, ListFormat};
use crate::printer::json;

pub(crate) fn run(args: &ExplainArgs) -> anyhow::Result<Outcome> {
    let setup = crate::setup::load(&args.pack, std::path::Path::new("."))?;
    let Some(rule) = setup.pack.get(&args.rule) else {
        let mut codes: Vec<&str> = setup.pack.rules().iter().map(|r| &*r.code).collect();
        codes.sort_unstable();
        bail!(
            "no rule has the code or id `{}`; known codes: {}",
            args.rule,
            codes.join(", ")
        );
    };
    let mut stdout = std::io::stdout().lock();
    match args.format {
        ListFormat::Human => {
            stdout.write_all(hindsight_engine::codex::docs::render_markdown(rule).as_bytes())?
        }
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, &json::rule_explanation(rule))?;
            writeln!(stdout)?;
        }
    }
    Ok(Outcome::Clean)
}
