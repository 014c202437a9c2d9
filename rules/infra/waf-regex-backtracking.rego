package hindsight.rules.waf_regex_backtracking

import rego.v1

import data.hindsight.terraform as tf

# WAF resources whose regexes a backtracking (PCRE-style) engine runs against requests: AWS WAF (its regex
# match statements and pattern sets take PCRE syntax) and Azure's WAF policies (Application Gateway's is
# built on ModSecurity). Cloudflare's rules language runs `matches` on Rust's `regex` crate, which is linear in
# time, and Google Cloud Armor uses RE2: neither is read here.
aws_types := {
	"aws_wafv2_regex_pattern_set",
	"aws_wafv2_web_acl",
	"aws_wafv2_rule_group",
	"aws_waf_regex_pattern_set",
	"aws_wafregional_regex_pattern_set",
}

azure_types := {
	"azurerm_web_application_firewall_policy",
	"azurerm_frontdoor_firewall_policy",
	"azurerm_cdn_frontdoor_firewall_policy",
}

# Keys under which AWS writes a regex: `regex_string = "..."`, or an element of `regex_pattern_strings`.
aws_regex_keys := {"regex_string", "regex_pattern_strings"}

# Every regex of a WAF resource, with its path in the document. Each resource is walked once (a module's web
# ACL can be hundreds of kilobytes of nested blocks, and each walk of it costs more than reading it), and the
# test on a node is written inline: a function call per node costs twice the walk in regorus's interpreter.
# AWS: a string whose key or whose parent's key is one of `aws_regex_keys`.
patterns contains [array.concat(r.path, path), value] if {
	some r in tf.resources(input, aws_types)
	walk(r.body, [path, value])
	is_string(value)
	count(path) > 1
	count({path[count(path) - 1], path[count(path) - 2]} & aws_regex_keys) > 0
}

# Azure: a match condition whose operator is `Regex` (`RegEx` in Front Door) holds regexes in `match_values`.
patterns contains [array.concat(r.path, array.concat(path, ["match_values", i])), value] if {
	some r in tf.resources(input, azure_types)
	walk(r.body, [path, condition])
	is_object(condition)
	lower(condition.operator) == "regex"
	some i, value in condition.match_values
	is_string(value)
}

deny contains {"msg": msg, "path": path} if {
	some [path, pattern] in patterns
	not tf.is_expression(pattern)
	result := hindsight.regex.backtracking(pattern)
	count(result.problems) > 0
	msg := message(result.problems)
}

shape := {
	"nested-quantifier": "repeats a repetition, so a run of `%s` splits between them in exponentially many ways",
	"overlapping-alternation": "repeats an alternation whose branches match the same text, so every `%s` doubles the ways to match",
	"adjacent-unbounded": "chains unbounded repetitions over the same characters, so a run of `%s` splits between them in polynomially many ways",
}

more(problems) := "" if count(problems) == 1

more(problems) := sprintf(" (and %d more such shapes)", [count(problems) - 1]) if count(problems) > 1

message(problems) := msg if {
	problem := problems[0]
	why := sprintf(shape[problem.kind], [problem.repeat])
	msg := sprintf(
		"catastrophic backtracking in a WAF regex: `%s` %s; the WAF's backtracking engine tries every one of them on a request that does not match, %s time in the request's length%s",
		[problem.text, why, problem.growth, more(problems)],
	)
}
