package hindsight.rules.unbounded_hpa_scale_down

import rego.v1

import data.hindsight.k8s

min_window := object.get(data.hindsight.options, "min_stabilization_seconds", 300)

min_replicas := object.get(input, ["spec", "minReplicas"], 1)

max_replicas := object.get(input, ["spec", "maxReplicas"], 1)

scale_down := object.get(input, ["spec", "behavior", "scaleDown"], {})

policies := object.get(scale_down, "policies", [])

select_policy := object.get(scale_down, "selectPolicy", "Max")

# An HPA that can remove replicas at all.
can_scale_down if {
	input.kind == "HorizontalPodAutoscaler"
	max_replicas > min_replicas
	select_policy != "Disabled"
}

# A policy bounds a scale-down step when it cannot remove every replica above the minimum in one period.
bounded(policy) if {
	policy.type == "Percent"
	policy.value < 100
}

bounded(policy) if {
	policy.type == "Pods"
	policy.value < max_replicas - min_replicas
}

# Where a scale-down is unbounded: no policy at all (the default allows 100% every 15 seconds), the first
# unbounded policy under `selectPolicy: Max` (the default: the biggest change wins), or every policy under `Min`.
unbounded_path := ["spec", "behavior", "scaleDown"] if count(policies) == 0

unbounded_path := ["spec", "behavior", "scaleDown", "policies", first, "value"] if {
	select_policy == "Max"
	first := min({i | some i, policy in policies; not bounded(policy)})
}

unbounded_path := ["spec", "behavior", "scaleDown", "policies"] if {
	select_policy == "Min"
	count(policies) > 0
	every policy in policies {
		not bounded(policy)
	}
}

# autoscaling/v1 has no `behavior`: the defaults apply and cannot be changed.
deny contains {"msg": msg, "path": ["apiVersion"]} if {
	can_scale_down
	input.apiVersion == "autoscaling/v1"
	msg := sprintf(
		"HorizontalPodAutoscaler `%s` uses autoscaling/v1, which cannot bound scale-down: after 5 minutes of lower load it may drop from %v to %v replicas within 15 seconds; use autoscaling/v2 with `behavior.scaleDown.policies`",
		[k8s.name(input), max_replicas, min_replicas],
	)
}

deny contains {"msg": msg, "path": unbounded_path} if {
	can_scale_down
	input.apiVersion != "autoscaling/v1"
	msg := sprintf(
		"HorizontalPodAutoscaler `%s` does not limit how fast it scales down: a dip in load (or in the metric) can take it from %v to %v replicas in one 15-second period; add `behavior.scaleDown.policies` that remove a small share per period",
		[k8s.name(input), max_replicas, min_replicas],
	)
}

deny contains {"msg": msg, "path": ["spec", "behavior", "scaleDown", "stabilizationWindowSeconds"]} if {
	can_scale_down
	input.apiVersion != "autoscaling/v1"
	window := scale_down.stabilizationWindowSeconds
	window < min_window
	msg := sprintf(
		"HorizontalPodAutoscaler `%s` scales down after only %v seconds of lower load (the default is 300): a short lull in an incident removes capacity you will need minutes later",
		[k8s.name(input), window],
	)
}
