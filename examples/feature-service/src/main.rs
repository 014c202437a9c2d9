#![allow(dead_code, reason = "a demo that hindsight reads; not every helper is called")]

//! Scores requests for "botness" with features from a generated feature file.

mod bot;
mod features;
mod generator;

use std::path::PathBuf;

fn main() {
    let path = std::env::var("FEATURE_FILE").map(PathBuf::from).expect("FEATURE_FILE must be set");
    let mut module = bot::BotModule::new(path);
    module.reload();
    for line in std::io::stdin().lines().map_while(Result::ok) {
        let request = bot::Request { headers: [("user-agent".to_string(), line)].into_iter().collect() };
        println!("{}", module.score(&request));
    }
}
