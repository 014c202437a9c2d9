//! `hindsight`: the command-line interface.
//!
//! Exit codes: 0 when nothing at or above the failing severity was found, 1 when something was (or more
//! warnings than `--max-warnings` allows), 2 for usage, configuration and internal errors. A closed pipe
//! (`hindsight check | head`) is not an error.

mod args;
mod baseline;
mod cache;
mod commands;
mod date;
mod lessons;
mod paths;
mod printer;
mod render;
mod report;
mod selection;
mod setup;
mod shard;
mod site;
mod stubs;
mod timings;
mod write;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

use crate::args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => commands::check::run(&args),
        Command::Rules(args) => commands::rules::run(&args),
        Command::Explain(args) => commands::explain::run(&args),
        Command::Test(args) => commands::test::run(&args),
        Command::Schema(args) => commands::schema::run(&args),
        Command::Scope(args) => commands::scope::run(&args),
        Command::Coverage(args) => commands::coverage::run(&args),
        Command::Codex(command) => commands::codex::run(&command),
        Command::Docs(args) => commands::docs::run(&args),
        Command::Waivers(args) => commands::waivers::run(&args),
        Command::Baseline(command) => commands::baseline::run(&command),
        Command::Hook(command) => commands::hook::run(&command),
        Command::Init(args) => commands::init::run(&args),
        Command::New(command) => commands::new::run(&command),
        Command::Lsp => commands::lsp::run(),
        Command::Mcp(args) => commands::mcp::run(&args),
        Command::Review(args) => commands::review::run(&args),
        Command::Completions(args) => commands::completions::run(&args),
        Command::Man(args) => commands::man::run(&args),
        Command::Cache(command) => commands::cache::run(&command),
        Command::Merge(args) => commands::merge::run(&args),
    };
    match result {
        Ok(outcome) => ExitCode::from(outcome as u8),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            ExitCode::from(Outcome::Error as u8)
        }
    }
}

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Nothing at or above the failing severity.
    Clean = 0,
    /// Findings (or failing tests) at or above the failing severity.
    Findings = 1,
    /// Usage, configuration or internal error.
    Error = 2,
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
