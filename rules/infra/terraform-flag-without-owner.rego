package hindsight.rules.terraform_flag_without_owner

import rego.v1

import data.hindsight.terraform as tf

# LaunchDarkly names a flag's owner by member (`maintainer_id`) or by team (`maintainer_team_key`).
owner_attributes := ["maintainer_id", "maintainer_team_key"]

has_owner(body) if {
	some attribute in owner_attributes
	value := body[attribute]
	value != ""
	value != null
}

deny contains {"msg": msg, "path": r.path} if {
	some r in tf.resources(input, ["launchdarkly_feature_flag"])
	not has_owner(r.body)
	not tf.is_true(r.body.archived)
	key := object.get(r.body, "key", r.name)
	msg := sprintf(
		"feature flag `%v` (`%s`) has no owner: set `maintainer_team_key` (or `maintainer_id`) so someone is asked to remove it and the code behind it",
		[key, tf.address(r)],
	)
}
