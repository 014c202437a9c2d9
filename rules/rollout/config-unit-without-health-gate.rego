package hindsight.rules.config_unit_without_health_gate

import rego.v1

min_bake := object.get(data.hindsight.options, "min_bake_seconds", 300)

instant := {"instant", "global", "immediate"}

name := object.get(input, "name", "(unnamed)")

stages := object.get(input, "stages", [])

staged if {
	input.kind == "ConfigUnit"
	not lower(object.get(input, "propagation", "staged")) in instant
	count(stages) > 1
}

unit_checks := object.get(input, ["health", "checks"], [])

checks_of(stage) := array.concat(unit_checks, object.get(stage, ["health", "checks"], [])) if is_object(stage)

# A duration: seconds as a number, or a number with a unit (`30s`, `15m`, `2h`, `1d`).
unit_seconds := {"s": 1, "m": 60, "h": 3600, "d": 86400}

seconds(d) := d if is_number(d)

seconds(d) := to_number(m[1]) * unit_seconds[m[2]] if {
	is_string(d)
	some m in regex.find_all_string_submatch_n(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([smhd])\s*$`, d, 1)
}

seconds(d) := to_number(trim_space(d)) if {
	is_string(d)
	regex.match(`^\s*[0-9]+(?:\.[0-9]+)?\s*$`, d)
}

bake_of(stage) := object.get(stage, "bake", object.get(input, "bake", 0))

# No health check anywhere: nothing can stop a bad change between stages. Points at `health` if there is one
# (without checks), else at the stages it should gate.
health_path := ["health"] if "health" in object.keys(input)

health_path := ["stages"] if not "health" in object.keys(input)

deny contains {"msg": msg, "path": health_path} if {
	staged
	every stage in stages {
		count(checks_of(stage)) == 0
	}
	msg := sprintf("config unit `%s` has stages but no health checks: nothing decides that a stage is healthy before the next one starts; add `health.checks`", [name])
}

# Some stages have checks, this one does not.
deny contains {"msg": msg, "path": ["stages", i]} if {
	staged
	some stage in stages
	count(checks_of(stage)) > 0
	some i, unchecked in stages
	i < count(stages) - 1
	count(checks_of(unchecked)) == 0
	msg := sprintf("stage `%s` of config unit `%s` has no health checks: the rollout moves on without knowing whether it hurt", [object.get(unchecked, "name", i), name])
}

deny contains {"msg": msg, "path": bake_path(stage, i)} if {
	staged
	some i, stage in stages
	i < count(stages) - 1
	not seconds(bake_of(stage)) >= min_bake
	msg := sprintf(
		"stage `%s` of config unit `%s` bakes %v before the next stage (less than %v seconds): failures that show up minutes after loading, or only under the next hour's traffic, reach the next stage first",
		[object.get(stage, "name", i), name, bake_text(stage), min_bake],
	)
}

bake_path(stage, i) := ["stages", i, "bake"] if stage.bake

bake_path(stage, i) := ["stages", i] if not stage.bake

bake_text(stage) := sprintf("`%v`", [bake_of(stage)]) if bake_of(stage) != 0

bake_text(stage) := "not at all" if bake_of(stage) == 0
