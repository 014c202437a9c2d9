package hindsight.rules.rolling_update_all_at_once

import rego.v1

import data.hindsight.k8s

threshold := object.get(data.hindsight.options, "max_unavailable_percent", 100)

strategy_path(obj) := ["spec", "strategy"] if obj.kind == "Deployment"

strategy_path(obj) := ["spec", "updateStrategy"] if obj.kind in {"StatefulSet", "DaemonSet"}

# The share of pods a `maxUnavailable` value stands for. A DaemonSet's pod count is the node count, which the
# manifest does not say, so only percentages count there.
unavailable_percent(obj, value) := k8s.percent_of(value, 0) if is_string(value)

unavailable_percent(obj, value) := k8s.percent_of(value, k8s.replicas(obj)) if {
	is_number(value)
	obj.kind != "DaemonSet"
	k8s.replicas(obj) > 1
}

deny contains {"msg": msg, "path": path} if {
	k8s.kind_in(input, {"Deployment", "StatefulSet", "DaemonSet"})
	value := object.get(input, array.concat(strategy_path(input), ["rollingUpdate", "maxUnavailable"]), null)
	value != null
	unavailable_percent(input, value) >= threshold
	path := array.concat(strategy_path(input), ["rollingUpdate", "maxUnavailable"])
	msg := sprintf(
		"%s `%s` allows `maxUnavailable: %v`: one rollout can take every pod down at once",
		[input.kind, k8s.name(input), value],
	)
}

deny contains {"msg": msg, "path": ["spec", "strategy", "type"]} if {
	input.kind == "Deployment"
	input.spec.strategy.type == "Recreate"
	k8s.replicas(input) > 1
	msg := sprintf(
		"Deployment `%s` uses `strategy: Recreate`: all %v replicas stop before the new ones start",
		[k8s.name(input), k8s.replicas(input)],
	)
}
