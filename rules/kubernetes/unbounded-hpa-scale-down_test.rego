package hindsight.rules.unbounded_hpa_scale_down_test

import rego.v1

import data.hindsight.rules.unbounded_hpa_scale_down as rule

hpa(scale_down) := {
	"apiVersion": "autoscaling/v2",
	"kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "web"},
	"spec": {"minReplicas": 2, "maxReplicas": 12, "behavior": {"scaleDown": scale_down}},
}

pods(n) := {"type": "Pods", "value": n, "periodSeconds": 60}

percent(n) := {"type": "Percent", "value": n, "periodSeconds": 60}

test_a_few_pods_per_period_is_bounded if {
	count(rule.deny) == 0 with input as hpa({"policies": [pods(2)]})
}

test_pods_covering_the_whole_range_is_unbounded if {
	some finding in rule.deny with input as hpa({"policies": [pods(10)]})
	finding.path == ["spec", "behavior", "scaleDown", "policies", 0, "value"]
}

test_under_max_the_first_unbounded_policy_is_named if {
	some finding in rule.deny with input as hpa({"policies": [percent(10), percent(100), pods(20)]})
	finding.path == ["spec", "behavior", "scaleDown", "policies", 1, "value"]
}

test_under_min_only_all_unbounded_is_reported if {
	some finding in rule.deny with input as hpa({"selectPolicy": "Min", "policies": [percent(100), pods(20)]})
	finding.path == ["spec", "behavior", "scaleDown", "policies"]
}

test_window_threshold_is_an_option if {
	count(rule.deny) == 0 with input as hpa({"stabilizationWindowSeconds": 120, "policies": [percent(10)]})
		with data.hindsight.options as {"min_stabilization_seconds": 60}
}

test_short_window_and_no_policies_are_two_findings if {
	count(rule.deny) == 2 with input as hpa({"stabilizationWindowSeconds": 0})
}

test_missing_behavior_points_at_the_nearest_ancestor if {
	some finding in rule.deny with input as {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "spec": {"maxReplicas": 3}}
	finding.path == ["spec", "behavior", "scaleDown"]
	contains(finding.msg, "from 3 to 1 replicas")
}

test_other_kinds_are_ignored if {
	count(rule.deny) == 0 with input as {"kind": "Deployment", "spec": {"minReplicas": 1, "maxReplicas": 9}}
}
