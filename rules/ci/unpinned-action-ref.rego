package hindsight.rules.unpinned_action_ref

import rego.v1

# Owners or actions (`actions`, `actions/checkout`) the team decides to trust by tag anyway.
trusted := object.get(data.hindsight.options, "trusted", [])

# The repository's own owner (and its upstream's, in a fork's clone) publishes first-party actions: a tag it
# moves is its own change. Known when the check runs in a git repository whose `origin` names an owner.
own_owners contains lower(owner) if {
	object.get(data.hindsight.options, "trust_repository_owner", true)
	owner := data.hindsight.repository.owner
}

own_owners contains lower(owner) if {
	object.get(data.hindsight.options, "trust_repository_owner", true)
	owner := data.hindsight.repository.upstream.owner
}

# A workflow (jobs with steps, or jobs calling reusable workflows) or a composite action (`action.yml`).
is_workflow if {
	is_object(input.jobs)
	input.on
}

# Every `uses:` with where it is and the job it runs in (`null` in a composite action).
uses contains {"path": ["jobs", name, "steps", i, "uses"], "ref": step.uses, "job": name} if {
	is_workflow
	some name, job in input.jobs
	some i, step in job.steps
	is_string(step.uses)
}

uses contains {"path": ["jobs", name, "uses"], "ref": job.uses, "job": name} if {
	is_workflow
	some name, job in input.jobs
	is_string(job.uses)
}

uses contains {"path": ["runs", "steps", i, "uses"], "ref": step.uses, "job": null} if {
	input.runs.using == "composite"
	some i, step in input.runs.steps
	is_string(step.uses)
}

# A local action or workflow of the same repository and commit.
pinned(ref) if startswith(ref, "./")

# A container image by digest.
pinned(ref) if {
	startswith(ref, "docker://")
	regex.match(`@sha256:[0-9a-f]{64}$`, ref)
}

# An action or reusable workflow at a full commit SHA.
pinned(ref) if {
	not startswith(ref, "docker://")
	regex.match(`^[^@\s]+@[0-9a-f]{40}$`, ref)
}

# The SLSA generators must be called by their release tag: they verify the ref they were called with and fail
# on a commit SHA (slsa-framework/slsa-github-generator#150), so a full `vX.Y.Z` tag is the pin they allow.
pinned(ref) if regex.match(`^slsa-framework/slsa-github-generator/\.github/workflows/[^@]+@v\d+\.\d+\.\d+$`, ref)

is_trusted(ref) if {
	some prefix in trusted
	startswith(lower(ref), sprintf("%s/", [lower(prefix)]))
}

is_trusted(ref) if {
	some prefix in trusted
	startswith(lower(ref), sprintf("%s@", [lower(prefix)]))
}

owner(ref) := lower(split(ref, "/")[0])

first_party(ref) if {
	not startswith(ref, "docker://")
	owner(ref) in own_owners
}

# GitHub's own actions: their tags move only when GitHub releases.
github_own(ref) if owner(ref) in {"actions", "github", "dependabot"}

# Actions of the vendors whose platforms they drive (`docker/login-action`, `google-github-actions/auth`),
# published by organisations GitHub verifies. The actions taken over so far (tj-actions/changed-files,
# reviewdog/action-setup, March 2025) came from accounts of a few maintainers; a vendor's tag is advice to pin,
# not an error. The `vendors` option lists them.
vendors := {v | some v in object.get(data.hindsight.options, "vendors", [])}

vendor(ref) if owner(ref) in vendors

unpinned contains use if {
	some use in uses
	not pinned(use.ref)
	not is_trusted(use.ref)
	not first_party(use.ref)
}

# What code running in a job could take: the secrets it reads (`${{ secrets.X }}` anywhere in the job or in the
# workflow's `env:`, `secrets: inherit` on a reusable-workflow call), token scopes that publish or push, and
# triggers that give untrusted events the repository's token.
expressions(value) := array.concat(
	[expr |
		walk(value, [_, s])
		is_string(s)
		some expr in regex.find_n(`\$\{\{[^}]*\}\}`, s, -1)
	],
	# `if:` conditions are expressions without the braces.
	[s |
		walk(value, [path, s])
		count(path) > 0
		path[count(path) - 1] == "if"
		is_string(s)
	],
)

job_secrets(name) := {secret |
	some expr in array.concat(expressions(input.jobs[name]), expressions(object.get(input, "env", {})))
	some found in regex.find_all_string_submatch_n(`secrets\.([A-Za-z0-9_-]+)`, expr, -1)
	secret := found[1]
	upper(secret) != "GITHUB_TOKEN"
}

all_secrets(name) if input.jobs[name].secrets == "inherit"

all_secrets(name) if {
	some expr in array.concat(expressions(input.jobs[name]), expressions(object.get(input, "env", {})))
	regex.match(`secrets\s*\[|toJSON\(\s*secrets\s*\)`, expr)
}

# Scopes whose write access publishes, pushes or mints credentials.
sensitive_scopes := {"contents", "packages", "id-token", "actions", "deployments", "pages", "attestations"}

permissions(name) := input.jobs[name].permissions

permissions(name) := input.permissions if {
	not "permissions" in object.keys(input.jobs[name])
	"permissions" in object.keys(input)
}

write_scopes(name) := {"all"} if permissions(name) == "write-all"

write_scopes(name) := {scope |
	some scope, access in permissions(name)
	access == "write"
	scope in sensitive_scopes
} if is_object(permissions(name))

events contains input.on if is_string(input.on)

events contains event if {
	is_array(input.on)
	some event in input.on
}

events contains event if {
	is_object(input.on)
	some event, _ in input.on
}

# Events from outside contributors that run with the base repository's secrets and, unless `permissions:`
# says otherwise, a read-write token.
privileged_events := {"pull_request_target", "workflow_run"} & events

# Why a job is worth attacking, in words for the message; undefined when nothing visible is.
reach(name) := sprintf("this job can read every secret of the repository (%s)", [how]) if {
	all_secrets(name)
	how := inherit_or_index(name)
} else := sprintf("this job can read %s", [secret_list(name)]) if {
	count(job_secrets(name)) > 0
} else := sprintf("this job's token can write %s", [scope_list(name)]) if {
	count(write_scopes(name)) > 0
} else := msg if {
	count(privileged_events) > 0
	not permissions(name)
	msg := sprintf(
		"this job runs on `%s`, which outside contributors can trigger, with the repository's secrets and default token",
		[concat("`, `", sort([e | some e in privileged_events]))],
	)
}

inherit_or_index(name) := "`secrets: inherit`" if input.jobs[name].secrets == "inherit"
else := "it indexes `secrets`"

secret_list(name) := sprintf("`secrets.%s`", [names[0]]) if {
	names := sort([s | some s in job_secrets(name)])
	count(names) == 1
} else := sprintf("`secrets.%s` and %d more", [names[0], count(names) - 1]) if {
	names := sort([s | some s in job_secrets(name)])
}

scope_list(name) := "everything (`write-all`)" if write_scopes(name) == {"all"}
else := sprintf("`%s`", [concat("`, `", sort([s | some s in write_scopes(name)]))])

# Errors: a third-party action or image by tag in a job that holds something worth stealing, the tj-actions
# shape. Everything else unpinned is advice.
deny contains {"msg": msg, "path": use.path} if {
	some use in unpinned
	not github_own(use.ref)
	not vendor(use.ref)
	use.job != null
	why := reach(use.job)
	msg := sprintf("%s, and %s: whoever can move that reference can take what the job holds, as the tj-actions/changed-files attackers did in March 2025; pin the full 40-character commit SHA and keep the version in a comment", [moving(use.ref), why])
}

warn contains {"msg": msg, "path": use.path} if {
	some use in unpinned
	github_own(use.ref)
	msg := sprintf("%s; it is GitHub's own, so only GitHub can move it, but a commit SHA (with the version in a comment) keeps every run on code you reviewed", [moving(use.ref)])
}

warn contains {"msg": msg, "path": use.path} if {
	some use in unpinned
	vendor(use.ref)
	use.job != null
	why := reach(use.job)
	msg := sprintf("%s, and %s; its publisher is the vendor of the platform it drives, an organisation GitHub verifies, but a commit SHA (with the version in a comment) keeps every run on code you reviewed", [moving(use.ref), why])
}

warn contains {"msg": msg, "path": use.path} if {
	some use in unpinned
	not github_own(use.ref)
	use.job != null
	not reach(use.job)
	msg := sprintf("%s; this job reads no secrets and %s, so a moved reference could change the build but finds no credential worth taking: pin the full 40-character commit SHA and keep the version in a comment", [moving(use.ref), token_text(use.job)])
}

warn contains {"msg": msg, "path": use.path} if {
	some use in unpinned
	not github_own(use.ref)
	use.job == null
	msg := sprintf("%s in every job that uses this composite action: pin the full 40-character commit SHA and keep the version in a comment", [moving(use.ref)])
}

token_text(name) := "its token cannot publish or push" if permissions(name)
else := "sets no `permissions:` (its token has the repository's default ones, which HS3002 reports)"

moving(ref) := sprintf("`%s` runs whatever image the tag points to when the job starts", [ref]) if {
	startswith(ref, "docker://")
}

moving(ref) := sprintf("`%s` runs whatever commit `%s` points to when the job starts", [ref, version]) if {
	not startswith(ref, "docker://")
	parts := split(ref, "@")
	count(parts) > 1
	version := parts[count(parts) - 1]
}

moving(ref) := sprintf("`%s` names no version, so it runs the default branch", [ref]) if {
	not startswith(ref, "docker://")
	not contains(ref, "@")
}
