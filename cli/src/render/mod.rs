//! Helm charts and Kustomize overlays, rendered before checking and reported in the files engineers edit.
//!
//! A directory with `Chart.yaml` among the files a run checks is rendered with the user's `helm template`
//! (its default values plus the values files of its `[[helm]]` entry); a directory with a kustomization with
//! `kustomize build`, else `kubectl kustomize`. The rendering is cut into documents, grouped by the file each
//! came from (a template's `# Source:`; for an overlay, the resource file that declares the object) and checked
//! in memory under that file's path, in the same run as the files on disk, so repository-scope rules see it.
//! [`Rendering::place`] then moves each finding from the rendered text to the line of the template, base or
//! patch that spells its key ([`hindsight_engine::data::rendered::locate_key`]), marking approximate lines.
//!
//! Without helm a chart's templates stay skipped, with one note per chart saying how to render them; without
//! either kustomize tool an overlay's files are plain YAML, as they always were. A tool that fails or hangs
//! gives one note for its chart or overlay, and the rest of the run goes on.

mod helm;
mod kustomize;
mod packaged;
mod process;
pub(crate) mod stdin;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hindsight_engine::data::rendered::{kind_of, locate_key, locate_key_valued, path_keys};
use hindsight_engine::data::{DataNode, DataValue};
use hindsight_engine::walk::{FileEntry, Note, NoteKind, Report};
use hindsight_engine::{Config, Finding, Position, Rendered, Span};
use rayon::prelude::*;

/// What rendering produced for one run.
#[derive(Default)]
pub(crate) struct Rendering {
    /// Rendered documents to check, one in-memory file per template (or resource file) they came from.
    pub(crate) files: Vec<(FileEntry, Vec<u8>)>,
    /// Files on disk that the rendering stands for: a rendered chart's templates, a built overlay's
    /// resources and patches. They are not checked again on their own.
    pub(crate) replaced: HashSet<PathBuf>,
    /// One note per chart or overlay that was not rendered.
    pub(crate) notes: Vec<Note>,
    /// How long each `helm template` took, by chart.
    pub(crate) helm_times: Vec<(PathBuf, Duration)>,
    /// Per rendered path: how to place its findings.
    placements: HashMap<PathBuf, Placement>,
    /// The charts helm rendered: their `Chart.yaml` entry and directory.
    charts: Vec<(FileEntry, PathBuf)>,
}

/// A directory's files at a git change's base, relative to it (`None`: no base).
pub(crate) type DirectoryAtBase<'a> = dyn Fn(&Path) -> Option<Vec<(PathBuf, Vec<u8>)>> + 'a;

/// What placing a rendered file's findings needs.
struct Placement {
    /// The rendered text that was checked under the path.
    rendered: String,
    /// `helm` or `kustomize`.
    tool: &'static str,
    /// Patch files that may set a key of these documents (an overlay's), the last applied first.
    patches: Vec<PathBuf>,
}

/// Is `path` a file named `name`?
fn is_named(path: &Path, names: &[&str]) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| names.contains(&n))
}

/// Renders every chart and overlay among `files`.
pub(crate) fn render(files: &[FileEntry], config: &Config, pool: &rayon::ThreadPool) -> Rendering {
    let mut rendering = Rendering::default();
    let charts = charts(files);
    if !charts.is_empty() {
        pool.install(|| render_charts(&charts, files, config, &mut rendering));
    }
    let overlays = overlays(files);
    if !overlays.is_empty()
        && let Some(tool) = kustomize::Tool::find()
    {
        pool.install(|| build_overlays(&tool, &overlays, files, config, &mut rendering));
    }
    rendering
}

/// The charts the files belong to: each `Chart.yaml` among them, and the chart around each file under one
/// (in git modes only the changed files are listed: a changed template renders its chart), except subcharts
/// under another chart's `charts/` (helm renders them with their parent).
fn charts(files: &[FileEntry]) -> Vec<FileEntry> {
    let mut found: Vec<FileEntry> = Vec::new();
    for file in files.iter().filter(|f| f.format.is_some()) {
        let chart_file = if is_named(&file.path, &["Chart.yaml"]) {
            Some(file.path.clone())
        } else {
            file.path
                .ancestors()
                .skip(1)
                .filter(|dir| !dir.as_os_str().is_empty())
                .map(|dir| dir.join("Chart.yaml"))
                .find(|candidate| candidate.is_file())
        };
        if let Some(path) = chart_file
            && !found.iter().any(|c| c.path == path)
        {
            found.push(FileEntry {
                path,
                ..file.clone()
            });
        }
    }
    let dirs: Vec<PathBuf> = found.iter().map(|f| dir_of(&f.path)).collect();
    found
        .into_iter()
        .filter(|f| {
            let dir = dir_of(&f.path);
            !dirs.iter().any(|parent| {
                *parent != dir
                    && dir
                        .strip_prefix(parent)
                        .is_ok_and(|rest| rest.starts_with("charts"))
            })
        })
        .collect()
}

/// The value of `key` in a mapping (a kustomization's fields, a chart's dependencies).
fn get<'a>(node: &'a DataNode, key: &str) -> Option<&'a DataNode> {
    match &node.value {
        DataValue::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
        _ => None,
    }
}

/// The directory of a chart's or overlay's file, as a path that can be joined (`.` for a bare file name).
fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Renders the charts in parallel (helm is a process of its own; a slow chart does not hold up the others).
fn render_charts(
    charts: &[FileEntry],
    files: &[FileEntry],
    config: &Config,
    rendering: &mut Rendering,
) {
    let Some(helm) = process::find_on_path("helm") else {
        for chart in charts {
            rendering.notes.push(Note {
                path: chart.path.clone(),
                kind: NoteKind::Render(
                    "a Helm chart: its templates were skipped, since `helm` is not on PATH; install helm to \
                     check them rendered (values files per chart: `[[helm]]` in hindsight.toml)"
                        .into(),
                ),
            });
        }
        return;
    };
    let timeout = config.render.timeout;
    let results: Vec<_> = charts
        .par_iter()
        .with_max_len(1)
        .map(|chart| {
            let dir = dir_of(&chart.path);
            let entry = config
                .render
                .helm
                .iter()
                .find(|h| same_path(&h.chart, &dir));
            let started = Instant::now();
            let result = helm::render(&helm, &dir, entry, timeout);
            (chart, dir, result, started.elapsed())
        })
        .collect();
    for (chart, dir, result, elapsed) in results {
        rendering.helm_times.push((dir.clone(), elapsed));
        match result {
            Ok(by_template) => {
                rendering.charts.push((chart.clone(), dir.clone()));
                // Every template of the chart is covered by the rendering, even one that rendered to nothing.
                let templates = dir.join("templates");
                let charts_dir = dir.join("charts");
                rendering.replaced.extend(
                    files
                        .iter()
                        .filter(|f| {
                            f.path.starts_with(&templates) || f.path.starts_with(&charts_dir)
                        })
                        .filter(|f| f.path.components().any(|c| c.as_os_str() == "templates"))
                        .map(|f| f.path.clone()),
                );
                for (path, text) in by_template {
                    rendering.add(chart, path, text, "helm", Vec::new());
                }
            }
            Err(message) => rendering.notes.push(Note {
                path: chart.path.clone(),
                kind: NoteKind::Render(message),
            }),
        }
    }
}

/// Do two paths name the same file or directory (as written, or once resolved)?
fn same_path(a: &Path, b: &Path) -> bool {
    let clean = |p: &Path| p.components().collect::<PathBuf>();
    clean(a) == clean(b) || matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// The overlays among the files: directories with a kustomization that no other one among them builds on
/// (a base is built as part of each overlay that names it, with the overlay's patches applied).
fn overlays(files: &[FileEntry]) -> Vec<&FileEntry> {
    let all: Vec<&FileEntry> = files
        .iter()
        .filter(|f| is_named(&f.path, &kustomize::FILE_NAMES))
        .collect();
    let mut used = HashSet::new();
    for entry in &all {
        for dir in kustomize::inputs(&dir_of(&entry.path))
            .dirs
            .into_iter()
            .skip(1)
        {
            used.insert(dir);
        }
    }
    all.into_iter()
        .filter(|f| {
            dir_of(&f.path)
                .canonicalize()
                .is_ok_and(|dir| !used.contains(&dir))
        })
        .collect()
}

/// Builds the overlays in parallel and groups each one's resources by the file that declares them.
fn build_overlays(
    tool: &kustomize::Tool,
    overlays: &[&FileEntry],
    files: &[FileEntry],
    config: &Config,
    rendering: &mut Rendering,
) {
    let timeout = config.render.timeout;
    let results: Vec<_> = overlays
        .par_iter()
        .with_max_len(1)
        .map(|overlay| {
            let dir = dir_of(&overlay.path);
            (overlay, tool.build(&dir, timeout), kustomize::inputs(&dir))
        })
        .collect();
    let on_disk: HashSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    for (overlay, result, inputs) in results {
        let docs = match result {
            Ok(docs) => docs,
            Err(message) => {
                rendering.notes.push(Note {
                    path: overlay.path.clone(),
                    kind: NoteKind::Render(message),
                });
                continue;
            }
        };
        let resources: Vec<(PathBuf, String)> = inputs
            .resources
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok().map(|t| (p.clone(), t)))
            .collect();
        let mut by_file: std::collections::BTreeMap<PathBuf, String> = Default::default();
        for doc in docs {
            let origin = kustomize::origin(&doc.text, &resources)
                .map_or_else(|| overlay.path.clone(), Path::to_path_buf);
            let stream = by_file.entry(origin).or_default();
            if !stream.is_empty() {
                stream.push_str("---\n");
            }
            stream.push_str(&doc.text);
        }
        rendering.replaced.extend(
            inputs
                .resources
                .iter()
                .chain(&inputs.patches)
                .filter(|p| on_disk.contains(p.as_path()))
                .cloned(),
        );
        let patches: Vec<PathBuf> = inputs.patches.iter().rev().cloned().collect();
        for (path, text) in by_file {
            rendering.add(overlay, path, text, "kustomize", patches.clone());
        }
    }
}

impl Rendering {
    /// Did helm render any chart?
    pub(crate) fn has_charts(&self) -> bool {
        !self.charts.is_empty()
    }

    /// The rendered charts as they were at a git change's base (`at_base` gives a directory's files there,
    /// relative to it): each chart's files written to a temporary directory and rendered there, the documents named after the chart's own directory, so that
    /// their findings' fingerprints compare with today's. A chart that did not exist or does not render then
    /// gives nothing (all its findings are the change's).
    pub(crate) fn render_at_base(
        &self,
        at_base: &DirectoryAtBase<'_>,
        config: &Config,
    ) -> Vec<(FileEntry, Vec<u8>)> {
        let Some(helm) = process::find_on_path("helm") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (n, (owner, dir)) in self.charts.iter().enumerate() {
            let Some(files) = at_base(dir).filter(|f| !f.is_empty()) else {
                continue;
            };
            // A new private directory (random name, mode 0700, removed when dropped): a predictable name in
            // the shared temporary directory could be taken first by someone else, or be a symlink. Its files
            // are scratch copies nobody else reads, so they need no atomic write: a failure drops them all.
            let Ok(scratch_dir) = tempfile::Builder::new()
                .prefix(&format!("hindsight-chart-base-{n}-"))
                .tempdir()
            else {
                continue;
            };
            let scratch = scratch_dir.path().to_path_buf();
            let written = files.iter().all(|(rest, bytes)| {
                let path = scratch.join(rest);
                path.parent()
                    .is_none_or(|parent| std::fs::create_dir_all(parent).is_ok())
                    && std::fs::write(&path, bytes).is_ok()
            });
            let entry = config.render.helm.iter().find(|h| same_path(&h.chart, dir));
            // Values files inside the chart are read from the base too; others as they are today.
            let entry = entry.map(|entry| hindsight_engine::config::HelmChart {
                values: entry
                    .values
                    .iter()
                    .map(|v| {
                        v.strip_prefix(dir)
                            .map_or_else(|_| v.clone(), |rest| scratch.join(rest))
                    })
                    .collect(),
                ..entry.clone()
            });
            if written
                && let Ok(by_template) =
                    helm::render(&helm, &scratch, entry.as_ref(), config.render.timeout)
            {
                for (path, text) in by_template {
                    let path = path
                        .strip_prefix(&scratch)
                        .map_or(path.clone(), |rest| dir.join(rest));
                    let entry = FileEntry {
                        path,
                        ..owner.clone()
                    };
                    out.push((entry, text.into_bytes()));
                }
            }
            drop(scratch_dir);
        }
        out
    }

    /// Adds a rendered file to check under `path`, with the scope of the chart or overlay it belongs to.
    fn add(
        &mut self,
        owner: &FileEntry,
        path: PathBuf,
        text: String,
        tool: &'static str,
        patches: Vec<PathBuf>,
    ) {
        if let Some(placement) = self.placements.get_mut(&path) {
            // Two overlays built on one base: both renderings are checked, one after the other.
            let at = self
                .files
                .iter()
                .position(|(f, _)| f.path == path)
                .unwrap_or(usize::MAX);
            placement.rendered.push_str("---\n");
            placement.rendered.push_str(&text);
            if let Some((_, bytes)) = self.files.get_mut(at) {
                *bytes = placement.rendered.clone().into_bytes();
            }
            return;
        }
        let entry = FileEntry {
            path: path.clone(),
            scope: owner.scope.clone(),
            lang: owner.lang,
            format: Some(hindsight_engine::data::DataFormat::Yaml),
        };
        self.files.push((entry, text.clone().into_bytes()));
        self.placements.insert(
            path,
            Placement {
                rendered: text,
                tool,
                patches,
            },
        );
    }

    /// Moves each finding on a rendered file to the line of the file that spells its key, drops the rendered
    /// texts the printers would otherwise show, and adds the notes.
    pub(crate) fn place(&self, report: &mut Report) {
        if self.placements.is_empty() && self.notes.is_empty() {
            return;
        }
        let mut texts: HashMap<PathBuf, Option<String>> = HashMap::new();
        for finding in &mut report.findings {
            if let Some(placement) = self.placements.get(&finding.path) {
                place_one(finding, placement, &mut texts);
            }
        }
        // The printers show each template from disk. A template helm read from a packaged subchart (`.tgz`)
        // has no file: its findings go to the subchart's dependency in its parent's `Chart.yaml`, or, when no
        // parent declares it, stay on the rendered text, which the printers then show.
        let shown: HashSet<PathBuf> = report.findings.iter().map(|f| f.path.clone()).collect();
        for path in self
            .placements
            .keys()
            .filter(|p| p.is_file() || !shown.contains(*p))
        {
            report.in_memory.remove(path);
        }
        // The same base built into two overlays gives the same finding twice at the same place.
        let mut seen = HashSet::new();
        report.findings.retain(|f| {
            seen.insert((
                f.path.clone(),
                f.span.bytes.clone(),
                f.code.clone(),
                f.message.clone(),
            ))
        });
        report
            .findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        // A chart that was not rendered has one note; its templates' own "skipped: a template" notes would
        // only repeat it.
        let unrendered: Vec<PathBuf> = self.notes.iter().map(|n| dir_of(&n.path)).collect();
        report.notes.retain(|note| {
            note.kind != NoteKind::Template
                || !unrendered.iter().any(|dir| note.path.starts_with(dir))
        });
        report.notes.extend(self.notes.iter().cloned());
    }
}

/// Places one finding: in a patch that spells its whole key path (the last applied wins), else in its own
/// file at the line that spells the key, or the nearest enclosing key it spells (approximate).
fn place_one(
    finding: &mut Finding,
    placement: &Placement,
    texts: &mut HashMap<PathBuf, Option<String>>,
) {
    let doc = document_at(&placement.rendered, finding.span.bytes.start);
    // The value as rendered (`apiVersion: x/v1beta1` → `x/v1beta1`), to choose between branches of an `if`.
    let value = placement
        .rendered
        .get(finding.span.bytes.clone())
        .and_then(|text| text.split_once(": "))
        .map(|(_, v)| v.trim().trim_matches(['"', '\'']).to_string());
    let kind = kind_of(doc);
    // A finding about a key the output lacks (`spec.behavior.scaleDown` not set) is about the deepest key the
    // output has: that is the key to find in the template.
    let full = finding.enclosing.clone().unwrap_or_default();
    let keys = path_keys(&full);
    let present = locate_key(doc, &full, kind).depth.min(keys.len());
    let key = keys[..present].join(".");
    // A patch is where a key was set only when the output has the key: a patch that spells `spec` does not
    // own every key missing under it.
    let patches: &[PathBuf] = if present == keys.len() {
        &placement.patches
    } else {
        &[]
    };
    let mut read = |path: &Path| {
        texts
            .entry(path.to_path_buf())
            .or_insert_with(|| std::fs::read_to_string(path).ok())
            .clone()
    };
    let in_patch = patches.iter().find_map(|patch| {
        let text = read(patch)?;
        let located = locate_key_valued(&text, &key, kind, value.as_deref());
        (located.exact && !key.is_empty()).then(|| (patch.clone(), text, located))
    });
    let (path, text, located) = match in_patch {
        Some(found) => found,
        None => {
            let Some(text) = read(&finding.path) else {
                if let Some(dependency) = packaged::dependency(&finding.path, &mut read) {
                    finding.span = span_in(&dependency.text, dependency.bytes);
                    finding.path = dependency.file;
                    finding.fix = None;
                    finding.message.push_str(&dependency.note);
                }
                finding.rendered = Some(Rendered {
                    tool: placement.tool,
                    exact: false,
                });
                return;
            };
            let located = locate_key_valued(&text, &key, kind, value.as_deref());
            (finding.path.clone(), text, located)
        }
    };
    finding.span = span_in(&text, located.bytes.clone());
    finding.path = path;
    finding.fix = None;
    if !located.exact {
        let what = if full.is_empty() {
            "the document".to_string()
        } else {
            format!("`{full}`")
        };
        finding.message.push_str(&format!(
            " (approximate line: the {} output sets {what}, which this file does not spell; it comes from a \
             value or a helper)",
            placement.tool
        ));
    }
    finding.rendered = Some(Rendered {
        tool: placement.tool,
        exact: located.exact,
    });
}

/// The document of a rendered stream (documents joined by `---` lines) that holds byte `offset`.
fn document_at(stream: &str, offset: usize) -> &str {
    let mut start = 0;
    for (at, _) in stream.match_indices("---\n") {
        let is_marker = at == 0 || stream.as_bytes().get(at - 1) == Some(&b'\n');
        if !is_marker {
            continue;
        }
        if at > offset {
            return &stream[start..at];
        }
        start = at + 4;
    }
    &stream[start.min(stream.len())..]
}

/// A byte range of `text` as a span with 1-based lines and character columns.
fn span_in(text: &str, bytes: std::ops::Range<usize>) -> Span {
    let position = |offset: usize| {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Position { line, column }
    };
    Span {
        start: position(bytes.start),
        end: position(bytes.end),
        bytes,
    }
}
