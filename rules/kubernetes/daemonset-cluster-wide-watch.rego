package hindsight.rules.daemonset_cluster_wide_watch

import rego.v1

import data.hindsight.k8s

# Resources whose number grows with the cluster: a per-node watch on them costs O(nodes x objects).
heavy_resources := {"pods", "nodes", "endpoints", "endpointslices", "events", "*"}

watch_verbs := {"list", "watch", "*"}

builtin_roles := {r | some r in object.get(data.hindsight.options, "builtin_roles", [])}

# `input` is every document of the check: [{path, document, contents}].
docs_of_kind(kind) := [d | some d in input; d.contents.kind == kind]

# A repository can hold several ClusterRoles of one name (variants of one install, copies in samples): the
# name may grant what any of them grants.
cluster_roles_named(name) := [d.contents |
	some d in docs_of_kind("ClusterRole")
	d.contents.metadata.name == name
]

grants_cluster_watch(role) if {
	some rule in role.rules
	some verb in rule.verbs
	verb in watch_verbs
	some resource in rule.resources
	resource in heavy_resources
}

role_grants_watch(name) if {
	some role in cluster_roles_named(name)
	grants_cluster_watch(role)
}

role_grants_watch(name) if {
	count(cluster_roles_named(name)) == 0
	name in builtin_roles
}

bound_roles(sa, namespace) := {b.contents.roleRef.name |
	some b in docs_of_kind("ClusterRoleBinding")
	b.contents.roleRef.kind == "ClusterRole"
	some subject in b.contents.subjects
	subject.kind == "ServiceAccount"
	subject.name == sa
	object.get(subject, "namespace", "default") == namespace
}

warn contains {"msg": msg, "file": ds.path, "document": ds.document, "path": path} if {
	some ds in docs_of_kind("DaemonSet")
	spec := object.get(ds.contents, ["spec", "template", "spec"], {})
	sa := object.get(spec, "serviceAccountName", "default")
	namespace := k8s.namespace(ds.contents)
	some role in bound_roles(sa, namespace)
	role_grants_watch(role)
	path := sa_path(spec)
	msg := sprintf(
		"DaemonSet `%s` runs as ServiceAccount `%s/%s`, bound cluster-wide to ClusterRole `%s` that can list/watch pods, nodes, endpoints or events: every node multiplies that load on the API servers",
		[k8s.name(ds.contents), namespace, sa, role],
	)
}

sa_path(spec) := ["spec", "template", "spec", "serviceAccountName"] if spec.serviceAccountName

sa_path(spec) := ["metadata", "name"] if not spec.serviceAccountName
