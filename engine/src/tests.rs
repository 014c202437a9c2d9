//! Engine tests behind one data-driven helper: a snippet goes in, a compact rendering of its findings comes out.

use std::path::Path;
use std::sync::Arc;

use insta::assert_snapshot;

use crate::{Checker, Config, RulePack, SourceFile};

/// Checks `text` at `path` with the built-in pack plus extra rule files, and renders one line per finding:
/// `line:col-line:col CODE message [suppressed: reason]`, then the syntax-errors note as printers show it.
///
/// The engine's machinery (macro arguments, suppressions, positions, test code) is tested under the strict
/// profile, where every `.unwrap()` and `panic!` outside tests is a finding: the snippets stay minimal. The
/// narrow default forms are tested by the rules' own examples.
fn check_with(extra_rules: &[(&str, &str)], path: &str, text: &str) -> String {
    let mut pack = RulePack::builtin();
    for (name, yaml) in extra_rules {
        pack.add_file(name, yaml);
    }
    let config = Config {
        today: Some("2026-06-01".into()),
        profile: crate::config::Profile::Strict,
        ..Config::default()
    };
    let checker = Checker::new(Arc::new(pack), &config);
    let path = Path::new(path);
    let report = checker.check_source(&SourceFile::new(
        path,
        crate::source::scope::conventional_role(path).role,
        text,
    ));
    let mut out = String::new();
    for f in &report.findings {
        let (s, e) = (f.span.start, f.span.end);
        out.push_str(&format!(
            "{}:{}-{}:{} {} {}",
            s.line, s.column, e.line, e.column, f.code, f.message
        ));
        if let Some(suppressed) = &f.suppressed {
            out.push_str(&format!(" [suppressed: {}]", suppressed.reason));
        }
        out.push('\n');
    }
    if !report.syntax_errors.is_empty() {
        let note = crate::walk::Note {
            path: path.into(),
            kind: crate::walk::NoteKind::SyntaxErrors(crate::walk::unparsed_lines(
                &report.syntax_errors,
            )),
        };
        out.push_str(&format!("note: {}\n", note.message()));
    }
    out
}

fn check(text: &str) -> String {
    check_with(&[], "src/lib.rs", text)
}

/// Only the codes and positions, for tests about where findings are.
fn positions(path: &str, text: &str) -> String {
    check_with(&[], path, text)
        .lines()
        .map(|line| line.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn chained_unwraps_give_one_finding_each_on_the_method_name() {
    assert_snapshot!(positions("src/lib.rs", r#"
fn f(a: Option<Option<u8>>) -> u8 {
    a.unwrap().unwrap()
}
"#), @r"
    3:7-3:13 HS1001
    3:16-3:22 HS1001
    ");
}

#[test]
fn columns_count_characters() {
    assert_snapshot!(positions("src/lib.rs", "fn f() { let s = \"µµ\"; s.parse::<u8>().ok().unwrap(); }\n"), @"1:45-1:51 HS1001");
}

#[test]
fn macro_arguments_are_checked() {
    assert_snapshot!(positions("src/lib.rs", r#"
fn f(x: Option<u8>, rx: Rx) {
    assert_eq!(x.unwrap(), 1);
    let v = vec![x.expect("x"), 2];
    println!("{}", format!("{}", x.unwrap()));
    tokio::select! {
        msg = rx.recv() => { msg.unwrap() }
        _ = sleep() => handle(x.unwrap()),
        else => { todo!() }
    }
    my_dsl!(this is not rust);
}
"#), @"
    3:18-3:24 HS1001
    4:20-4:26 HS1001
    5:36-5:42 HS1001
    7:34-7:40 HS1001
    8:33-8:39 HS1001
    9:19-9:23 HS1002
    ");
}

#[test]
fn test_code_is_exempt_where_rules_say_so() {
    let text = r#"
fn serve() { Some(1).unwrap(); }
#[cfg(test)]
mod tests {
    fn helper() { Some(1).unwrap(); }
    #[test]
    fn t() { assert_eq!(Some(1).unwrap(), 1); }
}
#[tokio::test]
async fn t2() { Some(1).unwrap(); }
#[cfg(all(test, feature = "x"))]
fn gated() { Some(1).unwrap(); }
#[cfg(not(test))]
fn prod() { Some(1).unwrap(); }
"#;
    assert_snapshot!(positions("src/lib.rs", text), @"
    2:22-2:28 HS1001
    14:21-14:27 HS1001
    ");
    assert_snapshot!(positions("tests/api.rs", text), @"");
    assert_snapshot!(positions("build.rs", text), @"");
    assert_snapshot!(positions("benches/b.rs", text), @"");
    assert_snapshot!(positions("src/build.rs", text), @"
    2:22-2:28 HS1001
    14:21-14:27 HS1001
    ");
}

#[test]
fn config_ingestion_supersedes_the_general_rules() {
    assert_snapshot!(check(r#"
fn reload_config(&mut self, path: &Path) -> Config {
    let text = std::fs::read_to_string(path).unwrap();
    let fields: Vec<&str> = text.split(',').collect();
    panic!("{}", fields[2]);
}
fn serve() { todo!() }
"#), @r"
    3:46-3:52 HS1003 this can panic while ingesting configuration; reject the new input and keep serving with the last known-good
    5:5-5:10 HS1003 this can panic while ingesting configuration; reject the new input and keep serving with the last known-good
    5:18-5:27 HS1003 this can panic while ingesting configuration; reject the new input and keep serving with the last known-good
    7:14-7:18 HS1002 `todo!` aborts the worker; return an error the caller can handle instead
    ");
}

#[test]
fn suppressions_need_a_reason_and_a_target() {
    assert_snapshot!(check(r#"
fn f(x: Option<u8>) {
    x.unwrap(); // hindsight-allow(HS1001): checked by the caller
    // hindsight-allow(HS1001): documented invariant
    // (a second comment line between the suppression and its code)
    x.unwrap();
    // hindsight-allow(HS1001)
    x.unwrap();
    // hindsight-allow(HS1002): nothing to suppress here
    x.unwrap();
    // hindsight-allow(HS1001, until=2026-01-01): expired
    x.unwrap();
    // hindsight-allow(unwrap-outside-tests, until=2027-01-01): ids work too
    x.unwrap();
    // hindsight-allow(HS4242): unknown code
    let y = 1;
}
"#), @"
    3:7-3:13 HS1001 `.unwrap()` panics on `Err`/`None` and takes the whole worker down; handle the error instead [suppressed: checked by the caller]
    6:7-6:13 HS1001 `.unwrap()` panics on `Err`/`None` and takes the whole worker down; handle the error instead [suppressed: documented invariant]
    7:5-7:31 HS9001 suppression of HS1001 has no reason, so it suppresses nothing: write `hindsight-allow(HS1001): <why this is safe>`
    8:7-8:13 HS1001 `.unwrap()` panics on `Err`/`None` and takes the whole worker down; handle the error instead
    9:5-9:57 HS9002 unused suppression: HS1002 (panic-outside-tests) reports nothing on line 10
    10:7-10:13 HS1001 `.unwrap()` panics on `Err`/`None` and takes the whole worker down; handle the error instead
    11:5-11:58 HS9005 suppression of HS1001 expired on 2026-01-01 and no longer applies
    12:7-12:13 HS1001 `.unwrap()` panics on `Err`/`None` and takes the whole worker down; handle the error instead
    14:7-14:13 HS1001 `.unwrap()` panics on `Err`/`None` and takes the whole worker down; handle the error instead [suppressed: ids work too]
    15:5-15:45 HS9002 suppression names `HS4242`, which no loaded rule has
    ");
}

#[test]
fn yaml_suppressions_use_hash_comments() {
    let rule = r#"
id: latest-image-tag
code: TEST2001
title: If you need a reproducible deploy, pin the image; don't use `latest`
severity: warning
language: yaml
message: "image `$IMG` is mutable"
match:
  kind: block_mapping_pair
  has: { field: key, regex: ^image$ }
  all:
    - has: { field: value, pattern: $IMG }
constraints:
  IMG: { regex: ':latest$' }
focus: IMG
docs: { what: w, why: y, fix: f }
incidents: [{ date: "2025-03-14", organisation: Example, summary: s, url: "https://example.com/pm" }]
examples: { bad: ["image: a:latest"], good: ["image: a:1.2"] }
"#;
    assert_snapshot!(check_with(&[("latest.yaml", rule)], "deploy.yaml", r#"
spec:
  containers:
    - image: nginx:latest
    # hindsight-allow(TEST2001): the sidecar follows upstream on purpose
    - image: envoy:latest
    - image: redis:7.2
"#), @r"
    4:14-4:26 TEST2001 image `nginx:latest` is mutable
    6:14-6:26 TEST2001 image `envoy:latest` is mutable [suppressed: the sidecar follows upstream on purpose]
    ");
}

/// Regression: in a file without a syntax tree, `//` and `#` were both taken for comment openings, so the `//`
/// of a URL in a TOML string started the "comment" and the suppression after it was not read.
#[test]
fn toml_suppressions_after_a_url_use_the_formats_comments() {
    assert_snapshot!(check_with(&[], "flags/web.toml", r#"
kind = "FlagRegistry"

[flags]
new-checkout = { docs = "https://wiki.example.com/x", default = false } # hindsight-allow(HS4009): removed with the checkout launch
dark-mode = { docs = "https://wiki.example.com/y", default = false }
"#), @"
    5:1-5:13 HS4009 flag `new-checkout` has no `expires` and no `owner`: nobody is asked to remove it, and it outlives the code it was made for; add `owner` and `expires` (or `permanent: true` for a kill switch) [suppressed: removed with the checkout launch]
    6:1-6:10 HS4009 flag `dark-mode` has no `expires` and no `owner`: nobody is asked to remove it, and it outlives the code it was made for; add `owner` and `expires` (or `permanent: true` for a kill switch)
    ");
}

#[test]
fn syntax_errors_are_reported_and_the_rest_is_still_checked() {
    assert_snapshot!(check(r#"
fn broken( {
fn fine() { Some(1).unwrap(); }
"#), @"
    3:21-3:27 HS1001 `.unwrap()` panics on `Err`/`None` and takes the whole worker down; handle the error instead
    note: could not parse line 2 (the rest of the file was checked)
    ");
}

/// File needles: a Go file without any word the Go rules need is not parsed, so it has no unparsed lines to
/// report (nothing in it could have matched); the same broken file with such a word is parsed and says so.
#[test]
fn a_file_no_rule_can_match_in_is_not_parsed() {
    let broken = "package main\n\nfunc main() {\n\tx := 1 +\n}\n";
    assert_eq!(check_with(&[], "cmd/app/main.go", broken), "");
    let with_needle = broken.replace("x := 1 +", "n, _ := strconv.Atoi(s) +");
    assert_snapshot!(check_with(&[], "cmd/app/main.go", &with_needle), @"
    4:2-4:25 HS1005 the error of `strconv.Atoi(..)` is thrown away: input that does not parse leaves a zero value, and the code carries on as if it were data; return or log the error, or keep the last known-good value
    note: could not parse line 4 (the rest of the file was checked)
    ");
    // A suppression makes every rule look, so that an unused one is reported.
    let suppressed = format!("// hindsight-allow(HS1005): a test of needles\n{broken}");
    assert!(check_with(&[], "cmd/app/main.go", &suppressed).contains("could not parse line 5"));
}

#[test]
fn a_file_that_does_not_parse_says_which_lines_in_words() {
    // One broken place that error recovery splits into several nodes is one range of lines.
    assert_snapshot!(check("fn ok() {}\nfn broken( {\n    let x = ;\n}\nfn fine() { x.len(); }\n"), @"note: could not parse lines 2-3 (the rest of the file was checked)");
    assert_snapshot!(check("fn ok() {}\nfn broken( {}\n"), @"note: could not parse line 2 (the rest of the file was checked)");
    // Places far apart are named one by one; past five, counted.
    let far_apart = |n: usize| {
        (0..n)
            .map(|i| format!("fn f{i}( {{}}\n{}", "\n".repeat(9)))
            .collect::<String>()
    };
    assert_snapshot!(check(&far_apart(3)), @"note: could not parse lines 1, 11 and 21 (the rest of the file was checked)");
    assert_snapshot!(check(&far_apart(7)), @"note: could not parse lines 1, 11, 21, 31, 41 and 2 other places (the rest of the file was checked)");
}

#[test]
fn syntax_error_spans_become_the_lines_a_reader_sees() {
    use crate::walk::{Lines, unparsed_lines};
    use crate::{Position, Span};
    let span = |(l1, c1): (usize, usize), (l2, c2): (usize, usize)| Span {
        bytes: 0..0,
        start: Position {
            line: l1,
            column: c1,
        },
        end: Position {
            line: l2,
            column: c2,
        },
    };
    let lines = |v: &[(usize, usize)]| {
        v.iter()
            .map(|&(first, last)| Lines { first, last })
            .collect::<Vec<_>>()
    };
    // A span ending at the start of a line does not cover it; a zero-width (MISSING) span covers its line.
    assert_eq!(unparsed_lines(&[span((4, 5), (6, 1))]), lines(&[(4, 5)]));
    assert_eq!(unparsed_lines(&[span((4, 5), (4, 5))]), lines(&[(4, 4)]));
    // Overlapping and nearby spans merge (up to three lines apart), far ones do not; order is by line.
    assert_eq!(
        unparsed_lines(&[
            span((30, 1), (30, 2)),
            span((2, 1), (3, 4)),
            span((6, 1), (7, 9))
        ]),
        lines(&[(2, 7), (30, 30)])
    );
}

#[test]
fn findings_are_in_a_deterministic_order() {
    let text = "fn f(x: Option<u8>) { x.unwrap(); todo!(); x.expect(\"a\"); unreachable!() }\n";
    let first = check(text);
    for _ in 0..20 {
        assert_eq!(check(text), first);
    }
    assert_snapshot!(positions("src/lib.rs", text), @"
    1:25-1:31 HS1001
    1:35-1:39 HS1002
    1:46-1:52 HS1001
    1:59-1:70 HS1002
    ");
}

/// Loads one rule file into an empty pack and renders its load problems.
fn load_problems(yaml: &str) -> String {
    let mut pack = RulePack::new();
    pack.add_file("rules/x.yaml", yaml);
    pack.problems()
        .iter()
        .map(|p| {
            format!(
                "{}:{}:{}: {} (hint: {})",
                p.path,
                p.line,
                p.column,
                p.message,
                p.hint.as_deref().unwrap_or("-")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) const VALID_RULE: &str = r#"id: x-rule
code: ACME1001
title: If you need x, do y
severity: warning
language: rust
message: m
match: { pattern: dbg!($$$) }
docs: { what: w, why: y, fix: f }
incidents: [{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }]
examples: { bad: ["fn f() { dbg!(1); }"], good: ["fn f() {}"] }
"#;

/// A Go form for [`VALID_RULE`]: the same lesson in another language.
pub(crate) const GO_FORM: &str = r#"languages:
  - language: go
    match:
      pattern: os.Exit($$$)
    examples: { bad: ["package a\nfunc f() { os.Exit(1) }\n"], good: ["package a"] }
"#;

#[test]
fn a_valid_rule_loads() {
    assert_snapshot!(load_problems(VALID_RULE), @"");
    assert_snapshot!(load_problems(&format!("{VALID_RULE}{GO_FORM}")), @"");
}

#[test]
fn rule_load_errors_name_the_line_and_what_to_write() {
    let cases = [
        ("not yaml", "id: [unclosed"),
        ("unknown key", &VALID_RULE.replace("severity: warning", "severity: warning\nfrobnicate: 1")),
        ("bad severity", &VALID_RULE.replace("severity: warning", "severity: fatal")),
        ("bad id", &VALID_RULE.replace("id: x-rule", "id: X_Rule")),
        ("bad code", &VALID_RULE.replace("code: ACME1001", "code: 1001")),
        ("unknown language", &VALID_RULE.replace("language: rust", "language: cobol")),
        ("unknown kind", &VALID_RULE.replace("match: { pattern: dbg!($$$) }", "match: { kind: no_such_kind }")),
        ("no kind", &VALID_RULE.replace("match: { pattern: dbg!($$$) }", "match: { not: { kind: identifier } }")),
        ("bad focus", &VALID_RULE.replace("message: m", "message: m\nfocus: NOPE")),
        ("no incident", &VALID_RULE.replace("incidents: [{ date: \"2024-01-01\", organisation: Acme, summary: s, url: \"https://example.com/pm\" }]", "")),
        ("no examples", &VALID_RULE.replace("examples: { bad: [\"fn f() { dbg!(1); }\"], good: [\"fn f() {}\"] }", "")),
        ("form in an unknown language", &format!("{VALID_RULE}{}", GO_FORM.replace("language: go", "language: cobol"))),
        ("form repeats the rule's language", &format!("{VALID_RULE}{}", GO_FORM.replace("language: go", "language: rust"))),
        ("form without good examples", &format!("{VALID_RULE}{}", GO_FORM.replace("good: [\"package a\"]", "good: []"))),
        ("form with a bad match", &format!("{VALID_RULE}{}", GO_FORM.replace("pattern: os.Exit($$$)", "kind: no_such_kind"))),
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|(what, yaml)| format!("{what}: {}", load_problems(yaml)))
        .collect();
    assert_snapshot!(out.join("\n"));
}

#[test]
fn the_builtin_diagnostics_loaded_again_from_their_source_files_are_not_a_clash() {
    let mut pack = RulePack::new();
    pack.add_builtin_diagnostics();
    let n = pack.rules().len();
    assert!(n > 0);
    for (path, text) in crate::rule::builtin::BUILTIN_FILES {
        if path.starts_with("hindsight/") && path.ends_with(".yaml") {
            pack.add_file(&format!("rules/{path}"), text);
        }
    }
    assert_eq!(pack.problems(), &[]);
    assert_eq!(pack.rules().len(), n);
    // Another rule that takes a diagnostic's code is still a clash.
    pack.add_file("team/x.yaml", &VALID_RULE.replace("ACME1001", "HS9001"));
    assert_eq!(pack.problems().len(), 1, "{:?}", pack.problems());
}

#[test]
fn duplicate_codes_name_both_files() {
    let mut pack = RulePack::new();
    pack.add_file("team-a/x.yaml", VALID_RULE);
    pack.add_file(
        "team-b/y.yaml",
        &VALID_RULE.replace("id: x-rule", "id: y-rule"),
    );
    assert_eq!(pack.rules().len(), 1);
    assert_snapshot!(format!("{:?}", pack.problems()), @r#"[LoadProblem { path: "team-b/y.yaml", line: 2, column: 1, message: "rule code `ACME1001` is already used by team-a/x.yaml:2", hint: Some("every rule needs its own code; codes are never reused, so choose one no pack uses yet") }]"#);
}

#[test]
fn a_broken_rule_does_not_stop_the_others() {
    let out = check_with(
        &[("broken.yaml", "id: [unclosed"), ("ok.yaml", VALID_RULE)],
        "src/lib.rs",
        "fn f() { dbg!(Some(1).unwrap()); }",
    );
    assert_snapshot!(out, @r"
    1:10-1:32 ACME1001 m
    1:23-1:29 HS1001 `.unwrap()` panics on `Err`/`None` and takes the whole worker down; handle the error instead
    ");
}

#[test]
fn a_rule_without_needles_still_sees_macro_arguments_in_the_files_it_applies_to() {
    // Macro arguments that match no rule's needles are not parsed. HS6002 has none (a constant it follows can
    // hold any text), so in a file it applies to every macro is parsed, and a pattern declared in one is found
    // (`(b+)+` on line 11, through `PATTERN`).
    assert_snapshot!(positions("src/lib.rs", r#"use pcre2::bytes::Regex;

const PLAIN: &str = r"^(a+)+$";

my_consts! {
    const PATTERN: &str = r"^(b+)+$";
}

pub fn build() -> Result<Regex, pcre2::Error> {
    Regex::new(PLAIN)?;
    Regex::new(PATTERN)
}
"#), @"
    10:5-10:22 HS1008
    10:16-10:21 HS6002
    11:5-11:24 HS1008
    11:16-11:23 HS6002
    ");
}

#[test]
fn macro_arguments_are_judged_in_their_real_context() {
    assert_snapshot!(positions("src/lib.rs", r#"
fn load_config(&mut self, path: &Path) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    assert!(text.lines().next().unwrap().len() > 0);
}
#[cfg(test)]
mod tests {
    fn t() { assert!(Some(1).unwrap() == 1); }
}
thread_local! {
    static LEVEL: u8 = std::env::var("LEVEL").unwrap().len() as u8;
}
"#), @"
    4:33-4:39 HS1003
    11:47-11:53 HS1001
    ");
}

#[test]
fn enclosing_is_checked_once_per_enclosing_node() {
    let rule = r#"
id: sleep-in-async
code: TEST1001
title: If you need to wait in async code, await a timer; don't block the thread
severity: warning
language: rust
message: blocking sleep in an async function
match: { pattern: std::thread::sleep($$$) }
enclosing:
  kind: function_item
  regex: ^(pub\s+)?async\s
docs: { what: w, why: y, fix: f }
incidents: [{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }]
examples: { bad: ["async fn f() { std::thread::sleep(d); }"], good: ["fn f() { std::thread::sleep(d); }"] }
"#;
    assert_snapshot!(check_with(&[("sleep.yaml", rule)], "src/lib.rs", r#"
async fn poll() {
    std::thread::sleep(d);
    let f = || std::thread::sleep(d);
    log!("{:?}", std::thread::sleep(d));
}
fn sync() { std::thread::sleep(d); }
"#), @"
    3:5-3:26 TEST1001 blocking sleep in an async function
    4:16-4:37 TEST1001 blocking sleep in an async function
    5:18-5:39 TEST1001 blocking sleep in an async function
    ");
}

const INCIDENT: &str = r#"id: acme-2024-01-01
date: "2024-01-01"
organisation: Acme
title: t
summary: s
links: ["https://example.com/pm"]
action_items:
  - id: check-it
    text: Check it.
    enforcement: automated
    rules: [ACME1001]
    status: done
  - id: drill-it
    text: Drill it.
    enforcement: none
    status: open
"#;

fn registry_problems(incident_path: &str, incident: &str, rule: &str) -> String {
    let mut pack = RulePack::new();
    pack.add_incident(incident_path, incident);
    pack.add_file("rules/x.yaml", rule);
    pack.check_references();
    pack.problems()
        .iter()
        .map(|p| {
            format!(
                "{}:{}: {} (hint: {})",
                p.path,
                p.line,
                p.message,
                p.hint.as_deref().unwrap_or("-")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn rules_cite_registry_incidents_by_id() {
    let cited = VALID_RULE.replace(
        r#"incidents: [{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }]"#,
        "incidents: [acme-2024-01-01]",
    );
    assert_eq!(
        registry_problems("incidents/acme-2024-01-01.yaml", INCIDENT, &cited),
        ""
    );
    let mut pack = RulePack::new();
    pack.add_incident("incidents/acme-2024-01-01.yaml", INCIDENT);
    pack.add_file("rules/x.yaml", &cited);
    let incident = &pack.rules()[0].incidents[0];
    assert_eq!(incident.id.as_deref(), Some("acme-2024-01-01"));
    assert_eq!(incident.url, "https://example.com/pm");
}

// long because: a table of cases, one per way a registry can be wrong, each read next to its expectation.
#[test]
fn registry_errors_name_the_file_and_line() {
    let cited = VALID_RULE.replace(
        r#"incidents: [{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }]"#,
        "incidents: [acme-2024-01-01]",
    );
    let cases = [
        (
            "unknown incident",
            registry_problems(
                "incidents/acme-2024-01-01.yaml",
                INCIDENT,
                &cited.replace("acme-2024-01-01", "acme-1999-01-01"),
            ),
        ),
        (
            "id is not the file name",
            registry_problems("incidents/other.yaml", INCIDENT, VALID_RULE),
        ),
        (
            "action item names an unknown code",
            registry_problems(
                "incidents/acme-2024-01-01.yaml",
                &INCIDENT.replace("[ACME1001]", "[ACME1002]"),
                VALID_RULE,
            ),
        ),
        (
            "automated without rules",
            registry_problems(
                "incidents/acme-2024-01-01.yaml",
                &INCIDENT.replace("    rules: [ACME1001]\n", ""),
                VALID_RULE,
            ),
        ),
        (
            "duplicate action item",
            registry_problems(
                "incidents/acme-2024-01-01.yaml",
                &INCIDENT.replace("id: drill-it", "id: check-it"),
                VALID_RULE,
            ),
        ),
        (
            "bad status",
            registry_problems(
                "incidents/acme-2024-01-01.yaml",
                &INCIDENT.replace("status: open", "status: someday"),
                VALID_RULE,
            ),
        ),
        (
            "no links",
            registry_problems(
                "incidents/acme-2024-01-01.yaml",
                &INCIDENT.replace(r#"["https://example.com/pm"]"#, "[]"),
                VALID_RULE,
            ),
        ),
        (
            "id not kebab-case",
            registry_problems(
                "incidents/Acme_2024-01-01.yaml",
                &INCIDENT.replace("id: acme-2024-01-01", "id: Acme_2024-01-01"),
                VALID_RULE,
            ),
        ),
        (
            "date differs from the id",
            registry_problems(
                "incidents/acme-2024-01-01.yaml",
                &INCIDENT.replace("date: \"2024-01-01\"", "date: \"2024-01-02\""),
                VALID_RULE,
            ),
        ),
        (
            "none names rules",
            registry_problems(
                "incidents/acme-2024-01-01.yaml",
                &INCIDENT.replace(
                    "    status: open",
                    "    rules: [ACME1001]\n    status: open",
                ),
                VALID_RULE,
            ),
        ),
        (
            "item id in prose does not confuse the line",
            registry_problems(
                "incidents/acme-2024-01-01.yaml",
                &INCIDENT
                    .replace("summary: s", "summary: \"the fix: id: check-it\"")
                    .replace("[ACME1001]", "[ACME1002]"),
                VALID_RULE,
            ),
        ),
        (
            "a broken rule is reported once, not again by the items naming it",
            registry_problems(
                "incidents/acme-2024-01-01.yaml",
                INCIDENT,
                &VALID_RULE.replace("severity: warning", "severity: fatal"),
            ),
        ),
        (
            "automated item names a review lesson",
            registry_problems(
                "incidents/acme-2024-01-01.yaml",
                INCIDENT,
                "id: x-rule\ncode: ACME1001\ntitle: If you need x, do y\nseverity: warning\nenforcement: review\nmessage: m\ndocs: { what: w, why: y, fix: f }\nincidents: [acme-2024-01-01]\n",
            ),
        ),
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|(what, problems)| format!("{what}: {problems}"))
        .collect();
    assert_snapshot!(out.join("\n"));
}

#[test]
fn bad_examples_may_name_the_severity_of_their_finding() {
    let rule = VALID_RULE.replace(
        r#"examples: { bad: ["fn f() { dbg!(1); }"], good: ["fn f() {}"] }"#,
        r#"examples:
  bad:
    - { path: src/a.rs, severity: warning, code: "fn f() { dbg!(1); }" }
    - { path: src/b.rs, severity: error, code: "fn f() { dbg!(1); }" }
  good: ["fn f() {}"]"#,
    );
    let mut pack = RulePack::new();
    pack.add_file("rules/x.yaml", &rule);
    assert!(pack.problems().is_empty(), "{:?}", pack.problems());
    let pack = Arc::new(pack);
    let checker = Checker::new(pack.clone(), &Config::default());
    let rule = pack.get("ACME1001").unwrap();
    let failures: Vec<String> = crate::codex::testing::test_rule(&checker, rule)
        .iter()
        .filter(|o| !o.passed())
        .map(|o| o.describe())
        .collect();
    assert_eq!(
        failures,
        [
            "ACME1001 bad example #2 (rules/x.yaml:13:7): expected severity error, found warning\n  \
          found 1:10 (warning) m\n  code (src/b.rs):\n    1 | fn f() { dbg!(1); }"
        ]
    );
    // A good example has no finding to give a severity to.
    let good = VALID_RULE.replace(
        r#"good: ["fn f() {}"]"#,
        r#"good: [{ path: src/c.rs, severity: error, code: "fn f() {}" }]"#,
    );
    assert!(load_problems(&good).contains("a good example gives no finding"));
}
