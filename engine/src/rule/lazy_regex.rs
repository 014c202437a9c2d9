//! A rule's `prefilter:` regex: checked when the rule file loads, compiled when a file first needs it.
//!
//! Most runs never consult most prefilters (a review lesson's only matter to `hindsight review`; a warm run
//! answers from the result cache), and compiling the case-insensitive, Unicode-aware ones the built-in pack
//! writes was a tenth of every run's start-up. Parsing the pattern at load keeps a bad one a load error
//! naming the rule file, as before.

use std::sync::OnceLock;

use regex::Regex;

/// A regex parsed at load and compiled on first use.
#[derive(Debug)]
pub(crate) struct LazyRegex {
    pattern: String,
    compiled: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    /// Parses `pattern` (the error is the regex crate's own message for a pattern it cannot parse).
    pub(crate) fn new(pattern: &str) -> Result<Self, String> {
        regex_syntax::Parser::new()
            .parse(pattern)
            .map_err(|err| err.to_string())?;
        Ok(LazyRegex {
            pattern: pattern.to_string(),
            compiled: OnceLock::new(),
        })
    }

    /// The pattern as written.
    pub(crate) fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Does `text` hold a match? A pattern that parses but is too big to compile (over the regex crate's size
    /// limit) admits every text: a prefilter only narrows which files a rule reads, so the rule then reads
    /// them all and its findings are the same.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.compiled
            .get_or_init(|| Regex::new(&self.pattern).ok())
            .as_ref()
            .is_none_or(|regex| regex.is_match(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_the_regex_crate_rejects_is_rejected_at_load_with_its_message() {
        for pattern in ["(unclosed", "a{2,1}", "\\p{NoSuchClass}", "*x"] {
            let ours = LazyRegex::new(pattern).expect_err(pattern);
            let theirs = Regex::new(pattern).expect_err(pattern).to_string();
            assert_eq!(ours, theirs, "{pattern}");
        }
    }

    #[test]
    fn it_matches_as_the_compiled_regex_does() {
        let lazy = LazyRegex::new("(?i)fail.?over").expect("valid");
        assert_eq!(lazy.as_str(), "(?i)fail.?over");
        assert!(lazy.is_match("a FailOver test"));
        assert!(!lazy.is_match("failure"));
    }

    #[test]
    fn a_pattern_too_big_to_compile_admits_every_text() {
        // Parses, but its compiled form is far over the default size limit.
        let lazy = LazyRegex::new("\\w{1000}\\w{1000}\\w{1000}").expect("parses");
        assert!(Regex::new(lazy.as_str()).is_err());
        assert!(lazy.is_match("anything"));
    }
}
