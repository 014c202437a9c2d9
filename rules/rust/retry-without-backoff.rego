package hindsight.rules.retry_without_backoff

import rego.v1

# `input.matches`: loops whose text mentions retries, attempts or tries (see `select` in the rule file).

backoff_or_jitter := `(?i)(backoff|back_off|jitter|rand|random|exponential|\*=\s*2|\*\s*2|<<|pow\(|checked_mul|saturating_mul|retry_policy|tokio_retry|backon)`

constant_sleep := `(?i)sleep\(\s*(std::time::)?Duration::from_(millis|secs|micros|nanos)\(\s*[0-9_]+\s*\)\s*\)`

any_sleep := `(?i)sleep\(`

# Only loops that really retry: they handle a failure and go round again.
retries(text) if regex.match(`(?i)(Err\(|is_err\(|\.ok\(\)|if let Ok|continue|attempt)`, text)

warn contains {"msg": msg, "match": i} if {
	some i, m in input.matches
	retries(m.text)
	not regex.match(backoff_or_jitter, m.text)
	not regex.match(any_sleep, m.text)
	msg := "retry loop with no delay at all: failures retry as fast as the loop runs; back off exponentially and add jitter"
}

warn contains {"msg": msg, "match": i} if {
	some i, m in input.matches
	retries(m.text)
	not regex.match(backoff_or_jitter, m.text)
	regex.match(constant_sleep, m.text)
	msg := "retry loop with a fixed sleep: every client retries in lockstep; back off exponentially and add jitter"
}
