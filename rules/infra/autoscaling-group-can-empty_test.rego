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
