//! `hindsight schema`: the JSON Schema of rule files.

use std::io::Write as _;

use crate::Outcome;

pub(crate) fn run() -> anyhow::Result<Outcome> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(hindsight_engine::schema::rule_schema().as_bytes())?;
    Ok(Outcome::Clean)
}
