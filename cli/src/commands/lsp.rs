//! `hindsight lsp`: the language server on stdin and stdout (the `hindsight-lsp` crate).

use crate::Outcome;

pub(crate) fn run() -> anyhow::Result<Outcome> {
    let options = hindsight_lsp::Options {
        today: crate::date::today,
    };
    // The LSP spec: exit code 0 after `shutdown` then `exit`, 1 otherwise.
    Ok(match hindsight_lsp::run_stdio(options) {
        hindsight_lsp::Exit::Clean => Outcome::Clean,
        hindsight_lsp::Exit::Abrupt => Outcome::Findings,
    })
}
