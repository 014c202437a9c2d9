package hindsight.rules.rolling_update_all_at_once_test

import rego.v1

import data.hindsight.rules.rolling_update_all_at_once as rule

deployment(replicas, max_unavailable) := {
	"kind": "Deployment",
	"metadata": {"name": "api"},
	"spec": {"replicas": replicas, "strategy": {"rollingUpdate": {"maxUnavailable": max_unavailable}}},
}

test_percentage_at_the_threshold_is_reported if {
	count(rule.deny) == 1 with input as deployment(3, "100%")
}

test_count_equal_to_replicas_is_reported if {
	count(rule.deny) == 1 with input as deployment(3, 3)
}

test_one_of_three_is_fine if {
	count(rule.deny) == 0 with input as deployment(3, 1)
}

test_threshold_is_an_option if {
	count(rule.deny) == 1 with input as deployment(4, "50%") with data.hindsight.options as {"max_unavailable_percent": 50}
}

test_single_replica_count_is_not_reported if {
	count(rule.deny) == 0 with input as deployment(1, 1)
}
