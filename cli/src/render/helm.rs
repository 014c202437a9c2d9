//! `helm template` on a chart: the user's helm, the chart's default values plus the values files its
//! `[[helm]]` entry names; the rendering cut into documents and grouped by the template each came from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hindsight_engine::config::HelmChart;
use hindsight_engine::data::rendered::split_sources;

use super::process::{Ran, run};

/// The rendering of one chart: per template file, its documents as one YAML stream.
pub(crate) type ByTemplate = BTreeMap<PathBuf, String>;

/// The command line of `helm template` for `chart` (a directory), with the entry's values files.
pub(crate) fn arguments(chart: &Path, entry: Option<&HelmChart>) -> Vec<String> {
    let mut args = vec!["template".to_string()];
    if let Some(release) = entry.and_then(|e| e.release.as_ref()) {
        args.push(release.clone());
    }
    args.push(chart.display().to_string());
    // Offline, helm's `.Capabilities.APIVersions` lacks the aggregation layer every cluster serves, and a
    // chart that asks for it falls back to `apiregistration.k8s.io/v1beta1`, removed in 1.22: a finding about
    // what no cluster would get. The entry's `api_versions` add the CRDs a cluster has.
    args.extend(["--api-versions".into(), "apiregistration.k8s.io/v1".into()]);
    for version in entry.iter().flat_map(|e| &e.api_versions) {
        args.extend(["--api-versions".into(), version.clone()]);
    }
    if let Some(entry) = entry {
        if let Some(namespace) = &entry.namespace {
            args.extend(["--namespace".into(), namespace.clone()]);
        }
        for values in &entry.values {
            args.extend(["--values".into(), values.display().to_string()]);
        }
    }
    args
}

/// Renders `chart` with `helm`. `Err` is the one note for the chart: helm's own message, or the timeout.
pub(crate) fn render(
    helm: &Path,
    chart: &Path,
    entry: Option<&HelmChart>,
    timeout: Duration,
) -> Result<ByTemplate, String> {
    match run(helm, &arguments(chart, entry), timeout) {
        Ran::Output(text) => Ok(by_template(chart, &text)),
        Ran::Failed(message) => Err(format!(
            "`helm template` failed, so this chart's templates were not checked: {message}"
        )),
        Ran::TimedOut => Err(format!(
            "`helm template` was still running after {}s and was stopped, so this chart's templates were \
             not checked (`[render] timeout` in hindsight.toml)",
            timeout.as_secs()
        )),
        Ran::NotStarted(err) => Err(format!(
            "could not run {}: {err}; this chart's templates were not checked",
            helm.display()
        )),
    }
}

/// Groups a chart's rendering by template file: `# Source: NAME/templates/x.yaml` names the file relative to
/// the chart's directory once its first component (the chart's name, whatever the directory is called) is
/// replaced by the directory. Documents without a source (none from helm) are kept under the chart's
/// `Chart.yaml`.
pub(crate) fn by_template(chart: &Path, rendered: &str) -> ByTemplate {
    let mut out = ByTemplate::new();
    for doc in split_sources(rendered) {
        let path = doc
            .source
            .as_deref()
            .and_then(|source| source.split_once('/'))
            .map_or_else(|| chart.join("Chart.yaml"), |(_, rest)| chart.join(rest));
        let stream = out.entry(path).or_default();
        if !stream.is_empty() {
            stream.push_str("---\n");
        }
        stream.push_str(&doc.text);
        if !doc.text.ends_with('\n') {
            stream.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_group_by_template_under_the_chart_directory() {
        let rendered = "---\n# Source: web/templates/a.yaml\nkind: A\n---\n# Source: web/charts/db/templates/b.yaml\nkind: B\n---\n# Source: web/templates/a.yaml\nkind: C\n";
        let got = by_template(Path::new("deploy/chart"), rendered);
        let keys: Vec<String> = got.keys().map(|p| p.display().to_string()).collect();
        assert_eq!(
            keys,
            [
                "deploy/chart/charts/db/templates/b.yaml",
                "deploy/chart/templates/a.yaml"
            ]
        );
        assert_eq!(
            got[Path::new("deploy/chart/templates/a.yaml")],
            "# Source: web/templates/a.yaml\nkind: A\n---\n# Source: web/templates/a.yaml\nkind: C\n"
        );
    }

    #[test]
    fn values_files_release_and_namespace_reach_the_command_line() {
        let entry = HelmChart {
            chart: PathBuf::from("c"),
            values: vec![PathBuf::from("c/prod.yaml")],
            release: Some("web".into()),
            namespace: Some("prod".into()),
            api_versions: vec!["monitoring.coreos.com/v1".into()],
            line: 1,
        };
        assert_eq!(
            arguments(Path::new("c"), Some(&entry)).join(" "),
            "template web c --api-versions apiregistration.k8s.io/v1 --api-versions monitoring.coreos.com/v1 \
             --namespace prod --values c/prod.yaml"
        );
        assert_eq!(
            arguments(Path::new("c"), None).join(" "),
            "template c --api-versions apiregistration.k8s.io/v1"
        );
    }
}
