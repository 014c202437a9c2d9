package hindsight.rules.database_backups_disabled_test

import rego.v1

import data.hindsight.rules.database_backups_disabled as rule

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
