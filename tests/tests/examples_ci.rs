//! The CI examples in `examples/ci/` stay safe to copy: every action pinned to a commit, least privilege.

use std::path::Path;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/ci")
        .join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

#[test]
fn github_workflow_pins_every_action_to_a_commit_with_its_version() {
    let workflow = read("github-workflow.yml");
    let mut n_uses = 0;
    for line in workflow
        .lines()
        .filter(|l| l.trim_start().starts_with("- uses:") || l.trim_start().starts_with("uses:"))
    {
        n_uses += 1;
        let reference = line.split("uses:").nth(1).unwrap().trim();
        let (action, rest) = reference
            .split_once('@')
            .unwrap_or_else(|| panic!("unpinned: {line}"));
        let (sha, comment) = rest
            .split_once(" # ")
            .unwrap_or_else(|| panic!("no version comment: {line}"));
        assert!(action.contains('/'), "{line}");
        assert!(
            sha.len() == 40
                && sha
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "not a full commit SHA: {line}"
        );
        assert!(
            comment.starts_with('v'),
            "the comment names the release: {line}"
        );
    }
    assert!(n_uses >= 2, "checkout and upload-sarif");
    assert!(workflow.contains("github/codeql-action/upload-sarif@"));
    // Top-level permissions, granting nothing; the job asks for what it needs.
    assert!(
        workflow.lines().any(|l| l == "permissions: {}"),
        "top-level permissions"
    );
    assert!(workflow.contains("security-events: write"));
    assert!(workflow.contains("--format github") && workflow.contains("--output sarif="));
    assert!(!workflow.contains("TODO"), "no TODO left");
    // Pull requests are judged by the base branch's rules, on what they add.
    assert!(workflow.contains("--rules-from \"origin/$BASE_REF\""));
    assert!(workflow.contains("--new-only \"origin/$BASE_REF\""));
    assert!(workflow.contains("fetch-depth: 0"));
    // The base ref reaches the script through the environment, never spliced into it.
    assert!(!workflow.contains("run: hindsight check . --rules-from ${{"));
}

#[test]
fn gitlab_job_uploads_the_code_quality_report() {
    let job = read("gitlab-ci.yml");
    assert!(job.contains("--output gitlab=gl-code-quality-report.json"));
    assert!(job.contains("codequality: gl-code-quality-report.json"));
    assert!(!job.contains("TODO"), "no TODO left");
    assert!(job.contains("--rules-from \"$base\" --new-only \"$base\""));
}

#[test]
fn the_review_comment_workflow_is_pinned_least_privilege_and_updates_one_comment() {
    let workflow = read("github-review-comment.yml");
    for line in workflow.lines().filter(|l| l.contains("uses:")) {
        let reference = line.split("uses:").nth(1).unwrap().trim();
        let (_, rest) = reference
            .split_once('@')
            .unwrap_or_else(|| panic!("unpinned: {line}"));
        let sha = rest.split(' ').next().unwrap();
        assert_eq!(sha.len(), 40, "not a full commit SHA: {line}");
    }
    assert!(workflow.lines().any(|l| l == "permissions: {}"));
    assert!(workflow.contains("pull-requests: write"));
    assert!(
        !workflow
            .lines()
            .any(|l| l.trim_start().starts_with("pull_request_target"))
    );
    // The base ref and the token reach the scripts through the environment, never spliced into them.
    assert!(workflow.contains("hindsight review --diff \"origin/$BASE_REF\""));
    assert!(!workflow.contains("run: hindsight review --diff ${{"));
    // The marker `hindsight review` writes is the one the step looks for.
    assert!(workflow.contains("startswith(\"<!-- hindsight-review -->\")"));
    let note = read("gitlab-review-note.yml");
    assert!(note.contains("startswith(\"<!-- hindsight-review -->\")"));
    assert!(note.contains("hindsight review --diff \"$base\" --rules-from \"$base\""));
}

#[test]
fn sharded_jobs_split_the_files_keep_the_cache_and_merge() {
    let workflow = read("github-sharded.yml");
    let uses: Vec<&str> = workflow
        .lines()
        .filter_map(|l| l.split_once("uses: ").map(|(_, r)| r.trim()))
        .collect();
    assert!(
        uses.len() >= 6,
        "checkout, cache, artifacts, upload-sarif: {uses:?}"
    );
    for reference in &uses {
        // `owner/action@<40 hex> # vX.Y.Z`, as in github-workflow.yml.
        let (_, rest) = reference
            .split_once('@')
            .unwrap_or_else(|| panic!("unpinned: {reference}"));
        let (sha, version) = rest
            .split_once(" # ")
            .unwrap_or_else(|| panic!("no version: {reference}"));
        assert!(
            sha.len() == 40
                && sha
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "{reference}"
        );
        assert!(version.starts_with('v'), "{reference}");
    }
    assert!(workflow.lines().any(|l| l == "permissions: {}"));
    assert!(workflow.contains("--shard \"$SHARD/4\""));
    assert!(workflow.contains("shard: [1, 2, 3, 4]"));
    assert!(workflow.contains("path: .hindsight-cache"));
    assert!(workflow.contains("hindsight merge hindsight-*.sarif --output hindsight.sarif"));
    let job = read("gitlab-sharded.yml");
    assert!(job.contains("parallel: 4"));
    assert!(job.contains("--shard \"$CI_NODE_INDEX/$CI_NODE_TOTAL\""));
    assert!(job.contains("- .hindsight-cache/"));
    assert!(job.contains("hindsight merge hindsight-*.json --output hindsight.json"));
}
