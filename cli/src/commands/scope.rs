//! `hindsight scope`: what each file is for (production, test, example, tooling, vendored) and why, as
//! `hindsight check` decides it. Rules that skip test code report only in production files.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use hindsight_engine::walk::{self, WalkOptions};
use hindsight_engine::{Checker, Role};
use serde_json::json;

use crate::Outcome;
use crate::args::{ListFormat, ScopeArgs};

pub(crate) fn run(args: &ScopeArgs) -> anyhow::Result<Outcome> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let setup = crate::setup::load(&args.pack, &paths[0])?;
    let checker = Checker::new(setup.pack.clone(), &setup.config);
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let options = WalkOptions {
        excludes: vec![
            (setup.config.base_dir.clone(), setup.config.exclude.clone()),
            (cwd, Vec::new()),
        ],
        languages: checker.languages().collect(),
        formats: checker.formats(),
        scope: setup.config.scope.clone(),
    };
    let (files, problems) = walk::discover(&paths, &options);
    for problem in &problems {
        let _ = writeln!(
            std::io::stderr(),
            "error: {}: {}",
            problem.path.display(),
            problem.message
        );
    }
    let shown: Vec<_> = files
        .iter()
        .filter(|f| args.role.is_empty() || args.role.iter().any(|r| r.role() == f.scope.role))
        .collect();
    let mut counts: BTreeMap<Role, usize> = BTreeMap::new();
    for file in &files {
        *counts.entry(file.scope.role).or_default() += 1;
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        ListFormat::Json => {
            let entries: Vec<_> = shown
                .iter()
                .map(|f| {
                    json!({
                        "path": f.path.display().to_string().replace('\\', "/"),
                        "role": f.scope.role.as_str(),
                        "reason": f.scope.reason,
                    })
                })
                .collect();
            let summary: serde_json::Map<String, serde_json::Value> = counts
                .iter()
                .map(|(role, n)| (role.as_str().to_string(), json!(n)))
                .collect();
            serde_json::to_writer_pretty(
                &mut out,
                &json!({ "files": entries, "summary": summary }),
            )?;
            writeln!(out)?;
        }
        ListFormat::Human => {
            let width = shown
                .iter()
                .map(|f| f.path.display().to_string().len())
                .max()
                .unwrap_or(0);
            for file in &shown {
                writeln!(
                    out,
                    "{:<10} {:<width$}  {}",
                    file.scope.role.as_str(),
                    file.path.display(),
                    file.scope.reason,
                )?;
            }
            let summary: Vec<String> = counts
                .iter()
                .map(|(role, n)| format!("{n} {}", role.as_str()))
                .collect();
            writeln!(
                out,
                "{} file(s): {}",
                files.len(),
                if summary.is_empty() {
                    "none".to_string()
                } else {
                    summary.join(", ")
                }
            )?;
        }
    }
    Ok(if problems.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Error
    })
}
