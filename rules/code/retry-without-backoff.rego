package hindsight.rules.retry_without_backoff

import rego.v1

# `input.matches`: loops that retry (see `select` in the rule file): a try that returns a `Result`, success
# leaves the loop, an error goes round again. Captures: `CALL`, the operation tried (when the select could
# see it); `VAR`, the counter of a `for` loop.

# The delay grows or is randomised: this is backoff, or a library that does it.
backoff := `(?i)(backoff|back_off|jitter|rand::|random|exponential|retry_policy|tokio_retry|backon|\*=\s*2\b|<<=|\.pow\(|saturating_mul|checked_mul)`

# Something waits between tries, for time or for an event (or hands the thread to other work), or a person
# decides each retry (an interactive tool asks "Retry?" and reads the answer). A timeout around each try is not
# a wait: a dependency that refuses connections fails every try at once.
waits := `(?i)(sleep|delay|\.tick\(\)|wait_timeout|recv_timeout|park|notified\(\)|\.changed\(\)|\.recv\(\)|yield_|spin_loop|prompt|read_line|stdin\(\)|confirm|dialoguer|inquire|requestty)`

# ... and the wait is a constant: a literal duration or a named constant.
constant_sleep := `(?i)sleep\(\s*(((std::|tokio::)?time::)?Duration::from_(millis|secs|micros|nanos)\(\s*[0-9_]+\s*\)|[A-Z][A-Z0-9_]*)\s*\)`

# Retries of in-process primitives (a lock, a `RefCell`, an atomic, a channel) contend with this process's
# own threads, not with a dependency that is down.
in_process := `(try_borrow|try_lock|try_read|try_write|try_recv|try_send|try_reserve|try_unwrap|try_acquire|compare_exchange|fetch_update)`

# Retrying a system call that was interrupted, or would block, at once is the documented idiom.
interrupted := `(ErrorKind::(Interrupted|WouldBlock)|EINTR|EAGAIN)`

capture(m, name) := m.captures[name].text

# The call tried, as written: when the select captured a variable holding its result (`match result {..}`
# after `let result = insert(..).await;`), the expression that variable was bound to in the loop.
call_text(m) := bound[1] if {
	c := capture(m, "CALL")
	regex.match(`^[a-z_][a-z0-9_]*$`, c)
	some bound in regex.find_all_string_submatch_n(sprintf(`(?s)let\s+(?:mut\s+)?%s\s*(?::[^=;]+)?=\s*(.*?);`, [c]), m.text, 1)
} else := capture(m, "CALL")

# A retry repeats the same operation on the same input. When what the call reads changes from round to round,
# the loop works through something (indexes, candidates, the rest of a buffer, a stream the calls advance):
# that is a search or a parse, not a retry.
search(m) if {
	var := capture(m, "VAR")
	regex.match(sprintf(`\b%s\b`, [var]), call_text(m))
}

search(m) if {
	some v in call_vars(call_text(m))
	changes_each_round(v, m)
}

# The variables a call reads: identifiers that start a path, not a method or field (after `.`), a function
# (before `(`), a path segment or a macro.
call_vars(call) := {v |
	some match in regex.find_all_string_submatch_n(`(?:^|[^\w.:])([a-z_][a-z0-9_]*)`, call, -1)
	v := match[1]
	not regex.match(sprintf(`(^|[^\w.:])%s\s*(\(|::|!)`, [v]), call)
	not v in {"self", "mut", "ref", "as", "move"}
}

# Assigned in the loop (`bytes = &rest[n..]`, `offset += n`), not just declared in it.
changes_each_round(v, m) if {
	some match in regex.find_all_string_submatch_n(sprintf(`(let\s+(?:mut\s+)?)?\b%s\s*(?:[-+*/%%|&^]|<<|>>)?=[^=>]`, [v]), m.text, -1)
	match[1] == ""
}

# Declared in the loop from the counter (`let candidate = path(&prefix[..=i])`).
changes_each_round(v, m) if {
	var := capture(m, "VAR")
	regex.match(sprintf(`let\s+(mut\s+)?%s\b[^;]*\b%s\b`, [v, var]), m.text)
}

# Handed, by value or `&mut`, to more than one call, as a stream or parser state the calls advance
# (`g.parse_next(input)`, then `f.parse_next(input)`).
changes_each_round(v, m) if {
	count(regex.find_n(sprintf(`[\w>)]\s*\(\s*(&\s*mut\s+)?%s\s*[,)]`, [v]), m.text, -1)) >= 2
}

local(m) if regex.match(in_process, call_text(m))

retry(m) if {
	not search(m)
	not local(m)
	not regex.match(backoff, m.text)
	not regex.match(interrupted, m.text)
}

# Gives up after a number of tries: a range with an end (not `for _ in 0..`), or a counter.
bounded(m) if {
	m.kind == "for_expression"
	not regex.match(`^for\s+[A-Za-z0-9_]+\s+in\s+\(?\s*[A-Za-z0-9_:]*\s*\.\.\s*\)?\s*[{]`, m.text)
}

bounded(m) if regex.match(`[-+]=\s*1\b`, m.text)

# The operation as the message names it: on one line, its arguments elided when they are long.
tried(m) := sprintf("`%s`", [short(capture(m, "CALL"))])

short(call) := one_line if {
	one_line := regex.replace(regex.replace(call, `\s*\n\s*`, ""), `\s+`, " ")
	count(one_line) <= 60
} else := sprintf("%s(..)%s", [regex.replace(call, `(?s)\(.*$`, ""), regex.replace(call, `(?s)^.*\)\s*`, "")])

tried(m) := "the operation" if not m.captures.CALL

warn contains {"msg": msg, "match": i} if {
	some i, m in input.matches
	retry(m)
	not regex.match(waits, m.text)
	msg := sprintf("%s is retried on error with no delay between tries: when it fails, this loop calls it again at once, as fast as it can; wait between tries, growing the delay with random jitter", [tried(m)])
}

# A fixed interval that never gives up: every client that failed together keeps retrying together.
warn contains {"msg": msg, "match": i} if {
	some i, m in input.matches
	retry(m)
	not bounded(m)
	regex.match(constant_sleep, m.text)
	msg := sprintf("%s is retried on error forever at a fixed interval: clients that failed together retry together, in waves, and keep the dependency down; grow the delay, add random jitter, and bound the tries", [tried(m)])
}
