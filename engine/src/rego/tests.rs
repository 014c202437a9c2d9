//! Policies compiled and evaluated: errors, verdicts, built-ins and budgets.

use super::*;

fn source(path: &str, text: &str) -> Source {
    Source {
        path: path.into(),
        text: text.into(),
    }
}

#[test]
fn errors_carry_file_line_and_column() {
    let cases = [
        (
            "syntax.rego",
            "package p\ndeny contains msg if {\n  x := input.a +\n}\n",
        ),
        (
            "unsafe.rego",
            "package p\ndeny contains msg if {\n  msg := y\n}\n",
        ),
        (
            "unknown.rego",
            "package p\ndeny contains msg if {\n  msg := foo.bar(1)\n}\n",
        ),
        (
            "io.rego",
            "package p\ndeny contains msg if {\n  r := http.send({\"method\": \"get\", \"url\": \"http://x\"})\n  msg := \"x\"\n}\n",
        ),
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|(path, text)| {
            let err = Policy::compile(
                &[source(path, text)],
                "data.p",
                &serde_json::json!({}),
                Duration::from_secs(1),
            )
            .err()
            .unwrap();
            format!(
                "{}:{}:{} {}",
                err.file.unwrap_or_default(),
                err.line,
                err.column,
                err.message
            )
        })
        .collect();
    insta::assert_snapshot!(out.join("\n"), @"
    syntax.rego:3:5 expecting `}` while parsing set
    unsafe.rego:3:10 var y is unsafe
    unknown.rego:3:17 could not find function foo.bar
    io.rego:3:17 could not find function http.send
    ");
}

#[test]
fn verdicts_are_strings_or_objects() {
    let policy = Policy::compile(
        &[source(
            "p.rego",
            r#"package p
deny contains "plain" if input.a == 1
violation contains {"msg": "with path", "path": ["spec", "replicas", 0]} if input.a == 1
warn contains {"msg": sprintf("file %v", [hindsight.file().path])} if input.a == 1
"#,
        )],
        "data.p",
        &serde_json::json!({}),
        Duration::from_secs(1),
    )
    .unwrap();
    let verdicts = policy
        .evaluate(
            value_from_json(&serde_json::json!({"a": 1})),
            value_from_json(&serde_json::json!({"path": "x.yaml"})),
        )
        .unwrap();
    let out: Vec<String> = verdicts
        .iter()
        .map(|v| format!("{:?} {} {:?}", v.kind, v.msg, v.path))
        .collect();
    assert_eq!(
        out,
        [
            "Deny plain []",
            "Violation with path [Key(\"spec\"), Key(\"replicas\"), Index(0)]",
            "Warn file x.yaml []",
        ]
    );
}

#[test]
fn regex_backtracking_reports_shapes_and_patterns_it_cannot_parse() {
    let policy = Policy::compile(
        &[source(
            "p.rego",
            r#"package p
deny contains msg if {
	some pattern in input.patterns
	msg := json.marshal(hindsight.regex.backtracking(pattern))
}
"#,
        )],
        "data.p",
        &serde_json::json!({}),
        Duration::from_secs(1),
    )
    .unwrap();
    let input = serde_json::json!({"patterns": [r"^(\w+\s?)*$", r"\bx(?=y)", r"\d+\.\d+"]});
    let verdicts = policy
        .evaluate(value_from_json(&input), Value::new_object())
        .unwrap();
    let mut out: Vec<String> = verdicts.into_iter().map(|v| v.msg).collect();
    out.sort();
    insta::assert_snapshot!(out.join("\n"), @r#"
    {"error":"look-around, including look-ahead and look-behind, is not supported","parsed":false,"problems":[],"word_boundary":false}
    {"parsed":true,"problems":[],"word_boundary":false}
    {"parsed":true,"problems":[{"growth":"exponential","kind":"nested-quantifier","repeat":"a","span":[1,10],"text":"(\\w+\\s?)*","then":"!"}],"word_boundary":false}
    "#);
}

/// The policy of the issue that took 7.1 s and 2.3 GiB at load: stopped at once, as a memory budget error.
#[test]
fn a_huge_range_is_a_memory_budget_error_at_load_not_a_compile_error() {
    let started = std::time::Instant::now();
    let err = Policy::compile(
        &[source(
            "range.rego",
            "package p\ndeny contains \"x\" if {\n  some i in numbers.range(1, 100000000)\n  i < 0\n}\n",
        )],
        "data.p",
        &serde_json::json!({}),
        Duration::from_secs(1),
    )
    .err()
    .unwrap_or_else(|| panic!("the policy loaded"));
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(err.out_of_memory && !err.timed_out, "{err:?}");
    assert_eq!(
        err.load_message(Duration::from_secs(1)),
        "the policy exceeded its memory budget at load, in its dry run on an empty input: numbers.range would \
         make 100000000 numbers, which exceeds the memory budget of a policy (1000000 numbers)"
    );
}

/// A loop of a trillion steps, at load and on an input: stopped within twice the budget, as a time budget
/// error; the budget covers all the result rules of one evaluation together.
#[test]
fn a_runaway_loop_is_a_time_budget_error_at_load_and_on_an_input() {
    let budget = Duration::from_millis(300);
    // 10^10 steps; each range is small enough (10^5 numbers) that one call of it is milliseconds.
    let looping = "package p\ndeny contains \"x\" if {\n  some i in numbers.range(1, 100000)\n  some j in numbers.range(1, 100000)\n  i == j + 5000000\n}\n";
    let started = std::time::Instant::now();
    let err = Policy::compile(
        &[source("loop.rego", looping)],
        "data.p",
        &serde_json::json!({}),
        budget,
    )
    .err()
    .unwrap_or_else(|| panic!("the policy loaded"));
    let took = started.elapsed();
    assert!(took < budget * 2, "{took:?}");
    assert!(err.timed_out, "{err:?}");
    assert_eq!(
        err.load_message(budget),
        "the policy exceeded its time budget (300 ms) at load, in its dry run on an empty input"
    );

    let on_input = "package p\ndeny contains \"x\" if {\n  some i in numbers.range(1, input.n)\n  some j in numbers.range(1, input.n)\n  i == j + 5000000\n}\nwarn contains \"y\" if {\n  some i in numbers.range(1, input.n)\n  some j in numbers.range(1, input.n)\n  i == j + 5000000\n}\n";
    let policy = Policy::compile(
        &[source("input.rego", on_input)],
        "data.p",
        &serde_json::json!({}),
        budget,
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let started = std::time::Instant::now();
    let err = policy
        .evaluate(
            value_from_json(&serde_json::json!({"n": 100_000})),
            Value::new_object(),
        )
        .err();
    let took = started.elapsed();
    assert!(err.as_ref().is_some_and(|e| e.timed_out), "{err:?}");
    assert!(took < budget * 2, "two result rules took {took:?}");
    let err = policy
        .evaluate(
            value_from_json(&serde_json::json!({"n": 100_000_000})),
            Value::new_object(),
        )
        .err();
    assert!(err.as_ref().is_some_and(|e| e.out_of_memory), "{err:?}");
}

/// A chain of `concat`s each doubling a string (few steps, each slow) reached 3 GiB and ran 26 s past a 1 s
/// budget before the clock was read at every step and `concat` bounded: now a memory budget error.
#[test]
fn a_doubling_chain_is_stopped_small() {
    let mut text =
        String::from("package p\ndeny contains \"x\" if {\n  s0 := \"xxxxxxxxxxxxxxxx\"\n");
    for i in 1..=30 {
        text.push_str(&format!(
            "  s{i} := concat(\"\", [s{}, s{}])\n",
            i - 1,
            i - 1
        ));
    }
    text.push_str("  count(s30) < 0\n}\n");
    let started = std::time::Instant::now();
    let err = Policy::compile(
        &[source("double.rego", &text)],
        "data.p",
        &serde_json::json!({}),
        Duration::from_secs(1),
    )
    .err()
    .unwrap_or_else(|| panic!("the policy loaded"));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(err.out_of_memory, "{err:?}");
    assert!(
        err.message
            .contains("concat would make a string of 33554432 bytes"),
        "{}",
        err.message
    );
}

/// The bounded `numbers.range`, `numbers.range_step`, `concat` and `array.concat` give what regorus's own
/// built-ins give.
#[test]
fn bounded_ranges_agree_with_regorus() {
    let cases = [
        "numbers.range(1, 3)",
        "numbers.range(3, -2)",
        "numbers.range(5, 5)",
        "numbers.range(1.5, 3)",
        "numbers.range_step(1, 9, 0)",
        "numbers.range_step(1, 9, 2.5)",
        "numbers.range(-9223372036854775807, -9223372036854775805)",
        "numbers.range_step(0, 10, 3)",
        "numbers.range_step(10, 0, 3)",
        "numbers.range_step(2, 2, 7)",
        "count(numbers.range(1, 1000000))",
        r#"concat(", ", ["a", "b", "c"])"#,
        r#"concat("", {"b", "a", "c"})"#,
        r#"concat("-", [])"#,
        r#"concat("-", ["a", 1])"#,
        r#"concat(1, ["a"])"#,
        r#"array.concat([1, 2], [3])"#,
        r#"array.concat([], [])"#,
        r#"array.concat([1], {2})"#,
    ];
    for case in cases {
        let text = format!("package q\nr := {case}\n");
        let mut theirs = Engine::new();
        theirs
            .add_policy("q.rego".into(), text.clone())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut ours = theirs.clone();
        add_pure_extensions(&mut ours).unwrap_or_else(|e| panic!("{e:?}"));
        // Values must be equal; errors only both be errors (the message points at the call, not the operand).
        let expected = theirs.eval_rule("data.q.r".into()).ok();
        let got = ours.eval_rule("data.q.r".into()).ok();
        assert_eq!(got, expected, "{case}");
    }
}

#[test]
fn v0_policies_are_recognised() {
    assert!(is_rego_v0("package main\ndeny[msg] {\n  msg := \"x\"\n}\n"));
    assert!(is_rego_v0(
        "package main\nimport future.keywords.if\ndeny[msg] if { true }\n"
    ));
    assert!(!is_rego_v0(
        "package main\ndeny contains msg if {\n  msg := \"x\"\n}\n"
    ));
    assert!(!is_rego_v0(
        "package main\nimport rego.v1\ndeny[msg] if { true }\n"
    ));
}

/// The built-in pack's policies run on regorus's VM: the same verdicts as the interpreter gives the same
/// policy loaded as a user's (which stays on the interpreter), through hindsight's replaced built-ins, and the
/// same budgets: a loop over `numbers.range` stops within twice its time budget, and one that asks for too
/// many numbers is a memory budget error.
#[test]
fn built_in_policies_run_on_the_vm_with_the_same_verdicts_and_budgets() {
    let text = "package p\nimport rego.v1\n\ndeny contains msg if {\n  some name in input.names\n  regex.match(`^[a-z]+-[0-9]+$`, name)\n  parts := regex.split(`-`, name)\n  msg := concat(\" \", [parts[0], \"is numbered\", parts[1]])\n}\n\nwarn contains \"slow\" if {\n  some i in numbers.range(1, input.n)\n  some j in numbers.range(1, input.n)\n  i == j + 5000000\n}\n";
    let budget = Duration::from_millis(300);
    let compile = |path: &str| {
        Policy::compile(
            &[source(path, text)],
            "data.p",
            &serde_json::json!({}),
            budget,
        )
        .unwrap_or_else(|e| panic!("{e:?}"))
    };
    let builtin = compile("builtin:p.rego");
    let user = compile("p.rego");
    assert!(builtin.runs_on_vm() && !user.runs_on_vm());
    let input = serde_json::json!({"names": ["api-1", "API-2", "db-10", "x"], "n": 1});
    let verdicts = |policy: &Policy| {
        policy
            .evaluate(value_from_json(&input), Value::new_object())
            .unwrap_or_else(|e| panic!("{e:?}"))
    };
    let on_vm = verdicts(&builtin);
    assert_eq!(on_vm, verdicts(&user));
    let messages: Vec<&str> = on_vm.iter().map(|v| v.msg.as_str()).collect();
    assert_eq!(messages, ["api is numbered 1", "db is numbered 10"]);

    let started = std::time::Instant::now();
    let err = builtin
        .evaluate(
            value_from_json(&serde_json::json!({"names": [], "n": 100_000})),
            Value::new_object(),
        )
        .err();
    assert!(err.as_ref().is_some_and(|e| e.timed_out), "{err:?}");
    assert!(started.elapsed() < budget * 2, "{:?}", started.elapsed());
    let got = builtin.evaluate(
        value_from_json(&serde_json::json!({"names": [], "n": 100_000_000})),
        Value::new_object(),
    );
    let err = got.err();
    assert!(err.as_ref().is_some_and(|e| e.out_of_memory), "{err:?}");
}
