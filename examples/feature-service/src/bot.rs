//! The bot module: reloads the feature file every few minutes and scores requests.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::features::FeatureSet;

pub struct Request {
    pub headers: HashMap<String, String>,
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
        // A request without a User-Agent header panics the worker that serves it.
        let agent = request.headers.get("user-agent").unwrap();
        let first_word = agent.split_whitespace().next().unwrap_or_default();
        if self.features.contains(first_word) { 99 } else { 1 }
    }

    pub fn explain(&self, _request: &Request) -> String {
        todo!("per-feature explanations")
    }
}
