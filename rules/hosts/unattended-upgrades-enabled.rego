package hindsight.rules.unattended_upgrades_enabled

import rego.v1

# Packages whose only job is to upgrade the host on a timer.
auto_packages := {"unattended-upgrades", "dnf-automatic", "yum-cron", "dnf5-plugin-automatic"}

# Periodic upgrades switched on in a configuration file's text.
enabling_text := `(?im)(APT::Periodic::Unattended-Upgrade\s+"?[1-9]|^\s*apply_updates\s*=\s*(yes|true|1)\b)`

# A shell command that installs or enables them.
enabling_command := `(?i)(unattended-upgrades/enable_auto_updates\s+boolean\s+true|systemctl\s+(enable|start|unmask)\b[^;&|\n]*(dnf-automatic|yum-cron|unattended-upgrades|apt-daily-upgrade)|dpkg-reconfigure\b[^;&|\n]*unattended-upgrades|(apt-get|apt|dnf|yum)\s+(-\S+\s+)*install\b[^;&|\n]*\b(unattended-upgrades|dnf-automatic|yum-cron)\b)`

true_values := {true, "yes", "true", "on", "1", 1}

# ---- cloud-init (`#cloud-config` user data)

cloud_keys := {"packages", "package_upgrade", "package_update", "write_files", "runcmd", "bootcmd", "apt", "yum_repos"}

is_cloud_init if {
	is_object(input)
	not input.kind
	not input.apiVersion
	some key in object.keys(input)
	key in cloud_keys
}

package_name(p) := p if is_string(p)

package_name(p) := p[0] if is_array(p)

deny contains {"msg": msg, "path": ["packages", i]} if {
	is_cloud_init
	some i, p in input.packages
	package_name(p) in auto_packages
	msg := sprintf("cloud-init installs `%s`: every host built from this will upgrade its own packages on a timer, on every host on the same day, outside your staged rollouts", [package_name(p)])
}

deny contains {"msg": msg, "path": ["write_files", i, "content"]} if {
	is_cloud_init
	some i, file in input.write_files
	is_string(file.content)
	regex.match(enabling_text, file.content)
	msg := sprintf("cloud-init writes `%s` turning on automatic upgrades: every host upgrades itself on a timer, outside your staged rollouts", [object.get(file, "path", "a file")])
}

deny contains {"msg": msg, "path": ["apt", "conf"]} if {
	is_cloud_init
	is_string(input.apt.conf)
	regex.match(enabling_text, input.apt.conf)
	msg := "cloud-init's `apt.conf` turns on unattended upgrades: every host upgrades itself on a timer, outside your staged rollouts"
}

command_text(c) := c if is_string(c)

command_text(c) := concat(" ", [sprintf("%v", [x]) | some x in c]) if is_array(c)

deny contains {"msg": msg, "path": [section, i]} if {
	is_cloud_init
	some section in ["runcmd", "bootcmd"]
	some i, c in input[section]
	regex.match(enabling_command, command_text(c))
	msg := sprintf("cloud-init `%s` enables automatic upgrades (`%s`): every host upgrades itself on a timer, outside your staged rollouts", [section, command_text(c)])
}

# ---- Ansible (playbooks and task files)

play_sections := ["pre_tasks", "tasks", "post_tasks", "handlers"]

block_sections := ["block", "rescue", "always"]

top_tasks contains [[i, section, j], task] if {
	is_array(input)
	some i, play in input
	is_object(play)
	play.hosts
	some section in play_sections
	some j, task in object.get(play, section, [])
	is_object(task)
}

top_tasks contains [[i], task] if {
	is_array(input)
	some i, task in input
	is_object(task)
	not task.hosts
	not task.import_playbook
}

nested(entries) := {[array.concat(path, [section, k]), t] |
	some [path, task] in entries
	some section in block_sections
	some k, t in object.get(task, section, [])
	is_object(t)
}

level1 := nested(top_tasks)

level2 := nested(level1)

tasks := (top_tasks | level1) | level2

# The module a task calls (`apt`, `ansible.builtin.apt`, `community.general.x`): its short name, key and args.
module_call(task) := [short, key, args(task[key])] if {
	some key, _ in task
	parts := split(key, ".")
	short := parts[count(parts) - 1]
	short in {"apt", "package", "dnf", "dnf5", "yum", "copy", "lineinfile", "blockinfile", "debconf", "systemd", "systemd_service", "service", "shell", "command", "raw"}
	count(parts) in {1, 3}
}

# Free-form `k=v k=v` arguments become an object; shell commands stay as `_raw`.
args(a) := a if is_object(a)

args(a) := object.union({"_raw": a}, {kv[0]: kv[1] | some part in split(a, " "); kv := split(part, "="); count(kv) == 2}) if is_string(a)

names(a) := {n | some n in a.name} if is_array(a.name)

names(a) := {trim_space(n) | some n in split(a.name, ",")} if is_string(a.name)

names(a) := {n | some n in a.pkg} if is_array(a.pkg)

names(a) := {trim_space(n) | some n in split(a.pkg, ",")} if is_string(a.pkg)

installs(a) if not a.state

installs(a) if a.state in {"present", "installed", "latest"}

deny contains {"msg": msg, "path": array.concat(path, [key])} if {
	some [path, task] in tasks
	[short, key, a] := module_call(task)
	short in {"apt", "package", "dnf", "dnf5", "yum"}
	installs(a)
	some name in names(a)
	name in auto_packages
	msg := sprintf("this task installs `%s`: every host it runs on will upgrade its own packages on a timer, outside your staged rollouts", [name])
}

deny contains {"msg": msg, "path": array.concat(path, [key])} if {
	some [path, task] in tasks
	[short, key, a] := module_call(task)
	short in {"copy", "lineinfile", "blockinfile"}
	some field in ["content", "line", "block"]
	is_string(a[field])
	regex.match(enabling_text, a[field])
	msg := "this task turns on automatic upgrades in the package manager's configuration: every host it runs on upgrades itself on a timer, outside your staged rollouts"
}

deny contains {"msg": msg, "path": array.concat(path, [key])} if {
	some [path, task] in tasks
	[short, key, a] := module_call(task)
	short == "debconf"
	contains(object.get(a, "question", ""), "unattended-upgrades/enable_auto_updates")
	object.get(a, "value", "") in true_values
	msg := "this task answers `unattended-upgrades/enable_auto_updates` with true: every host it runs on upgrades itself on a timer, outside your staged rollouts"
}

deny contains {"msg": msg, "path": array.concat(path, [key])} if {
	some [path, task] in tasks
	[short, key, a] := module_call(task)
	short in {"systemd", "systemd_service", "service"}
	regex.match(`^(dnf-automatic|dnf5-automatic|yum-cron|unattended-upgrades|apt-daily-upgrade)`, object.get(a, "name", ""))
	enables(a)
	msg := sprintf("this task enables `%s`: every host it runs on upgrades itself on a timer, outside your staged rollouts", [a.name])
}

enables(a) if object.get(a, "enabled", false) in true_values

enables(a) if object.get(a, "state", "") in {"started", "restarted"}

deny contains {"msg": msg, "path": array.concat(path, [key])} if {
	some [path, task] in tasks
	[short, key, a] := module_call(task)
	short in {"shell", "command", "raw"}
	command := object.get(a, "_raw", object.get(a, "cmd", ""))
	regex.match(enabling_command, command)
	msg := "this task installs or enables automatic upgrades: every host it runs on upgrades itself on a timer, outside your staged rollouts"
}
