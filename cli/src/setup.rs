//! Loading configuration and rule packs for a command.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use hindsight_engine::rule::Namespaces;
use hindsight_engine::{Config, RulePack};

use crate::args::PackArgs;

/// Configuration and the rule pack it selects.
pub(crate) struct Setup {
    pub(crate) config: Config,
    pub(crate) pack: Arc<RulePack>,
}

/// Reads `hindsight.toml` (explicit, or found from `start` upwards) and loads the built-in pack plus the
/// configured and `--rules` directories. Broken rule files are recorded in the pack, never fatal.
pub(crate) fn load(args: &PackArgs, start: &Path) -> anyhow::Result<Setup> {
    let config_path = match &args.config {
        Some(path) => Some(path.clone()),
        None => Config::discover(start),
    };
    let mut config = match &config_path {
        Some(path) => Config::load(&display_path(path)).context("invalid configuration")?,
        None => Config::default(),
    };
    config.today = Some(crate::date::today());
    let mut pack = RulePack::new();
    if args.no_builtin {
        pack.add_builtin_diagnostics();
    } else {
        pack.add_builtin();
    }
    for dir in config.rule_dirs.iter().chain(&args.rule_dirs) {
        pack.add_dir(dir);
    }
    let namespaces = if args.all_namespaces {
        Namespaces::All
    } else if args.namespace.is_empty() {
        Namespaces::Default
    } else {
        Namespaces::Named(args.namespace.clone())
    };
    for dir in &args.policy_dirs {
        pack.add_conftest_dir(dir, &namespaces);
    }
    pack.check_references();
    Ok(Setup {
        config,
        pack: Arc::new(pack),
    })
}

/// Shows a discovered absolute path relative to the working directory when it is below it.
pub(crate) fn display_path(path: &Path) -> PathBuf {
    let Ok(cwd) = std::env::current_dir() else {
        return path.to_path_buf();
    };
    path.strip_prefix(&cwd)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

/// Prints the pack's load problems to stderr, one `error[HS9003]` line each, for the commands that list or
/// report on rules rather than check files.
pub(crate) fn report_problems(pack: &RulePack) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut stderr = std::io::stderr().lock();
    for problem in pack.problems() {
        writeln!(
            stderr,
            "error[HS9003]: {}:{}:{}: {}",
            problem.path, problem.line, problem.column, problem.message
        )?;
    }
    Ok(())
}
