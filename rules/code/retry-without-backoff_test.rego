package hindsight.rules.retry_without_backoff_test

import rego.v1

import data.hindsight.rules.retry_without_backoff as rule

loop(kind, text, captures) := {"kind": kind, "text": text, "captures": captures}

capture(text) := {"text": text}

# The regexes run in regorus, whose compiled-size limit a few Unicode `\w` classes exceed: an error there makes
# the whole policy silently report nothing, so each helper is evaluated here once.

test_a_counted_for_loop_is_bounded if {
	rule.bounded(loop("for_expression", "for _ in 0..5 { op() }", {}))
	rule.bounded(loop("for_expression", "for attempt in (1..=N).rev() { op() }", {}))
}

test_an_open_range_is_not_bounded if {
	not rule.bounded(loop("for_expression", "for round in 1u64.. { op() }", {}))
}

test_a_counter_bounds_a_loop if {
	rule.bounded(loop("loop_expression", "loop { tries += 1; op() }", {}))
	not rule.bounded(loop("loop_expression", "loop { op() }", {}))
}

test_the_variables_a_call_reads if {
	rule.call_vars("transfer(&batch.items, &self.peer, wait, None)") == {"batch", "wait"}
	rule.call_vars("utf8::validate(bytes)") == {"bytes"}
	rule.call_vars("parser.parse_next(input).await") == {"parser", "input"}
}

test_a_reassigned_argument_is_a_search if {
	rule.search(loop("loop_expression", "loop { match f(rest) { Ok(v) => return v, Err(e) => rest = &rest[1..] } }", {"CALL": capture("f(rest)")}))
}

test_an_argument_declared_in_the_loop_is_still_a_retry if {
	not rule.search(loop("loop_expression", "loop { let req = build(); match send(req) { Ok(v) => return v, Err(_) => {} } }", {"CALL": capture("send(req)")}))
}

test_long_calls_are_elided_in_messages if {
	rule.short("transfer_operations_batch(\n    &wal_batch.batch,\n    &self.remote_shard,\n    wait,\n)\n.await") == "transfer_operations_batch(..).await"
	rule.short("connect(addr).await") == "connect(addr).await"
}

# The policy finds a variable with fixed patterns over a tagged text (one compiled regex for all names); the
# patterns built from the name, which it replaced, are the reference. Each case below is held to both.

vars := ["x", "y", "i", "letter", "outlet", "let", "mut", "r#x"]

texts := [
	"x = 1", "let x = 1", "let mut x = 1", "x += 1", "x <<= 1", "x == 1", "x => 1", "x=", "x\n=\n1", "let\tmut  x=1",
	"x=x=1", "let x=x=1", "let x=x= 1", "let x =let x = 1", "let x =x =x = 1", "let  mut x=let mut x= 1",
	"outlet x = 1", "xlet x = 1", "let letter = 1; letter = 2", "let let = 1", "let let=let=1", "outlet outlet = 1",
	"self.x = 1", "x::y = 1", "y.x += 1", "xy = 1", "yx = 1", "é x = 1", "xé = 1", "x_ = 1", "_x = 1",
	"a(b(c", "f(x)(x)", "f(x, g(x))", "f(&mut x); g(&mut x)", "f(& mut\nx) + h( x )", "f(&x); g(&x)", "f(mut); g(mut)",
	"f(&mut mut); g(&mut mut)", "p.parse(input)?; q.parse(input)?", "Vec::<u8>::with(x).push(x,", "f (x) g (x,",
	"for i in 0..5 { let cand = path(&prefix[..=i]); }", "let cand = 1; i", "let i = i + 1", "let mut y = x[i];",
	"let y = x; let i = 0", "let letter = i;", "let r#x = i;", "let x = r#x;", "r#x = 1", "f(r#x); g(r#x)",
]

loop_of(text) := loop("loop_expression", text, {"VAR": capture("i")})

test_assignments_calls_and_declarations_agree_with_the_names_patterns if {
	every text in texts {
		{v | some v in vars; rule.changes_each_round(v, loop_of(text))} == {v | some v in vars; rule.changes_by_name(v, loop_of(text))}
	}
}

test_the_counter_in_a_declaration_agrees_with_the_names_pattern if {
	every var in ["i", "x", "r#x"] {
		every text in texts {
			m := loop("loop_expression", text, {"VAR": capture(var)})
			{v | some v in vars; rule.changes_each_round(v, m)} == {v | some v in vars; rule.changes_by_name(v, m)}
		}
	}
}

calls := [
	"a(b(c", "a::b(c)", "x.f(y)", "m!(x)", "a (b)", "Foo::new(x)", "a :: b", "f(x).g(y)", "f(a)(b)", "a.b::c(d)",
	"send(req, &self.peer, wait)", "utf8::validate(bytes)", "g(x)!", "x!y(z)", "é(x) y( z)", "fooBar(x)", "a\n(b)",
	"x::<T>(y)", "(a)(b)", ":a(b)", ".a(b)", "g(x, self.x(1))", "g(x, a::x(1))", "g(x, a:: x(1))", "g(x, a. x(1))",
]

test_the_words_that_start_a_call_agree_with_the_names_pattern if {
	every call in calls {
		words := {v | some match in regex.find_all_string_submatch_n(`(?:^|[^\w.:])([a-z_][a-z0-9_]*)`, call, -1); v := match[1]}
		rule.called(call) & words == rule.called_by_name(call)
	}
}

test_whole_words_agree_with_the_names_pattern if {
	every text in array.concat(texts, calls) {
		{w | some w in vars; rule.has_word(text, w)} == {w | some w in vars; rule.word_by_name(text, w)}
	}
}

test_the_bound_expression_agrees_with_the_names_pattern if {
	every text in [
		"let result = insert(x).await; match result {}", "let a = { let result = f(); result };",
		"let result: Result<T, E> = f();", "let mut result = g();", "outlet result = h();",
		"let result2 = z; let result = y;", "let result = a;\nlet result = b;", "let result = a", "let result == a;",
		"let result = f(result).await;", "let mut\nresult\n=\nf(\n  x,\n);", "let result: T;", "let resultx = 1; let result = 2;",
	] {
		rule.bound_to("result", text) == rule.bound_to_by_name("result", text)
	}
}

test_a_text_holding_a_mark_is_read_with_the_names_patterns if {
	rule.changes_each_round("x", loop_of("\u0001 x = 1"))
	rule.call_vars("f(\u0001x)") == {"x"}
	not rule.search(loop("loop_expression", "loop { f(\ua66ei) }", {"VAR": capture("i"), "CALL": capture("f(\ua66ei)")}))
}

test_the_variables_next_to_punctuation if {
	rule.call_vars("a(b(c") == {"c"}
	rule.call_vars("f(x,y)+g(&z)-h(*w)") == {"x", "y", "z", "w"}
	rule.call_vars("m!(x)") == {"x"}
}

test_a_shadowing_let_is_not_an_assignment if {
	not rule.changes_each_round("x", loop_of("let x = 1; let x = x + 1;"))
	rule.changes_each_round("x", loop_of("let x = 1; x = x + 1;"))
}

test_a_variable_handed_twice_by_mut_reference_changes if {
	rule.changes_each_round("input", loop_of("a.parse(&mut input)?; b.parse(&mut input)?"))
	not rule.changes_each_round("input", loop_of("a.parse(&input)?; b.parse(&input)?"))
}
