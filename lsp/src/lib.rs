//! The hindsight language server: codex findings as diagnostics while code is typed, the rule's explanation
//! and incident on hover, and its fix or a reasoned suppression as code actions.
//!
//! `hindsight lsp` runs [`run_stdio`]. The server is synchronous ([`lsp_server`] over crossbeam channels).
//!
//! The parts, and who may use whom (no module uses one that uses it back):
//! - `server.rs`, the main loop: it owns the session, the scheduler and the client, and routes messages to
//!   `api/` and finished work to `schedule/`.
//! - `api/`: one handler per request (`api/requests/`) and notification (`api/notifications/`), dispatched on
//!   the `lsp_types` method. Every handler runs on the main loop, in arrival order. They are cheap: they
//!   read the last check's findings, and check synchronously only when that check is out of date.
//! - `schedule/`: checking a document after it opens, changes or is saved, and scanning a workspace's
//!   configuration files for repository-scope rules, on worker threads. Their results come back to the main
//!   loop as events; results for a version or a rule configuration that is no longer current are dropped. A
//!   `textDocument/diagnostic` request waits for its check and can be cancelled with `$/cancelRequest`.
//! - `session/`: the state (documents, workspaces, settings, client capabilities); it uses none of the above.
//! - `client.rs` (messages to the client), `text.rs`, `uri.rs`, `transport.rs`: leaves.
//!
//! A panic in any handler or check becomes an error response (or a logged error) and the server goes on.

mod api;
mod client;
// The fuzz targets' way in (`fuzz/`): hidden, not a stable API.
#[doc(hidden)]
pub mod fuzzing;
mod schedule;
mod server;
mod session;
mod text;
mod transport;
mod uri;

pub use server::{Exit, run};
pub use session::Options;

/// Serves LSP on stdin and stdout until the client says `exit` or closes the connection.
pub fn run_stdio(options: Options) -> Exit {
    run(transport::stdio(), options)
}

#[cfg(test)]
mod tests;
