package hindsight.rules.waf_regex_backtracking_test

import rego.v1

import data.hindsight.rules.waf_regex_backtracking as rule

pattern_set(regex) := {"resource": {"aws_wafv2_regex_pattern_set": {"xss": [{"regular_expression": [{"regex_string": regex}]}]}}}

test_the_2019_shape_is_reported_at_its_string if {
	some finding in rule.deny with input as pattern_set(`(?:\"|'|\d)+.*(?:.*=.*)`)
	finding.path == ["resource", "aws_wafv2_regex_pattern_set", "xss", 0, "regular_expression", 0, "regex_string"]
	contains(finding.msg, "polynomial")
}

test_a_safe_pattern_or_an_expression_is_fine if {
	count(rule.deny) == 0 with input as pattern_set(`^[^=]*=`)
	count(rule.deny) == 0 with input as pattern_set("${var.pattern}")
}

test_classic_waf_pattern_strings if {
	doc := {"resource": {"aws_waf_regex_pattern_set": {"a": [{"regex_pattern_strings": ["ok", "^(a+)+$"]}]}}}
	some finding in rule.deny with input as doc
	finding.path == ["resource", "aws_waf_regex_pattern_set", "a", 0, "regex_pattern_strings", 1]
}

test_azure_regex_match_conditions if {
	condition := {"operator": "Regex", "match_values": ["^(\\w+\\s?)*$"]}
	doc := {"resource": {"azurerm_web_application_firewall_policy": {"p": [{"custom_rules": [{"match_conditions": [condition]}]}]}}}
	some finding in rule.deny with input as doc
	finding.path == ["resource", "azurerm_web_application_firewall_policy", "p", 0, "custom_rules", 0, "match_conditions", 0, "match_values", 0]
}

test_other_resources_are_not_read if {
	count(rule.deny) == 0 with input as {"resource": {"cloudflare_ruleset": {"r": [{"rules": [{"regex_string": "^(a+)+$"}]}]}}}
}
