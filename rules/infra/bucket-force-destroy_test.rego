package hindsight.rules.bucket_force_destroy_test

import rego.v1

import data.hindsight.rules.bucket_force_destroy as rule

import data.hindsight.terraform as tf

bucket(type, body) := {"resource": {type: {"logs": [body]}}}

test_force_destroy_is_reported_at_the_attribute if {
	some finding in rule.deny with input as bucket("aws_s3_bucket", {"force_destroy": true})
	finding.path == ["resource", "aws_s3_bucket", "logs", 0, "force_destroy"]
	count(rule.deny) == 1 with input as bucket("google_storage_bucket", {"force_destroy": "true"})
}

test_default_false_and_expressions_are_fine if {
	count(rule.deny) == 0 with input as bucket("aws_s3_bucket", {"bucket": "logs"})
	count(rule.deny) == 0 with input as bucket("aws_s3_bucket", {"force_destroy": false})
	count(rule.deny) == 0 with input as bucket("aws_s3_bucket", {"force_destroy": "${var.force_destroy}"})
}

test_prevent_destroy_wins if {
	count(rule.deny) == 0 with input as bucket("aws_s3_bucket", {"force_destroy": true, "lifecycle": [{"prevent_destroy": true}]})
}

test_scratch_buckets_are_what_force_destroy_is_for if {
	count(rule.deny) == 0 with input as {"resource": {"aws_s3_bucket": {"codepipeline_bucket": [{"force_destroy": true}]}}}
	count(rule.deny) == 0 with input as bucket("aws_s3_bucket", {"bucket": "paas-${var.env}-test-artifacts", "force_destroy": true})
	count(rule.deny) == 0 with input as bucket("google_storage_bucket", {"name": "build-cache", "force_destroy": true})
}

variables := {"force_destroy": [{"value": true, "why": "module \"logs\" passes `force_destroy = true` at prod/main.tf:4"}]}

mocked_values(value) := tf.values_in(value, variables)

test_a_variable_a_caller_sets_to_true_is_reported_with_the_caller if {
	doc := bucket("aws_s3_bucket", {"force_destroy": "${var.force_destroy}"})
	some finding in rule.deny with input as doc with data.hindsight.terraform.values as mocked_values
	contains(finding.msg, "`force_destroy = true` (module \"logs\" passes `force_destroy = true` at prod/main.tf:4):")
}
