package hindsight.rules.database_backups_disabled

import rego.v1

import data.hindsight.terraform as tf

# A read replica is restored from its primary's backups; RDS keeps none for it by default.
replica(body) if body.replicate_source_db

replica(body) if body.master_instance_name

# RDS: `backup_retention_period = 0` turns automated backups and point-in-time recovery off.
deny contains {"msg": msg, "path": array.concat(r.path, ["backup_retention_period"])} if {
	some r in tf.resources(input, ["aws_db_instance"])
	found := [v | some v in tf.values(r.body.backup_retention_period); v.value in {0, "0"}]
	count(found) > 0
	not replica(r.body)
	msg := sprintf(
		"`%s` keeps no automated backups (`backup_retention_period = 0`%s): no snapshot and no point-in-time recovery if its data is deleted or corrupted",
		[tf.address(r), tf.because_inside(found)],
	)
}

# Cloud SQL: `settings { backup_configuration { enabled = false } }`.
deny contains {"msg": msg, "path": path} if {
	some r in tf.resources(input, ["google_sql_database_instance"])
	not replica(r.body)
	some i, settings in r.body.settings
	some j, backup in settings.backup_configuration
	found := [v | some v in tf.values(backup.enabled); tf.is_false(v.value)]
	count(found) > 0
	path := array.concat(r.path, ["settings", i, "backup_configuration", j, "enabled"])
	msg := sprintf(
		"`%s` has backups turned off (`backup_configuration { enabled = false }`%s): nothing to restore from if its data is deleted or corrupted",
		[tf.address(r), tf.because_inside(found)],
	)
}

# DynamoDB: point-in-time recovery written as off.
deny contains {"msg": msg, "path": path} if {
	some r in tf.resources(input, ["aws_dynamodb_table"])
	some i, pitr in r.body.point_in_time_recovery
	found := [v | some v in tf.values(pitr.enabled); tf.is_false(v.value)]
	count(found) > 0
	path := array.concat(r.path, ["point_in_time_recovery", i, "enabled"])
	msg := sprintf(
		"`%s` has point-in-time recovery turned off%s: a bad write or a deleting script cannot be undone",
		[tf.address(r), tf.because(found)],
	)
}
