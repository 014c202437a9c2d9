package kubernetes

import rego.v1

deny contains msg if {
	input.kind == "Deployment"
	input.spec.replicas < 2
	msg := sprintf("Deployment %s has fewer than 2 replicas", [input.metadata.name])
}
