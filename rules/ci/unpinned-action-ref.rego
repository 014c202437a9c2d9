package hindsight.rules.unpinned_action_ref

import rego.v1

# Owners or actions (`actions`, `actions/checkout`) the team decides to trust by tag anyway.
trusted := object.get(data.hindsight.options, "trusted", [])

# A workflow (jobs with steps, or jobs calling reusable workflows) or a composite action (`action.yml`).
is_workflow if {
	is_object(input.jobs)
	input.on
}

uses contains [["jobs", name, "steps", i, "uses"], step.uses] if {
	is_workflow
	some name, job in input.jobs
	some i, step in job.steps
	is_string(step.uses)
}

uses contains [["jobs", name, "uses"], job.uses] if {
	is_workflow
	some name, job in input.jobs
	is_string(job.uses)
}

uses contains [["runs", "steps", i, "uses"], step.uses] if {
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

is_trusted(ref) if {
	some prefix in trusted
	startswith(lower(ref), sprintf("%s/", [lower(prefix)]))
}

is_trusted(ref) if {
	some prefix in trusted
	startswith(lower(ref), sprintf("%s@", [lower(prefix)]))
}

deny contains {"msg": message(ref), "path": path} if {
	some [path, ref] in uses
	not pinned(ref)
	not is_trusted(ref)
}

message(ref) := sprintf("`%s` runs whatever image the tag points to when the job starts; pin the image by digest (`@sha256:...`)", [ref]) if {
	startswith(ref, "docker://")
}

message(ref) := sprintf("`%s` runs whatever commit `%s` points to when the job starts, and whoever controls that repository can move it; pin the full 40-character commit SHA and keep the version in a comment", [ref, version]) if {
	not startswith(ref, "docker://")
	parts := split(ref, "@")
	count(parts) > 1
	version := parts[count(parts) - 1]
}

message(ref) := sprintf("`%s` names no version, so it runs the default branch; pin the full 40-character commit SHA", [ref]) if {
	not startswith(ref, "docker://")
	not contains(ref, "@")
}
