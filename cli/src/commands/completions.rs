//! `hindsight completions SHELL`: the shell completion script, generated from the command-line definition.

use clap::CommandFactory as _;

use crate::Outcome;
use crate::args::{Cli, CompletionsArgs};

pub(crate) fn run(args: &CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut command = Cli::command();
    let mut stdout = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "hindsight", &mut stdout);
    Ok(Outcome::Clean)
}
