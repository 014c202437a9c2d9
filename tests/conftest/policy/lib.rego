package lib.workloads

import rego.v1

containers(obj) := obj.spec.template.spec.containers if obj.kind == "Deployment"

containers(obj) := obj.spec.containers if obj.kind == "Pod"
