//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::printer::{self, Format};

/// hindsight: incident lessons as rules with stable codes, enforced where mistakes enter.
#[derive(Parser, Debug)]
#[command(name = "hindsight", version = env!("HINDSIGHT_VERSION"), about, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Check files against the rule pack.
    Check(Box<CheckArgs>),
    /// List the loaded rules.
    Rules(RulesArgs),
    /// Explain a rule: what it reports, the incident behind it, how to fix it.
    Explain(ExplainArgs),
    /// Run the examples of rule packs as tests.
    Test(TestArgs),
    /// Print the JSON Schema of rule files (or of incident records).
    Schema(SchemaArgs),
    /// Show, per incident, which action items are enforced automatically, by review, or not at all.
    Coverage(CoverageArgs),
    /// Write the rule documentation site (rules, incidents, coverage) as static HTML.
    Docs(DocsArgs),
    /// Run the language server on stdin and stdout (see docs/editors.md).
    Lsp,
    /// Run the Model Context Protocol server on stdin and stdout: the codex's tools, rules and incidents for
    /// AI reviewers and agents (see docs/review.md).
    Mcp(McpArgs),
    /// Write a change's review digest for a pull-request comment: the findings it adds, the review-only
    /// lessons for the files it touches (a checklist), the suppressions and waivers it adds or removes.
    Review(Box<ReviewArgs>),
    /// Work with the codex as a whole (all lessons, automated and review-only).
    #[command(subcommand)]
    Codex(CodexCommand),
    /// Show what each file is for (production, test, example, tooling, vendored) and why: rules that skip
    /// test code report only in production files. `[scope]` in hindsight.toml overrides the conventions.
    Scope(ScopeArgs),
    /// List the `[[waiver]]` entries of hindsight.toml: what each waives, who owns it, when it expires.
    Waivers(WaiversArgs),
    /// Record today's findings as accepted debt (`write`), or drop the entries that no longer match (`prune`).
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Install or remove the git pre-commit hook that runs `hindsight check --staged --diff HEAD`.
    #[command(subcommand)]
    Hook(HookCommand),
    /// Print the shell completion script for SHELL to stdout (e.g. `hindsight completions bash`).
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout, or write one page per command with `--out DIR`.
    Man(ManArgs),
    /// Start on an existing repository: write a hindsight.toml for what it holds, a baseline of today's
    /// findings, and the commit hook.
    Init(InitArgs),
    /// Scaffold a rule: every required field stubbed, so `hindsight test` fails until all are filled in.
    #[command(subcommand)]
    New(NewCommand),
    /// Manage the result cache of `hindsight check` (`.hindsight-cache/`).
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Combine the JSON (or SARIF) reports of several `hindsight check` runs, such as the shards of a CI
    /// matrix, into one report on stdout.
    Merge(MergeArgs),
}

#[derive(Subcommand, Debug)]
pub(crate) enum CacheCommand {
    /// Remove the result cache: the next check computes every file again.
    Clean(CacheCleanArgs),
}

#[derive(Args, Debug)]
pub(crate) struct CacheCleanArgs {
    /// Where to look for hindsight.toml (or the repository root) to find the cache (default: the current
    /// directory).
    pub(crate) path: Option<PathBuf>,
    /// The cache directory to remove, as given to `check --cache-dir`.
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
    /// The configuration file whose cache to remove.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub(crate) struct MergeArgs {
    /// Reports written by `hindsight check --format json` (or `sarif`), all in the same format.
    #[arg(required = true, value_name = "REPORT")]
    pub(crate) reports: Vec<PathBuf>,
    /// Write the merged report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub(crate) struct McpArgs {
    #[command(flatten)]
    pub(crate) pack: PackArgs,
}

#[derive(Args, Debug)]
pub(crate) struct ReviewArgs {
    /// The change since the merge base with REF (the target branch, such as origin/main); BASE..HEAD reviews the
    /// commit HEAD (read from git, not checked out) since the merge base of BASE and HEAD.
    #[arg(long, value_name = "REF", required_unless_present = "staged")]
    pub(crate) diff: Option<String>,
    /// The staged change: what the next commit holds, compared with HEAD (or with --diff's REF).
    #[arg(long)]
    pub(crate) staged: bool,
    /// Judge with hindsight.toml, rule directories, stages and waivers as they are at REF (the base branch).
    #[arg(long, value_name = "REF")]
    pub(crate) rules_from: Option<String>,
    #[command(flatten)]
    pub(crate) pack: PackArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReviewFormat::Markdown)]
    pub(crate) format: ReviewFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub(crate) struct ManArgs {
    /// Write `hindsight.1` and one page per command (`hindsight-check.1`, …) into this directory (created if
    /// missing) instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// With `--out`: replace pages that exist already.
    #[arg(long, requires = "out")]
    pub(crate) force: bool,
}

#[derive(Args, Debug)]
pub(crate) struct InitArgs {
    /// The repository (default: the current directory).
    pub(crate) dir: Option<PathBuf>,
    /// Print what would be written, write nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Replace hindsight.toml, the baseline and a `.pre-commit-config.yaml` hook entry that exist.
    #[arg(long)]
    pub(crate) force: bool,
    /// Which hook to set up: a `repo: local` entry in `.pre-commit-config.yaml`, the git pre-commit hook
    /// (`hindsight hook install`), or none.
    #[arg(long, value_enum, default_value_t = InitHook::None)]
    pub(crate) hook: InitHook,
}

/// The hook `hindsight init` sets up.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InitHook {
    /// A `repo: local` hook in `.pre-commit-config.yaml`, for teams that use the pre-commit framework.
    PreCommit,
    /// The git pre-commit hook, as `hindsight hook install` writes it.
    Git,
    /// No hook.
    None,
}

#[derive(Subcommand, Debug)]
pub(crate) enum NewCommand {
    /// Write `<DIR>/<ID>.yaml` (and `<ID>.rego`, `<ID>_test.rego` with `--rego`): every required field
    /// stubbed and commented, a bad and a good example, an incident stub.
    Rule(NewRuleArgs),
}

#[derive(Args, Debug)]
pub(crate) struct NewRuleArgs {
    /// Language of the checked files: `rust` or `yaml` for a structural rule; `yaml`, `json` or `toml` with
    /// `--rego`.
    #[arg(long)]
    pub(crate) language: String,
    /// Kebab-case id naming the bad pattern, such as `no-blocking-sleep`; the file name.
    #[arg(long)]
    pub(crate) id: String,
    /// Stable code: 2-8 capital letters and 3-5 digits, such as `ACME1001`.
    #[arg(long)]
    pub(crate) code: String,
    /// A Rego rule over configuration data: also writes the policy and its tests.
    #[arg(long)]
    pub(crate) rego: bool,
    /// Directory of the rule pack.
    #[arg(long, value_name = "DIR", default_value = "rules")]
    pub(crate) dir: PathBuf,
    /// Replace files that exist.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Args, Debug)]
pub(crate) struct CoverageArgs {
    #[command(flatten)]
    pub(crate) pack: PackArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DocFormat::Human)]
    pub(crate) format: DocFormat,
    /// Only these incidents (registry ids; repeatable).
    #[arg(long, value_name = "ID")]
    pub(crate) incident: Vec<String>,
}

#[derive(Args, Debug)]
pub(crate) struct DocsArgs {
    #[command(flatten)]
    pub(crate) pack: PackArgs,
    /// Directory to write the site into (created if missing; files of an earlier run are replaced).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: PathBuf,
}

#[derive(Subcommand, Debug)]
pub(crate) enum CodexCommand {
    /// Write every lesson as a compact digest ("If you need X, do Y"), with codes and links, for a
    /// reviewers' guide or an AI reviewer's instructions.
    Export(CodexExportArgs),
}

#[derive(Args, Debug)]
pub(crate) struct CodexExportArgs {
    #[command(flatten)]
    pub(crate) pack: PackArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Markdown)]
    pub(crate) format: ExportFormat,
    /// Write to this file instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Formats of a report meant for people and programs.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DocFormat {
    /// Text for a terminal.
    Human,
    /// Markdown, for a wiki page or a pull-request comment.
    Markdown,
    /// JSON.
    Json,
}

/// Formats of a review digest.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReviewFormat {
    /// Markdown for a pull-request comment.
    Markdown,
    /// JSON: the same content as one document (docs/review.md).
    Json,
}

/// Formats of the codex digest.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExportFormat {
    /// Markdown.
    Markdown,
    /// JSON: one object per lesson.
    Json,
}

#[derive(Subcommand, Debug)]
pub(crate) enum BaselineCommand {
    /// Check the whole tree and record every unsuppressed finding by fingerprint. An existing baseline is
    /// only replaced by one that does not grow, unless `--force`.
    Write(BaselineArgs),
    /// Check the whole tree and drop the entries that no longer match a finding. Never adds one.
    Prune(BaselineArgs),
}

#[derive(Args, Debug)]
pub(crate) struct BaselineArgs {
    /// The baseline file (default: hindsight-baseline.json).
    pub(crate) file: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) pack: PackArgs,
    /// Load the rules, configuration and waivers from this git ref (as `check --rules-from`).
    #[arg(long, value_name = "REF")]
    pub(crate) rules_from: Option<String>,
    /// With `write`: replace an existing baseline even when the new one records findings it did not.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Subcommand, Debug)]
pub(crate) enum HookCommand {
    /// Write the pre-commit hook (into `core.hooksPath` when set). A hook that is not hindsight's is kept
    /// unless `--force`, which sets it aside for `hook uninstall` to restore.
    Install {
        /// Replace a pre-commit hook that is not hindsight's (it is kept as pre-commit.hindsight-backup).
        #[arg(long)]
        force: bool,
    },
    /// Remove hindsight's pre-commit hook and restore the one it replaced, if any.
    Uninstall,
}

/// Where rules and configuration come from; shared by the commands that load rules.
#[derive(Args, Debug, Clone, Default)]
pub(crate) struct PackArgs {
    /// Add a directory of rule files (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub(crate) rule_dirs: Vec<PathBuf>,
    /// Do not load the built-in rule pack (its HS9xxx diagnostics about suppressions and rules stay).
    #[arg(long)]
    pub(crate) no_builtin: bool,
    /// Use this configuration file instead of looking for hindsight.toml.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Add plain conftest policies: a directory of `.rego` files or one `.rego` file (repeatable; all are
    /// loaded together, as conftest does); package `main` unless `--namespace` says.
    #[arg(long = "policy", value_name = "PATH")]
    pub(crate) policy_dirs: Vec<PathBuf>,
    /// Query this package of the `--policy` files instead of `main` (repeatable); a glob (`'c*'`, `'main.*'`,
    /// `'*'`) queries every package it matches.
    #[arg(long, value_name = "PACKAGE")]
    pub(crate) namespace: Vec<String>,
    /// Query every package of the `--policy` files that defines deny, violation or warn.
    #[arg(long, conflicts_with = "namespace")]
    pub(crate) all_namespaces: bool,
    /// A JSON or YAML file, or a directory of them, whose documents the `--policy` files read as `data.*`
    /// (repeatable; merged at `data`, as `conftest test --data` does).
    #[arg(long = "data", value_name = "PATH", requires = "policy_dirs")]
    pub(crate) data: Vec<PathBuf>,
    /// Give the `--policy` files all documents of the check at once, as one list of `{path, contents}`
    /// (`conftest test --combine`).
    #[arg(long, requires = "policy_dirs")]
    pub(crate) combine: bool,
}

#[derive(Args, Debug)]
pub(crate) struct CheckArgs {
    /// Files or directories to check (default: the current directory); `-` reads one text from standard input.
    // An empty argument (`""`, an unset variable in quotes) is accepted and skipped, as conftest skips it;
    // clap's own path parser refuses it.
    #[arg(value_parser = path_or_empty)]
    pub(crate) paths: Vec<PathBuf>,
    /// With `-`: the path the piped text is checked and reported as (its extension picks the format or
    /// language; a directory such as `chart/` places `# Source:` documents of `helm template` in it).
    #[arg(long, value_name = "PATH")]
    pub(crate) stdin_filename: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) pack: PackArgs,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = printer::human::FORMAT)]
    pub(crate) format: Format,
    /// Also write the report in FORMAT to the file PATH (repeatable), e.g. `--output sarif=hindsight.sarif`.
    #[arg(long = "output", value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub(crate) outputs: Vec<OutputFile>,
    /// Instead of the findings, print how many each rule found (count, code, severity, title), most first;
    /// as a JSON array with `--format json`.
    #[arg(long)]
    pub(crate) statistics: bool,
    /// Print only the findings: no notes, no summary line, no progress (the exit code is the same).
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// Fail when there are more than N unsuppressed warnings, whatever `--fail-on` says.
    #[arg(long, value_name = "N")]
    pub(crate) max_warnings: Option<usize>,
    /// When to use colour in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// Skip paths matching this gitignore-style pattern (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub(crate) exclude: Vec<String>,
    /// Number of threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub(crate) threads: Option<usize>,
    /// Lowest severity that makes the run fail.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub(crate) fail_on: FailOn,
    /// Whether a rule that fails to load or to run (HS9003, HS9004) fails the run on its own. It is always
    /// reported.
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    pub(crate) fail_on_rule_error: bool,
    /// Apply the fixes of rules that have one, then report what is left.
    #[arg(long)]
    pub(crate) fix: bool,
    /// Which form of the rules runs: `default` (the shapes worth a finding on any codebase) or `strict` (each
    /// rule's broad form, such as every `.unwrap()` outside tests). Overrides `profile` in hindsight.toml.
    #[arg(long, value_enum, value_name = "PROFILE")]
    pub(crate) profile: Option<ProfileArg>,
    /// Benchmark baseline: discover and parse the files, run no rules.
    #[arg(long, hide = true)]
    pub(crate) parse_only: bool,
    /// Leave macro arguments opaque (to measure what seeing inside macros finds and costs).
    #[arg(long, hide = true)]
    pub(crate) no_macro_expansion: bool,
    #[command(flatten)]
    pub(crate) git: GitArgs,
    #[command(flatten)]
    pub(crate) selection: SelectionArgs,
    #[command(flatten)]
    pub(crate) speed: SpeedArgs,
}

/// The result cache, CI sharding and per-rule timings.
#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "Cache, sharding and timings")]
pub(crate) struct SpeedArgs {
    /// Neither read nor write the result cache (`.hindsight-cache/` next to hindsight.toml, or at the
    /// repository root): every file is checked from scratch.
    #[arg(long)]
    pub(crate) no_cache: bool,
    /// Keep the result cache in DIR (say, a directory the CI's cache action saves and restores).
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub(crate) cache_dir: Option<PathBuf>,
    /// Check only slice K of N (1-based) of the files, chosen by a hash of each path that is the same on
    /// every machine: N CI jobs with `--shard 1/N` to `--shard N/N` check every file once; `hindsight merge`
    /// combines their reports.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub(crate) shard: Option<Shard>,
    /// After the run, print the time each rule took, parse time per language and the slowest files (in
    /// `timings` with `--format json`).
    #[arg(long)]
    pub(crate) timings: bool,
}

/// `--shard K/N`: the K-th of N slices, 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shard {
    /// Which slice, 1 to `count`.
    pub(crate) index: u64,
    /// How many slices.
    pub(crate) count: u64,
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    let (index, count) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}` is not K/N, such as 1/4"))?;
    let number = |part: &str| {
        part.trim()
            .parse::<u64>()
            .map_err(|_| format!("`{part}` in `{text}` is not a whole number"))
    };
    let (index, count) = (number(index)?, number(count)?);
    if count == 0 || index == 0 || index > count {
        return Err(format!(
            "`{text}`: K must be between 1 and N, and N at least 1 (such as 1/4 to 4/4)"
        ));
    }
    Ok(Shard { index, count })
}

/// Which rules run, over `[rules] enable`/`disable` of hindsight.toml, with Ruff's flags. Each takes codes,
/// code prefixes (`HS6`) or rule ids, comma-separated and repeatable; the most specific selector wins, and
/// `--ignore` wins a tie.
#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "Rule selection")]
pub(crate) struct SelectionArgs {
    /// Run only these rules, instead of those hindsight.toml enables: codes, code prefixes (`HS6`) or rule ids,
    /// comma-separated (repeatable, as are the two below). The most specific selector wins; `--ignore` wins a
    /// tie.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub(crate) select: Option<Vec<String>>,
    /// Run these rules too, besides those selected.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub(crate) extend_select: Vec<String>,
    /// Do not run these rules.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub(crate) ignore: Vec<String>,
}

/// Git-aware checking: what is checked and what is reported (see README, "In git and CI").
#[derive(Args, Debug, Clone, Default)]
pub(crate) struct GitArgs {
    /// Check what will be committed: the staged content of staged files (not the working tree), deleted files
    /// skipped. Never walks the tree.
    #[arg(long)]
    pub(crate) staged: bool,
    /// Report only findings on lines added or changed since the merge base with REF (with --staged: the lines
    /// the commit changes); the others are counted in the summary. BASE..HEAD checks the commit HEAD (read
    /// from git, not checked out) since the merge base of BASE and HEAD.
    #[arg(long, value_name = "REF")]
    pub(crate) diff: Option<String>,
    /// Report only findings that did not exist at REF, matched by fingerprint (moved code is not new).
    #[arg(long, value_name = "REF")]
    pub(crate) new_only: Option<String>,
    /// Load hindsight.toml, its rule directories, rollout stages and waivers from REF (e.g. the base branch)
    /// instead of the working tree, so a change cannot weaken the rules that judge it.
    #[arg(long, value_name = "REF")]
    pub(crate) rules_from: Option<String>,
    /// Report only findings not recorded in this baseline file (`hindsight baseline write`).
    #[arg(long, value_name = "FILE")]
    pub(crate) baseline: Option<PathBuf>,
}

impl CheckArgs {
    /// The arguments of `hindsight check` on the whole tree, human output, with these rules.
    pub(crate) fn whole_tree(pack: PackArgs, rules_from: Option<String>) -> Self {
        Self {
            paths: Vec::new(),
            stdin_filename: None,
            pack,
            format: printer::human::FORMAT,
            outputs: Vec::new(),
            max_warnings: None,
            color: ColorChoice::Never,
            exclude: Vec::new(),
            threads: None,
            fail_on: FailOn::Error,
            fail_on_rule_error: true,
            fix: false,
            profile: None,
            parse_only: false,
            no_macro_expansion: false,
            git: GitArgs {
                rules_from,
                ..GitArgs::default()
            },
            selection: SelectionArgs::default(),
            statistics: false,
            quiet: false,
            // A one-off run over the whole tree (`init`, `baseline`): `init --dry-run` writes nothing.
            speed: SpeedArgs {
                no_cache: true,
                ..SpeedArgs::default()
            },
        }
    }
}

impl GitArgs {
    /// Does the check look at a git change rather than files on disk?
    pub(crate) fn is_change(&self) -> bool {
        self.staged || self.diff.is_some() || self.new_only.is_some()
    }
}

#[derive(Args, Debug)]
pub(crate) struct RulesArgs {
    #[command(flatten)]
    pub(crate) pack: PackArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub(crate) format: ListFormat,
}

#[derive(Args, Debug)]
pub(crate) struct ExplainArgs {
    /// Rule code or id, such as HS1001 or unwrap-outside-tests.
    pub(crate) rule: String,
    #[command(flatten)]
    pub(crate) pack: PackArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub(crate) format: ListFormat,
}

#[derive(Args, Debug)]
pub(crate) struct TestArgs {
    /// Rule directories to test (default: the built-in pack).
    pub(crate) dirs: Vec<PathBuf>,
    /// Print every example, not only failures.
    #[arg(short, long)]
    pub(crate) verbose: bool,
    /// Report which lines of each Rego policy the examples and `_test.rego` tests ran.
    #[arg(long)]
    pub(crate) coverage: bool,
    /// With `--coverage`: fail when a policy file's line coverage is below this percentage.
    #[arg(long, value_name = "PERCENT", requires = "coverage")]
    pub(crate) min: Option<f64>,
}

#[derive(Args, Debug)]
pub(crate) struct ScopeArgs {
    /// Files or directories (default: the current directory).
    pub(crate) paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) pack: PackArgs,
    /// Only files of this role (repeatable).
    #[arg(long, value_enum, value_name = "ROLE")]
    pub(crate) role: Vec<RoleArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub(crate) format: ListFormat,
}

/// A rule profile, as `--profile` takes it.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProfileArg {
    /// Each rule's own matcher.
    Default,
    /// Each rule's broad form where it has one.
    Strict,
}

impl ProfileArg {
    pub(crate) fn profile(self) -> hindsight_engine::config::Profile {
        match self {
            ProfileArg::Default => hindsight_engine::config::Profile::Default,
            ProfileArg::Strict => hindsight_engine::config::Profile::Strict,
        }
    }
}

/// A file's role, as `--role` takes it.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RoleArg {
    /// Production code: every rule reports.
    Production,
    /// Tests, test-support crates, fixtures.
    Test,
    /// Examples.
    Example,
    /// Build scripts, xtask, fuzz targets, benchmarks.
    Tooling,
    /// Third-party code kept in the repository.
    Vendored,
}

impl RoleArg {
    pub(crate) fn role(self) -> hindsight_engine::Role {
        use hindsight_engine::Role;
        match self {
            RoleArg::Production => Role::Production,
            RoleArg::Test => Role::Test,
            RoleArg::Example => Role::Example,
            RoleArg::Tooling => Role::Tooling,
            RoleArg::Vendored => Role::Vendored,
        }
    }
}

#[derive(Args, Debug)]
pub(crate) struct WaiversArgs {
    /// Use this configuration file instead of looking for hindsight.toml from the current directory.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Read hindsight.toml from this git ref instead of the working tree.
    #[arg(long, value_name = "REF")]
    pub(crate) rules_from: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub(crate) format: ListFormat,
}

/// `--output FORMAT=PATH`: one more format, written to a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OutputFile {
    /// The format to write.
    pub(crate) format: Format,
    /// The file to write it to (created or truncated).
    pub(crate) path: PathBuf,
}

/// Parses `FORMAT=PATH`; clap turns an error into a usage error (exit 2) that names the value.
fn parse_output(value: &str) -> Result<OutputFile, String> {
    let Some((format, path)) = value.split_once('=') else {
        return Err("expected FORMAT=PATH, such as sarif=hindsight.sarif".into());
    };
    let format = Format::from_str(format, false).map_err(|_| {
        let known: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        format!(
            "unknown format `{format}`; expected one of {}",
            known.join(", ")
        )
    })?;
    if path.is_empty() {
        return Err(format!("no file after `{}=`", value.trim_end_matches('=')));
    }
    Ok(OutputFile {
        format,
        path: PathBuf::from(path),
    })
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListFormat {
    /// Text for people.
    Human,
    /// JSON.
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FailOn {
    /// Fail on errors only.
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on any finding.
    Info,
}

impl FailOn {
    pub(crate) fn threshold(self) -> hindsight_engine::Severity {
        match self {
            FailOn::Error => hindsight_engine::Severity::Error,
            FailOn::Warning => hindsight_engine::Severity::Warning,
            FailOn::Info => hindsight_engine::Severity::Info,
        }
    }
}

/// `hindsight schema`.
#[derive(Debug, clap::Args)]
pub(crate) struct SchemaArgs {
    /// Which file format.
    #[arg(value_enum, default_value_t = SchemaKind::Rule)]
    pub(crate) kind: SchemaKind,
}

/// A file format with a schema.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum SchemaKind {
    /// Rule files (`rules/**/<CODE>.yaml`).
    Rule,
    /// Incident records (`rules/incidents/<id>.yaml`).
    Incident,
}

/// A path argument as given, the empty one included (see [`CheckArgs::paths`]).
fn path_or_empty(value: &str) -> Result<PathBuf, std::convert::Infallible> {
    Ok(PathBuf::from(value))
}
