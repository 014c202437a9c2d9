package hindsight.rules.base_image_unpinned_test

import rego.v1

import data.hindsight.rules.base_image_unpinned as rule

from(value) := {"Cmd": "from", "Flags": [], "Value": value, "Stage": 0, "JSON": false, "SubCmd": ""}

arg(value) := {"Cmd": "arg", "Flags": [], "Value": [value], "Stage": 0, "JSON": false, "SubCmd": ""}

test_untagged_and_latest_are_reported if {
	count(rule.warn) == 1 with input as [from(["node"])]
	count(rule.warn) == 1 with input as [from(["node:latest"])]
	count(rule.warn) == 1 with input as [from(["gcr.io/distroless/static"])]
	some finding in rule.warn with input as [from(["ubuntu:LATEST", "AS", "base"])]
	finding.path == [0, "Value", 0]
}

test_tags_digests_stages_and_scratch_are_not if {
	count(rule.warn) == 0 with input as [from(["node:22.11-slim"])]
	count(rule.warn) == 0 with input as [from(["node@sha256:0123"])]
	count(rule.warn) == 0 with input as [from(["node:latest@sha256:0123"])]
	count(rule.warn) == 0 with input as [from(["scratch"])]
	count(rule.warn) == 0 with input as [from(["golang:1.22", "AS", "Build"]), from(["build"])]
	count(rule.warn) == 0 with input as [from(["localhost:5000/app:1.2"])]
	count(rule.warn) == 1 with input as [from(["localhost:5000/app"])]
}

test_global_args_are_expanded if {
	count(rule.warn) == 1 with input as [arg("BASE=alpine"), from(["${BASE}"])]
	count(rule.warn) == 1 with input as [arg("BASE=\"alpine\""), from(["$BASE"])]
	count(rule.warn) == 0 with input as [arg("TAG=3.20"), from(["alpine:${TAG}"])]
	# No default, or an argument declared after a FROM: nothing is known, nothing is said.
	count(rule.warn) == 0 with input as [arg("BASE"), from(["${BASE}"])]
	count(rule.warn) == 0 with input as [from(["alpine:3.20"]), arg("BASE=alpine"), from(["${BASE}"])]
	count(rule.warn) == 0 with input as [from(["${BASE:-alpine}"])]
	count(rule.warn) == 0 with input as [arg("VERSION="), from(["mcr.microsoft.com/windows/servercore:${VERSION}"])]
}

test_other_instructions_are_ignored if {
	count(rule.warn) == 0 with input as [{"Cmd": "run", "Flags": [], "Value": ["docker pull node"]}]
}
