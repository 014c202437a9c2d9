//! JSON Schema of the rule file format, generated from [`crate::rule::raw::RawRule`].

/// The schema as pretty-printed JSON, ending in a newline. Committed as `schemas/rule.schema.json`.
pub fn rule_schema() -> String {
    let schema = schemars::schema_for!(crate::rule::raw::RawRule);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
