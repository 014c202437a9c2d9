//! One printer per output format.

pub(crate) mod human;
pub(crate) mod json;
