//! The feature set, with a hard limit: memory for features is preallocated.

use std::fmt;

/// The proxy preallocates room for this many features.
pub const MAX_FEATURES: usize = 200;

#[derive(Debug, Default, Clone)]
pub struct FeatureSet {
    names: Vec<String>,
}

#[derive(Debug)]
pub enum FeatureError {
    TooMany { found: usize, limit: usize },
}

impl fmt::Display for FeatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FeatureError::TooMany { found, limit } => write!(f, "{found} features, limit is {limit}"),
        }
    }
}

impl FeatureSet {
    /// Rejects a file with more features than there is room for. This check is correct.
    pub fn append_with_names(&mut self, names: &[String]) -> Result<(), FeatureError> {
        if self.names.len() + names.len() > MAX_FEATURES {
            return Err(FeatureError::TooMany { found: self.names.len() + names.len(), limit: MAX_FEATURES });
        }
        self.names.extend_from_slice(names);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn contains(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }
}
