package hindsight.rules.autoscaling_group_can_empty_test

import rego.v1

import data.hindsight.rules.autoscaling_group_can_empty as rule

import data.hindsight.terraform as tf

asg(body) := {"resource": {"aws_autoscaling_group": {"web": [body]}}}

test_serving_group_with_floor_zero if {
	some finding in rule.deny with input as asg({"min_size": 0, "max_size": 12, "target_group_arns": ["${aws_lb_target_group.web.arn}"]})
	finding.path == ["resource", "aws_autoscaling_group", "web", 0, "min_size"]
	count(rule.deny) == 1 with input as asg({"min_size": "0", "max_size": 4, "load_balancers": "${var.elbs}"})
}

test_a_floor_or_no_traffic_is_fine if {
	count(rule.deny) == 0 with input as asg({"min_size": 2, "max_size": 12, "target_group_arns": ["x"]})
	count(rule.deny) == 0 with input as asg({"min_size": 0, "max_size": 12})
	count(rule.deny) == 0 with input as asg({"min_size": "${var.min_size}", "target_group_arns": ["x"]})
	count(rule.deny) == 0 with input as asg({"min_size": 0, "max_size": 12, "target_group_arns": []})
}

test_switched_off_groups_are_fine if {
	count(rule.deny) == 0 with input as asg({"min_size": 0, "max_size": 0, "target_group_arns": ["x"]})
}

variables := {"min_size": [{"value": 0, "why": "`var.min_size` defaults to `0` (variables.tf:8)"}]}

mocked_values(value) := tf.values_in(value, variables)

test_a_floor_from_a_root_modules_default_is_reported_with_it if {
	doc := asg({"min_size": "${var.min_size}", "max_size": 4, "target_group_arns": ["x"]})
	some finding in rule.deny with input as doc with data.hindsight.terraform.values as mocked_values
	contains(finding.msg, "(`min_size = 0`; `var.min_size` defaults to `0` (variables.tf:8)):")
}

test_a_floor_terraform_leaves_to_deploy_tooling_is_fine if {
	count(rule.deny) == 0 with input as asg({"min_size": 0, "max_size": 4, "target_group_arns": ["x"], "lifecycle": [{"ignore_changes": ["${desired_capacity}", "${min_size}"]}]})
	count(rule.deny) == 0 with input as asg({"min_size": 0, "max_size": 4, "target_group_arns": ["x"], "lifecycle": [{"ignore_changes": "${all}"}]})
	count(rule.deny) == 0 with input as asg({"min_size": 0, "max_size": 4, "target_group_arns": ["x"], "lifecycle": [{"ignore_changes": ["min_size"]}]})
	count(rule.deny) == 1 with input as asg({"min_size": 0, "max_size": 4, "target_group_arns": ["x"], "lifecycle": [{"ignore_changes": ["${desired_capacity}", "${min_size_override}"]}]})
	count(rule.deny) == 1 with input as asg({"min_size": 0, "max_size": 4, "target_group_arns": ["x"], "lifecycle": [{"ignore_changes": ["${warm_pool[0].min_size}"]}]})
}

module_variables := {
	"min_size": [{"value": 0, "why": "module \"web\" passes `min_size = 0` at main.tf:3"}],
	"target_group_arns": [{"value": [], "why": "`var.target_group_arns` defaults to `[]` (variables.tf:5)"}],
	"load_balancers": [
		{"value": [], "why": "`var.load_balancers` defaults to `[]` (variables.tf:9)"},
		{"value": ["web-elb"], "why": "module \"web\" passes `load_balancers = [\"web-elb\"]` at main.tf:4"},
	],
}

module_values(value) := tf.values_in(value, module_variables)

test_target_groups_every_caller_leaves_empty_attach_nothing if {
	no_lb := asg({"min_size": "${var.min_size}", "max_size": 4, "target_group_arns": "${var.target_group_arns}"})
	count(rule.deny) == 0 with input as no_lb with data.hindsight.terraform.values as module_values
	behind_elb := asg({"min_size": "${var.min_size}", "max_size": 4, "load_balancers": "${var.load_balancers}"})
	count(rule.deny) == 1 with input as behind_elb with data.hindsight.terraform.values as module_values
	unknown := asg({"min_size": "${var.min_size}", "max_size": 4, "target_group_arns": "${var.unknown}"})
	count(rule.deny) == 1 with input as unknown with data.hindsight.terraform.values as module_values
}
