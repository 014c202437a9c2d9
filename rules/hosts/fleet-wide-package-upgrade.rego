package hindsight.rules.fleet_wide_package_upgrade

import rego.v1

true_values := {true, "yes", "true", "on", "1", 1}

# ---- cloud-init: upgrade every package at first boot

cloud_keys := {"packages", "package_upgrade", "package_update", "apt_upgrade", "repo_upgrade", "write_files", "runcmd", "bootcmd"}

is_cloud_init if {
	is_object(input)
	not input.kind
	not input.apiVersion
	some key in object.keys(input)
	key in cloud_keys
}

deny contains {"msg": msg, "path": [key]} if {
	is_cloud_init
	some key in ["package_upgrade", "apt_upgrade"]
	input[key] in true_values
	msg := sprintf("cloud-init `%s: true` upgrades every package at first boot: each new host runs whatever the mirrors served that day, not the image you tested, and autoscaling rolls that out to the fleet unstaged; bake upgrades into a tested image", [key])
}

deny contains {"msg": msg, "path": ["repo_upgrade"]} if {
	is_cloud_init
	input.repo_upgrade in {"all", "security", "bugfix", "critical", "important", "medium", "low"}
	msg := sprintf("cloud-init `repo_upgrade: %s` upgrades packages at first boot: each new host runs what the mirrors served that day, not the image you tested; set `repo_upgrade: none` and bake upgrades into a tested image", [input.repo_upgrade])
}

# ---- Ansible: a play that upgrades every host of its group at once

# Image builds (Packer's `default` host, local connections) bake upgrades into an image: that is the fix.
image_build(play) if play.hosts in {"default", "localhost", "127.0.0.1"}

image_build(play) if play.connection == "local"

play_sections := ["pre_tasks", "tasks", "post_tasks"]

block_sections := ["block", "rescue", "always"]

top_tasks contains [i, [i, section, j], task] if {
	is_array(input)
	some i, play in input
	is_object(play)
	play.hosts
	not play.serial
	not image_build(play)
	some section in play_sections
	some j, task in object.get(play, section, [])
	is_object(task)
}

nested(entries) := {[i, array.concat(path, [section, k]), t] |
	some [i, path, task] in entries
	some section in block_sections
	some k, t in object.get(task, section, [])
	is_object(t)
}

level1 := nested(top_tasks)

level2 := nested(level1)

tasks := (top_tasks | level1) | level2

module_call(task) := [short, key, args(task[key])] if {
	some key, _ in task
	parts := split(key, ".")
	short := parts[count(parts) - 1]
	short in {"apt", "package", "dnf", "dnf5", "yum", "shell", "command", "raw"}
	count(parts) in {1, 3}
}

args(a) := a if is_object(a)

args(a) := object.union({"_raw": a}, {kv[0]: kv[1] | some part in split(a, " "); kv := split(part, "="); count(kv) == 2}) if is_string(a)

upgrades(short, a) if {
	short == "apt"
	lower(sprintf("%v", [a.upgrade])) in {"dist", "full", "yes", "true", "safe"}
}

upgrades(short, a) if {
	short in {"apt", "package", "dnf", "dnf5", "yum"}
	object.get(a, "state", "") == "latest"
	some n in names(a)
	n == "*"
}

upgrades(short, a) if {
	short in {"shell", "command", "raw"}
	command := object.get(a, "_raw", object.get(a, "cmd", ""))
	not regex.match(`(?i)\s(-s|--simulate|--dry-run|--just-print|--no-act|--assumeno)\b`, command)
	regex.match(`(?i)\b((apt-get|apt)\s+(-\S+\s+)*(dist-|full-)?upgrade|(dnf|yum)\s+(-\S+\s+)*(upgrade|update)(\s+-\S+)*\s*($|[;&|]))`, command)
}

names(a) := {n | some n in a.name} if is_array(a.name)

names(a) := {trim_space(n) | some n in split(a.name, ",")} if is_string(a.name)

deny contains {"msg": msg, "path": array.concat(path, [key])} if {
	some [i, path, task] in tasks
	[short, key, a] := module_call(task)
	upgrades(short, a)
	msg := sprintf("this task upgrades the OS packages of every host in `%v` in one pass, with no `serial:` batches: a bad package reaches the whole group before anything can stop it; add `serial:` (1, then a few percent) and a health check between batches", [input[i].hosts])
}
