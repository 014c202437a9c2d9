package hindsight.rules.catastrophic_backtracking_regex

import rego.v1

# Rust (`select` in the rule file): `input.matches` holds the calls that build a fancy-regex, PCRE2 or Oniguruma
# regex from a string literal (capture `PATTERN`; `BUILT` for the pattern of PCRE2's `RegexBuilder::build`) or from
# a constant (`CONSTANT`), the file's string constants and statics (`NAME`, `VALUE`), and its `use` declarations of
# those crates, which say where a bare `Regex` comes from.
# Configuration (YAML, JSON): `input` is one document; regexes are the strings under keys that name them.

engines := ["fancy_regex", "pcre2", "onig"]

engine_names := {"fancy_regex": "fancy-regex", "pcre2": "PCRE2", "onig": "Oniguruma"}

rust if hindsight.file().language == "rust"

# --- Rust ---

# Crates whose `Regex` or `RegexBuilder` the file imports (by name, in a list, or with `*`; not renamed).
imported contains engine if {
	some m in input.matches
	m.kind == "use_declaration"
	some engine in engines
	regex.match(sprintf(`\b%s(::\w+)*::(\{[^}]*\bRegex(Builder)?\b[^}]*\}|(Regex|RegexBuilder)\s*($|[,;}])|\*)`, [engine]), m.text)
	not regex.match(`\bRegex(Builder)?\s+as\b`, m.text)
}

spelled(text) := engine if {
	some engine in engines
	regex.match(sprintf(`^(::)?%s::`, [engine]), text)
}

# Only PCRE2's builder takes the pattern in `build`.
engine_of(_, "BUILT") := "pcre2"

engine_of(m, name) := spelled(m.text) if name in {"PATTERN", "CONSTANT"}

# A bare `Regex::new`: the imported crate; fancy-regex first when there are several, since the rule reports the
# fewest patterns for it.
engine_of(m, name) := engine if {
	name in {"PATTERN", "CONSTANT"}
	not spelled(m.text)
	candidates := [e | some e in engines; e in imported]
	engine := candidates[0]
}

# String constants and statics of the file, by name.
constants contains [m.captures.NAME.text, m.captures.VALUE.value] if {
	some m in input.matches
	is_string(m.captures.VALUE.value)
}

# The pattern a call compiles: its literal, or the value of the constant it names (when the file defines exactly
# one of that name).
pattern_of(literal, "CONSTANT") := values[0] if {
	values := [value | some [name, value] in constants; name == literal.text]
	count(values) == 1
}

pattern_of(literal, name) := literal.value if {
	name in {"PATTERN", "BUILT"}
	is_string(literal.value)
}

# fancy-regex hands every pattern regex-syntax can parse to the linear-time `regex` crate, unless it has a word
# boundary (`\b`, `\B`): since fancy-regex 0.13 those run on its backtracking VM. (Look-around and backreferences
# also do, but regex-syntax cannot parse them, so they never reach this point.)
backtracks("fancy_regex", result) if result.word_boundary

backtracks(engine, _) if engine != "fancy_regex"

deny contains {"msg": msg, "match": i, "capture": name} if {
	rust
	some i, m in input.matches
	some name, literal in m.captures
	name in {"PATTERN", "BUILT", "CONSTANT"}
	result := hindsight.regex.backtracking(pattern_of(literal, name))
	count(result.problems) > 0
	engine := engine_of(m, name)
	backtracks(engine, result)
	msg := message(result.problems, engine_names[engine])
}

# --- Configuration ---

# Keys whose values are regexes wherever they appear: `regex`, `regexp`; AWS WAF's `RegexString`; Semgrep's
# `pattern-regex` (run by PCRE2).
regex_keys := {"regex", "regexp", "regexstring", "regex_string", "pattern-regex", "pattern-not-regex"}

# In WAF rule sets, `pattern` and `patterns` hold regexes too. (`expression` does not: in the rule sets that
# use it, such as Cloudflare's, it is a filter expression, not a regex.)
waf_keys := {"pattern", "patterns"}

waf_file if regex.match(`(?i)(^|[/_.-])(waf|modsec|modsecurity|coraza|crs|firewall)([/_.-]|$)`, hindsight.file().path)

# The key a value is under; for a list item, the key of the list.
key_of(path) := lower(path[count(path) - 1]) if is_string(path[count(path) - 1])

key_of(path) := lower(path[count(path) - 2]) if {
	is_number(path[count(path) - 1])
	count(path) > 1
	is_string(path[count(path) - 2])
}

# ast-grep and hindsight rule files: the Rust `regex` crate, linear in time, runs their `regex:` conditions.
ast_grep_rule if {
	is_string(input.id)
	input.language
	some key in ["rule", "match", "select", "utils"]
	input[key]
}

holds_regex(path) if key_of(path) in regex_keys

holds_regex(path) if {
	waf_file
	key_of(path) in waf_keys
}

deny contains {"msg": msg, "path": path} if {
	some path, result in data_problems
	severe(path, result.problems)
	msg := message(result.problems, "a backtracking engine (PCRE, Oniguruma, Java, JavaScript, Python)")
}

# A polynomial shape (`(.*) .*`) costs time in the square or cube of the input's length: it takes an outage
# where the input is long and chosen by someone else, such as a request body a WAF rule reads, not in a
# dashboard's label filter or a log parser's field, where it is not reported.

data_problems[path] := result if {
	not rust
	not ast_grep_rule
	walk(input, [path, value])
	is_string(value)
	holds_regex(path)
	result := hindsight.regex.backtracking(value)
	count(result.problems) > 0
}

severe(_, problems) if {
	some problem in problems
	problem.kind != "adjacent-unbounded"
}

severe(_, _) if waf_file

# --- Messages ---

shape := {
	"nested-quantifier": "repeats a repetition, so a run of `%s` splits between them in exponentially many ways",
	"overlapping-alternation": "repeats an alternation whose branches match the same text, so every `%s` doubles the ways to match",
	"adjacent-unbounded": "chains unbounded repetitions over the same characters, so a run of `%s` splits between them in polynomially many ways",
}

more(problems) := "" if count(problems) == 1

more(problems) := sprintf(" (and %d more such shapes)", [count(problems) - 1]) if count(problems) > 1

message(problems, engine) := msg if {
	problem := problems[0]
	why := sprintf(shape[problem.kind], [problem.repeat])
	msg := sprintf(
		"catastrophic backtracking: `%s` %s; %s tries every one of them when the rest fails, %s time in the input's length%s",
		[problem.text, why, engine, problem.growth, more(problems)],
	)
}
