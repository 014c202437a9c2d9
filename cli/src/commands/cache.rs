//! `hindsight cache clean`: removes the result cache of `hindsight check`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::Outcome;
use crate::args::{CacheCleanArgs, CacheCommand};

pub(crate) fn run(command: &CacheCommand) -> anyhow::Result<Outcome> {
    match command {
        CacheCommand::Clean(args) => clean(args),
    }
}

fn clean(args: &CacheCleanArgs) -> anyhow::Result<Outcome> {
    let start = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let config = match &args.config {
        Some(path) => Some(path.clone()),
        None => hindsight_engine::Config::discover(&start),
    };
    let dir = crate::cache::locate(args.cache_dir.as_deref(), config.as_deref(), &start);
    if !dir.exists() {
        writeln!(std::io::stdout().lock(), "no cache at {}", dir.display())?;
        return Ok(Outcome::Clean);
    }
    // Only a directory the cache wrote is removed: `--cache-dir src` by mistake must not delete sources.
    if !is_cache(&dir) {
        anyhow::bail!(
            "{} is not a hindsight cache (it has no CACHEDIR.TAG written by hindsight); remove it by hand",
            dir.display()
        );
    }
    std::fs::remove_dir_all(&dir).with_context(|| format!("cannot remove {}", dir.display()))?;
    writeln!(std::io::stdout().lock(), "removed {}", dir.display())?;
    Ok(Outcome::Clean)
}

fn is_cache(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("CACHEDIR.TAG"))
        .is_ok_and(|text| text.contains("hindsight result cache"))
}
