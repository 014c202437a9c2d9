//! The codex around the rules: the incidents they came from, coverage of incidents by rules, the one docs
//! renderer behind `explain`, the docs site and hover, and the testing of rules against their own examples.

pub mod coverage;
pub mod docs;
pub mod incidents;
pub mod testing;
