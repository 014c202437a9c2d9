package hindsight.rules.config_unit_all_at_once

import rego.v1

instant := {"instant", "global", "immediate"}

is_unit if input.kind == "ConfigUnit"

name := object.get(input, "name", "(unnamed)")

stages := object.get(input, "stages", [])

deny contains {"msg": msg, "path": ["propagation"]} if {
	is_unit
	lower(input.propagation) in instant
	msg := sprintf("config unit `%s` propagates `%s`: every consumer gets a change at the same moment, so a bad one fails everywhere before anything can notice; use `propagation: staged` with stages", [name, input.propagation])
}

staged if {
	is_unit
	not lower(object.get(input, "propagation", "staged")) in instant
}

deny contains {"msg": msg, "path": ["stages"]} if {
	staged
	count(stages) == 0
	msg := sprintf("config unit `%s` has no stages: nothing holds a change back from the whole fleet; add stages that start small", [name])
}

deny contains {"msg": msg, "path": ["stages", 0]} if {
	staged
	count(stages) == 1
	msg := sprintf("config unit `%s` has a single stage: the whole fleet is its first and only stage; start with a small cohort", [name])
}

deny contains {"msg": msg, "path": ["stages", 0, "percent"]} if {
	staged
	count(stages) > 1
	stages[0].percent >= 100
	msg := sprintf("the first stage of config unit `%s` already reaches 100%%: the later stages never hold anything back", [name])
}
