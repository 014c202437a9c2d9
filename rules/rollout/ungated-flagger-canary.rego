package hindsight.rules.ungated_flagger_canary

import rego.v1

import data.hindsight.k8s

is_canary if {
	input.kind == "Canary"
	startswith(input.apiVersion, "flagger.app/")
}

# `spec.canaryAnalysis` is the deprecated name of `spec.analysis`.
analysis_key := "analysis" if input.spec.analysis

analysis_key := "canaryAnalysis" if {
	not input.spec.analysis
	input.spec.canaryAnalysis
}

analysis := input.spec[analysis_key]

deny contains {"msg": msg, "path": ["spec", "skipAnalysis"]} if {
	is_canary
	input.spec.skipAnalysis == true
	msg := sprintf("Canary `%s` sets `skipAnalysis: true`: Flagger promotes every new version without checking it", [k8s.name(input)])
}

deny contains {"msg": msg, "path": ["spec", "analysis"]} if {
	is_canary
	not analysis_key
	msg := sprintf("Canary `%s` has no `analysis`: Flagger promotes the new version without checking it; add an analysis with metrics", [k8s.name(input)])
}

# Webhooks that can fail a check: load tests and acceptance tests (`rollout` is the default type).
gating_webhook_types := {"rollout", "pre-rollout"}

gates if count(object.get(analysis, "metrics", [])) > 0

gates if {
	some hook in object.get(analysis, "webhooks", [])
	object.get(hook, "type", "rollout") in gating_webhook_types
}

deny contains {"msg": msg, "path": ["spec", analysis_key]} if {
	is_canary
	not input.spec.skipAnalysis == true
	is_object(analysis)
	not gates
	msg := sprintf("the analysis of Canary `%s` has no metrics and no test webhooks: only pod readiness judges the new version before it gets all traffic; add `metrics` (request success rate, latency) that can fail it", [k8s.name(input)])
}

deny contains {"msg": msg, "path": ["spec", analysis_key, "stepWeight"]} if {
	is_canary
	analysis.stepWeight >= 100
	msg := sprintf("Canary `%s` moves %v%% of traffic in its first step: the canary is the whole service; use a small `stepWeight` (5-10) up to a `maxWeight`", [k8s.name(input), analysis.stepWeight])
}

deny contains {"msg": msg, "path": ["spec", analysis_key, "stepWeights", 0]} if {
	is_canary
	analysis.stepWeights[0] >= 100
	msg := sprintf("the first of the `stepWeights` of Canary `%s` is %v%%: the canary is the whole service; start with a few percent", [k8s.name(input), analysis.stepWeights[0]])
}
