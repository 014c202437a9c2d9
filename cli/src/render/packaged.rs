//! Findings in packaged subcharts: templates helm read from a `charts/*.tgz` archive have no file on disk, so a
//! finding on one is reported at the subchart's entry in its parent's `dependencies` (`Chart.yaml`, or
//! `requirements.yaml` for a chart of `apiVersion: v1`): the line an engineer changes to take another version,
//! next to the values (under the subchart's name or alias) that configure it.

use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use hindsight_engine::data::{DataFormat, DataValue};

use super::get;

/// Where a finding in a packaged subchart is reported.
#[derive(Debug, PartialEq)]
pub(super) struct Dependency {
    /// The parent's `Chart.yaml` (or `requirements.yaml`).
    pub(super) file: PathBuf,
    /// Its text.
    pub(super) text: String,
    /// The dependency's `name:` entry.
    pub(super) bytes: Range<usize>,
    /// What the message adds: the archive, the template inside it, and where to change it.
    pub(super) note: String,
}

/// The dependency a rendered path (`chart/charts/NAME/templates/x.yaml`, as helm's `# Source:` names it under
/// the chart's directory) comes from, when the first subchart on the path that is not a directory on disk is
/// declared by its parent. `read` gives a file's text. `None` for a template on disk, or a subchart no parent
/// declares (helm also loads undeclared archives from `charts/`).
pub(super) fn dependency(
    path: &Path,
    read: &mut dyn FnMut(&Path) -> Option<String>,
) -> Option<Dependency> {
    let parts: Vec<Component<'_>> = path.components().collect();
    let (at, name) = parts.windows(2).enumerate().find_map(|(at, pair)| {
        let [Component::Normal(charts), Component::Normal(name)] = pair else {
            return None;
        };
        let dir: PathBuf = parts[..at + 2].iter().collect();
        (*charts == "charts" && !dir.is_dir()).then(|| (at, name.to_str()))
    })?;
    let name = name?;
    let parent: PathBuf = parts[..at].iter().collect();
    let inside: PathBuf = parts[at + 2..].iter().collect();
    ["Chart.yaml", "requirements.yaml"].iter().find_map(|file| {
        let file = parent.join(file);
        let text = read(&file)?;
        let (bytes, chart) = declared(&text, name)?;
        let archive = archive(&parent.join("charts"), &chart).map_or_else(
            || format!("`{chart}`"),
            |archive| format!("`{}`", archive.display()),
        );
        let note = format!(
            " (in the packaged subchart {archive}, its `{}`: reported at its dependency: the archive is not a \
             file to edit; change it through the values under `{name}:` or in the subchart's own source)",
            inside.display()
        );
        Some(Dependency {
            file,
            text,
            bytes,
            note,
        })
    })
}

/// The span of the `name:` entry of the dependency that helm renders as `charts/NAME` (its `alias`, else its
/// `name`), and the chart's own name.
fn declared(text: &str, name: &str) -> Option<(Range<usize>, String)> {
    let docs = hindsight_engine::data::parse(DataFormat::Yaml, text).ok()?;
    let dependencies = get(&docs.first()?.root, "dependencies")?;
    let DataValue::Seq(entries) = &dependencies.value else {
        return None;
    };
    entries.iter().find_map(|entry| {
        let DataValue::Map(fields) = &entry.value else {
            return None;
        };
        let (key, value) = fields.iter().find(|(key, _)| key.name == "name")?;
        let DataValue::Str(chart) = &value.value else {
            return None;
        };
        let rendered_as = match get(entry, "alias").map(|alias| &alias.value) {
            Some(DataValue::Str(alias)) => alias,
            _ => chart,
        };
        (rendered_as == name).then(|| (key.span.start..value.span.end, chart.clone()))
    })
}

/// The archive `helm dependency update` wrote for a chart: `charts/CHART-VERSION.tgz`, the first by name.
fn archive(charts: &Path, chart: &str) -> Option<PathBuf> {
    let prefix = format!("{chart}-");
    let mut found: Vec<PathBuf> = std::fs::read_dir(charts)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".tgz"))
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHART: &str = "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n  - name: redis\n    version: 19.0.1\n  - name: worker-chart\n    version: 0.3.0\n    alias: worker\n";

    fn reading(file: &'static str, text: &'static str) -> impl FnMut(&Path) -> Option<String> {
        move |path| (path == Path::new(file)).then(|| text.to_string())
    }

    #[test]
    fn a_packaged_subchart_is_reported_at_its_dependency_by_name_or_alias() {
        let mut read = reading("shop/Chart.yaml", CHART);
        let found = dependency(
            Path::new("shop/charts/worker/templates/deployment.yaml"),
            &mut read,
        )
        .unwrap();
        assert_eq!(found.file, Path::new("shop/Chart.yaml"));
        assert_eq!(&found.text[found.bytes.clone()], "name: worker-chart");
        assert!(
            found
                .note
                .contains("`worker-chart`, its `templates/deployment.yaml`")
                && found.note.contains("values under `worker:`"),
            "{}",
            found.note
        );
        let found = dependency(Path::new("shop/charts/redis/templates/x.yaml"), &mut read).unwrap();
        assert_eq!(&found.text[found.bytes], "name: redis");
        // An aliased chart is rendered under its alias only.
        assert_eq!(
            dependency(
                Path::new("shop/charts/worker-chart/templates/x.yaml"),
                &mut read
            ),
            None
        );
    }

    #[test]
    fn a_chart_of_api_version_1_declares_them_in_requirements() {
        let mut read = reading(
            "requirements.yaml",
            "dependencies:\n- name: db\n  version: 1.2.3\n",
        );
        let found = dependency(Path::new("charts/db/templates/svc.yaml"), &mut read).unwrap();
        assert_eq!(found.file, Path::new("requirements.yaml"));
        assert_eq!(&found.text[found.bytes], "name: db");
    }

    #[test]
    fn undeclared_archives_and_templates_outside_subcharts_have_no_dependency() {
        let mut read = reading("shop/Chart.yaml", CHART);
        for path in [
            "shop/templates/deployment.yaml",
            "shop/charts/cache/templates/x.yaml",
            "shop/charts",
        ] {
            assert_eq!(dependency(Path::new(path), &mut read), None, "{path}");
        }
        let mut nothing = |_: &Path| None;
        assert_eq!(
            dependency(
                Path::new("shop/charts/redis/templates/x.yaml"),
                &mut nothing
            ),
            None
        );
    }
}
