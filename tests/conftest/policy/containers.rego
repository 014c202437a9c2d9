# METADATA
# title: Containers must not run as root
# description: Kubernetes workloads and TOML service configs checked by the platform team.
# custom:
#   code: ACME2001
#   severity: error
package main

import rego.v1

import data.lib.workloads

deny contains msg if {
	some container in workloads.containers(input)
	not container.securityContext.runAsNonRoot
	msg := sprintf("container `%s` may run as root: set securityContext.runAsNonRoot", [container.name])
}

warn contains {"msg": msg} if {
	some container in workloads.containers(input)
	not container.resources.limits
	msg := sprintf("container `%s` has no resource limits", [container.name])
}

deny contains "debug mode must be off in production" if {
	input.server.debug == true
}
