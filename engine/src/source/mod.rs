//! Source files before any rule sees them: the language table, parsing (with macro bodies re-parsed), and what
//! role a file and a node play (production, test, example, tooling or vendored code).

pub(crate) mod context;
pub mod lang;
pub(crate) mod macros;
pub mod scope;

#[cfg(test)]
mod grammar_tests;
