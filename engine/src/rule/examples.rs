//! A rule's examples, which are its tests: what an example may say about its finding (`severity`, `at`) and
//! its fix (`fixed`), validated from the rule file's [`RawExample`]s. [`crate::codex::testing`] runs them.

use serde_saphyr::{Location, Spanned};

use super::LoadProblem;
use super::load::LoadResult;
use super::raw::{RawAt, RawExample};
use crate::finding::Severity;

/// One example of a rule; also one of its tests.
#[derive(Clone, Debug)]
pub struct Example {
    /// The path the example is checked at, relative to its package root.
    pub path: Option<String>,
    /// The code.
    pub code: String,
    /// The severity its finding must have (bad examples only), when the example says.
    pub severity: Option<Severity>,
    /// Where its finding must start (bad examples only), when the example says (`at:`).
    pub at: Option<ExampleAt>,
    /// The code after the rule's fix is applied (bad examples of a rule with `fix:` only), when the example
    /// says (`fixed:`).
    pub fixed: Option<String>,
    /// 1-based line of the rule file where the example starts, for failure messages (0 when unknown).
    pub line: usize,
    /// 1-based column of the rule file where the example starts (0 when unknown).
    pub column: usize,
}

/// Where a bad example's finding starts, 1-based within the example's code: a line, and a column when given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExampleAt {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters, as findings count them), or any column.
    pub column: Option<usize>,
}

impl ExampleAt {
    /// Reads `line:column` or `line`, both positive numbers; `None` for anything else.
    pub fn parse(text: &str) -> Option<ExampleAt> {
        let positive = |n: &str| n.trim().parse::<usize>().ok().filter(|&n| n > 0);
        match text.split_once(':') {
            Some((line, column)) => Some(ExampleAt {
                line: positive(line)?,
                column: Some(positive(column)?),
            }),
            None => Some(ExampleAt {
                line: positive(text)?,
                column: None,
            }),
        }
    }

    /// Does a finding starting at this 1-based line and column land here?
    pub fn matches(&self, line: usize, column: usize) -> bool {
        self.line == line && self.column.is_none_or(|c| c == column)
    }
}

impl std::fmt::Display for ExampleAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            Some(column) => write!(f, "{}:{column}", self.line),
            None => write!(f, "line {}", self.line),
        }
    }
}

/// Which list of a rule's examples.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExampleList {
    /// `bad:`, each giving one finding.
    Bad,
    /// `good:`, giving none.
    Good,
}

/// One list of examples, each with the place in the rule file it starts at. What only a bad example can say
/// (`severity`, `at`, `fixed`) is refused on a good one, `fixed` needs the rule's `fix:`, and `at` must be a
/// place, so that each mistake is a load problem on its line rather than a puzzling test failure.
pub(crate) fn examples(
    path: &str,
    raw: Vec<Spanned<RawExample>>,
    list: ExampleList,
    has_fix: bool,
) -> LoadResult<Vec<Example>> {
    let problem = |loc: Location, message: String, hint: Option<&str>| {
        Box::new(LoadProblem {
            path: path.to_string(),
            line: loc.line() as usize,
            column: loc.column() as usize,
            message,
            hint: hint.map(str::to_string),
        })
    };
    let mut out = Vec::with_capacity(raw.len());
    for spanned in raw {
        let loc = spanned.referenced;
        let (example_path, code, severity, raw_at, fixed) = match spanned.value {
            RawExample::Code(code) => (None, code, None, None, None),
            RawExample::Detailed {
                path,
                code,
                severity,
                at,
                fixed,
            } => (path, code, severity, at, fixed),
        };
        if list == ExampleList::Good && (severity.is_some() || raw_at.is_some() || fixed.is_some())
        {
            return Err(problem(
                loc,
                "a good example gives no finding, so it cannot name a `severity`, `at` or `fixed`; move it to `bad` or remove the key"
                    .into(),
                None,
            ));
        }
        if fixed.is_some() && !has_fix {
            return Err(problem(
                loc,
                "an example names the `fixed` code, but the rule has no `fix:`".into(),
                Some("add the rule's `fix:`, or remove `fixed:`"),
            ));
        }
        let at = match raw_at {
            None => None,
            Some(raw_at) => {
                let text = match raw_at {
                    RawAt::Line(n) => n.to_string(),
                    RawAt::Text(text) => text,
                };
                let parsed = ExampleAt::parse(&text).ok_or_else(|| {
                    problem(
                        loc,
                        format!("example `at: {text}` is not a place in the example"),
                        Some(
                            "write the 1-based line and column where the finding starts, such as `at: \"3:5\"`, or the line alone, such as `at: 3`",
                        ),
                    )
                })?;
                Some(parsed)
            }
        };
        out.push(Example {
            path: example_path,
            code,
            severity,
            at,
            fixed,
            line: loc.line() as usize,
            column: loc.column() as usize,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::ExampleAt;

    #[test]
    fn places_are_a_line_and_column_or_a_line() {
        let at = |line, column| Some(ExampleAt { line, column });
        assert_eq!(ExampleAt::parse("3:5"), at(3, Some(5)));
        assert_eq!(ExampleAt::parse("12"), at(12, None));
        assert_eq!(ExampleAt::parse(" 2 : 1 "), at(2, Some(1)));
        for text in ["0:1", "1:0", "", ":", "3:", "a:b", "1:2:3", "-1"] {
            assert_eq!(ExampleAt::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_place_without_a_column_takes_any_column() {
        let line_only = ExampleAt {
            line: 2,
            column: None,
        };
        assert!(line_only.matches(2, 1) && line_only.matches(2, 40));
        assert!(!line_only.matches(3, 1));
        let exact = ExampleAt {
            line: 2,
            column: Some(5),
        };
        assert!(exact.matches(2, 5) && !exact.matches(2, 4));
        assert_eq!(exact.to_string(), "2:5");
        assert_eq!(line_only.to_string(), "line 2");
    }
}
