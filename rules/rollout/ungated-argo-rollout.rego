package hindsight.rules.ungated_argo_rollout

import rego.v1

import data.hindsight.k8s

max_first_weight := object.get(data.hindsight.options, "max_first_weight", 100)

is_rollout if {
	input.kind == "Rollout"
	startswith(input.apiVersion, "argoproj.io/")
}

canary := input.spec.strategy.canary if is_rollout

steps := object.get(canary, "steps", [])

canary_path := ["spec", "strategy", "canary"]

# A canary without steps is Argo's plain rolling update, like a Deployment's: not reported here.

weights := [[i, step.setWeight] | some i, step in steps; is_number(step.setWeight)]

deny contains {"msg": msg, "path": array.concat(canary_path, ["steps", first[0], "setWeight"])} if {
	count(weights) > 0
	first := weights[0]
	first[1] >= max_first_weight
	msg := sprintf("the first step of Rollout `%s` sends %v%% of traffic to the new version: the canary is the whole service; start with a small `setWeight` and a pause", [k8s.name(input), first[1]])
}

gate_steps := {"pause", "analysis", "experiment"}

gated if {
	some step in steps
	some key, _ in step
	key in gate_steps
}

# Background analysis runs for the whole rollout.
gated if canary.analysis

deny contains {"msg": msg, "path": array.concat(canary_path, ["steps"])} if {
	count(steps) > 0
	not gated
	not weights[0][1] >= max_first_weight
	msg := sprintf("Rollout `%s` never pauses and runs no analysis: its steps move from one weight to the next as soon as pods are ready, so nothing can stop a bad version; add `pause` steps and an `analysis`", [k8s.name(input)])
}

blue_green := input.spec.strategy.blueGreen if is_rollout

deny contains {"msg": msg, "path": ["spec", "strategy", "blueGreen"]} if {
	is_object(blue_green)
	object.get(blue_green, "autoPromotionEnabled", true) != false
	not blue_green.prePromotionAnalysis
	msg := sprintf("Rollout `%s` promotes its blue-green preview automatically without `prePromotionAnalysis`: all traffic switches to the new version as soon as its pods are ready; add a pre-promotion analysis or `autoPromotionEnabled: false`", [k8s.name(input)])
}
