//! A unified diff given as text (`git diff` output, a pull request's patch): the files it changes and the lines
//! it adds, read by libgit2's patch parser, so that a change can be checked without a repository holding it.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use git2::Delta;

use crate::{ChangedFile, GitError, record_lines};

/// The files a unified diff changes (new paths, as the diff names them without `a/`/`b/`), with the lines it
/// adds and the suppressions it adds or removes. Deleted files are left out: there is nothing left to check.
pub fn patch_changes(patch: &str) -> Result<Vec<ChangedFile>, GitError> {
    let diff = git2::Diff::from_buffer(patch.as_bytes())?;
    let mut files: Vec<ChangedFile> = diff
        .deltas()
        .filter(|delta| delta.status() != Delta::Deleted)
        .filter_map(|delta| {
            let path = delta.new_file().path()?.to_path_buf();
            Some(ChangedFile {
                old_path: delta
                    .old_file()
                    .path()
                    .filter(|old| *old != path)
                    .map(std::path::Path::to_path_buf),
                path,
                added: delta.status() == Delta::Added,
                blob: None,
                binary: delta.flags().is_binary(),
                lines: BTreeSet::new(),
                added_suppressions: Vec::new(),
                removed_suppressions: Vec::new(),
            })
        })
        .collect();
    record_lines(&diff, &mut files)?;
    Ok(files)
}

/// The lines a unified diff adds, per file (new path), joined with newlines: the only text a patch holds of a
/// file that is not on disk, so that content prefilters of lessons can still match it.
pub fn patch_added_text(patch: &str) -> Result<HashMap<PathBuf, String>, GitError> {
    let diff = git2::Diff::from_buffer(patch.as_bytes())?;
    let mut texts: HashMap<PathBuf, String> = HashMap::new();
    diff.foreach(
        &mut |_delta, _progress| true,
        None,
        None,
        Some(&mut |delta, _hunk, line| {
            if line.origin() == '+'
                && let Some(path) = delta.new_file().path()
            {
                texts
                    .entry(path.to_path_buf())
                    .or_default()
                    .push_str(&String::from_utf8_lossy(line.content()));
            }
            true
        }),
    )?;
    Ok(texts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn a_patch_names_its_files_and_added_lines() {
        let patch = "\
diff --git a/src/lib.rs b/src/lib.rs
index 1111111..2222222 100644
--- a/src/lib.rs
+++ b/src/lib.rs
@@ -1,3 +1,4 @@
 fn a() {}
-fn b() {}
+fn b() { x.unwrap(); }
+// hindsight-allow(HS1001): the value was checked above
 fn c() {}
diff --git a/gone.yaml b/gone.yaml
deleted file mode 100644
index 3333333..0000000
--- a/gone.yaml
+++ /dev/null
@@ -1 +0,0 @@
-kind: Pod
diff --git a/new.yaml b/new.yaml
new file mode 100644
index 0000000..4444444
--- /dev/null
+++ b/new.yaml
@@ -0,0 +1,2 @@
+kind: Pod
+metadata: {}
";
        let files = patch_changes(patch).unwrap();
        let summary: Vec<(String, bool, Vec<usize>)> = files
            .iter()
            .map(|f| {
                (
                    f.path.display().to_string(),
                    f.added,
                    f.lines.iter().copied().collect(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("src/lib.rs".into(), false, vec![2, 3]),
                ("new.yaml".into(), true, vec![1, 2]),
            ]
        );
        assert_eq!(files[0].added_suppressions.len(), 1);
    }

    #[test]
    fn a_patch_gives_the_text_of_its_added_lines() {
        let patch = "diff --git a/new.rs b/new.rs\nnew file mode 100644\n--- /dev/null\n+++ b/new.rs\n@@ -0,0 +1,2 @@\n+fn a() {}\n+fn b() {}\ndiff --git a/old.rs b/old.rs\n--- a/old.rs\n+++ b/old.rs\n@@ -1,2 +1,2 @@\n keep\n-gone\n+added\n";
        let texts = patch_added_text(patch).unwrap();
        assert_eq!(texts[Path::new("new.rs")], "fn a() {}\nfn b() {}\n");
        assert_eq!(texts[Path::new("old.rs")], "added\n");
        assert_eq!(texts.len(), 2);
    }

    #[test]
    fn text_that_is_not_a_patch_is_an_error() {
        let err = patch_changes("this is not a diff\n").unwrap_err();
        assert!(err.to_string().contains("no patch found"), "{err}");
    }
}
