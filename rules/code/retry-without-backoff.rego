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
# after `let result = insert(..).await;`), the expression that variable was bound to in the loop. (Pairs of
# definitions rather than `else` here and below: built-in policies without `else` run on regorus's VM, see
# engine/src/rego/vm.rs.)
call_text(m) := expr if {
	some expr in bound_call(m)
}

call_text(m) := capture(m, "CALL") if count(bound_call(m)) == 0

# What the captured variable was bound to (empty when the call is not a variable or is bound nowhere).
bound_call(m) := bound_to(c, m.text) if {
	c := capture(m, "CALL")
	regex.match(`^[a-z_][a-z0-9_]*$`, c)
}

bound_call(m) := [] if not regex.match(`^[a-z_][a-z0-9_]*$`, capture(m, "CALL"))

# A retry repeats the same operation on the same input. When what the call reads changes from round to round,
# the loop works through something (indexes, candidates, the rest of a buffer, a stream the calls advance):
# that is a search or a parse, not a retry.
search(m) if has_word(call_text(m), capture(m, "VAR"))

search(m) if {
	some v in call_vars(call_text(m))
	changes_each_round(v, m)
}

# The variables a call reads: identifiers that start a path, not a method or field (after `.`), a function
# (before `(`), a path segment or a macro.
call_vars(call) := {v |
	calls := called(call)
	some match in regex.find_all_string_submatch_n(`(?:^|[^\w.:])([a-z_][a-z0-9_]*)`, call, -1)
	v := match[1]
	not v in calls
	not v in {"self", "mut", "ref", "as", "move"}
}

# Assigned in the loop (`bytes = &rest[n..]`, `offset += n`), not just declared in it.
changes_each_round(v, m) if {
	fixed_for(m.text, v)
	some match in regex.find_all_string_submatch_n(`(let\s+(?:mut\s+)?)?\x{A66E}[a-z0-9_]*\s*(?:[-+*/%|&^]|<<|>>)?=[^=>]`, tagged(m.text, v, tag_v), -1)
	match[1] == ""
}

# Declared in the loop from the counter (`let candidate = path(&prefix[..=i])`).
changes_each_round(v, m) if {
	var := capture(m, "VAR")
	counter_fixed(m.text, v, var)
	declared_from(tagged(m.text, v, tag_v), v, var)
}

# Handed, by value or `&mut`, to more than one call, as a stream or parser state the calls advance
# (`g.parse_next(input)`, then `f.parse_next(input)`).
changes_each_round(v, m) if {
	fixed_for(m.text, v)
	count(regex.find_n(`[\w>)]\s*\(\s*(?:&\s*mut\s+)?\x{A66E}[a-z0-9_]*\s*[,)]`, tagged(m.text, v, tag_v), -1)) >= 2
}

changes_each_round(v, m) if {
	not fixed_for(m.text, v)
	changes_by_name(v, m)
}

# A counter that is not a plain word (`r#type`) is looked for by its name.
changes_each_round(v, m) if {
	var := capture(m, "VAR")
	fixed_for(m.text, v)
	not counter_fixed(m.text, v, var)
	declared_by_name(v, var, m.text)
}

counter_fixed(text, v, var) if {
	fixed_for(text, v)
	regex.match(`^\w+$`, var)
	not var in {"let", "mut"}
}

# `let v = ..var..;`, with `v`'s words tagged in `text`.
declared_from(text, v, var) if {
	var == v
	regex.match(`let\s+(?:mut\s+)?\x{A66E}[^;]*\x{A66E}`, text)
}

declared_from(text, v, var) if {
	var != v
	regex.match(`let\s+(?:mut\s+)?\x{A66E}[^;]*\x{A66D}`, tagged(text, var, tag_var))
}

# Finding a variable with fixed patterns. A pattern built from a variable's name compiles a new regex for each
# name (most of this policy's time on a large code base, and memory: regorus keeps the compiled patterns).
# Instead, a text's words are marked, so that a whole word is a plain substring, and the words that are the
# variable get a prefix no code holds, so that a fixed pattern finds them where the name's pattern matched.

# The marks (U+0001, U+0002 around a word, U+0003 opening a word after `.` or `:`) and the prefixes (U+A66E,
# U+A66D, Cyrillic letters: a prefixed word is still one word, in the same place). A text that holds one of
# them (no real code does) takes the patterns built from the name (`by_name`), which mean the same.
fixed(text) if not regex.match(`[\x01-\x03\x{A66D}\x{A66E}]`, text)

# The variable is a plain identifier (the patterns find its tagged word as `\x{A66E}[a-z0-9_]*`), and not
# `let` or `mut`, which are part of the patterns' context.
fixed_for(text, v) if {
	fixed(text)
	regex.match(`^[a-z_][a-z0-9_]*$`, v)
	not v in {"let", "mut"}
}

tag_v := "\ua66e"

tag_var := "\ua66d"

# Each word, a maximal run of `\w`, between U+0001 and U+0002.
marked(text) := regex.replace(text, `\w+`, "\u0001${0}\u0002")

word(w) := concat("", ["\u0001", w, "\u0002"])

unmarked(text) := replace(replace(text, "\u0001", ""), "\u0002", "")

# `text` with each whole word `w` written `<tag>w`.
tagged(text, w, tag) := unmarked(replace(marked(text), word(w), word(concat("", [tag, w]))))

# The expression the first `let c = ..;` binds `c` to.
bound_to(c, text) := [replace(match[1], tag_v, "") |
	some match in regex.find_all_string_submatch_n(`(?s)let\s+(?:mut\s+)?\x{A66E}[a-z0-9_]*\s*(?::[^=;]+)?=\s*(.*?);`, tagged(text, c, tag_v), 1)
] if fixed_for(text, c)

bound_to(c, text) := bound_to_by_name(c, text) if not fixed_for(text, c)

# `w` is a whole word of `text` (`\bw\b`).
has_word(text, w) if {
	fixed_word(text, w)
	contains(marked(text), word(w))
}

has_word(text, w) if {
	not fixed_word(text, w)
	word_by_name(text, w)
}

fixed_word(text, w) if {
	fixed(text)
	regex.match(`^\w+$`, w)
}

# The words that start a call, a path or a macro (`(^|[^\w.:])w\s*(\(|::|!)`): a word after `.` or `:` is
# opened by U+0003, not U+0001.
called(call) := {match[1] |
	some match in regex.find_all_string_submatch_n(`\x01([^\x01-\x03]+)\x02\s*(?:\(|::|!)`, replace(replace(marked(call), ".\u0001", ".\u0003"), ":\u0001", ":\u0003"), -1)
} if fixed(call)

called(call) := called_by_name(call) if not fixed(call)

# The same tests with patterns built from the names: for texts that hold a mark or a prefix, and, in the unit
# tests, the reference the fixed patterns are held to.
bound_to_by_name(c, text) := [match[1] | some match in regex.find_all_string_submatch_n(sprintf(`(?s)let\s+(?:mut\s+)?%s\s*(?::[^=;]+)?=\s*(.*?);`, [c]), text, 1)]

word_by_name(text, w) if regex.match(sprintf(`\b%s\b`, [w]), text)

called_by_name(call) := {v |
	some match in regex.find_all_string_submatch_n(`(?:^|[^\w.:])([a-z_][a-z0-9_]*)`, call, -1)
	v := match[1]
	regex.match(sprintf(`(^|[^\w.:])%s\s*(\(|::|!)`, [v]), call)
}

changes_by_name(v, m) if {
	some match in regex.find_all_string_submatch_n(sprintf(`(let\s+(?:mut\s+)?)?\b%s\s*(?:[-+*/%%|&^]|<<|>>)?=[^=>]`, [v]), m.text, -1)
	match[1] == ""
}

changes_by_name(v, m) if declared_by_name(v, capture(m, "VAR"), m.text)

declared_by_name(v, var, text) if regex.match(sprintf(`let\s+(mut\s+)?%s\b[^;]*\b%s\b`, [v, var]), text)

changes_by_name(v, m) if {
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

short(call) := one_line(call) if count(one_line(call)) <= 60

short(call) := sprintf("%s(..)%s", [regex.replace(call, `(?s)\(.*$`, ""), regex.replace(call, `(?s)^.*\)\s*`, "")]) if {
	count(one_line(call)) > 60
}

one_line(call) := regex.replace(regex.replace(call, `\s*\n\s*`, ""), `\s+`, " ")

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
