package hindsight.rules.missing_workflow_permissions

import rego.v1

is_workflow if {
	is_object(input.jobs)
	input.on
}

# The events of `on:` (a name, a list of names, or a map of names to filters).
events contains input.on if is_string(input.on)

events contains event if {
	is_array(input.on)
	some event in input.on
}

events contains event if {
	is_object(input.on)
	some event, _ in input.on
}

# A reusable workflow runs with the token of the workflow that calls it; the caller sets its permissions.
only_called if {
	count(events) > 0
	every event in events {
		event == "workflow_call"
	}
}

unprotected_jobs contains name if {
	some name, job in input.jobs
	is_object(job)
	not "permissions" in object.keys(job)
}

deny contains {"msg": msg, "path": ["on"]} if {
	is_workflow
	not "permissions" in object.keys(input)
	not only_called
	count(unprotected_jobs) > 0
	msg := sprintf(
		"this workflow sets no top-level `permissions:`, so %s with the repository's default GITHUB_TOKEN permissions (read and write on older repositories and organisations); start with `permissions: {}` and grant each job what it needs",
		[jobs_text],
	)
}

names := concat("`, `", sort([name | some name in unprotected_jobs]))

jobs_text := sprintf("job `%s` runs", [names]) if count(unprotected_jobs) == 1

jobs_text := sprintf("jobs `%s` run", [names]) if count(unprotected_jobs) > 1
