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

# The resource's `lifecycle { ignore_changes = [...] }` names `attribute`, or is `all`: after creating the
# resource Terraform leaves that attribute as the cloud has it (deploy tooling or people set it), so the value
# written is only where it started.
ignores_changes(body, attribute) if {
	some lifecycle in body.lifecycle
	some name in ignored_names(lifecycle.ignore_changes)
	name in {attribute, "all"}
}

# What `ignore_changes` names, as hindsight reads it: `[min_size, tags]` is a list of expressions
# (`["${min_size}", "${tags}"]`), Terraform 0.11's quoted form a list of strings (`["min_size"]`), and `all`
# one expression (`"${all}"`). Each element whole: `warm_pool[0].min_size` is not `min_size`.
ignored_names(value) := [unwrapped(value)] if is_string(value)

ignored_names(value) := [unwrapped(element) | some element in value; is_string(element)] if is_array(value)

unwrapped(text) := trim_suffix(trim_prefix(trim_space(text), "${"), "}")

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
