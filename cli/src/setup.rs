//! Loading configuration and rule packs for a command.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use hindsight_engine::repository::Repository;
use hindsight_engine::rule::{ConftestOptions, Namespaces};
use hindsight_engine::{Config, RulePack};

use crate::args::PackArgs;
use crate::paths::display_path;

/// Configuration and the rule pack it selects.
pub(crate) struct Setup {
    pub(crate) config: Config,
    pub(crate) pack: Arc<RulePack>,
}

/// Reads `hindsight.toml` (explicit, or found from `start` upwards) and loads the built-in pack plus the
/// configured and `--rules` directories. Broken rule files are recorded in the pack, never fatal.
pub(crate) fn load(args: &PackArgs, start: &Path) -> anyhow::Result<Setup> {
    let config = load_config(args, start)?;
    Ok(load_pack(args, config))
}

/// The configuration half of [`load`]: `hindsight.toml` (explicit, or found from `start` upwards), today's
/// date and the repository around `start`.
pub(crate) fn load_config(args: &PackArgs, start: &Path) -> anyhow::Result<Config> {
    let config_path = match &args.config {
        Some(path) => Some(path.clone()),
        None => Config::discover(start),
    };
    let mut config = match &config_path {
        Some(path) => Config::load(&display_path(path)).context("invalid configuration")?,
        None => Config::default(),
    };
    config.today = Some(crate::date::today());
    config.repository = Repository::discover(start);
    Ok(config)
}

/// The rule-pack half of [`load`]: the built-in pack plus the configured and `--rules` directories, and
/// `--policy` directories.
pub(crate) fn load_pack(args: &PackArgs, config: Config) -> Setup {
    let mut pack = base_pack(args);
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
    if !args.policy_dirs.is_empty() {
        let options = ConftestOptions {
            namespaces,
            data: args.data.clone(),
            combine: args.combine,
        };
        pack.add_conftest_policies(&args.policy_dirs, &options);
    }
    pack.check_references();
    Setup {
        config,
        pack: Arc::new(pack),
    }
}

/// Like [`load`], but `hindsight.toml` and every rule directory (its `dirs` and `--rules`) come from the git
/// ref `reference`; the built-in pack is the binary's own. Also returns what the working tree changes in those
/// rules and waivers, one line each, for reviewers.
pub(crate) fn load_trusted(
    args: &PackArgs,
    start: &Path,
    reference: &str,
) -> anyhow::Result<(Setup, Vec<String>)> {
    if !args.policy_dirs.is_empty() {
        anyhow::bail!(
            "--policy cannot be combined with --rules-from yet: put the policies in a rule directory of hindsight.toml"
        );
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let trusted = hindsight_git::TrustedRules::load(&cwd, reference, args.config.as_deref())?;
    let mut config = trusted.config.clone();
    config.today = Some(crate::date::today());
    config.repository = Repository::discover(start);
    let mut pack = base_pack(args);
    let mut dirs: Vec<PathBuf> = config.rule_dirs.clone();
    dirs.extend(args.rule_dirs.iter().cloned());
    for dir in &dirs {
        trusted.add_rule_dir(&mut pack, dir);
    }
    pack.check_references();
    // What the working tree would have used instead.
    let current_path = match &args.config {
        Some(path) => Some(path.clone()),
        None => Config::discover(start),
    };
    let current = current_path.and_then(|path| Config::load(&display_path(&path)).ok());
    if let Some(current) = &current {
        dirs.extend(current.rule_dirs.iter().cloned());
    }
    if let Some(path) = &trusted.config_path {
        dirs.push(path.clone());
    }
    let changes = trusted.changes(current.as_ref(), &dirs);
    Ok((
        Setup {
            config,
            pack: Arc::new(pack),
        },
        changes,
    ))
}

/// The built-in pack, or only its `HS9xxx` diagnostics with `--no-builtin`.
fn base_pack(args: &PackArgs) -> RulePack {
    let mut pack = RulePack::new();
    if args.no_builtin {
        pack.add_builtin_diagnostics();
    } else {
        pack.add_builtin();
    }
    pack
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

/// The end of a command that reports on rules rather than checking files: load problems go to stderr and make
/// the exit code 1, since a broken rule file means the report is incomplete.
pub(crate) fn finish_report(pack: &RulePack) -> anyhow::Result<crate::Outcome> {
    report_problems(pack)?;
    Ok(if pack.problems().is_empty() {
        crate::Outcome::Clean
    } else {
        crate::Outcome::Findings
    })
}
