package hindsight.rules.ungated_flagger_canary_test

import rego.v1

import data.hindsight.rules.ungated_flagger_canary as rule

canary(analysis) := {"apiVersion": "flagger.app/v1beta1", "kind": "Canary", "metadata": {"name": "c"}, "spec": {"analysis": analysis}}

metrics := [{"name": "request-success-rate", "thresholdRange": {"min": 99}}]

test_first_step_weight_of_everything_is_reported if {
	some finding in rule.deny with input as canary({"stepWeights": [100], "metrics": metrics})
	finding.path == ["spec", "analysis", "stepWeights", 0]
}

test_growing_step_weights_are_fine if {
	count(rule.deny) == 0 with input as canary({"stepWeights": [5, 50, 100], "metrics": metrics})
}

test_notification_webhooks_do_not_gate if {
	count(rule.deny) == 1 with input as canary({"webhooks": [{"name": "slack", "type": "event", "url": "http://x"}]})
}

test_pre_rollout_webhook_gates if {
	count(rule.deny) == 0 with input as canary({"webhooks": [{"name": "smoke", "type": "pre-rollout", "url": "http://x"}]})
}

test_other_apis_named_canary_are_ignored if {
	count(rule.deny) == 0 with input as {"apiVersion": "example.com/v1", "kind": "Canary", "spec": {}}
}
