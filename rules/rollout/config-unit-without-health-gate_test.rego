package hindsight.rules.config_unit_without_health_gate_test

import rego.v1

import data.hindsight.rules.config_unit_without_health_gate as rule

unit(first_bake) := {
	"kind": "ConfigUnit",
	"name": "u",
	"health": {"checks": [{"metric": "errors", "max": 0}]},
	"stages": [{"name": "canary", "percent": 1, "bake": first_bake}, {"name": "everyone", "percent": 100}],
}

test_durations_with_units if {
	rule.seconds("90s") == 90
	rule.seconds("15m") == 900
	rule.seconds(" 2h ") == 7200
	rule.seconds("1d") == 86400
	rule.seconds("1.5h") == 5400
	rule.seconds("600") == 600
	rule.seconds(600) == 600
}

test_unparseable_duration_is_too_short if {
	some finding in rule.deny with input as unit("a while")
	finding.path == ["stages", 0, "bake"]
	contains(finding.msg, "`a while`")
}

test_minimum_is_an_option if {
	count(rule.deny) == 0 with input as unit("2m") with data.hindsight.options as {"min_bake_seconds": 60}
	count(rule.deny) == 1 with input as unit("2m")
}

test_unit_default_bake_applies if {
	count(rule.deny) == 0 with input as object.union(unit(null), {"bake": "10m", "stages": [{"name": "canary", "percent": 1}, {"name": "everyone", "percent": 100}]})
}

test_missing_bake_says_so if {
	some finding in rule.deny with input as object.union(unit(null), {"stages": [{"name": "canary", "percent": 1}, {"percent": 100}]})
	finding.path == ["stages", 0]
	contains(finding.msg, "bakes not at all")
}

test_instant_units_are_left_to_hs4001 if {
	count(rule.deny) == 0 with input as {"kind": "ConfigUnit", "propagation": "instant", "stages": [{"percent": 1}, {"percent": 100}]}
}
