//! `hindsight schema`: the JSON Schema of rule files and incident records.

use std::io::Write as _;

use crate::Outcome;
use crate::args::{SchemaArgs, SchemaKind};

pub(crate) fn run(args: &SchemaArgs) -> anyhow::Result<Outcome> {
    let schema = match args.kind {
        SchemaKind::Rule => hindsight_engine::rule::schema::rule_schema(),
        SchemaKind::Incident => hindsight_engine::rule::schema::incident_schema(),
    };
    std::io::stdout().lock().write_all(schema.as_bytes())?;
    Ok(Outcome::Clean)
}
