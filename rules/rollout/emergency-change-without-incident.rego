package hindsight.rules.emergency_change_without_incident

import rego.v1

pattern := object.get(data.hindsight.options, "incident_pattern", `^([A-Za-z][A-Za-z0-9]*-[0-9]+|https?://\S+)$`)

name := object.get(input, "name", "(unnamed)")

deny contains {"msg": msg, "path": ["emergency"]} if {
	input.kind == "ConfigUnit"
	input.emergency == true
	not is_string(input.incident)
	msg := sprintf("config unit `%s` is marked `emergency: true` without an `incident`: the emergency path skips the usual safeguards, so say which incident needs it", [name])
}

deny contains {"msg": msg, "path": ["incident"]} if {
	input.kind == "ConfigUnit"
	input.emergency == true
	is_string(input.incident)
	not regex.match(pattern, trim_space(input.incident))
	msg := sprintf("config unit `%s` is an emergency change, but `incident: %q` does not name an incident (an id such as `INC-1234` or a URL)", [name, input.incident])
}
