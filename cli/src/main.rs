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

/// With `RUST_BACKTRACE` set (many CI images and developers' shells set it), every `anyhow` error captures a
/// backtrace, and regorus makes such errors on its hot paths only to throw them away: resolving an index that
/// is not a string literal (`input.stages[i]`) on every evaluation, trying alternatives while parsing a policy.
/// That made the Rego rules half as fast again (callgrind, the Dockerfile rules on 250 Dockerfiles: 1,153 M
/// instructions against 768 M). std reads `RUST_LIB_BACKTRACE` before `RUST_BACKTRACE` for such backtraces,
/// once per process; setting it here needs `std::env::set_var`, which is `unsafe` and this workspace forbids,
/// so the process starts itself again with `RUST_LIB_BACKTRACE=0` (one `exec`: the same process, arguments and
/// streams). A panic still prints its backtrace (that reads `RUST_BACKTRACE` alone); a user who wants the
/// library's backtraces sets `RUST_LIB_BACKTRACE=1`, and nothing is changed.
#[cfg(unix)]
fn library_backtraces_off() {
    use std::os::unix::process::CommandExt as _;
    let asked = std::env::var_os("RUST_BACKTRACE").is_some_and(|value| value != "0");
    if !asked || std::env::var_os("RUST_LIB_BACKTRACE").is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut args = std::env::args_os();
    let mut command = std::process::Command::new(exe);
    if let Some(arg0) = args.next() {
        command.arg0(arg0);
    }
    command.args(args).env("RUST_LIB_BACKTRACE", "0");
    // `exec` returns only when it failed (the binary was replaced or removed since it started): this process
    // then goes on as it is, with the backtraces.
    let _ = command.exec();
}

fn main() -> ExitCode {
    #[cfg(unix)]
    library_backtraces_off();
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
