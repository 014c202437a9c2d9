package hindsight.rules.config_unit_without_automatic_rollback

import rego.v1

name := object.get(input, "name", "(unnamed)")

deny contains {"msg": msg, "path": ["rollback"]} if {
	input.kind == "ConfigUnit"
	not is_object(input.rollback)
	msg := sprintf("config unit `%s` says nothing about rollback: when a health check fails, someone has to find, build and push the old version by hand, during the outage; add `rollback: {automatic: true, to: last-known-good}`", [name])
}

deny contains {"msg": msg, "path": ["rollback", "automatic"]} if {
	input.kind == "ConfigUnit"
	is_object(input.rollback)
	input.rollback.automatic != true
	msg := sprintf("config unit `%s` does not roll back automatically: a failing health check waits for a human while the bad version keeps serving; set `rollback.automatic: true`", [name])
}

deny contains {"msg": msg, "path": ["rollback", "automatic"]} if {
	input.kind == "ConfigUnit"
	is_object(input.rollback)
	not "automatic" in object.keys(input.rollback)
	msg := sprintf("config unit `%s` does not say that it rolls back automatically; set `rollback.automatic: true`", [name])
}

deny contains {"msg": msg, "path": ["rollback", "to"]} if {
	input.kind == "ConfigUnit"
	input.rollback.automatic == true
	lower(sprintf("%v", [input.rollback.to])) in {"none", "false", "null"}
	msg := sprintf("config unit `%s` has nothing to roll back to (`to: %v`): keep the last known-good version and roll back to it", [name, input.rollback.to])
}
