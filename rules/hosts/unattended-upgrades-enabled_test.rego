package hindsight.rules.unattended_upgrades_enabled_test

import rego.v1

import data.hindsight.rules.unattended_upgrades_enabled as rule

test_cloud_init_apt_conf_is_read if {
	some finding in rule.deny with input as {"apt": {"conf": "APT::Periodic::Unattended-Upgrade \"1\";\n"}}
	finding.path == ["apt", "conf"]
}

test_dnf_automatic_apply_updates_is_read if {
	count(rule.deny) == 1 with input as {"write_files": [{"path": "/etc/dnf/automatic.conf", "content": "[commands]\napply_updates = yes\n"}]}
	count(rule.deny) == 0 with input as {"write_files": [{"path": "/etc/dnf/automatic.conf", "content": "[commands]\napply_updates = no\n"}]}
}

test_install_commands_are_read if {
	count(rule.deny) == 1 with input as {"runcmd": ["apt-get install -y unattended-upgrades"]}
	count(rule.deny) == 1 with input as {"bootcmd": ["dpkg-reconfigure -plow unattended-upgrades"]}
	count(rule.deny) == 0 with input as {"runcmd": ["apt-get remove -y unattended-upgrades"]}
}

test_kubernetes_manifests_are_not_cloud_init if {
	count(rule.deny) == 0 with input as {"kind": "ConfigMap", "packages": ["unattended-upgrades"]}
}

test_ansible_shell_and_free_form_args if {
	count(rule.deny) == 1 with input as [{"shell": "systemctl enable --now yum-cron"}]
	count(rule.deny) == 1 with input as [{"ansible.builtin.command": {"cmd": "dnf install -y dnf-automatic"}}]
	count(rule.deny) == 1 with input as [{"yum": "pkg=yum-cron state=latest"}]
	count(rule.deny) == 1 with input as [{"package": {"name": "chrony,dnf-automatic"}}]
	count(rule.deny) == 1 with input as [{"dnf": {"pkg": ["dnf-automatic"]}}]
}

test_service_started_counts_as_enabled if {
	count(rule.deny) == 1 with input as [{"service": {"name": "unattended-upgrades", "state": "started"}}]
	count(rule.deny) == 0 with input as [{"service": {"name": "unattended-upgrades", "state": "stopped", "enabled": "no"}}]
}

test_lineinfile_in_a_play_handler if {
	some finding in rule.deny with input as [{"hosts": "web", "handlers": [{"lineinfile": {
		"path": "/etc/apt/apt.conf.d/20auto-upgrades",
		"line": "APT::Periodic::Unattended-Upgrade \"1\";",
	}}]}]
	finding.path == [0, "handlers", 0, "lineinfile"]
}

test_nested_blocks_two_levels_deep if {
	count(rule.deny) == 1 with input as [{"block": [{"rescue": [{"apt": {"name": "unattended-upgrades"}}]}]}]
}

test_debconf_selections_in_a_shell if {
	count(rule.deny) == 1 with input as [{"shell": "echo unattended-upgrades unattended-upgrades/enable_auto_updates boolean true | debconf-set-selections"}]
	count(rule.deny) == 0 with input as [{"shell": "echo unattended-upgrades unattended-upgrades/enable_auto_updates boolean false | debconf-set-selections"}]
}
