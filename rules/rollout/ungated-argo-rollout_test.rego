package hindsight.rules.ungated_argo_rollout_test

import rego.v1

import data.hindsight.rules.ungated_argo_rollout as rule

rollout(canary) := {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "r"}, "spec": {"strategy": {"canary": canary}}}

test_first_weight_threshold_is_an_option if {
	some finding in rule.deny with input as rollout({"steps": [{"setWeight": 60}, {"pause": {}}]})
		with data.hindsight.options as {"max_first_weight": 50}
	finding.path == ["spec", "strategy", "canary", "steps", 0, "setWeight"]
}

test_weight_after_a_pause_counts_as_first if {
	count(rule.deny) == 1 with input as rollout({"steps": [{"pause": {"duration": "1m"}}, {"setWeight": 100}]})
}

test_analysis_step_is_a_gate if {
	count(rule.deny) == 0 with input as rollout({"steps": [{"setWeight": 10}, {"analysis": {"templates": [{"templateName": "ok"}]}}, {"setWeight": 100}]})
}

test_an_all_at_once_first_step_is_reported_once if {
	# No pause either, but one finding says enough.
	count(rule.deny) == 1 with input as rollout({"steps": [{"setWeight": 100}]})
}

test_blue_green_with_pre_promotion_analysis_is_fine if {
	count(rule.deny) == 0 with input as {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "spec": {"strategy": {"blueGreen": {"prePromotionAnalysis": {"templates": [{"templateName": "ok"}]}}}}}
}

test_other_kinds_of_argo_are_ignored if {
	count(rule.deny) == 0 with input as {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "spec": {"strategy": {"canary": {}}}}
}
