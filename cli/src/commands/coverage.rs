//! `hindsight coverage`: which action items of the incident registry are enforced automatically, which are
//! left to review, and which are open.

use std::collections::HashMap;
use std::io::Write as _;

use hindsight_engine::codex::coverage::{self, CoverageReport};
use hindsight_engine::codex::testing::check_rule;
use hindsight_engine::{Checker, Config};

use crate::Outcome;
use crate::args::{CoverageArgs, DocFormat};

pub(crate) fn run(args: &CoverageArgs) -> anyhow::Result<Outcome> {
    let setup = crate::setup::load(&args.pack, std::path::Path::new("."))?;
    for id in &args.incident {
        if setup.pack.incident(id).is_none() {
            anyhow::bail!(
                "no incident `{id}` in the registry; `hindsight coverage` lists them all"
            );
        }
    }
    let mut report = build(&setup.pack, &setup.config);
    if !args.incident.is_empty() {
        report.incidents.retain(|i| args.incident.contains(&i.id));
        report.totals = report
            .incidents
            .iter()
            .fold(coverage::Totals::default(), |sum, i| sum.plus(&i.totals));
    }
    let mut stdout = std::io::stdout().lock();
    match args.format {
        DocFormat::Human => stdout.write_all(coverage::render_text(&report).as_bytes())?,
        DocFormat::Markdown => {
            stdout.write_all(coverage::render_markdown(&report, &|_| None, &|_| None).as_bytes())?
        }
        DocFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, &report)?;
            writeln!(stdout)?;
        }
    }
    crate::setup::finish_report(&setup.pack)
}

/// The report for a loaded pack: runs every automated rule's tests (under the default configuration, as
/// `hindsight test` does) and judges each action item under `config`.
pub(crate) fn build(
    pack: &std::sync::Arc<hindsight_engine::RulePack>,
    config: &Config,
) -> CoverageReport {
    let checker = Checker::new(pack.clone(), &Config::default());
    let tests: HashMap<String, _> = pack
        .rules()
        .iter()
        .filter(|r| r.is_automated())
        .map(|rule| (rule.code.to_string(), check_rule(&checker, rule, None)))
        .collect();
    coverage::report(pack, config, &tests)
}
