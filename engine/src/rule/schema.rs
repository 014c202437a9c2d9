//! JSON Schemas of the rule file format ([`crate::rule::raw::RawRule`]) and the incident record format
//! ([`crate::codex::incidents::RawIncidentRecord`]).

/// The schema as pretty-printed JSON, ending in a newline. Committed as `schemas/rule.schema.json`.
pub fn rule_schema() -> String {
    let schema = schemars::schema_for!(crate::rule::raw::RawRule);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The incident record schema, committed as `schemas/incident.schema.json`.
pub fn incident_schema() -> String {
    let schema = schemars::schema_for!(crate::codex::incidents::RawIncidentRecord);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
