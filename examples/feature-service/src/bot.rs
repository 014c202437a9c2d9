//! The bot module: reloads the feature file every few minutes and scores requests.

use std::path::PathBuf;

use crate::features::FeatureSet;

pub struct Request {
    pub user_agent: String,
}

pub struct BotModule {
    path: PathBuf,
    features: FeatureSet,
}

impl BotModule {
    pub fn new(path: PathBuf) -> Self {
        Self { path, features: FeatureSet::default() }
    }

    /// Called every five minutes when a new feature file arrives.
    pub fn reload(&mut self) {
        let text = std::fs::read_to_string(&self.path).unwrap_or_default();
        let names: Vec<String> = text.lines().map(str::to_string).collect();
        let mut fresh = FeatureSet::default();
        // The loader rejected the oversized file correctly; this `.unwrap()` turns that into a panic.
        fresh.append_with_names(&names).unwrap();
        self.features = fresh;
    }

    pub fn score(&self, request: &Request) -> u8 {
        let first_word = request.user_agent.split_whitespace().next().expect("user agent is never empty");
        if self.features.contains(first_word) { 99 } else { 1 }
    }

    pub fn explain(&self, _request: &Request) -> String {
        todo!("per-feature explanations")
    }
}
