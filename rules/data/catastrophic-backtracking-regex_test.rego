package hindsight.rules.catastrophic_backtracking_regex_test

import rego.v1

import data.hindsight.rules.catastrophic_backtracking_regex as rule

use(text) := {"kind": "use_declaration", "text": text, "captures": {}}

test_imports_by_name_in_lists_and_globs if {
	rule.imported == {"fancy_regex", "pcre2", "onig"} with input as {"matches": [
		use("use fancy_regex::{Captures, Regex};"),
		use("use pcre2::bytes::*;"),
		use("use onig::Regex;"),
	]}
}

test_renamed_or_other_imports_say_nothing if {
	count(rule.imported) == 0 with input as {"matches": [
		use("use fancy_regex::Regex as FancyRegex;"),
		use("use onig::{RegexOptions, Syntax};"),
	]}
}

test_a_spelled_out_engine_wins_over_imports if {
	rule.engine_of({"text": `pcre2::bytes::Regex::new(r"x")`}, "PATTERN") == "pcre2" with input as {"matches": [use("use fancy_regex::Regex;")]}
}

test_a_bare_call_takes_fancy_regex_first if {
	rule.engine_of({"text": `Regex::new(r"x")`}, "PATTERN") == "fancy_regex" with input as {"matches": [
		use("use pcre2::bytes::Regex;"),
		use("use fancy_regex::Regex;"),
	]}
}

test_build_takes_the_pattern_only_in_pcre2 if {
	rule.engine_of({"text": `RegexBuilder::new().build(r"x")`}, "BUILT") == "pcre2"
}

test_fancy_regex_backtracks_only_with_word_boundaries if {
	not rule.backtracks("fancy_regex", {"word_boundary": false})
	rule.backtracks("fancy_regex", {"word_boundary": true})
	rule.backtracks("onig", {"word_boundary": false})
}

test_list_items_take_the_key_of_the_list if {
	rule.key_of(["rules", 0, "Patterns", 1]) == "patterns"
	rule.key_of(["filters", 0, "RegexString"]) == "regexstring"
}

test_regex_keys_are_read_anywhere if {
	count(rule.deny) == 1 with input as {"relabel": [{"regex": `^(a+)+$`}]}
}

test_pattern_keys_are_read_only_in_waf_rule_sets if {
	count(rule.deny) == 0 with input as {"properties": {"name": {"pattern": `^(a+)+$`}}}
}

test_non_strings_and_patterns_regex_syntax_rejects_are_silent if {
	count(rule.deny) == 0 with input as {"a": {"regex": true}, "b": {"regex": `(?<=x)(a+)+$`}, "c": {"regex": [1, 2]}}
}

test_one_finding_names_the_other_shapes if {
	some finding in rule.deny with input as {"regex": `^(a+)+-(b+)+$`}
	contains(finding.msg, "and 1 more")
}

test_ast_grep_rules_are_skipped_since_the_regex_crate_runs_them if {
	count(rule.deny) == 0 with input as {"id": "x", "language": "rust", "rule": {"regex": `\s*;?\s*\}`}}
}

test_a_constant_is_followed_to_its_value if {
	rule.pattern_of({"text": "GROK"}, "CONSTANT") == `(a+)+$` with input as {"matches": [{
		"kind": "const_item",
		"captures": {"NAME": {"text": "GROK"}, "VALUE": {"text": `r"(a+)+$"`, "value": `(a+)+$`}},
	}]}
}

test_an_unknown_constant_has_no_pattern if {
	not rule.pattern_of({"text": "ELSEWHERE"}, "CONSTANT") with input as {"matches": []}
}

constant(name, value) := {"kind": "const_item", "captures": {"NAME": {"text": name}, "VALUE": {"value": value}}}

test_a_constant_defined_twice_is_not_guessed if {
	not rule.pattern_of({"text": "P"}, "CONSTANT") with input as {"matches": [constant("P", `(a+)+$`), constant("P", "x")]}
}
