package hindsight.rules.terraform_flag_without_owner_test

import rego.v1

import data.hindsight.rules.terraform_flag_without_owner as rule

flag(body) := {"resource": {"launchdarkly_feature_flag": {"checkout": [body]}}}

test_a_flag_without_maintainer if {
	some finding in rule.deny with input as flag({"key": "new-checkout", "project_key": "web"})
	finding.path == ["resource", "launchdarkly_feature_flag", "checkout", 0]
	contains(finding.msg, "new-checkout")
}

test_a_member_or_team_owns_it if {
	count(rule.deny) == 0 with input as flag({"key": "a", "maintainer_team_key": "payments"})
	count(rule.deny) == 0 with input as flag({"key": "a", "maintainer_id": "${var.owner_id}"})
}

test_an_empty_owner_is_no_owner if {
	count(rule.deny) == 1 with input as flag({"key": "a", "maintainer_team_key": ""})
}

test_archived_flags_are_gone if {
	count(rule.deny) == 0 with input as flag({"key": "a", "archived": true})
}
