package main

import rego.v1

# Reads every attribute of every resource: a policy that looks at all of a module.
warn contains {"msg": msg, "path": ["resource", kind, name, i]} if {
	some kind, resources in input.resource
	some name, bodies in resources
	some i, body in bodies
	some key, value in body
	key == "count"
	value == 0
	msg := sprintf("%s.%s is switched off with `count = 0`", [kind, name])
}
