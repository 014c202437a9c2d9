package hindsight.rules.remote_script_piped_to_shell_test

import rego.v1

import data.hindsight.rules.remote_script_piped_to_shell as rule

run(commands) := [{"Cmd": "run", "Flags": [], "Value": [concat(" && ", commands)], "Commands": commands}]

test_pipes_into_shells_are_reported if {
	count(rule.warn) == 1 with input as run(["curl -fsSL https://deb.nodesource.com/setup_20.x | bash -"])
	count(rule.warn) == 1 with input as run(["wget -qO- https://get.x.io | sudo -E sh -s -- --yes"])
	count(rule.warn) == 1 with input as run(["curl https://sh.rustup.rs -sSf | /bin/sh -s -- -y"])
	count(rule.warn) == 1 with input as run(["sh -c \"$(curl -fsSL https://x.sh)\""])
	count(rule.warn) == 1 with input as run(["bash <(curl -s https://codecov.io/bash)"])
	some finding in rule.warn with input as run(["apt-get update", "curl -L https://x | sh"])
	finding.path == [0, "Commands", 1]
}

test_downloads_that_are_checked_or_not_run_are_not if {
	count(rule.warn) == 0 with input as run(["curl -fsSLo /tmp/x.sh https://x.sh", "echo \"abc  /tmp/x.sh\" | sha256sum -c", "sh /tmp/x.sh"])
	count(rule.warn) == 0 with input as run(["curl -fsSL https://x.tar.gz | tar -xz -C /usr/local"])
	count(rule.warn) == 0 with input as run(["curl -fsSL https://x.gpg | gpg --dearmor -o /usr/share/keyrings/x.gpg"])
	count(rule.warn) == 0 with input as run(["cat setup.sh | sh"])
	count(rule.warn) == 0 with input as run(["curl -fsSL https://x | shasum -a 256"])
}

test_long_commands_are_shortened if {
	some finding in rule.warn with input as run([concat("", ["curl -fsSL https://example.com/", concat("", [x | some _ in numbers.range(1, 80); x := "a"]), " | sh"])])
	contains(finding.msg, "…`")
}
