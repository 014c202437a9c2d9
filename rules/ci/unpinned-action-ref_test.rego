package hindsight.rules.unpinned_action_ref_test

import rego.v1

import data.hindsight.rules.unpinned_action_ref as rule

workflow(uses) := {"on": "push", "jobs": {"build": {"steps": [{"uses": u} | some u in uses]}}}

# A job that uses `uses` and reads one secret in a later step.
with_secret(uses) := {"on": "push", "jobs": {"publish": {"steps": array.concat(
	[{"uses": u} | some u in uses],
	[{"run": "npm publish", "env": {"NODE_AUTH_TOKEN": "${{ secrets.NPM_TOKEN }}"}}],
)}}}

findings := rule.deny | rule.warn

only_message(set) := msg if {
	count(set) == 1
	some finding in set
	msg := finding.msg
}

test_trusted_owner_is_an_option if {
	count(findings) == 1 with input as workflow(["actions/checkout@v4", "acme/deploy@v1"])
		with data.hindsight.options as {"trusted": ["actions"]}
}

test_trusted_action_matches_the_action_not_its_prefix if {
	found := findings with input as workflow(["github/codeql-action/init@v3", "github/codeql-actionx@v1"])
		with data.hindsight.options as {"trusted": ["github/codeql-action"]}
	contains(only_message(found), "codeql-actionx")
}

test_reference_without_a_version_is_reported if {
	some finding in findings with input as workflow(["acme/deploy"])
	contains(finding.msg, "names no version")
}

test_short_sha_is_not_a_pin if {
	count(findings) == 1 with input as workflow(["acme/deploy@2f7c5bf"])
}

test_finding_points_at_the_step if {
	some finding in findings with input as workflow(["actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683", "acme/deploy@v1"])
	finding.path == ["jobs", "build", "steps", 1, "uses"]
}

test_documents_without_on_are_not_workflows if {
	count(findings) == 0 with input as {"jobs": {"build": {"steps": [{"uses": "acme/deploy@v1"}]}}}
}

# linkerd2-proxy runs `linkerd/dev/actions/setup-tools@v50`: its own owner's action.
test_the_repository_owner_is_first_party if {
	count(findings) == 0 with input as with_secret(["linkerd/dev/actions/setup-tools@v50", "Linkerd/x@main"])
		with data.hindsight.repository as {"host": "github.com", "owner": "linkerd", "name": "linkerd2-proxy"}
}

test_a_forks_upstream_owner_is_first_party if {
	count(findings) == 0 with input as workflow(["linkerd/dev/actions/setup-tools@v50"])
		with data.hindsight.repository as {"owner": "me", "upstream": {"owner": "linkerd"}}
}

test_other_owners_and_images_are_not_first_party if {
	count(findings) == 2 with input as workflow(["linkerdx/a@v1", "docker://linkerd/proxy:v1"])
		with data.hindsight.repository as {"owner": "linkerd"}
}

test_trusting_the_owner_can_be_turned_off if {
	count(findings) == 1 with input as workflow(["linkerd/dev/actions/setup-tools@v50"])
		with data.hindsight.repository as {"owner": "linkerd"}
		with data.hindsight.options as {"trust_repository_owner": false}
}

test_a_third_party_action_in_a_job_with_secrets_is_an_error if {
	msg := only_message(rule.deny) with input as with_secret(["tj-actions/changed-files@v45"])
	contains(msg, "`tj-actions/changed-files@v45` runs whatever commit `v45` points to")
	contains(msg, "this job can read `secrets.NPM_TOKEN`")
	count(rule.warn) == 0 with input as with_secret(["tj-actions/changed-files@v45"])
}

test_several_secrets_are_counted if {
	doc := {"on": "push", "jobs": {"p": {"steps": [
		{"uses": "acme/registry-login@v3", "with": {"username": "${{ secrets.HUB_USER }}", "password": "${{ secrets.HUB_TOKEN }}"}},
		{"run": "echo ${{ secrets.GITHUB_TOKEN }} ${{ github.sha }}"},
	]}}}
	contains(only_message(rule.deny), "`secrets.HUB_TOKEN` and 1 more") with input as doc
}

test_the_github_token_alone_is_no_secret if {
	doc := {"on": "push", "jobs": {"p": {"steps": [{"uses": "acme/comment@v1", "with": {"token": "${{ secrets.GITHUB_TOKEN }}"}}]}}}
	count(rule.deny) == 0 with input as doc
	contains(only_message(rule.warn), "reads no secrets and sets no `permissions:`") with input as doc
	read_only := object.union(doc, {"permissions": {"contents": "read"}})
	contains(only_message(rule.warn), "its token cannot publish or push") with input as read_only
}

test_secrets_in_conditions_count if {
	doc := {"on": "push", "jobs": {"p": {"steps": [{"uses": "acme/upload@v1", "if": "secrets.UPLOAD_KEY != ''"}]}}}
	contains(only_message(rule.deny), "`secrets.UPLOAD_KEY`") with input as doc
}

test_workflow_env_secrets_reach_every_job if {
	doc := {"on": "push", "env": {"TOKEN": "${{ secrets.DEPLOY }}"}, "jobs": {"p": {"steps": [{"uses": "acme/deploy@v1"}]}}}
	contains(only_message(rule.deny), "`secrets.DEPLOY`") with input as doc
}

test_inherited_or_indexed_secrets_are_all_secrets if {
	called := {"on": "push", "jobs": {"r": {"uses": "acme/shared/.github/workflows/r.yml@main", "secrets": "inherit"}}}
	contains(only_message(rule.deny), "every secret of the repository (`secrets: inherit`)") with input as called
	indexed := {"on": "push", "jobs": {"p": {"steps": [{"uses": "acme/a@v1", "env": {"ALL": "${{ toJSON(secrets) }}"}}]}}}
	contains(only_message(rule.deny), "it indexes `secrets`") with input as indexed
}

test_write_scopes_that_publish_are_reach if {
	job := {"permissions": {"contents": "write", "id-token": "write", "pull-requests": "write"}, "steps": [{"uses": "acme/release@v1"}]}
	contains(only_message(rule.deny), "can write `contents`, `id-token`") with input as {"on": "push", "jobs": {"r": job}}
	everything := {"on": "push", "permissions": "write-all", "jobs": {"r": {"steps": [{"uses": "acme/release@v1"}]}}}
	contains(only_message(rule.deny), "everything (`write-all`)") with input as everything
}

test_comment_scopes_and_read_overrides_are_not_reach if {
	comments := {"on": "push", "jobs": {"l": {"permissions": {"pull-requests": "write", "issues": "write"}, "steps": [{"uses": "acme/label@v1"}]}}}
	count(rule.deny) == 0 with input as comments
	# The job's own block replaces the workflow's.
	narrowed := {"on": "push", "permissions": {"contents": "write"}, "jobs": {"t": {"permissions": {"contents": "read"}, "steps": [{"uses": "acme/test@v1"}]}}}
	count(rule.deny) == 0 with input as narrowed
}

test_privileged_triggers_without_permissions_are_reach if {
	doc := {"on": {"pull_request_target": {"types": ["opened"]}}, "jobs": {"l": {"steps": [{"uses": "acme/label@v1"}]}}}
	contains(only_message(rule.deny), "runs on `pull_request_target`") with input as doc
	restricted := object.union(doc, {"permissions": {"contents": "read"}})
	count(rule.deny) == 0 with input as restricted
	listed := {"on": ["push", "workflow_run"], "jobs": {"l": {"steps": [{"uses": "acme/label@v1"}]}}}
	contains(only_message(rule.deny), "runs on `workflow_run`") with input as listed
}

test_github_own_actions_are_advice_even_with_secrets if {
	count(rule.deny) == 0 with input as with_secret(["actions/setup-node@v4", "github/codeql-action/init@v3"])
	count(rule.warn) == 2 with input as with_secret(["actions/setup-node@v4", "github/codeql-action/init@v3"])
}

test_images_by_tag_in_a_job_with_secrets_are_errors if {
	contains(only_message(rule.deny), "whatever image the tag points to") with input as with_secret(["docker://aquasec/trivy:0.50.0"])
}

test_composite_actions_are_advice if {
	doc := {"runs": {"using": "composite", "steps": [{"uses": "dtolnay/rust-toolchain@stable"}]}}
	count(rule.deny) == 0 with input as doc
	contains(only_message(rule.warn), "every job that uses this composite action") with input as doc
}

test_slsa_generators_are_pinned_by_their_release_tag if {
	ok := "slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.1.0"
	count(findings) == 0 with input as {"on": "push", "jobs": {"p": {"uses": ok, "permissions": {"id-token": "write"}}}}
	moving := "slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2"
	count(rule.deny) == 1 with input as {"on": "push", "jobs": {"p": {"uses": moving, "permissions": {"id-token": "write"}}}}
}

# A vendor's action for its own platform is advice even where the job holds secrets; an empty `vendors`
# option makes it an error again.
test_vendor_actions_are_advice if {
	doc := {"on": "push", "jobs": {"p": {"steps": [
		{"uses": "docker/login-action@v3", "with": {"password": "${{ secrets.HUB_TOKEN }}"}},
	]}}}
	count(rule.deny) == 0 with input as doc
	msg := only_message(rule.warn) with input as doc
	contains(msg, "can read `secrets.HUB_TOKEN`")
	contains(msg, "an organisation GitHub verifies")
	count(rule.deny) == 1 with input as doc with data.hindsight.options.vendors as []
}
