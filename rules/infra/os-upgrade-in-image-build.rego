package hindsight.rules.os_upgrade_in_image_build

import rego.v1

# Whole-system upgrades: every installed package moves to what the mirror serves on the day of the build.
#
# apt-get and apt upgrade every package even when packages are named (`apt-get upgrade -y libssl3` installs the
# name and upgrades the rest: checked with `apt-get -s` on apt 2.6), so their pattern takes any words after the
# verb. apk, dnf, yum and zypper upgrade only the packages named, so theirs take flags only.
upgrades := [
	`(^|[\s;(])(apt-get|apt|aptitude)\s+(-\S+\s+)*(upgrade|dist-upgrade|full-upgrade)\b`,
	`(^|[\s;(])apk\s+(-\S+\s+)*upgrade\s*(-\S+\s*)*$`,
	`(^|[\s;(])(dnf|yum|microdnf|tdnf)\s+(-\S+\s+)*(upgrade|update|distro-sync)\s*(-\S+\s*)*$`,
	`(^|[\s;(])zypper\s+(-\S+\s+)*(up|update|dup|dist-upgrade)\s*(-\S+\s*)*$`,
]

upgrades_everything(command) if {
	some pattern in upgrades
	regex.match(pattern, command)
}

warn contains {"msg": msg, "path": [i, "Commands", j]} if {
	some i, ins in input
	ins.Cmd == "run"
	some j, command in object.get(ins, "Commands", [])
	# A built-in test first, in the body: most commands upgrade nothing, every pattern needs `up` (upgrade,
	# update, dup, up) or `distro-sync`, and on regorus's VM, which runs the built-in policies, a call to a
	# function of the policy costs several times a built-in.
	regex.match(`up|distro-sync`, command)
	upgrades_everything(command)
	msg := sprintf("`%s` upgrades every package of the base image to what the mirror serves on the day of the build: a rebuild for any change also ships operating-system updates nobody reviewed; take them from a newer pinned base image instead", [command])
}
