package hindsight.rules.remote_script_piped_to_shell

import rego.v1

# A download whose output goes straight into an interpreter: `curl … | sh`, `wget -qO- … | sudo bash -s`.
piped := `(^|[\s;(])(curl|wget)\s[^|]*\|\s*(sudo\s+(-\S+\s+)*)?(env\s+(\S+=\S*\s+)*)?(\S*/)?(sh|bash|zsh|dash|ash|ksh)\b`

# A download run by an interpreter without a pipe: `sh -c "$(curl …)"`, `bash <(wget -O- …)`.
substituted := `(^|[\s;(])(\S*/)?(sh|bash|zsh|dash|ash|ksh)\s+(-\S+\s+)*("?\$\(|<\()\s*(curl|wget)\s`

runs_remote(command) if regex.match(piped, command)

runs_remote(command) if regex.match(substituted, command)

warn contains {"msg": msg, "path": [i, "Commands", j]} if {
	some i, ins in input
	ins.Cmd in {"run", "onbuild"}
	some j, command in object.get(ins, "Commands", [])
	# Built-in tests first, in the body: most commands download nothing, and on regorus's VM, which runs the
	# built-in policies, a call to a function of the policy costs several times a built-in.
	contains(command, "sh")
	regex.match(`curl|wget`, command)
	runs_remote(command)
	msg := sprintf("`%s` runs a script as it is served at build time: whoever controls that URL (or its CDN, or its DNS) decides what runs in this image; download it, check its checksum or signature, then run it", [short(command)])
}

short(command) := command if count(command) <= 80

short(command) := sprintf("%s…", [substring(command, 0, 77)]) if count(command) > 80
