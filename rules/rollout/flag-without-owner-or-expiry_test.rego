package hindsight.rules.flag_without_owner_or_expiry_test

import rego.v1

import data.hindsight.rules.flag_without_owner_or_expiry as rule

registry := {"kind": "FlagRegistry", "flags": {
	"old": {"owner": "team-web", "expires": "2026-01-31"},
	"new": {"owner": "team-web", "expires": "2026-09-01"},
	"timestamped": {"owner": "team-web", "expires": "2025-12-31T00:00:00Z"},
}}

test_expiry_is_not_checked_without_today if {
	count(rule.warn) == 0 with input as registry
	count(rule.deny) == 0 with input as registry
}

test_flags_past_expiry_are_warnings_when_today_is_given if {
	findings := rule.warn with input as registry with data.hindsight.options as {"today": "2026-06-01"}
	paths := {f.path | some f in findings}
	paths == {["flags", "old", "expires"], ["flags", "timestamped", "expires"]}
}

test_expiry_on_today_is_not_past if {
	count(rule.warn) == 0 with input as registry with data.hindsight.options as {"today": "2026-01-31"}
		with input.flags as {"old": {"owner": "team-web", "expires": "2026-01-31"}}
}

test_malformed_today_is_ignored if {
	count(rule.warn) == 0 with input as registry with data.hindsight.options as {"today": "June 1st"}
}

test_both_missing_fields_are_named_in_one_finding if {
	findings := rule.deny with input as {"kind": "FlagRegistry", "flags": {"x": {"owner": " "}}}
	count(findings) == 1
	some finding in findings
	contains(finding.msg, "has no `expires` and no `owner`")
}

test_permanent_flags_need_an_owner_only if {
	count(rule.deny) == 0 with input as {"kind": "FlagRegistry", "flags": {"kill": {"owner": "team-web", "permanent": true}}}
}
