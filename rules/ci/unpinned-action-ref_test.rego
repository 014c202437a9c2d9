package hindsight.rules.unpinned_action_ref_test

import rego.v1

import data.hindsight.rules.unpinned_action_ref as rule

workflow(uses) := {"on": "push", "jobs": {"build": {"steps": [{"uses": u} | some u in uses]}}}

test_trusted_owner_is_an_option if {
	count(rule.deny) == 1 with input as workflow(["actions/checkout@v4", "acme/deploy@v1"])
		with data.hindsight.options as {"trusted": ["actions"]}
}

test_trusted_action_matches_the_action_not_its_prefix if {
	findings := rule.deny with input as workflow(["github/codeql-action/init@v3", "github/codeql-actionx@v1"])
		with data.hindsight.options as {"trusted": ["github/codeql-action"]}
	count(findings) == 1
	some finding in findings
	contains(finding.msg, "codeql-actionx")
}

test_reference_without_a_version_is_reported if {
	some finding in rule.deny with input as workflow(["acme/deploy"])
	contains(finding.msg, "names no version")
}

test_short_sha_is_not_a_pin if {
	count(rule.deny) == 1 with input as workflow(["acme/deploy@2f7c5bf"])
}

test_finding_points_at_the_step if {
	some finding in rule.deny with input as workflow(["actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683", "acme/deploy@v1"])
	finding.path == ["jobs", "build", "steps", 1, "uses"]
}

test_documents_without_on_are_not_workflows if {
	count(rule.deny) == 0 with input as {"jobs": {"build": {"steps": [{"uses": "acme/deploy@v1"}]}}}
}
