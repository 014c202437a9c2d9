package hindsight.rules.bucket_force_destroy

import rego.v1

import data.hindsight.terraform as tf

# Buckets whose `force_destroy = true` lets Terraform delete every object, and every version of it, with the
# bucket.
bucket_types := {"aws_s3_bucket", "google_storage_bucket"}

# Buckets whose names say they hold what can be rebuilt: build and pipeline artifacts, caches, test output,
# temporary files. `force_destroy` is what such buckets are for.
scratch_words := `(?i)(artifact|pipeline|cache|scratch|temp|tmp|test)`

scratch(r) if regex.match(scratch_words, r.name)

scratch(r) if {
	is_string(r.body.bucket)
	regex.match(scratch_words, r.body.bucket)
}

scratch(r) if {
	is_string(r.body.name)
	regex.match(scratch_words, r.body.name)
}

deny contains {"msg": msg, "path": array.concat(r.path, ["force_destroy"])} if {
	some r in tf.resources(input, bucket_types)
	found := [v | some v in tf.values(r.body.force_destroy); tf.is_true(v.value)]
	count(found) > 0
	not tf.prevents_destroy(r.body)
	not scratch(r)
	msg := sprintf(
		"`%s` has `force_destroy = true`%s: a `terraform destroy`, a removed module or a forced replacement deletes the bucket with every object in it, where the cloud would otherwise refuse to delete a bucket that is not empty",
		[tf.address(r), tf.because(found)],
	)
}
