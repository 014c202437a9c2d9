package hindsight.rules.daemonset_cluster_wide_watch_test

import rego.v1

import data.hindsight.rules.daemonset_cluster_wide_watch as rule

doc(path, contents) := {"path": path, "document": 0, "contents": contents}

daemonset := doc("agent.yaml", {
	"kind": "DaemonSet",
	"metadata": {"name": "agent", "namespace": "ops"},
	"spec": {"template": {"spec": {"serviceAccountName": "agent"}}},
})

binding := doc("binding.yaml", {
	"kind": "ClusterRoleBinding",
	"metadata": {"name": "agent"},
	"roleRef": {"kind": "ClusterRole", "name": "agent"},
	"subjects": [{"kind": "ServiceAccount", "name": "agent", "namespace": "ops"}],
})

role(path, resources) := doc(path, {
	"kind": "ClusterRole",
	"metadata": {"name": "agent"},
	"rules": [{"verbs": ["list", "watch"], "resources": resources}],
})

test_a_cluster_wide_pod_watch_is_reported if {
	count(rule.warn) == 1 with input as [daemonset, binding, role("role.yaml", ["pods"])]
}

# Two variants of one install define the same ClusterRole: the policy must not fail on the name, and the
# watch either of them grants counts.
test_clusterroles_of_one_name_in_several_files_are_all_read if {
	count(rule.warn) == 1 with input as [
		daemonset,
		binding,
		role("variant-a/role.yaml", ["configmaps"]),
		role("variant-b/role.yaml", ["nodes"]),
	]
}

test_a_narrow_role_is_fine if {
	count(rule.warn) == 0 with input as [daemonset, binding, role("role.yaml", ["configmaps"])]
}
