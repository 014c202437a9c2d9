package hindsight.rules.os_upgrade_in_image_build_test

import rego.v1

import data.hindsight.rules.os_upgrade_in_image_build as rule

run(commands) := [{"Cmd": "run", "Flags": [], "Value": [concat(" && ", commands)], "Commands": commands}]

test_whole_system_upgrades_are_reported if {
	count(rule.warn) == 1 with input as run(["apt-get update", "apt-get -y upgrade"])
	count(rule.warn) == 1 with input as run(["apt-get dist-upgrade -y"])
	count(rule.warn) == 1 with input as run(["apk upgrade --no-cache"])
	count(rule.warn) == 1 with input as run(["apk -U upgrade"])
	# apt-get installs the named package and upgrades every other one as well.
	count(rule.warn) == 1 with input as run(["apt-get upgrade -y libsasl2-2"])
	count(rule.warn) == 1 with input as run(["dnf -y update"])
	count(rule.warn) == 1 with input as run(["yum update -y"])
	count(rule.warn) == 1 with input as run(["microdnf upgrade"])
	some finding in rule.warn with input as run(["apt-get update", "apt-get upgrade -y"])
	finding.path == [0, "Commands", 1]
}

test_installs_and_index_refreshes_are_not if {
	count(rule.warn) == 0 with input as run(["apt-get update", "apt-get install -y curl"])
	count(rule.warn) == 0 with input as run(["apk add --upgrade curl"])
	count(rule.warn) == 0 with input as run(["apk upgrade --no-cache sudo"])
	count(rule.warn) == 0 with input as run(["apt-get install --only-upgrade openssl"])
	count(rule.warn) == 0 with input as run(["dnf update -y openssl"])
	count(rule.warn) == 0 with input as run(["pip install --upgrade pip"])
	count(rule.warn) == 0 with input as [{"Cmd": "cmd", "Commands": ["apt-get upgrade"]}]
}
