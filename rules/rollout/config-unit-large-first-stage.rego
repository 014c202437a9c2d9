package hindsight.rules.config_unit_large_first_stage

import rego.v1

limit := object.get(data.hindsight.options, "max_first_stage_percent", 5)

instant := {"instant", "global", "immediate"}

name := object.get(input, "name", "(unnamed)")

stages := object.get(input, "stages", [])

# Staged units with at least two stages; single-stage and instant units are HS4001's.
first := stages[0] if {
	input.kind == "ConfigUnit"
	not lower(object.get(input, "propagation", "staged")) in instant
	count(stages) > 1
}

deny contains {"msg": msg, "path": ["stages", 0, "percent"]} if {
	is_number(first.percent)
	first.percent > limit
	first.percent < 100
	msg := sprintf(
		"the first stage of config unit `%s` reaches %v%% of the fleet (more than %v%%): a bad change hurts that many before any check can stop it; start with a canary cohort or a few percent",
		[name, first.percent, limit],
	)
}

deny contains {"msg": msg, "path": ["stages", 0]} if {
	is_object(first)
	not first.percent
	not first.cohort
	msg := sprintf(
		"the first stage of config unit `%s` says neither how much of the fleet it reaches (`percent`) nor which cohort (`cohort`): nothing bounds it",
		[name],
	)
}
