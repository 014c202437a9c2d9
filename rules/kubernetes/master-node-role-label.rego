package hindsight.rules.master_node_role_label

import rego.v1

master := "node-role.kubernetes.io/master"

control_plane := "node-role.kubernetes.io/control-plane"

# Every [path, value] of the document, down to 16 levels. (regorus is built without `walk`, so the walk is
# spelled out level by level; Kubernetes manifests and Helm values nest far less deeply.)
children(nodes) := [[array.concat(n[0], [k]), v] |
	some n in nodes
	is_collection(n[1])
	some k, v in n[1]
]

is_collection(x) if is_object(x)

is_collection(x) if is_array(x)

level1 := children(level0)

level2 := children(level1)

level3 := children(level2)

level4 := children(level3)

level5 := children(level4)

level6 := children(level5)

level7 := children(level6)

level8 := children(level7)

level9 := children(level8)

level10 := children(level9)

level11 := children(level10)

level12 := children(level11)

level13 := children(level12)

level14 := children(level13)

level15 := children(level14)

nodes := array.concat(
	array.concat(
		array.concat(array.concat(level1, level2), array.concat(level3, level4)),
		array.concat(array.concat(level5, level6), array.concat(level7, level8)),
	),
	array.concat(
		array.concat(array.concat(level9, level10), array.concat(level11, level12)),
		array.concat(array.concat(level13, level14), level15),
	),
)

last_key(path) := lower(path[count(path) - 1]) if {
	count(path) > 0
	is_string(path[count(path) - 1])
}

mentions_control_plane(value) if contains(json.marshal(value), control_plane)

# OpenShift still labels and taints its control-plane nodes `master`: its own resources may rely on it.
openshift if {
	is_string(input.apiVersion)
	regex.match(`^[a-z0-9.-]*openshift\.io/`, input.apiVersion)
}

# The walk starts at the document unless it is an OpenShift resource.
level0 := [[[], input]] if not openshift

level0 := [] if openshift

# A nodeSelector (pod specs, Helm values such as `controller.nodeSelector`): every label is required, so a
# selector on the removed label matches no node at all.
deny contains {"msg": msg, "path": array.concat(path, [master])} if {
	some node in nodes
	[path, selector] := node
	is_object(selector)
	endswith(last_key(path), "nodeselector")
	selector[master]
	msg := sprintf("this nodeSelector requires the label `%s`, which Kubernetes 1.24 and later no longer put on control-plane nodes: the pods will match no node; select `%s` instead", [master, control_plane])
}

# Node affinity terms are alternatives (OR) and the expressions in a term are all required (AND).
affinity_term_lists contains path if {
	some node in nodes
	[path, terms] := node
	is_array(terms)
	last_key(path) == "nodeselectorterms"
}

affinity_term_lists contains path if {
	some node in nodes
	[path, terms] := node
	is_array(terms)
	last_key(path) == "preferredduringschedulingignoredduringexecution"
	count(path) > 1
	lower(path[count(path) - 2]) == "nodeaffinity"
}

expressions_of(term) := term.matchExpressions

expressions_of(term) := term.preference.matchExpressions if not term.matchExpressions

expressions_path(term) := ["matchExpressions"] if term.matchExpressions

expressions_path(term) := ["preference", "matchExpressions"] if not term.matchExpressions

value_at(path) := v if {
	some node in nodes
	node[0] == path
	v := node[1]
}

positive_operators := {"In", "Exists"}

deny contains {"msg": msg, "path": array.concat(array.concat(terms_path, [i]), array.concat(expressions_path(term), [j, "key"]))} if {
	some terms_path in affinity_term_lists
	terms := value_at(terms_path)
	some i, term in terms
	some j, expression in expressions_of(term)
	expression.key == master
	not affinity_covered(terms, i, term, expression)
	msg := affinity_message(expression)
}

# `master In/Exists` is fine while another term selects control-plane nodes by the new label.
affinity_covered(terms, i, _, expression) if {
	expression.operator in positive_operators
	some k, other in terms
	k != i
	mentions_control_plane(other)
}

# `master DoesNotExist/NotIn` (keep off the control plane) is fine while the same term also excludes the new label.
affinity_covered(_, _, term, expression) if {
	not expression.operator in positive_operators
	mentions_control_plane(expressions_of(term))
}

affinity_message(expression) := sprintf("this node affinity selects nodes with `%s`, which Kubernetes 1.24 and later no longer set: it matches no node; use `%s`", [master, control_plane]) if {
	expression.operator in positive_operators
}

affinity_message(expression) := sprintf("this node affinity keeps pods off nodes labelled `%s`, which Kubernetes 1.24 and later no longer set: it no longer keeps them off the control plane; also exclude `%s`", [master, control_plane]) if {
	not expression.operator in positive_operators
}

# Tolerations are alternatives: a toleration for the old taint is fine next to one for the new taint.
deny contains {"msg": msg, "path": array.concat(path, [i, "key"])} if {
	some node in nodes
	[path, tolerations] := node
	is_array(tolerations)
	endswith(last_key(path), "tolerations")
	some i, toleration in tolerations
	is_object(toleration)
	toleration.key == master
	not mentions_control_plane(tolerations)
	not tolerates_everything(tolerations)
	msg := sprintf("this toleration only tolerates the `%s` taint, which control-plane nodes no longer carry since Kubernetes 1.25; add a toleration for `%s`", [master, control_plane])
}

tolerates_everything(tolerations) if {
	some toleration in tolerations
	is_object(toleration)
	toleration.operator == "Exists"
	not toleration.key
}

# Label selectors written as expressions, such as Calico's `nodeSelector: has(node-role.kubernetes.io/master)`
# or a BGPPeer's `peerSelector`: the incident's shape.
deny contains {"msg": msg, "path": path} if {
	some node in nodes
	[path, selector] := node
	is_string(selector)
	endswith(last_key(path), "selector")
	contains(selector, master)
	not contains(selector, control_plane)
	msg := sprintf("the selector `%s` depends on the node label `%s`, which Kubernetes 1.24 and later no longer set on control-plane nodes; select on `%s`", [selector, master, control_plane])
}
