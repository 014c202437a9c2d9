use std::collections::BTreeSet;
use std::path::PathBuf;

use super::*;

fn changed_file() -> ChangedFile {
    ChangedFile {
        path: PathBuf::from("src/lib.rs"),
        old_path: None,
        added: false,
        blob: None,
        binary: false,
        lines: BTreeSet::new(),
        added_suppressions: Vec::new(),
        removed_suppressions: Vec::new(),
    }
}

#[test]
fn added_lines_are_changed_and_suppressions_among_them_recorded() {
    let mut file = changed_file();
    file.record_added(3, "    let x = 1;\n");
    file.record_added(7, "    // hindsight-allow(HS1001): checked above\n");
    assert_eq!(file.lines, BTreeSet::from([3, 7]));
    assert_eq!(
        file.added_suppressions,
        [(7, "// hindsight-allow(HS1001): checked above".to_string())]
    );
    assert!(file.removed_suppressions.is_empty());
}

#[test]
fn removed_lines_count_only_as_removed_suppressions() {
    let mut file = changed_file();
    file.record_removed(2, "    x.unwrap();\n");
    file.record_removed(5, "// hindsight-allow(HS1002): until the parser is done\n");
    assert!(
        file.lines.is_empty(),
        "removed lines are not in the new file"
    );
    assert!(file.added_suppressions.is_empty());
    assert_eq!(
        file.removed_suppressions,
        [(
            5,
            "// hindsight-allow(HS1002): until the parser is done".to_string()
        )]
    );
}
