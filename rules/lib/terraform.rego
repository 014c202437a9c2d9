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

# The values an attribute can take in this run, each as `{"value", "why"}`: a literal as written (`why` is ""),
# and for an attribute written as `var.NAME`, each value the module's variable gets: a caller's input, a
# `terraform.tfvars` assignment or the variable's default, with `why` saying which and where
# (`hindsight.file().terraform.variables`, docs/rego.md). Any other expression has no known value: none.
values(value) := values_in(value, object.get(hindsight.file(), ["terraform", "variables"], {}))

# `values`, with the module's variables given: `{NAME: [{"value", "why"}]}`.
values_in(value, _) := [{"value": value, "why": ""}] if not is_expression(value)

values_in(value, variables) := object.get(variables, name, []) if name := variable(value)

values_in(value, _) := [] if {
	is_expression(value)
	not variable(value)
}

# `NAME` of an attribute written as exactly `var.NAME`.
variable(value) := name if {
	is_string(value)
	parts := regex.find_all_string_submatch_n(`^\$\{var\.([A-Za-z_][A-Za-z0-9_-]*)\}$`, value, 1)
	name := parts[0][1]
}

# For a message: where the values found among `values` came from, as " (…)", or "" when they are literals.
because(found) := sprintf(" (%s)", [concat("; ", whys(found))]) if count(whys(found)) > 0

else := ""

# The same inside parentheses the message already opens: "; …", or "".
because_inside(found) := sprintf("; %s", [concat("; ", whys(found))]) if count(whys(found)) > 0

else := ""

whys(found) := [v.why | some v in found; v.why != ""]
