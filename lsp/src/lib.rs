//! The hindsight language server: codex findings as diagnostics while code is typed, the rule's explanation
//! and incident on hover, and its fix or a reasoned suppression as code actions.
//!
//! `hindsight lsp` runs [`run_stdio`]. The server is synchronous ([`lsp_server`] over crossbeam channels).
//!
//! Where handlers run:
//! - On the main loop (`server.rs`), in arrival order: every notification (`notifications/`) and every
//!   request (`requests/`): hover, code actions, commands, pull diagnostics, shutdown. They are cheap: they
//!   read the last check's findings, and check synchronously only when that check is out of date.
//! - On worker threads (`worker.rs`): checking a document after it opens, changes or is saved, and scanning
//!   a workspace's configuration files for repository-scope rules. Their results come back to the main loop
//!   as events; results for a version or a rule configuration that is no longer current are dropped. A
//!   `textDocument/diagnostic` request waits for its check and can be cancelled with `$/cancelRequest`.
//!
//! A panic in any handler or check becomes an error response (or a logged error) and the server goes on.

mod analysis;
mod capabilities;
mod diagnostics;
mod notifications;
mod requests;
mod server;
mod settings;
mod text;
mod transport;
mod uri;
mod worker;
mod workspace;

pub use server::{Exit, run};

/// What the embedding binary provides.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Today's date (`YYYY-MM-DD`) for suppression expiry: the server reads no clock of its own.
    pub today: fn() -> String,
}

/// Serves LSP on stdin and stdout until the client says `exit` or closes the connection.
pub fn run_stdio(options: Options) -> Exit {
    run(transport::stdio(), options)
}

#[cfg(test)]
mod tests;
