//! `check --select`, `--extend-select` and `--ignore`: Ruff's rule selection on the command line, applied to
//! the loaded [`Config`] before the checker is built.
//!
//! Selectors mean what they mean in `[rules]` of hindsight.toml (a code, a code prefix such as `HS6`, or a
//! rule id; [`specificity`] decides), and the command line is one more layer over the file, as in Ruff:
//! `--select` replaces the file's selection, `--extend-select` and `--ignore` adjust it. Within the layer the
//! most specific selector wins and `--ignore` wins a tie. The result is written back as exact codes, so the
//! engine's `Config::is_enabled` needs no second notion of selection.

use hindsight_engine::config::specificity;
use hindsight_engine::{Config, Rule, RulePack};

use crate::args::SelectionArgs;

impl SelectionArgs {
    /// Does the command line select anything?
    fn is_empty(&self) -> bool {
        self.select.is_none() && self.extend_select.is_empty() && self.ignore.is_empty()
    }

    /// Every selector with the flag that gave it, for error messages.
    fn selectors(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let select = self
            .select
            .iter()
            .flatten()
            .map(|s| ("--select", s.as_str()));
        let extend = self
            .extend_select
            .iter()
            .map(|s| ("--extend-select", s.as_str()));
        let ignore = self.ignore.iter().map(|s| ("--ignore", s.as_str()));
        select.chain(extend).chain(ignore)
    }

    /// What the command line says about `rule`: on, off, or nothing (no selector names it).
    fn decide(&self, rule: &Rule) -> Option<bool> {
        let best = |selectors: &mut dyn Iterator<Item = &String>| {
            selectors.filter_map(|s| specificity(s, rule)).max()
        };
        let on = best(&mut self.select.iter().flatten().chain(&self.extend_select));
        let off = best(&mut self.ignore.iter());
        match (on, off) {
            (Some(on), Some(off)) => Some(on > off),
            (Some(_), None) => Some(true),
            (None, Some(_)) => Some(false),
            (None, None) => None,
        }
    }

    /// Applies the selection to `config` for the rules of `pack`. A selector that is empty or names no rule
    /// of the pack is an error naming it and its flag.
    pub(crate) fn apply(&self, config: &mut Config, pack: &RulePack) -> anyhow::Result<()> {
        if self.is_empty() {
            return Ok(());
        }
        for (flag, selector) in self.selectors() {
            if selector.trim().is_empty() {
                anyhow::bail!(
                    "{flag}: empty rule code (expected codes, prefixes or ids separated by commas)"
                );
            }
            if !pack
                .rules()
                .iter()
                .any(|rule| specificity(selector, rule).is_some())
            {
                anyhow::bail!(
                    "{flag}: `{selector}` is not a rule code, code prefix or rule id of the loaded rules (`hindsight rules` lists them){}",
                    unloaded(pack)
                );
            }
        }
        let (mut enable, mut disable) = (Vec::new(), Vec::new());
        for rule in pack.rules() {
            let on = self
                .decide(rule)
                .unwrap_or_else(|| self.select.is_none() && config.is_enabled(rule));
            if on { &mut enable } else { &mut disable }.push(rule.code.to_string());
        }
        config.enable = enable;
        config.disable = disable;
        Ok(())
    }
}

/// The rule files that did not load, which may be why a selector names nothing: without them the selector's
/// rule would be reported as unknown and its load error never shown.
fn unloaded(pack: &RulePack) -> String {
    const SHOWN: usize = 3;
    let problems = pack.problems();
    if problems.is_empty() {
        return String::new();
    }
    let listed: Vec<String> = problems
        .iter()
        .take(SHOWN)
        .map(|p| format!("{}:{}:{}: {}", p.path, p.line, p.column, p.message))
        .collect();
    let more = match problems.len().saturating_sub(SHOWN) {
        0 => String::new(),
        n => format!(" (and {n} more)"),
    };
    let files = if problems.len() == 1 { "file" } else { "files" };
    format!(
        "; {} rule {files} did not load, which may be why:\n  {}{more}",
        problems.len(),
        listed.join("\n  ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled(config_text: &str, selection: &SelectionArgs) -> Vec<String> {
        let mut config = Config::parse(std::path::Path::new("hindsight.toml"), config_text)
            .unwrap_or_else(|err| panic!("{err}"));
        let pack = RulePack::builtin();
        selection
            .apply(&mut config, &pack)
            .unwrap_or_else(|err| panic!("{err}"));
        let mut codes: Vec<String> = pack
            .rules()
            .iter()
            .filter(|rule| config.is_enabled(rule))
            .map(|rule| rule.code.to_string())
            .collect();
        codes.sort();
        codes
    }

    fn list(codes: &[&str]) -> Vec<String> {
        codes.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn select_replaces_the_file_and_ignore_wins_a_tie() {
        let selection = SelectionArgs {
            select: Some(list(&["HS9001", "unused-suppression"])),
            extend_select: Vec::new(),
            ignore: list(&["HS9002"]),
        };
        // The file's `disable` of HS9001 no longer counts; HS9002 is both selected and ignored exactly.
        let codes = enabled("[rules]\ndisable = [\"HS9001\"]\n", &selection);
        assert_eq!(codes, list(&["HS9001"]));
    }

    #[test]
    fn extend_select_and_ignore_adjust_the_file() {
        let selection = SelectionArgs {
            select: None,
            extend_select: list(&["HS9002"]),
            ignore: list(&["HS9", "HS1"]),
        };
        // The more specific HS9002 beats the HS9 prefix; HS1xxx and the rest of HS9 are off; the file's
        // selection of HS9001 is overridden by the ignore; other rules keep what the file says (off).
        let codes = enabled("[rules]\nenable = [\"HS9001\", \"HS6\"]\n", &selection);
        assert!(codes.contains(&"HS9002".to_string()), "{codes:?}");
        assert!(
            !codes.iter().any(|c| c == "HS9001" || c.starts_with("HS1")),
            "{codes:?}"
        );
        assert!(!codes.iter().any(|c| c.starts_with("HS2")), "{codes:?}");
        assert!(codes.iter().any(|c| c.starts_with("HS6")), "{codes:?}");
    }

    #[test]
    fn unknown_and_empty_selectors_are_errors_naming_the_flag() {
        let pack = RulePack::builtin();
        for (selection, words) in [
            (
                SelectionArgs {
                    ignore: list(&["XYZ1"]),
                    ..SelectionArgs::default()
                },
                "--ignore: `XYZ1`",
            ),
            (
                SelectionArgs {
                    select: Some(list(&[""])),
                    ..SelectionArgs::default()
                },
                "--select: empty",
            ),
        ] {
            let err = selection.apply(&mut Config::default(), &pack);
            let message = format!("{:#}", err.err().unwrap_or_else(|| panic!("no error")));
            assert!(message.contains(words), "{message}");
        }
    }
}
