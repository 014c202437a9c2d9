package hindsight.rules.autoscaling_group_can_empty_test

import rego.v1

import data.hindsight.rules.autoscaling_group_can_empty as rule

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
