package hindsight.rules.fleet_wide_package_upgrade_test

import rego.v1

import data.hindsight.rules.fleet_wide_package_upgrade as rule

play(task) := [{"hosts": "web", "tasks": [task]}]

test_repo_upgrade_other_than_none_is_reported if {
	some finding in rule.deny with input as {"repo_upgrade": "security"}
	finding.path == ["repo_upgrade"]
	count(rule.deny) == 0 with input as {"repo_upgrade": "none"}
}

test_legacy_apt_upgrade_is_reported if {
	count(rule.deny) == 1 with input as {"apt_upgrade": true}
}

test_shell_upgrades_are_read if {
	count(rule.deny) == 1 with input as play({"shell": "apt-get update && apt-get -y dist-upgrade"})
	count(rule.deny) == 1 with input as play({"ansible.builtin.command": {"cmd": "yum -y update"}})
	count(rule.deny) == 1 with input as play({"raw": "dnf upgrade --refresh"})
}

test_updating_one_package_is_not_an_upgrade_of_everything if {
	count(rule.deny) == 0 with input as play({"shell": "yum update openssl"})
	count(rule.deny) == 0 with input as play({"apt": {"name": "openssl", "state": "latest"}})
	count(rule.deny) == 0 with input as play({"shell": "apt-get update"})
}

test_local_connection_is_an_image_build if {
	count(rule.deny) == 0 with input as [{"hosts": "all", "connection": "local", "tasks": [{"apt": {"upgrade": "dist"}}]}]
}

test_message_names_the_group if {
	some finding in rule.deny with input as play({"yum": {"name": ["*"], "state": "latest"}})
	contains(finding.msg, "every host in `web`")
	finding.path == [0, "tasks", 0, "yum"]
}

test_apt_star_latest_is_an_upgrade_of_everything if {
	count(rule.deny) == 1 with input as play({"ansible.builtin.apt": {"name": "*", "state": "latest"}})
}

test_simulated_upgrades_are_not_upgrades if {
	count(rule.deny) == 0 with input as play({"command": "apt-get --simulate dist-upgrade"})
	count(rule.deny) == 0 with input as play({"shell": "yum update --assumeno"})
}
