package hindsight.rules.database_backups_disabled_test

import rego.v1

import data.hindsight.rules.database_backups_disabled as rule

import data.hindsight.terraform as tf

res(type, body) := {"resource": {type: {"main": [body]}}}

test_rds_zero_retention if {
	some finding in rule.deny with input as res("aws_db_instance", {"backup_retention_period": 0})
	finding.path == ["resource", "aws_db_instance", "main", 0, "backup_retention_period"]
}

test_rds_retention_kept_or_from_a_variable if {
	count(rule.deny) == 0 with input as res("aws_db_instance", {"backup_retention_period": 7})
	count(rule.deny) == 0 with input as res("aws_db_instance", {"backup_retention_period": "${var.retention}"})
	count(rule.deny) == 0 with input as res("aws_db_instance", {})
}

test_replicas_are_left_alone if {
	count(rule.deny) == 0 with input as res("aws_db_instance", {"backup_retention_period": 0, "replicate_source_db": "${aws_db_instance.main.id}"})
}

test_cloud_sql_backups_off if {
	doc := res("google_sql_database_instance", {"settings": [{"backup_configuration": [{"enabled": false}]}]})
	some finding in rule.deny with input as doc
	finding.path == ["resource", "google_sql_database_instance", "main", 0, "settings", 0, "backup_configuration", 0, "enabled"]
}

test_dynamodb_pitr_off if {
	count(rule.deny) == 1 with input as res("aws_dynamodb_table", {"point_in_time_recovery": [{"enabled": false}]})
	count(rule.deny) == 0 with input as res("aws_dynamodb_table", {"point_in_time_recovery": [{"enabled": true}]})
}

variables := {"retention": [
	{"value": 7, "why": "`var.retention` defaults to `7` (variables.tf:3)"},
	{"value": 0, "why": "module \"reports\" passes `retention = 0` at prod/main.tf:9"},
]}

mocked_values(value) := tf.values_in(value, variables)

test_a_retention_a_caller_sets_to_zero_is_reported_with_the_caller if {
	doc := res("aws_db_instance", {"backup_retention_period": "${var.retention}"})
	some finding in rule.deny with input as doc with data.hindsight.terraform.values as mocked_values
	contains(finding.msg, "(`backup_retention_period = 0`; module \"reports\" passes `retention = 0` at prod/main.tf:9):")
	not contains(finding.msg, "defaults to `7`")
}
