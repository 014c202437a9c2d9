//! `hindsight init [DIR]`: starts hindsight on an existing repository. It looks at what the repository holds,
//! writes a commented `hindsight.toml`, records today's findings in a baseline so old debt does not block the
//! first commit, sets up the commit hook when asked, and prints the next three commands. It never replaces a
//! file without `--force`, and `--dry-run` writes nothing.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use hindsight_engine::walk::{FileEntry, WalkOptions};
use hindsight_engine::{Config, Lang, RulePack, config::CONFIG_FILE, data::DataFormat};

use crate::Outcome;
use crate::args::{InitArgs, InitHook, PackArgs};
use crate::baseline::{self, DEFAULT_FILE};

/// The pre-commit framework's configuration file.
const PRE_COMMIT_CONFIG: &str = ".pre-commit-config.yaml";

pub(crate) fn run(args: &InitArgs) -> anyhow::Result<Outcome> {
    let root = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        anyhow::bail!("{} is not a directory", root.display());
    }
    // The check behind the baseline, and the hook, work from the repository's root.
    std::env::set_current_dir(&root).with_context(|| format!("cannot enter {}", root.display()))?;
    // Git runs hooks from the repository's root, where a baseline written here would be out of reach: refuse
    // before writing anything rather than install a hook that blocks on old debt.
    if args.hook != InitHook::None && !Path::new(".git").exists() {
        anyhow::bail!(
            "{} is not the top of a git repository, and the hook runs from the top, where `--baseline {DEFAULT_FILE}` \
             would not find this directory's baseline; run `hindsight init --hook …` at the repository's root, or \
             leave out `--hook`",
            root.display()
        );
    }
    let mut out = std::io::stdout().lock();
    let found = Found::scan();
    let config = config_text(&found);
    Config::parse(Path::new(CONFIG_FILE), &config)
        .context("the hindsight.toml init would write does not load (a bug in hindsight)")?;
    let verb = if args.dry_run { "would write" } else { "wrote" };
    writeln!(out, "{}", found.summary())?;
    match decide(Path::new(CONFIG_FILE), args) {
        Decision::Keep => writeln!(out, "kept the existing {CONFIG_FILE} (--force replaces it)")?,
        Decision::Write => {
            if args.dry_run {
                writeln!(out, "would write {CONFIG_FILE}:\n{config}")?;
            } else {
                crate::write::atomic(Path::new(CONFIG_FILE), &config)?;
                Config::load(Path::new(CONFIG_FILE))
                    .with_context(|| format!("{CONFIG_FILE} was written but does not load"))?;
                writeln!(out, "wrote {CONFIG_FILE}")?;
            }
        }
    }
    let baseline_file = Path::new(DEFAULT_FILE);
    match decide(baseline_file, args) {
        Decision::Keep => writeln!(
            out,
            "kept the existing {DEFAULT_FILE} (--force replaces it)"
        )?,
        Decision::Write => {
            let entries = super::baseline::todays_findings(&PackArgs::default(), None)?;
            if !args.dry_run {
                baseline::write(baseline_file, &entries)?;
            }
            writeln!(
                out,
                "{verb} {DEFAULT_FILE}: {} findings of today, accepted as existing debt{}",
                entries.len(),
                // A dry run writes no configuration, so the count is under the defaults when there is none.
                if args.dry_run && !Path::new(CONFIG_FILE).exists() {
                    " (counted with the built-in defaults)"
                } else {
                    ""
                }
            )?;
        }
    }
    hook(args, &mut out)?;
    writeln!(out, "\nNext:")?;
    writeln!(
        out,
        "  hindsight check --baseline {DEFAULT_FILE}   # what is new since today (nothing yet)"
    )?;
    writeln!(
        out,
        "  hindsight explain <CODE>                  # the incident and the fix behind a finding"
    )?;
    writeln!(
        out,
        "  hindsight new rule --language rust --id <slug> --code <TEAM>1001   # your team's first lesson"
    )?;
    Ok(Outcome::Clean)
}

enum Decision {
    Write,
    Keep,
}

fn decide(path: &Path, args: &InitArgs) -> Decision {
    if path.exists() && !args.force {
        Decision::Keep
    } else {
        Decision::Write
    }
}

/// Sets up the hook `--hook` names.
fn hook(args: &InitArgs, out: &mut impl std::io::Write) -> anyhow::Result<()> {
    match args.hook {
        InitHook::None => writeln!(
            out,
            "no commit hook set up: `hindsight init --hook git` or `--hook pre-commit` adds one"
        )?,
        InitHook::Git => {
            let dir = super::hook::hooks_dir()?;
            if args.dry_run {
                writeln!(
                    out,
                    "would install {}: commits run `hindsight {}`",
                    dir.join("pre-commit").display(),
                    super::hook::check_command(Some(DEFAULT_FILE))
                )?;
            } else {
                super::hook::install(&dir, args.force, Some(DEFAULT_FILE), out)?;
            }
        }
        InitHook::PreCommit => pre_commit(args, out)?,
    }
    Ok(())
}

/// The `repo: local` entry: it runs the `hindsight` on PATH, the one `init` was run with.
fn pre_commit_entry() -> String {
    format!(
        "  # hindsight: what a commit adds, less the findings its baseline records (`hindsight init`).\n  \
         - repo: local\n    hooks:\n      - id: hindsight\n        name: hindsight\n        \
         entry: hindsight {}\n        language: system\n        pass_filenames: false\n        \
         always_run: true\n",
        super::hook::check_command(Some(DEFAULT_FILE))
    )
}

/// Writes `.pre-commit-config.yaml`, or adds the hindsight hook to the one there.
fn pre_commit(args: &InitArgs, out: &mut impl std::io::Write) -> anyhow::Result<()> {
    let path = Path::new(PRE_COMMIT_CONFIG);
    let entry = pre_commit_entry();
    let text = match std::fs::read_to_string(path) {
        Err(_) => format!("repos:\n{entry}"),
        Ok(existing) if existing.contains("id: hindsight") && !args.force => {
            writeln!(
                out,
                "kept {PRE_COMMIT_CONFIG}: it already has a hindsight hook"
            )?;
            return Ok(());
        }
        Ok(existing) => {
            if existing.contains("id: hindsight") {
                anyhow::bail!(
                    "{PRE_COMMIT_CONFIG} already has a hindsight hook; edit it by hand (init only adds one)"
                );
            }
            if !existing.lines().any(|l| l.trim_end() == "repos:") {
                anyhow::bail!(
                    "{PRE_COMMIT_CONFIG} has no top-level `repos:` list to add to; add this entry by hand:\n{entry}"
                );
            }
            // A `repos:` list in block style: the entry goes at its end, which is the file's end when
            // `repos:` is the last top-level key, else before the next top-level key.
            let mut lines: Vec<&str> = existing.lines().collect();
            let start = lines
                .iter()
                .position(|l| l.trim_end() == "repos:")
                .unwrap_or(0);
            let end = lines
                .iter()
                .enumerate()
                .skip(start + 1)
                .find(|(_, l)| !l.is_empty() && !l.starts_with([' ', '-', '#']))
                .map_or(lines.len(), |(i, _)| i);
            lines.insert(end, entry.trim_end_matches('\n'));
            let mut text = lines.join("\n");
            text.push('\n');
            text
        }
    };
    if args.dry_run {
        writeln!(out, "would write {PRE_COMMIT_CONFIG}:\n{text}")?;
    } else {
        crate::write::atomic(path, &text)?;
        writeln!(
            out,
            "wrote {PRE_COMMIT_CONFIG}: `pre-commit install` turns it on"
        )?;
    }
    Ok(())
}

/// What the repository holds.
struct Found {
    /// Files per language.
    languages: BTreeMap<&'static str, usize>,
    /// Files per data format.
    formats: BTreeMap<&'static str, usize>,
    /// Kubernetes manifests: YAML documents with `apiVersion` and `kind`.
    kubernetes: usize,
    /// GitHub workflows.
    workflows: usize,
    /// Directories of third-party or generated code present at the top.
    vendored: Vec<&'static str>,
}

impl Found {
    fn scan() -> Self {
        let options = WalkOptions {
            languages: Lang::all().collect(),
            formats: DataFormat::ALL.to_vec(),
            ..WalkOptions::default()
        };
        let (files, _) = hindsight_engine::walk::discover(&[PathBuf::from(".")], &options);
        let mut found = Found {
            languages: BTreeMap::new(),
            formats: BTreeMap::new(),
            kubernetes: 0,
            workflows: 0,
            vendored: ["vendor", "third_party", "node_modules"]
                .into_iter()
                .filter(|d| Path::new(d).is_dir())
                .collect(),
        };
        for file in &files {
            found.add(file);
        }
        found
    }

    fn add(&mut self, file: &FileEntry) {
        if let Some(lang) = file.lang {
            *self.languages.entry(lang.name()).or_default() += 1;
        }
        let Some(format) = file.format else {
            return;
        };
        *self.formats.entry(format.name()).or_default() += 1;
        let path = crate::paths::forward_slashes(&file.path);
        if path.contains(".github/workflows/") {
            self.workflows += 1;
        } else if format.name() == "yaml" && is_manifest(&file.path) {
            self.kubernetes += 1;
        }
    }

    fn summary(&self) -> String {
        let count = |map: &BTreeMap<&str, usize>| {
            map.iter()
                .map(|(name, n)| format!("{n} {name}"))
                .collect::<Vec<_>>()
        };
        let mut parts = count(&self.languages);
        parts.extend(count(&self.formats));
        if parts.is_empty() {
            return "found no file hindsight reads".to_string();
        }
        let mut text = format!("found files: {}", parts.join(", "));
        if self.kubernetes > 0 {
            let _ = write!(text, "; Kubernetes manifests: {}", self.kubernetes);
        }
        if self.workflows > 0 {
            let _ = write!(text, "; GitHub workflows: {}", self.workflows);
        }
        text
    }
}

/// Is the YAML file a Kubernetes manifest: a top-level `apiVersion` and `kind`?
fn is_manifest(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let top = |key: &str| text.lines().any(|l| l.starts_with(key));
    top("apiVersion:") && top("kind:")
}

/// The commented hindsight.toml: the built-in rule areas and whether this repository has what each reads.
fn config_text(found: &Found) -> String {
    let mut text = String::from(
        "# hindsight's configuration, written by `hindsight init`. README \"Configuration\" describes every key.\n\n[rules]\n",
    );
    let _ = writeln!(
        text,
        "# The built-in rule areas (`hindsight rules` lists every rule), and what of this repository each reads:"
    );
    for (area, codes, applies) in areas(found) {
        let verdict = if area.starts_with("Checked in review") {
            "lessons for human or AI review (`hindsight codex export`), no check".to_string()
        } else if applies.is_empty() {
            "nothing here today".to_string()
        } else {
            format!("applies: {applies}")
        };
        let _ = writeln!(text, "#   {area} ({codes}): {verdict}");
    }
    text.push_str(
        "# Every area stays on: one with nothing to read costs nothing, and guards the files a later change adds.\n\
         # To switch rules off, list codes, code prefixes or ids, such as [\"HS2\"] for the Kubernetes rules.\n\
         disable = []\n\
         # Your team's own rules (`hindsight new rule` writes one), relative to this file:\n\
         # dirs = [\"rules\"]\n\
         # The broad form of every rule (each `.unwrap()` outside tests, not only the incident shapes):\n\
         # profile = \"strict\"\n\n[files]\n\
         # Paths never checked (gitignore syntax; .gitignore is honoured already).\n",
    );
    let excluded: Vec<String> = found.vendored.iter().map(|d| format!("\"{d}/\"")).collect();
    let _ = writeln!(text, "exclude = [{}]", excluded.join(", "));
    text
}

/// Each built-in area: its name, its codes, and what here it applies to (empty when nothing).
fn areas(found: &Found) -> Vec<(String, String, String)> {
    let pack = RulePack::builtin();
    let mut areas: BTreeMap<(usize, String), Vec<&hindsight_engine::Rule>> = BTreeMap::new();
    for rule in pack.rules() {
        if let Some(category) = hindsight_engine::codex::docs::category(rule) {
            areas.entry(category).or_default().push(rule);
        }
    }
    areas
        .into_iter()
        .map(|((_, name), rules)| {
            let mut codes: Vec<&str> = rules.iter().map(|r| &*r.code).collect();
            codes.sort_unstable();
            let codes = match (codes.first(), codes.last()) {
                (Some(first), Some(last)) if first != last => format!("{first}-{last}"),
                (Some(first), _) => (*first).to_string(),
                _ => String::new(),
            };
            let applies = applies(found, &rules);
            (name, codes, applies)
        })
        .collect()
}

/// What of the repository an area's rules read: the languages and formats they name that it holds, with
/// Kubernetes manifests and workflows counted for the rules written for them.
fn applies(found: &Found, rules: &[&hindsight_engine::Rule]) -> String {
    let mut what = Vec::new();
    let kubernetes = rules.iter().any(|r| r.origin.path.contains("kubernetes/"));
    let ci = rules.iter().any(|r| r.origin.path.contains("ci/"));
    if kubernetes {
        if found.kubernetes > 0 {
            what.push(format!("{} Kubernetes manifests", found.kubernetes));
        }
        return what.join(", ");
    }
    if ci {
        if found.workflows > 0 {
            what.push(format!("{} GitHub workflows", found.workflows));
        }
        return what.join(", ");
    }
    let mut names: Vec<&str> = rules.iter().flat_map(|r| r.input_names()).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let n = found
            .languages
            .get(name)
            .or_else(|| found.formats.get(name))
            .copied()
            .unwrap_or(0);
        if n > 0 {
            what.push(format!("{n} {name} files"));
        }
    }
    what.join(", ")
}
