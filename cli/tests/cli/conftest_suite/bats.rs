//! Reading conftest's `acceptance.bats`: each `@test` whose `run` line is a `conftest test`, as the command's
//! arguments, its standard input and what the test asserts about the result.

/// One `conftest test` case of the suite.
#[derive(Debug)]
pub(super) struct Case {
    pub(super) name: String,
    /// The arguments after `conftest test`.
    pub(super) args: Vec<String>,
    /// A file piped or redirected to standard input.
    pub(super) stdin: Option<String>,
    /// Why the case cannot be run as written by this harness (shell set-up, a config file, variables).
    pub(super) setup: Option<String>,
    pub(super) checks: Vec<Check>,
}

/// One assertion of a case.
#[derive(Debug, PartialEq)]
pub(super) enum Check {
    Status(i32),
    /// `$output` (or one of its lines) holds the text, literally (a quoted bats `=~` is literal).
    Contains(String),
    /// `$output` does not hold the text.
    Lacks(String),
    /// `$output` is exactly this (only `""` is used).
    Output(String),
    /// conftest's summary: warnings, failures, exceptions (`None` when the line does not say).
    Counts {
        warnings: usize,
        failures: usize,
        exceptions: Option<usize>,
    },
    /// About conftest's own output layout (line numbers, colours, its `EXCP`/`PRNT` lines): nothing of ours
    /// compares to it.
    Layout(String),
}

/// The `conftest test` cases of `acceptance.bats`, in file order.
pub(super) fn cases(text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line
            .trim()
            .strip_prefix("@test \"")
            .and_then(|rest| rest.strip_suffix("\" {"))
        else {
            continue;
        };
        let body: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "}").collect();
        if let Some(case) = case(name, &body) {
            cases.push(case);
        }
    }
    cases
}

fn case(name: &str, body: &[&str]) -> Option<Case> {
    let run_at = body.iter().position(|l| l.trim().starts_with("run "))?;
    let run = body[run_at].trim().strip_prefix("run ")?;
    let mut words = split(run);
    let mut stdin = None;
    let mut setup = body[..run_at]
        .iter()
        .find(|l| !l.trim().is_empty())
        .map(|l| format!("shell set-up before the run: `{}`", l.trim()));
    if words.first().map(String::as_str) == Some("bash")
        && words.get(1).map(String::as_str) == Some("-c")
    {
        let inner = words.get(2)?.clone();
        let (piped, command) = match inner.split_once('|') {
            Some((left, right)) if left.trim_start().starts_with("cat ") => (
                Some(left.trim().trim_start_matches("cat ").trim().to_string()),
                right,
            ),
            _ => (None, inner.as_str()),
        };
        stdin = piped;
        words = split(command);
    }
    let test_at = words.iter().position(|w| w == "test")?;
    if !words[..test_at].iter().any(|w| w.ends_with("conftest")) {
        return None;
    }
    if words[..test_at].iter().any(|w| w == "-c") {
        setup = Some("a conftest configuration file (`-c`)".into());
    }
    let mut args: Vec<String> = words[test_at + 1..].to_vec();
    if let Some(at) = args.iter().position(|w| w == "<") {
        stdin = args.get(at + 1).cloned();
        args.truncate(at);
    }
    if args.iter().any(|a| a.contains('$')) {
        setup = Some("shell variables in the command".into());
    }
    let checks = body[run_at + 1..]
        .iter()
        .filter_map(|l| check(l.trim()))
        .collect();
    Some(Case {
        name: name.to_string(),
        args,
        stdin,
        setup,
        checks,
    })
}

/// One assertion line, if it is one this harness knows.
fn check(line: &str) -> Option<Check> {
    if let Some(rest) = line.strip_prefix("[ \"$status\" -eq ") {
        return rest
            .trim_end_matches(" ]")
            .trim()
            .parse()
            .ok()
            .map(Check::Status);
    }
    let inner = line
        .strip_prefix("[[ ")
        .and_then(|l| l.strip_suffix(" ]]"))
        .or_else(|| line.strip_prefix("[ ").and_then(|l| l.strip_suffix(" ]")))?;
    let (negated, inner) = match inner.strip_prefix("! ") {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let words = split(inner);
    let [subject, op, value] = words.as_slice() else {
        return None;
    };
    if subject.starts_with("$count") || subject.starts_with("${#") {
        return Some(Check::Layout(line.to_string()));
    }
    let whole_line = subject.starts_with("${lines[");
    if let Some(counts) = summary(value) {
        return Some(counts);
    }
    if value.contains("EXCP ") || value.contains("PRNT ") {
        return Some(Check::Layout(line.to_string()));
    }
    let value = value.trim_matches('*').to_string();
    Some(match (negated, op.as_str()) {
        (false, "=" | "==") if !whole_line && value.is_empty() => Check::Output(value),
        (false, "=~" | "=" | "==") => Check::Contains(value),
        (true, "=~") | (false, "!=") => Check::Lacks(value),
        _ => Check::Layout(line.to_string()),
    })
}

/// conftest's summary line (`2 tests, 0 passed, 0 warnings, 1 failure, 1 exception`), as counts.
fn summary(text: &str) -> Option<Check> {
    let mut numbers = std::collections::BTreeMap::new();
    for part in text.split(", ") {
        let (number, word) = part.trim().split_once(' ')?;
        numbers.insert(
            word.trim_end_matches('s').to_string(),
            number.parse::<usize>().ok()?,
        );
    }
    Some(Check::Counts {
        warnings: *numbers.get("warning")?,
        failures: *numbers.get("failure")?,
        exceptions: numbers.get("exception").copied(),
    })
}

/// Splits a shell command into words: single and double quotes, `\"` and `` \` `` inside double quotes.
fn split(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                word.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '`' | '\\' | '$')) => {
                            word.extend(chars.next());
                        }
                        _ => word.push(c),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[test]
fn bats_cases_are_read_with_their_checks() {
    let text = r#"
@test "Exceptions reported correctly" {
  run ./conftest test -p examples/exceptions/policy examples/exceptions/deployments.yaml --no-color
  [ "$status" -eq 1 ]
  [ "${lines[2]}" = "2 tests, 0 passed, 0 warnings, 1 failure, 1 exception" ]
}

@test "Verify" {
  run ./conftest verify --policy ./examples/kubernetes/policy
  [ "$status" -eq 0 ]
}

@test "stdin" {
  run bash -c "cat examples/ini/grafana.ini | ./conftest test -p examples/ini/policy --parser ini -"
  [[ "$output" =~ "found [\"openjdk\"]" ]]
  [[ "$output" != *"Basic auth should be enabled"* ]]
  [[ ! "$output" =~ "unallowed commands found" ]]
}

@test "config" {
  cd examples/configfile
  run ../../conftest test deployment.yaml
  count="${#lines[@]}"
  [ "$count" -eq 5 ]
}
"#;
    let cases = cases(text);
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Exceptions reported correctly", "stdin", "config"]);
    assert_eq!(
        cases[0].checks,
        [
            Check::Status(1),
            Check::Counts {
                warnings: 0,
                failures: 1,
                exceptions: Some(1)
            }
        ]
    );
    assert_eq!(cases[1].stdin.as_deref(), Some("examples/ini/grafana.ini"));
    assert_eq!(
        cases[1].args,
        ["-p", "examples/ini/policy", "--parser", "ini", "-"]
    );
    assert_eq!(
        cases[1].checks,
        [
            Check::Contains("found [\"openjdk\"]".into()),
            Check::Lacks("Basic auth should be enabled".into()),
            Check::Lacks("unallowed commands found".into())
        ]
    );
    assert!(
        cases[2]
            .setup
            .as_deref()
            .is_some_and(|s| s.contains("cd examples/configfile"))
    );
    assert!(matches!(cases[2].checks[0], Check::Layout(_)));
}
