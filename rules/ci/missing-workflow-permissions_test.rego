package hindsight.rules.missing_workflow_permissions_test

import rego.v1

import data.hindsight.rules.missing_workflow_permissions as rule

jobs := {"b": {"steps": []}, "a": {"steps": []}, "c": {"permissions": {}, "steps": []}}

test_list_of_events_and_jobs_are_named_in_order if {
	some finding in rule.deny with input as {"on": ["push", "pull_request"], "jobs": jobs}
	finding.path == ["on"]
	contains(finding.msg, "`a`, `b` run with")
}

test_workflow_call_among_other_events_is_reported if {
	count(rule.deny) == 1 with input as {"on": ["workflow_call", "push"], "jobs": jobs}
}

test_only_workflow_call_is_not_reported if {
	count(rule.deny) == 0 with input as {"on": ["workflow_call"], "jobs": jobs}
}

test_top_level_permissions_cover_every_job if {
	count(rule.deny) == 0 with input as {"on": "push", "permissions": "read-all", "jobs": jobs}
}
