package hindsight.rules.master_node_role_label_test

import rego.v1

import data.hindsight.rules.master_node_role_label as rule

master := "node-role.kubernetes.io/master"

control_plane := "node-role.kubernetes.io/control-plane"

pod(spec) := {"kind": "Deployment", "spec": {"template": {"spec": spec}}}

required(terms) := pod({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}})

term(expressions) := {"matchExpressions": expressions}

test_required_master_term_is_reported_at_its_key if {
	findings := rule.deny with input as required([term([{"key": master, "operator": "Exists"}])])
	count(findings) == 1
	some finding in findings
	finding.path == ["spec", "template", "spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", 0, "matchExpressions", 0, "key"]
	contains(finding.msg, "matches no node")
}

test_master_term_with_control_plane_alternative_is_fine if {
	count(rule.deny) == 0 with input as required([
		term([{"key": master, "operator": "Exists"}]),
		term([{"key": control_plane, "operator": "Exists"}]),
	])
}

test_both_labels_required_in_one_term_is_reported if {
	# Expressions of one term are all required: no node has both labels after the upgrade.
	count(rule.deny) == 1 with input as required([term([
		{"key": master, "operator": "Exists"},
		{"key": control_plane, "operator": "Exists"},
	])])
}

test_exclusion_without_the_new_label_is_reported if {
	findings := rule.deny with input as required([term([{"key": master, "operator": "NotIn", "values": ["true"]}])])
	count(findings) == 1
	some finding in findings
	contains(finding.msg, "no longer keeps them off")
}

test_deep_helm_value_is_found if {
	count(rule.deny) == 1 with input as {"a": {"b": {"c": {"d": {"e": {"nodeSelector": {master: ""}}}}}}}
}

test_calico_selector_with_both_labels_is_fine if {
	count(rule.deny) == 0 with input as {"kind": "BGPPeer", "spec": {"peerSelector": sprintf("has(%s) || has(%s)", [master, control_plane])}}
}

test_label_outside_a_selector_is_not_reported if {
	count(rule.deny) == 0 with input as {"metadata": {"labels": {master: ""}}, "data": {"note": master}}
}
