//! Helm charts, Kustomize overlays and standard input, end to end.
//!
//! Rendering runs the user's tools from `PATH`, so each test sets `PATH` itself: a directory holding the real
//! helm (`HINDSIGHT_TEST_HELM`, installed by `scripts/install-helm.sh`, which `scripts/test` runs), a fake
//! `helm` that prints a recorded rendering of `examples/helm-chart` (`render/checkout.rendered.yaml`, made by
//! that real helm), one that hangs and one that fails; or nothing at all.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use insta::assert_snapshot;

use crate::{Project, Run, bin, builtin_pack_settings, json_of, repo_root};

/// Runs the binary in `dir` with `PATH` set to `path` only, and `stdin` piped in when given.
fn run_with(dir: &Path, path: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("HINDSIGHT_TODAY", "2026-06-01")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A directory for `PATH` holding one executable `name` with the given shell script body.
fn tool_dir(project: &Project, name: &str, body: &str) -> PathBuf {
    let dir = project.path().join(format!(".tools-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    let tool = dir.join(name);
    std::fs::write(&tool, format!("#!/bin/sh\n{body}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    // The fake tools are shell scripts: `sh`, `cat` and `sleep` must be found by their `#!` and `exec`.
    dir
}

/// `PATH` with the fake tool first and the system's directories after (for `sh`, `cat`, `sleep`).
fn path_with(dir: &Path) -> PathBuf {
    PathBuf::from(format!("{}:/usr/bin:/bin", dir.display()))
}

/// An empty directory for `PATH`: no helm, no kustomize, no kubectl.
fn no_tools(project: &Project) -> PathBuf {
    let dir = project.path().join(".no-tools");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The real helm's directory, or `None` with a message (a failure under CI, which must have it).
#[allow(
    clippy::print_stderr,
    reason = "the test log says which check did not run"
)]
fn real_helm() -> Option<PathBuf> {
    match std::env::var_os("HINDSIGHT_TEST_HELM") {
        Some(helm) => Some(PathBuf::from(helm).parent().unwrap().to_path_buf()),
        None if std::env::var_os("CI").is_some() => {
            panic!("CI runs scripts/test, which sets HINDSIGHT_TEST_HELM to a real helm")
        }
        None => {
            eprintln!(
                "no real helm (HINDSIGHT_TEST_HELM unset; `scripts/install-helm.sh` installs one): tested with \
                 the recorded rendering only"
            );
            None
        }
    }
}

/// A copy of `examples/helm-chart` in a project, at `chart/`.
fn chart_project() -> Project {
    let project = Project::new();
    let example = repo_root().join("examples/helm-chart");
    for file in [
        "Chart.yaml",
        "values.yaml",
        "templates/_helpers.tpl",
        "templates/deployment.yaml",
        "templates/hpa.yaml",
        "templates/service.yaml",
    ] {
        project.file(
            &format!("chart/{file}"),
            std::fs::read(example.join(file)).unwrap(),
        );
    }
    project
}

/// The recorded `helm template examples/helm-chart`.
fn recorded() -> String {
    std::fs::read_to_string(repo_root().join("cli/tests/cli/render/checkout.rendered.yaml"))
        .unwrap()
}

/// A fake helm printing the recorded rendering.
fn recorded_helm(project: &Project) -> PathBuf {
    let recording = repo_root().join("cli/tests/cli/render/checkout.rendered.yaml");
    path_with(&tool_dir(
        project,
        "helm",
        &format!("exec cat '{}'", recording.display()),
    ))
}

/// One line per finding (code, path:line:column, exact or approximate, message) and per note.
fn listing(run: &Run) -> String {
    let doc = json_of(run);
    let mut lines = Vec::new();
    for f in doc["findings"].as_array().unwrap() {
        lines.push(format!(
            "{} {}:{}:{} {} {}",
            f["code"].as_str().unwrap(),
            f["path"].as_str().unwrap(),
            f["start"]["line"],
            f["start"]["column"],
            f["rendered"]["line"].as_str().unwrap_or("-"),
            f["message"].as_str().unwrap(),
        ));
    }
    for note in doc["notes"].as_array().unwrap() {
        lines.push(format!(
            "note {} {}: {}",
            note["kind"].as_str().unwrap_or("?"),
            note["path"].as_str().unwrap(),
            note["message"].as_str().unwrap(),
        ));
    }
    lines.join("\n")
}

#[test]
fn a_recorded_rendering_is_reported_at_the_template_lines_in_every_format() {
    let project = chart_project();
    let path = recorded_helm(&project);
    let json = run_with(
        project.path(),
        &path,
        &["check", "chart", "--format", "json"],
        None,
    );
    assert_eq!(json.code, 1, "{}", json.stderr);
    assert_snapshot!(listing(&json), @r"
    HS2001 chart/templates/deployment.yaml:11:3 approximate Deployment `release-name-checkout` allows `maxUnavailable: 100%`: one rollout can take every pod down at once (approximate line: the helm output sets `spec.strategy.rollingUpdate.maxUnavailable`, which this file does not spell; it comes from a value or a helper)
    HS2005 chart/templates/hpa.yaml:6:1 exact HorizontalPodAutoscaler `release-name-checkout` does not limit how fast it scales down: a dip in load (or in the metric) can take it from 60 to 4 replicas in one 15-second period; add `behavior.scaleDown.policies` that remove a small share per period
    ");
    // The human output shows the template's own line.
    let human = run_with(project.path(), &path, &["check", "chart"], None);
    assert!(
        human
            .stdout
            .contains("--> chart/templates/deployment.yaml:11:3")
            && human.stdout.contains("11 |   strategy:"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("6 | spec:"), "{}", human.stdout);
    // SARIF: the template file and line, and how the line was found as a property.
    let sarif = run_with(
        project.path(),
        &path,
        &["check", "chart", "--format", "sarif"],
        None,
    );
    let doc: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let places: Vec<String> = results
        .iter()
        .map(|r| {
            let location = &r["locations"][0]["physicalLocation"];
            format!(
                "{}:{} {}",
                location["artifactLocation"]["uri"].as_str().unwrap(),
                location["region"]["startLine"],
                r["properties"]["rendered"]["line"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            "chart/templates/deployment.yaml:11 approximate",
            "chart/templates/hpa.yaml:6 exact"
        ]
    );
}

#[test]
fn without_helm_each_chart_gets_one_note_and_its_templates_stay_skipped() {
    let project = chart_project();
    project.file(
        "chart2/Chart.yaml",
        "apiVersion: v2\nname: other\nversion: 0.1.0\n",
    );
    let run = run_with(
        project.path(),
        &no_tools(&project),
        &["check", ".", "--format", "json"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listing = listing(&run);
    assert_eq!(
        listing.matches("note render").count(),
        2,
        "one note per chart: {listing}"
    );
    assert!(listing.contains("note render chart/Chart.yaml: a Helm chart: its templates were skipped, since `helm` is not on PATH"));
    // The chart's note stands for its templates: no note of their own.
    assert!(!listing.contains("note template"), "{listing}");
}

#[test]
fn a_hanging_helm_is_stopped_after_the_timeout_and_the_run_goes_on() {
    let project = chart_project();
    project.file("hindsight.toml", "[render]\ntimeout = 1\n");
    // A manifest beside the chart still gives its finding.
    project.file(
        "deploy/hpa.yaml",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  minReplicas: 2\n  maxReplicas: 40\n",
    );
    let path = path_with(&tool_dir(&project, "helm", "exec sleep 30"));
    let started = Instant::now();
    let run = run_with(
        project.path(),
        &path,
        &["check", ".", "--format", "json"],
        None,
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    let listing = listing(&run);
    assert!(listing.contains("HS2005 deploy/hpa.yaml:5:1"), "{listing}");
    assert_eq!(listing.matches("note render").count(), 1, "{listing}");
    assert!(
        listing.contains("note render chart/Chart.yaml: `helm template` was still running after 1s and was stopped"),
        "{listing}"
    );
}

#[test]
fn a_chart_that_fails_to_render_gets_one_note_with_helms_message() {
    let project = chart_project();
    let path = path_with(&tool_dir(
        &project,
        "helm",
        "echo 'Error: parse error at (checkout/templates/hpa.yaml:3): function \"nope\" not defined' >&2\nexit 1",
    ));
    let run = run_with(
        project.path(),
        &path,
        &["check", "chart", "--format", "json"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_snapshot!(listing(&run), @r#"note render chart/Chart.yaml: `helm template` failed, so this chart's templates were not checked: exit status 1: Error: parse error at (checkout/templates/hpa.yaml:3): function "nope" not defined"#);
}

#[test]
fn piped_helm_output_is_placed_in_the_chart_named_by_stdin_filename() {
    let project = chart_project();
    let run = run_with(
        project.path(),
        &no_tools(&project),
        &[
            "check",
            "-",
            "--stdin-filename",
            "chart/",
            "--format",
            "json",
        ],
        Some(&recorded()),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let listing = listing(&run);
    assert!(
        listing.starts_with("HS2001 chart/templates/deployment.yaml:11:3 approximate"),
        "{listing}"
    );
    assert!(
        listing.contains("HS2005 chart/templates/hpa.yaml:6:1 exact"),
        "{listing}"
    );
}

#[test]
fn piped_text_takes_its_format_or_language_from_the_stdin_filename() {
    let project = Project::new();
    let tools = no_tools(&project);
    // Piped text is asked for by name, as a file named on the command line: excludes do not apply.
    project.file("hindsight.toml", "[files]\nexclude = [\"deploy/\"]\n");
    // YAML without `# Source:`: positions in the piped text, which the human output shows.
    let hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  minReplicas: 2\n  maxReplicas: 40\n";
    let run = run_with(
        project.path(),
        &tools,
        &["check", "-", "--stdin-filename", "deploy/hpa.yaml"],
        Some(hpa),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("--> deploy/hpa.yaml:5:1") && run.stdout.contains("5 | spec:"),
        "{}",
        run.stdout
    );
    // Rust source.
    let rust = "pub fn reload(&mut self, text: &str) {\n    self.config = toml::from_str(text).unwrap();\n}\n";
    let run = run_with(
        project.path(),
        &tools,
        &[
            "check",
            "-",
            "--stdin-filename",
            "src/config.rs",
            "--format",
            "json",
        ],
        Some(rust),
    );
    let codes: Vec<String> = json_of(&run)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["code"].as_str().unwrap(),
                f["path"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(codes, ["HS1003 src/config.rs"], "{}", run.stdout);
    // A name no rule reads is an error that says what to give.
    let run = run_with(
        project.path(),
        &tools,
        &["check", "-", "--stdin-filename", "notes.txt"],
        Some("hello"),
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("give --stdin-filename a name whose extension"),
        "{}",
        run.stderr
    );
}

#[test]
fn piped_text_runs_conftest_policies() {
    let project = Project::new();
    project.file(
        "policy/deny.rego",
        "package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.kind == \"Deployment\"\n\tnot input.spec.template.spec.securityContext.runAsNonRoot\n\tmsg := \"Containers must not run as root\"\n}\n",
    );
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n";
    let run = run_with(
        project.path(),
        &no_tools(&project),
        &["check", "-", "--policy", "policy", "--format", "json"],
        Some(manifest),
    );
    assert_eq!(run.code, 1, "{} {}", run.stdout, run.stderr);
    let doc = json_of(&run);
    let finding = &doc["findings"][0];
    assert_eq!(finding["path"], "stdin.yaml");
    assert_eq!(finding["message"], "Containers must not run as root");
}

#[test]
fn values_files_of_a_helm_entry_change_what_is_rendered() {
    let Some(helm) = real_helm() else { return };
    let project = chart_project();
    // Production values: a bounded rollout, and the HPA off; the chart's defaults stay for the rest.
    project.file(
        "chart/values-prod.yaml",
        "strategy:\n  type: RollingUpdate\n  rollingUpdate:\n    maxSurge: 1\n    maxUnavailable: 1\nautoscaling:\n  enabled: false\n",
    );
    project.file(
        "hindsight.toml",
        "[[helm]]\nchart = \"chart\"\nvalues = [\"values-prod.yaml\"]\nrelease = \"checkout\"\n",
    );
    let run = run_with(
        project.path(),
        &helm,
        &["check", ".", "--format", "json"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(listing(&run), "");
    // An unknown key of the entry is an error naming it.
    project.file(
        "hindsight.toml",
        "[[helm]]\nchart = \"chart\"\nvalue = [\"values-prod.yaml\"]\n",
    );
    let run = run_with(project.path(), &helm, &["check", "."], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown field `value`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_finding_in_a_packaged_subchart_is_reported_at_its_dependency() {
    let Some(helm) = real_helm() else { return };
    let project = Project::new();
    project.file(
        "shop/Chart.yaml",
        "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n  - name: worker-chart\n    version: 0.3.0\n    alias: worker\n",
    );
    project.file(
        "src/worker-chart/Chart.yaml",
        "apiVersion: v2\nname: worker-chart\nversion: 0.3.0\n",
    );
    project.file(
        "src/worker-chart/templates/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-worker\nspec:\n  replicas: 4\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 100%\n  selector:\n    matchLabels:\n      app: worker\n  template:\n    metadata:\n      labels:\n        app: worker\n    spec:\n      containers:\n        - name: worker\n          image: worker:1.0\n",
    );
    let packaged = Command::new(helm.join("helm"))
        .args(["package", "src/worker-chart", "-d", "shop/charts"])
        .current_dir(project.path())
        .output()
        .unwrap();
    assert!(packaged.status.success(), "{packaged:?}");
    let run = run_with(
        project.path(),
        &helm,
        &["check", "shop", "--format", "json"],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let listing = listing(&run);
    assert!(
        listing.starts_with(
            "HS2001 shop/Chart.yaml:5:5 approximate Deployment `release-name-worker` allows `maxUnavailable: 100%`"
        ) && listing.contains(
            "(in the packaged subchart `shop/charts/worker-chart-0.3.0.tgz`, its `templates/deployment.yaml`: \
             reported at its dependency"
        ) && listing.contains("values under `worker:`"),
        "{listing}"
    );
    // The human output shows the dependency's line, read from disk.
    let run = run_with(project.path(), &helm, &["check", "shop"], None);
    assert!(
        run.stdout.contains("5 |   - name: worker-chart"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_recording_is_what_the_real_helm_renders() {
    let Some(helm) = real_helm() else { return };
    let output = Command::new(helm.join("helm"))
        .args(["template", "examples/helm-chart"])
        .current_dir(repo_root())
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), recorded());
}

#[test]
fn helm_chart_example() {
    let Some(helm) = real_helm() else { return };
    let run = run_with(
        &repo_root(),
        &helm,
        &["check", "examples/helm-chart", "--format", "json"],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    builtin_pack_settings().bind(|| assert_snapshot!(listing(&run)));
}

/// An overlay over a base: the base's HPA has no scale-down policy, the overlay's patch makes the rollout
/// take every pod at once.
fn overlay_project() -> Project {
    let project = Project::new();
    project.file(
        "base/kustomization.yaml",
        "resources:\n  - deployment.yaml\n  - hpa.yaml\n",
    );
    project.file(
        "base/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 1\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1.0\n",
    );
    project.file(
        "base/hpa.yaml",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n  minReplicas: 2\n  maxReplicas: 40\n",
    );
    project.file(
        "overlays/prod/kustomization.yaml",
        "namePrefix: prod-\nresources:\n  - ../../base\npatches:\n  - path: fast-rollout.yaml\n",
    );
    project.file(
        "overlays/prod/fast-rollout.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  strategy:\n    rollingUpdate:\n      maxUnavailable: 100%\n",
    );
    project
}

/// The first directory on the system's `PATH` that holds `kustomize` or `kubectl`.
fn real_kustomize() -> Option<PathBuf> {
    ["/usr/local/bin", "/usr/bin", "/bin"]
        .iter()
        .map(PathBuf::from)
        .find(|dir| dir.join("kustomize").exists() || dir.join("kubectl").exists())
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "the test log says which check did not run"
)]
fn an_overlay_is_built_and_each_finding_goes_to_the_base_or_patch_that_sets_the_key() {
    let Some(tools) = real_kustomize() else {
        eprintln!(
            "neither kustomize nor kubectl installed: the overlay is only tested as plain YAML"
        );
        return;
    };
    let project = overlay_project();
    let run = run_with(
        project.path(),
        &tools,
        &["check", ".", "--format", "json"],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_snapshot!(listing(&run), @r"
    HS2005 base/hpa.yaml:5:1 exact HorizontalPodAutoscaler `prod-web` does not limit how fast it scales down: a dip in load (or in the metric) can take it from 40 to 2 replicas in one 15-second period; add `behavior.scaleDown.policies` that remove a small share per period
    HS2001 overlays/prod/fast-rollout.yaml:8:7 exact Deployment `prod-web` allows `maxUnavailable: 100%`: one rollout can take every pod down at once
    ");
}

#[test]
fn without_a_kustomize_tool_an_overlays_files_are_plain_yaml() {
    let project = overlay_project();
    let run = run_with(
        project.path(),
        &no_tools(&project),
        &["check", ".", "--format", "json"],
        None,
    );
    // The base as written (`web`, not `prod-web`), and the patch on its own, as before overlays were built.
    assert_snapshot!(listing(&run), @r"
    HS2005 base/hpa.yaml:5:1 - HorizontalPodAutoscaler `web` does not limit how fast it scales down: a dip in load (or in the metric) can take it from 40 to 2 replicas in one 15-second period; add `behavior.scaleDown.policies` that remove a small share per period
    HS2001 overlays/prod/fast-rollout.yaml:8:7 - Deployment `web` allows `maxUnavailable: 100%`: one rollout can take every pod down at once
    ");
}

#[test]
fn a_failing_kustomize_gets_one_note_and_the_files_are_plain_yaml() {
    let project = overlay_project();
    let path = path_with(&tool_dir(
        &project,
        "kustomize",
        "echo 'Error: accumulating resources: missing base' >&2\nexit 1",
    ));
    let run = run_with(
        project.path(),
        &path,
        &["check", ".", "--format", "json"],
        None,
    );
    let listing = listing(&run);
    assert!(listing.contains("HS2005 base/hpa.yaml:5:1 -"), "{listing}");
    assert!(
        listing.contains("note render overlays/prod/kustomization.yaml: `kustomize build` failed, so the overlay was checked as plain YAML: exit status 1: Error: accumulating resources: missing base"),
        "{listing}"
    );
}

/// `git` in `dir`, with an identity and no signing.
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn in_git_modes_a_chart_answers_for_what_the_change_adds_to_its_rendering() {
    let Some(helm) = real_helm() else { return };
    let project = chart_project();
    let values = project.path().join("chart/values.yaml");
    let original = std::fs::read_to_string(&values).unwrap();
    // At the base the rollout is bounded; the HPA's unbounded scale-down is old debt.
    std::fs::write(
        &values,
        original.replace("maxUnavailable: 100%", "maxUnavailable: 1"),
    )
    .unwrap();
    git(project.path(), &["init", "-q", "-b", "main"]);
    git(project.path(), &["add", "-A"]);
    git(project.path(), &["commit", "-q", "-m", "chart"]);
    let path = PathBuf::from(format!("{}:/usr/bin:/bin", helm.display()));
    // The change edits only values.yaml: the template's finding is the change's, though no template line moved.
    std::fs::write(&values, &original).unwrap();
    for mode in [
        &["--diff", "HEAD"][..],
        &["--new-only", "HEAD"],
        &["--staged"],
    ] {
        if mode == ["--staged"] {
            git(project.path(), &["add", "-A"]);
        }
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(mode);
        let run = run_with(project.path(), &path, &args, None);
        let listing = listing(&run);
        assert!(
            listing.starts_with("HS2001 chart/templates/deployment.yaml:11:3 approximate"),
            "{mode:?}: {listing}"
        );
        assert!(
            !listing.contains("HS2005"),
            "{mode:?}: the old finding is not the change's: {listing}"
        );
        assert_eq!(
            json_of(&run)["summary"]["existing"],
            1,
            "{mode:?}: {}",
            run.stdout
        );
    }
}
