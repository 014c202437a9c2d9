//! Problems with the files hindsight loads (rule files, incident records, `hindsight.toml`): where they are
//! and what to write instead, plus the small checks and message clean-ups those loaders share. A leaf: it
//! imports nothing from the engine, so rules, incidents and configuration can all use it without a circle.

/// A rule file that could not be loaded, with where and what to write instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadProblem {
    /// Display path of the rule file.
    pub path: String,
    /// 1-based line (1 when unknown).
    pub line: usize,
    /// 1-based column (1 when unknown).
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// What to write instead, when we can tell.
    pub hint: Option<String>,
}

/// serde-saphyr's message without its own `error: line N column M:` prefix (we report the position ourselves).
pub(crate) fn yaml_message(message: &str) -> String {
    let line = message
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(message)
        .trim();
    let line = line.strip_prefix("error:").map_or(line, str::trim_start);
    match line
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
    {
        Some((position, rest)) if position.contains("column") => rest.to_string(),
        _ => line.to_string(),
    }
}

pub(crate) fn hint_for_yaml_error(message: &str) -> Option<String> {
    if message.contains("unknown field") {
        return Some(
            "remove the key or fix its spelling; `hindsight schema` prints every accepted key"
                .into(),
        );
    }
    if message.contains("missing field") {
        return Some(
            "add the missing key; `hindsight explain HS1001` shows a complete rule".into(),
        );
    }
    None
}

/// `YYYY-MM-DD` with a plausible month and day.
pub(crate) fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let digits =
        |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<u32>().ok());
    matches!(
        (digits(0..4), digits(5..7), digits(8..10)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_messages_lose_their_own_position_prefix() {
        assert_eq!(
            yaml_message("error: line 3 column 5: unknown field `x`\n  more context"),
            "unknown field `x`"
        );
        assert_eq!(
            yaml_message("\n  line 2 column 1: invalid type"),
            "invalid type"
        );
        // A `line ...: ` that is not a position stays.
        assert_eq!(yaml_message("line one: two"), "line one: two");
        assert_eq!(yaml_message("plain message"), "plain message");
    }

    #[test]
    fn yaml_errors_about_keys_get_a_hint() {
        assert!(
            hint_for_yaml_error("unknown field `frobnicate`")
                .is_some_and(|h| h.contains("hindsight schema"))
        );
        assert!(
            hint_for_yaml_error("missing field `docs`")
                .is_some_and(|h| h.contains("hindsight explain"))
        );
        assert_eq!(hint_for_yaml_error("expected string scalar"), None);
    }

    #[test]
    fn dates_need_a_plausible_month_and_day() {
        assert!(is_date("2026-12-06"));
        assert!(!is_date("2026-13-06"));
        assert!(!is_date("2026-12-32"));
        assert!(!is_date("2026-1-06"));
        assert!(!is_date("26-12-2026"));
    }
}
