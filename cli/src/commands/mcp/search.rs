//! `search_codex`: lessons by words. A lesson matches a word when its code, id, title, docs or incidents
//! contain it (case-insensitive); lessons holding every word come first, then those holding more of them, and
//! a word in the title counts more than one in the docs.

use hindsight_engine::{Rule, RulePack};

/// The query's words, lower-cased.
pub(super) fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The lessons matching at least one word, best first (built-in diagnostics left out).
pub(super) fn search<'p>(pack: &'p RulePack, words: &[String]) -> Vec<&'p Rule> {
    let mut scored: Vec<((usize, usize), &Rule)> = pack
        .rules()
        .iter()
        .filter(|rule| rule.enforcement != hindsight_engine::rule::Enforcement::Builtin)
        .filter_map(|rule| {
            let score = score(rule, words);
            (score.0 > 0).then_some((score, rule))
        })
        .collect();
    scored.sort_by(|(a, ra), (b, rb)| b.cmp(a).then_with(|| ra.code.cmp(&rb.code)));
    scored.into_iter().map(|(_, rule)| rule).collect()
}

/// (words found anywhere, words found in the code, id or title).
fn score(rule: &Rule, words: &[String]) -> (usize, usize) {
    let head = format!("{} {} {}", rule.code, rule.id, rule.title).to_lowercase();
    let mut body = format!(
        "{}\n{}\n{}\n{}",
        rule.docs.what, rule.docs.why, rule.docs.fix, rule.message
    );
    for incident in &rule.incidents {
        body.push('\n');
        body.push_str(&incident.organisation);
        body.push(' ');
        body.push_str(&incident.summary);
    }
    let body = body.to_lowercase();
    let in_head = words.iter().filter(|w| head.contains(w.as_str())).count();
    let anywhere = words
        .iter()
        .filter(|w| head.contains(w.as_str()) || body.contains(w.as_str()))
        .count();
    (anywhere, in_head)
}
