//! regorus's `regex.*` built-ins with each compiled pattern kept and reused on its thread.
//!
//! regorus compiles a pattern once (its LRU cache), but every call gets a clone of the compiled `Regex`, and a
//! clone of a `regex::Regex` starts with an empty pool of search caches: each call builds a lazy DFA's cache
//! again and determinises its states again. On the 215 Dockerfiles of the configuration benchmark that was most
//! of HS8020's cost (its `regex.split(`/`, …)` per `FROM`). Here a thread keeps the `Regex` itself, so its
//! cache lives as long as the thread. The results are regorus's: the same `regex` crate, the same size limit,
//! and the same errors (hindsight runs regorus with its default strict built-in errors): an argument of the
//! wrong type or a pattern that does not compile is an error, except for `regex.replace`, which regorus makes
//! undefined for a bad pattern.

use std::cell::RefCell;
use std::collections::HashMap;

use regex::{Regex, RegexBuilder};
use regorus::Value;

/// regorus's `REGEX_SIZE_LIMIT`: the compiled program's bound, 100 KiB.
const SIZE_LIMIT: usize = 100 * 1024;

/// Patterns kept per thread before the map is emptied (a policy that builds patterns from its input would
/// otherwise grow it without bound).
const KEPT: usize = 256;

enum Compiled {
    Regex(Regex),
    /// Not a valid pattern, with the regex crate's reason.
    Invalid(String),
    /// Over [`SIZE_LIMIT`].
    TooBig,
}

thread_local! {
    static COMPILED: RefCell<HashMap<String, Compiled>> = RefCell::new(HashMap::new());
}

/// `f` of the compiled `pattern`: `Ok(None)` when the pattern is invalid, an error when it is too big.
fn with_regex<R>(pattern: &str, f: impl FnOnce(&Regex) -> R) -> anyhow::Result<Result<R, String>> {
    COMPILED.with(|compiled| {
        let mut compiled = compiled.borrow_mut();
        if !compiled.contains_key(pattern) {
            if compiled.len() >= KEPT {
                compiled.clear();
            }
            let built = match RegexBuilder::new(pattern).size_limit(SIZE_LIMIT).build() {
                Ok(re) => Compiled::Regex(re),
                Err(regex::Error::CompiledTooBig(_)) => Compiled::TooBig,
                Err(err) => Compiled::Invalid(err.to_string()),
            };
            compiled.insert(pattern.to_string(), built);
        }
        match compiled.get(pattern) {
            Some(Compiled::Regex(re)) => Ok(Ok(f(re))),
            Some(Compiled::TooBig) | None => Err(anyhow::anyhow!(
                "regex pattern exceeds the compiled size limit of {SIZE_LIMIT} bytes"
            )),
            Some(Compiled::Invalid(reason)) => Ok(Err(reason.clone())),
        }
    })
}

/// `f` of the compiled `pattern`, an error naming `name` when it does not compile.
fn on_regex(name: &str, pattern: &str, f: impl FnOnce(&Regex) -> Value) -> anyhow::Result<Value> {
    with_regex(pattern, f)?.map_err(|reason| anyhow::anyhow!("`{name}`: invalid regex: {reason}"))
}

/// The string arguments of a call, or the error regorus gives for one that is not a string.
fn strings_of<'a, const N: usize>(name: &str, args: &'a [Value]) -> anyhow::Result<[&'a str; N]> {
    let mut out = [""; N];
    for (i, slot) in out.iter_mut().enumerate() {
        match args.get(i) {
            Some(Value::String(s)) => *slot = s,
            other => anyhow::bail!(
                "`{name}` expects string argument. Got `{}` instead",
                other.map_or_else(String::new, ToString::to_string)
            ),
        }
    }
    Ok(out)
}

/// The `n` of `find_n` and `find_all_string_submatch_n`: at most `n` matches, all of them when negative (or
/// too large for an `i64`).
fn count(name: &str, value: Option<&Value>) -> anyhow::Result<usize> {
    let n = match value {
        Some(Value::Number(n)) if n.is_integer() => n,
        _ => anyhow::bail!("`{name}`: n must be an integer"),
    };
    Ok(match n.as_i64() {
        Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
        None => usize::MAX,
    })
}

fn strings<'a>(items: impl Iterator<Item = &'a str>) -> Value {
    Value::from(items.map(Value::from).collect::<Vec<_>>())
}

/// `regex.match(pattern, value)`.
pub(super) fn regex_match(args: &[Value]) -> anyhow::Result<Value> {
    let [pattern, value] = strings_of("regex.match", args)?;
    on_regex("regex.match", pattern, |re| Value::Bool(re.is_match(value)))
}

/// `regex.split(pattern, value)`.
pub(super) fn split(args: &[Value]) -> anyhow::Result<Value> {
    let [pattern, value] = strings_of("regex.split", args)?;
    on_regex("regex.split", pattern, |re| strings(re.split(value)))
}

/// `regex.find_n(pattern, value, n)`.
pub(super) fn find_n(args: &[Value]) -> anyhow::Result<Value> {
    let name = "regex.find_n";
    let [pattern, value] = strings_of(name, args)?;
    let n = count(name, args.get(2))?;
    on_regex(name, pattern, |re| {
        strings(re.find_iter(value).map(|m| m.as_str()).take(n))
    })
}

/// `regex.find_all_string_submatch_n(pattern, value, n)`: each match's groups, `""` for a group that did not
/// take part.
pub(super) fn find_all_string_submatch_n(args: &[Value]) -> anyhow::Result<Value> {
    let name = "regex.find_all_string_submatch_n";
    let [pattern, value] = strings_of(name, args)?;
    let n = count(name, args.get(2))?;
    on_regex(name, pattern, |re| {
        let matches = re.captures_iter(value).take(n).map(|captures| {
            strings(
                captures
                    .iter()
                    .map(|group| group.map_or("", |g| g.as_str())),
            )
        });
        Value::from(matches.collect::<Vec<_>>())
    })
}

/// `regex.replace(s, pattern, value)`: every match of `pattern` in `s` replaced by `value` (`$1` names a
/// group); undefined for a pattern that does not compile, as in regorus.
pub(super) fn replace(args: &[Value]) -> anyhow::Result<Value> {
    let [s, pattern, value] = strings_of("regex.replace", args)?;
    Ok(
        with_regex(pattern, |re| Value::from(re.replace_all(s, value).as_ref()))?
            .unwrap_or(Value::Undefined),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Value {
        Value::from(text)
    }

    /// The same call through regorus's own built-in, in a bare engine.
    fn regorus(call: &str) -> Value {
        let mut engine = regorus::Engine::new();
        let policy = format!("package t\nimport rego.v1\nx := {call}\n");
        engine
            .add_policy("t.rego".into(), policy)
            .unwrap_or_else(|e| panic!("{e}"));
        engine
            .eval_rule("data.t.x".into())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_results_are_regoruss() {
        let cases: Vec<(&str, Value)> = vec![
            (
                r#"regex.match(`^a+b`, "aaab")"#,
                regex_match(&[s("^a+b"), s("aaab")]).unwrap_or(Value::Undefined),
            ),
            (
                r#"regex.match(`(?i)FROM`, "from x")"#,
                regex_match(&[s("(?i)FROM"), s("from x")]).unwrap_or(Value::Undefined),
            ),
            (
                r#"regex.split(`/`, "a/b//c")"#,
                split(&[s("/"), s("a/b//c")]).unwrap_or(Value::Undefined),
            ),
            (
                r#"regex.find_n(`[0-9]+`, "1 22 333", 2)"#,
                find_n(&[s("[0-9]+"), s("1 22 333"), Value::from(2)]).unwrap_or(Value::Undefined),
            ),
            (
                r#"regex.find_n(`[0-9]+`, "1 22 333", -1)"#,
                find_n(&[s("[0-9]+"), s("1 22 333"), Value::from(-1)]).unwrap_or(Value::Undefined),
            ),
            (
                r#"regex.find_all_string_submatch_n(`(a)(x)?(b)`, "ab ab", -1)"#,
                find_all_string_submatch_n(&[s("(a)(x)?(b)"), s("ab ab"), Value::from(-1)])
                    .unwrap_or(Value::Undefined),
            ),
            (
                r#"regex.replace("a-b-c", `-(\w)`, "_$1")"#,
                replace(&[s("a-b-c"), s(r"-(\w)"), s("_$1")]).unwrap_or(Value::Undefined),
            ),
        ];
        for (call, ours) in cases {
            assert_eq!(ours, regorus(call), "{call}");
        }
    }

    #[test]
    fn bad_patterns_and_arguments_are_errors_as_in_regorus() {
        // regorus (strict built-in errors, its default and hindsight's): an error for each.
        for call in [
            r#"regex.match(`(unclosed`, "x")"#,
            r#"regex.match(1, "x")"#,
            r#"regex.find_n(`a`, "a", 1.5)"#,
        ] {
            let mut engine = regorus::Engine::new();
            let policy = format!("package t\nimport rego.v1\nx := {call}\n");
            engine
                .add_policy("t.rego".into(), policy)
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(engine.eval_rule("data.t.x".into()).is_err(), "{call}");
        }
        assert!(regex_match(&[s("(unclosed"), s("x")]).is_err());
        assert!(regex_match(&[Value::from(1), s("x")]).is_err());
        assert!(find_n(&[s("a"), s("a"), Value::from(1.5)]).is_err());
        assert!(regex_match(&[s(r"\w{1000}\w{1000}"), s("x")]).is_err());
        // regex.replace alone makes a bad pattern undefined.
        assert_eq!(
            replace(&[s("x"), s("[z-a]"), s("y")]).ok(),
            Some(Value::Undefined)
        );
        assert_eq!(
            regorus(r#"regex.replace("x", `[z-a]`, "y")"#),
            Value::Undefined
        );
    }
}
