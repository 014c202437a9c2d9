package hindsight.rules.autoscaling_group_can_empty

import rego.v1

import data.hindsight.terraform as tf

# The group serves traffic: it is registered with a load balancer's target groups or a classic load balancer.
# An attribute written `var.NAME` whose every known value is empty (each caller leaves the default `[]`)
# registers it with nothing; one whose values are not known is taken to register it.
serves_traffic(body) if {
	some attribute in ["target_group_arns", "load_balancers"]
	value := body[attribute]
	not empty(value)
	not known_empty(tf.values(value))
}

empty(value) if value in {[], null}

known_empty(found) if {
	count(found) > 0
	every v in found {
		empty(v.value)
	}
}

# A group written with a maximum of 0 is switched off on purpose.
switched_off(body) if body.max_size in {0, "0"}

deny contains {"msg": msg, "path": array.concat(r.path, ["min_size"])} if {
	some r in tf.resources(input, ["aws_autoscaling_group"])
	found := [v | some v in tf.values(r.body.min_size); v.value in {0, "0"}]
	count(found) > 0
	serves_traffic(r.body)
	not switched_off(r.body)
	not tf.ignores_changes(r.body, "min_size")
	msg := sprintf(
		"`%s` serves traffic behind a load balancer but may scale to zero instances (`min_size = 0`%s): a scaling policy reading a quiet or broken metric, or a mistyped desired capacity, can remove all of it; set `min_size` to the capacity the service needs to survive",
		[tf.address(r), tf.because_inside(found)],
	)
}
