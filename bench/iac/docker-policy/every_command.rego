package main

import rego.v1

# Reads every command of every RUN instruction: a policy that looks at all of a Dockerfile.
warn contains {"msg": "`sudo` in an image build runs as root anyway", "path": [i, "Commands", j]} if {
	some i, instruction in input
	instruction.Cmd == "run"
	some j, command in instruction.Commands
	startswith(command, "sudo ")
}
