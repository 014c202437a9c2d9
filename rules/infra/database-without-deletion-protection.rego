package hindsight.rules.database_without_deletion_protection

import rego.v1

import data.hindsight.terraform as tf

# The database resources with a deletion-protection attribute, and what Terraform's provider assumes when the
# attribute is left out: `false` for AWS (a `terraform destroy`, or a change that forces replacement, deletes
# the database), `true` for Google Cloud (the provider refuses to delete it unless set to false).
protection := {
	"aws_db_instance": {"attribute": "deletion_protection", "default": false},
	"aws_rds_cluster": {"attribute": "deletion_protection", "default": false},
	"aws_docdb_cluster": {"attribute": "deletion_protection", "default": false},
	"aws_neptune_cluster": {"attribute": "deletion_protection", "default": false},
	"aws_dynamodb_table": {"attribute": "deletion_protection_enabled", "default": false},
	"google_sql_database_instance": {"attribute": "deletion_protection", "default": true},
	"google_spanner_database": {"attribute": "deletion_protection", "default": true},
}

# A read replica holds no data of its own: deleting it loses nothing the primary does not have.
replica(r) if r.body.replicate_source_db

replica(r) if r.body.master_instance_name

# The database can be deleted: protection written as `false`, given as `var.NAME` that is `false` for a caller
# of the module (or by the variable's default in a root module: `tf.values`), or left out where the provider's
# default is off. Any other expression is known only when Terraform plans, and is not judged.
unprotected(r) := {"path": array.concat(r.path, [attribute]), "why": tf.because(found)} if {
	attribute := protection[r.type].attribute
	found := [v | some v in tf.values(r.body[attribute]); tf.is_false(v.value)]
	count(found) > 0
}

unprotected(r) := {"path": r.path, "why": ""} if {
	spec := protection[r.type]
	not spec.default
	not has_key(r.body, spec.attribute)
}

has_key(obj, key) if _ = obj[key]

# Spanner's own drop protection (`enable_drop_protection`) makes Google Cloud refuse the deletion, whatever
# Terraform's `deletion_protection` says; given by an expression, it is the caller's decision.
disposable(r) if {
	r.type == "google_spanner_database"
	not tf.is_false(r.body.enable_drop_protection)
	_ = r.body.enable_drop_protection
}

# Terraform's own state-lock table (S3 backend, `dynamodb_table`) holds only transient locks: the `LockID` key
# the backend requires is its signature.
disposable(r) if {
	r.type == "aws_dynamodb_table"
	r.body.hash_key == "LockID"
}

deny contains {"msg": msg, "path": path} if {
	some r in tf.resources(input, object.keys(protection))
	not replica(r)
	not disposable(r)
	not tf.prevents_destroy(r.body)
	found := unprotected(r)
	path := found.path
	msg := sprintf(
		"`%s`%s can be deleted %s by one `terraform destroy` or one change that forces replacement: set `%s = true` or `lifecycle { prevent_destroy = true }`",
		[tf.address(r), found.why, what_is_lost(r), protection[r.type].attribute],
	)
}

# RDS takes a final snapshot on deletion unless told to skip it: the data survives, the database does not.
final_snapshot(r) if {
	r.type in {"aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster"}
	r.body.final_snapshot_identifier
	not tf.is_true(object.get(r.body, "skip_final_snapshot", false))
}

what_is_lost(r) := "(its final snapshot is kept, but restoring one takes hours and loses every write since)" if final_snapshot(r)

what_is_lost(r) := "with its data" if not final_snapshot(r)
