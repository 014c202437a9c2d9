# Terraform helpers for hindsight policies: `import data.hindsight.terraform`.
# Documented in docs/rego.md. `doc` is a Terraform file as hindsight reads HCL (usually `input`): blocks keyed by
# type and labels, each holding a list of bodies; literals as values, other expressions as `"${...}"` text.
package hindsight.terraform

import rego.v1

# Every `resource "TYPE" "NAME" {..}` of the given types (a set or array of type names), as
# `{"type", "name", "body", "path"}`; `path` points at the block (its first line) for findings.
resources(doc, types) := [r |
	some type in types
	some name, bodies in doc.resource[type]
	some i, body in bodies
	r := {"type": type, "name": name, "body": body, "path": ["resource", type, name, i]}
]

# A value written as an expression (`var.x`, `"${local.name}-logs"`): not known until Terraform plans.
is_expression(value) if {
	is_string(value)
	contains(value, "${")
}

# A literal `true` (Terraform also converts the strings "true" and "false").
is_true(value) if value == true

is_true(value) if value == "true"

# A literal `false`.
is_false(value) if value == false

is_false(value) if value == "false"

# The resource's `lifecycle { prevent_destroy = true }`: Terraform refuses any plan that destroys it.
prevents_destroy(body) if {
	some lifecycle in body.lifecycle
	is_true(lifecycle.prevent_destroy)
}

# `TYPE.NAME`, as Terraform names a resource in plans and messages.
address(r) := sprintf("%s.%s", [r.type, r.name])

# The resource's first nested block of this type (`lifecycle`, `settings`), or `{}`.
block(body, type) := object.get(body, [type, 0], {})
