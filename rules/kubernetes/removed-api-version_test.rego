package hindsight.rules.removed_api_version_test

import rego.v1

import data.hindsight.rules.removed_api_version as rule

flow_schema(version) := {"apiVersion": version, "kind": "FlowSchema", "metadata": {"name": "batch"}}

test_removal_at_the_target_version_is_reported if {
	count(rule.deny) == 1 with input as flow_schema("flowcontrol.apiserver.k8s.io/v1beta3")
}

test_target_version_is_an_option if {
	count(rule.deny) == 0 with input as flow_schema("flowcontrol.apiserver.k8s.io/v1beta3")
		with data.hindsight.options as {"kubernetes_version": "1.31"}
}

test_target_may_carry_a_v_and_a_patch_level if {
	count(rule.deny) == 1 with input as flow_schema("flowcontrol.apiserver.k8s.io/v1beta2")
		with data.hindsight.options as {"kubernetes_version": "v1.29.4"}
}

test_target_before_the_removal_is_fine if {
	count(rule.deny) == 0 with input as {"apiVersion": "extensions/v1beta1", "kind": "Ingress"}
		with data.hindsight.options as {"kubernetes_version": "1.21"}
}

test_message_names_the_replacement if {
	some finding in rule.deny with input as {"apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": "report"}}
	finding.path == ["apiVersion"]
	contains(finding.msg, "use batch/v1")
	contains(finding.msg, "`report`")
}

test_list_items_point_at_their_own_api_version if {
	some finding in rule.deny with input as {"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "apps/v1", "kind": "Deployment"}, {"apiVersion": "apps/v1beta2", "kind": "Deployment"}]}
	finding.path == ["items", 1, "apiVersion"]
}

test_unknown_kind_of_a_removed_group_version_is_not_reported if {
	count(rule.deny) == 0 with input as {"apiVersion": "extensions/v1beta1", "kind": "Scale"}
}
