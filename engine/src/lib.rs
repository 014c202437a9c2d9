//! The hindsight engine: rule packs, structural matching and findings.
//!
//! A [`RulePack`] holds rules loaded from YAML (the built-in pack is embedded). A [`Checker`] compiles a pack
//! under a [`Config`] and checks one [`SourceFile`] at a time, returning findings and never failing:
//! broken syntax is checked where the tree allows, and a broken rule file is a [`rule::LoadProblem`], not a
//! crash. [`walk`] finds files and checks many in parallel.
//!
//! ```
//! use std::path::Path;
//! use std::sync::Arc;
//! use hindsight_engine::{Checker, Config, RulePack, SourceFile};
//!
//! let checker = Checker::new(Arc::new(RulePack::builtin()), &Config::default());
//! let text = "async fn create(headers: HeaderMap) -> StatusCode { store(headers.get(\"x-tenant\").unwrap()) }";
//! let path = Path::new("src/routes.rs");
//! let file = SourceFile::new(path, hindsight_engine::Role::Production, text);
//! let report = checker.check_source(&file);
//! assert_eq!(report.findings.iter().filter(|f| &*f.code == "HS1001").count(), 1);
//! ```

#![deny(missing_docs)]

pub mod backtracking;
mod builtin;
mod check;
pub mod config;
mod context;
pub mod coverage;
pub mod data;
pub mod docs;
pub mod finding;
pub mod fingerprint;
pub mod incidents;
pub mod lang;
mod line_index;
mod macros;
pub mod rego;
pub mod repository;
pub mod rule;
pub mod schema;
pub mod scope;
mod suppress;
pub mod testing;
pub mod walk;

pub use check::{Checker, FileReport, SourceFile, parse_only};
pub use config::Config;
pub use finding::{Edit, Finding, Position, Severity, Span, Suppressed, SuppressionKind};
pub use lang::Lang;
pub use rule::{Rule, RulePack};
pub use scope::{FileScope, Role};
pub use suppress::MARKER as SUPPRESSION_MARKER;

#[cfg(test)]
mod grammar_tests;
#[cfg(test)]
mod tests;
