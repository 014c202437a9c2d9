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
