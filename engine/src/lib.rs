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

pub mod analysis;
mod check;
pub mod codex;
pub mod config;
pub mod data;
pub mod finding;
pub mod fingerprint;
pub mod paths;
// The fuzz targets' way in (`fuzz/`): hidden, not a stable API.
#[doc(hidden)]
pub mod fuzzing;
mod line_index;
mod problem;
pub mod rego;
pub mod repository;
pub mod rule;
pub mod source;
pub mod walk;

pub use check::suppress::MARKER as SUPPRESSION_MARKER;
pub use check::{Checker, FileReport, ParseTime, RuleTime, Timings};
pub use config::Config;
pub use finding::{Edit, Finding, Position, Rendered, Severity, Span, Suppressed, SuppressionKind};
pub use rule::{Rule, RulePack};
pub use source::SourceFile;
pub use source::lang::Lang;
pub use source::scope::{FileScope, Role};

#[cfg(test)]
mod language_tests;
#[cfg(test)]
mod tests;
