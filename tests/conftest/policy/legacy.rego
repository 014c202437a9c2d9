package main

# Written for Rego v0, as many existing conftest policies are.
deny[msg] {
	input.kind == "Service"
	input.spec.type == "LoadBalancer"
	msg := sprintf("Service %s is a public LoadBalancer", [input.metadata.name])
}

violation[msg] {
	input.kind == "Service"
	not input.metadata.labels.owner
	msg := sprintf("Service %s has no owner label", [input.metadata.name])
}
