//! Engine tests of what a rule's languages add: Rego code rules over every language, and forms in other
//! languages with a stage of their own.

use std::path::Path;
use std::sync::Arc;

use crate::tests::{GO_FORM, VALID_RULE};
use crate::{Checker, Config, RulePack, SourceFile};

#[test]
fn rego_code_rules_select_in_every_language() {
    // The same policy judges `select` matches in Python, Go and TypeScript: the match carries its text and
    // captures, whatever the grammar.
    let policy = r#"package acme.exits
import rego.v1
deny contains {"msg": sprintf("exits with %s", [m.captures.CODE.text]), "match": i} if {
	some i, m in input.matches
	m.captures.CODE.text != "0"
}
"#;
    for (lang, select, path, text, expected) in [
        (
            "python",
            "sys.exit($CODE)",
            "worker/reload.py",
            "import sys\nsys.exit(0)\nsys.exit(3)\n",
            "3:1-3:12 ACME2001 exits with 3",
        ),
        (
            "go",
            "os.Exit($CODE)",
            "svc/reload.go",
            "package svc\n\nfunc reload() {\n\tos.Exit(0)\n\tos.Exit(2)\n}\n",
            "5:2-5:12 ACME2001 exits with 2",
        ),
        (
            "typescript",
            "process.exit($CODE)",
            "src/reload.ts",
            "process.exit(0);\nprocess.exit(4);\n",
            "2:1-2:16 ACME2001 exits with 4",
        ),
    ] {
        let ext = Path::new(path)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("");
        let rule = format!(
            "id: exits\ncode: ACME2001\ntitle: Don't exit\nseverity: error\nlanguage: {lang}\nrego: exits.rego\nmessage: m\nselect: {{ pattern: \"{select}\" }}\ndocs: {{ what: w, why: y, fix: f }}\nincidents: [{{ date: \"2024-01-01\", organisation: Acme, summary: s, url: \"https://example.com/pm\" }}]\nexamples: {{ bad: [{{ path: \"a.{ext}\", code: \"x\" }}], good: [\"y\"] }}\n"
        );
        let mut pack = RulePack::new();
        pack.add_file_with("rules/exits.yaml", &rule, &|name: &str| {
            (name == "exits.rego").then(|| ("rules/exits.rego".to_string(), policy.to_string()))
        });
        assert_eq!(pack.problems(), &[], "{lang}");
        let checker = Checker::new(Arc::new(pack), &Config::default());
        let report = checker.check_source(&SourceFile::new(
            Path::new(path),
            crate::source::scope::Role::Production,
            text,
        ));
        let found: Vec<String> = report
            .findings
            .iter()
            .map(|f| {
                let (s, e) = (f.span.start, f.span.end);
                format!(
                    "{}:{}-{}:{} {} {}",
                    s.line, s.column, e.line, e.column, f.code, f.message
                )
            })
            .collect();
        assert_eq!(found, [expected], "{lang}");
    }
}

#[test]
fn a_form_may_ship_in_an_earlier_stage_than_its_rule() {
    let rule = format!(
        "{VALID_RULE}{}",
        GO_FORM.replace("    match:", "    stage: shadow\n    match:")
    );
    let mut pack = RulePack::new();
    pack.add_file("rules/x.yaml", &rule);
    assert_eq!(pack.problems(), &[]);
    let checker = Checker::new(Arc::new(pack), &Config::default());
    let stage_of = |path: &str, text: &str| {
        let report = checker.check_source(&SourceFile::new(
            Path::new(path),
            crate::source::scope::Role::Production,
            text,
        ));
        report.findings.iter().map(|f| f.stage).collect::<Vec<_>>()
    };
    assert_eq!(
        stage_of("src/a.go", "package a\nfunc f() { os.Exit(1) }\n"),
        [crate::rule::Stage::Shadow]
    );
    assert_eq!(
        stage_of("src/a.rs", "fn f() { dbg!(1); }\n"),
        [crate::rule::Stage::Enforce]
    );
}
