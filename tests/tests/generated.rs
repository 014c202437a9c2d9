//! Generated files are committed and must be fresh. A stale file is rewritten and the test fails, so running
//! the tests once more (and committing) fixes it.

use std::path::Path;

fn ensure_file_contents(relative: &str, contents: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current == contents {
        return;
    }
    std::fs::write(&path, contents).unwrap();
    panic!("{relative} was stale and has been regenerated; run the tests again and commit it");
}

#[test]
fn rule_schema_is_fresh() {
    ensure_file_contents(
        "schemas/rule.schema.json",
        &hindsight_engine::rule::schema::rule_schema(),
    );
}

#[test]
fn incident_schema_is_fresh() {
    ensure_file_contents(
        "schemas/incident.schema.json",
        &hindsight_engine::rule::schema::incident_schema(),
    );
}
