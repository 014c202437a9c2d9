//! One module per subcommand.

pub(crate) mod baseline;
pub(crate) mod cache;
pub(crate) mod change;
pub(crate) mod check;
pub(crate) mod codex;
pub(crate) mod completions;
pub(crate) mod coverage;
pub(crate) mod docs;
pub(crate) mod explain;
pub(crate) mod hook;
pub(crate) mod init;
pub(crate) mod lsp;
pub(crate) mod man;
pub(crate) mod mcp;
pub(crate) mod merge;
pub(crate) mod new;
pub(crate) mod review;
pub(crate) mod rules;
pub(crate) mod schema;
pub(crate) mod scope;
pub(crate) mod test;
pub(crate) mod waivers;
