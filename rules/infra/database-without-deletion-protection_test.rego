package hindsight.rules.database_without_deletion_protection_test

import rego.v1

import data.hindsight.rules.database_without_deletion_protection as rule

import data.hindsight.terraform as tf

db(type, body) := {"resource": {type: {"main": [body]}}}

test_aws_default_is_unprotected if {
	some finding in rule.deny with input as db("aws_db_instance", {"engine": "postgres"})
	finding.path == ["resource", "aws_db_instance", "main", 0]
}

test_explicit_false_points_at_the_attribute if {
	some finding in rule.deny with input as db("aws_rds_cluster", {"deletion_protection": false})
	finding.path == ["resource", "aws_rds_cluster", "main", 0, "deletion_protection"]
}

test_protected_or_prevent_destroy_is_fine if {
	count(rule.deny) == 0 with input as db("aws_db_instance", {"deletion_protection": true})
	count(rule.deny) == 0 with input as db("aws_db_instance", {"lifecycle": [{"prevent_destroy": true}]})
}

test_expressions_are_the_callers_decision if {
	count(rule.deny) == 0 with input as db("aws_db_instance", {"deletion_protection": "${var.deletion_protection}"})
}

test_google_defaults_to_protected if {
	count(rule.deny) == 0 with input as db("google_sql_database_instance", {"name": "main"})
	count(rule.deny) == 1 with input as db("google_sql_database_instance", {"deletion_protection": false})
}

test_read_replicas_hold_no_data_of_their_own if {
	count(rule.deny) == 0 with input as db("aws_db_instance", {"replicate_source_db": "${aws_db_instance.main.identifier}"})
}

test_dynamodb_uses_its_own_attribute if {
	some finding in rule.deny with input as db("aws_dynamodb_table", {"deletion_protection_enabled": false})
	finding.path[4] == "deletion_protection_enabled"
}

test_terraform_lock_tables_hold_nothing_to_lose if {
	count(rule.deny) == 0 with input as db("aws_dynamodb_table", {"name": "terraform-lock", "hash_key": "LockID"})
	count(rule.deny) == 1 with input as db("aws_dynamodb_table", {"name": "orders", "hash_key": "OrderID"})
}

test_spanner_drop_protection_is_the_clouds_own if {
	doc := db("google_spanner_database", {"deletion_protection": false, "enable_drop_protection": "${each.value.enable_drop_protection}"})
	count(rule.deny) == 0 with input as doc
	count(rule.deny) == 1 with input as db("google_spanner_database", {"deletion_protection": false, "enable_drop_protection": false})
}

test_a_final_snapshot_is_said if {
	some finding in rule.deny with input as db("aws_db_instance", {"final_snapshot_identifier": "orders-final"})
	contains(finding.msg, "final snapshot is kept")
	some other in rule.deny with input as db("aws_db_instance", {"final_snapshot_identifier": "x", "skip_final_snapshot": true})
	contains(other.msg, "with its data")
}

variables := {"deletion_protection": [
	{"value": false, "why": "module \"db\" passes `deletion_protection = false` at envs/prod/main.tf:3"},
	{"value": true, "why": "module \"audit\" passes `deletion_protection = true` at envs/prod/main.tf:9"},
]}

test_a_variable_takes_the_values_its_module_gets if {
	tf.values_in("${var.deletion_protection}", variables) == variables.deletion_protection
	tf.values_in(false, variables) == [{"value": false, "why": ""}]
	tf.values_in("${var.other}", variables) == []
	tf.values_in("${local.deletion_protection}", variables) == []
	tf.values_in("${var.deletion_protection ? 1 : 0}", variables) == []
}

test_a_variable_that_is_false_for_a_caller_is_reported_with_the_caller if {
	doc := db("aws_db_instance", {"deletion_protection": "${var.deletion_protection}"})
	some finding in rule.deny with input as doc with data.hindsight.terraform.values as mocked_values
	contains(finding.msg, "(module \"db\" passes `deletion_protection = false` at envs/prod/main.tf:3)")
	not contains(finding.msg, "audit")
}

test_a_variable_without_known_values_is_not_judged if {
	doc := db("aws_db_instance", {"deletion_protection": "${var.deletion_protection}"})
	count(rule.deny) == 0 with input as doc
}

mocked_values(value) := tf.values_in(value, variables)
