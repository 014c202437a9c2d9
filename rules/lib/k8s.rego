# Kubernetes helpers for hindsight policies: `import data.hindsight.k8s`.
# Documented in docs/rego.md. Every function takes the manifest (usually `input`) as its first argument.
package hindsight.k8s

import rego.v1

# Kinds whose pods are rolled out by a controller.
workload_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}

# The manifest is of this kind (`k8s.is_kind(input, "Deployment")`).
is_kind(obj, kind) if obj.kind == kind

# The manifest is of one of these kinds (a set or array of names).
kind_in(obj, kinds) if obj.kind in kinds

# The manifest is a Deployment, StatefulSet, DaemonSet or ReplicaSet.
is_workload(obj) if obj.kind in workload_kinds

# `apps` for `apps/v1`, "" for the core group (`v1`).
api_group(obj) := group if {
	parts := split(obj.apiVersion, "/")
	count(parts) == 2
	group := parts[0]
}

api_group(obj) := "" if not contains(obj.apiVersion, "/")

# `v1` for `apps/v1`.
api_version(obj) := version if {
	parts := split(obj.apiVersion, "/")
	version := parts[count(parts) - 1]
}

# metadata.name and metadata.namespace (default "default").
name(obj) := object.get(obj, ["metadata", "name"], "")

namespace(obj) := object.get(obj, ["metadata", "namespace"], "default")

# Where the pod spec of a manifest lives, as a path for findings.
pod_spec_path(obj) := ["spec", "template", "spec"] if obj.kind in (workload_kinds | {"Job"})

pod_spec_path(obj) := ["spec", "jobTemplate", "spec", "template", "spec"] if obj.kind == "CronJob"

pod_spec_path(obj) := ["spec"] if obj.kind == "Pod"

# The pod spec of a Pod, a workload, a Job or a CronJob.
pod_spec(obj) := object.get(obj, pod_spec_path(obj), {})

# Containers and init containers with the path of each, for findings:
# `some c in k8s.containers(input)` gives `c.container` and `c.path`.
containers(obj) := [{"container": c, "path": array.concat(pod_spec_path(obj), [field, i])} |
	some field in ["initContainers", "containers"]
	some i, c in object.get(pod_spec(obj), field, [])
]

# spec.replicas, defaulting to 1 as Kubernetes does.
replicas(obj) := object.get(obj, ["spec", "replicas"], 1)

# A rolling-update bound (`maxUnavailable`, `maxSurge`) as a number of pods: "25%" of 8 replicas is 2
# (rounded down, as Kubernetes does for maxUnavailable), 3 is 3.
pods_of(value, total) := value if is_number(value)

pods_of(value, total) := floor((to_number(trim_suffix(value, "%")) * total) / 100) if {
	is_string(value)
	endswith(value, "%")
}

# The percentage a bound stands for: "100%" is 100, 2 of 4 replicas is 50.
percent_of(value, total) := to_number(trim_suffix(value, "%")) if {
	is_string(value)
	endswith(value, "%")
}

percent_of(value, total) := (value * 100) / total if {
	is_number(value)
	total > 0
}
