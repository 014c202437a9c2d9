package hindsight.rules.base_image_unpinned

import rego.v1

# Arguments declared before the first FROM, with their defaults: `FROM ${BASE}` is read through them.
global_args[name] := default_value if {
	some i, ins in input
	ins.Cmd == "arg"
	not after_a_from(i)
	some word in ins.Value
	[name, default_value] := split_arg(word)
}

after_a_from(i) if {
	some j, other in input
	other.Cmd == "from"
	j < i
}

split_arg(word) := [name, trim(value, "\"'")] if {
	contains(word, "=")
	parts := split(word, "=")
	name := parts[0]
	value := concat("=", array.slice(parts, 1, count(parts)))
}

# Stage names (`FROM golang AS build`): `FROM build` builds on an earlier stage, not on a registry image.
stage_names contains lower(ins.Value[2]) if {
	some ins in input
	ins.Cmd == "from"
	count(ins.Value) == 3
	lower(ins.Value[1]) == "as"
}

# `${NAME}` and `$NAME` replaced by the global argument's default; undefined when one has none, or when the
# reference uses a form this does not expand (`${NAME:-x}`), so such a FROM is left alone.
expand(image) := image if not contains(image, "$")

expand(image) := out if {
	contains(image, "$")
	names := {m[1] | some m in regex.find_all_string_submatch_n(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`, image, -1)}
	# An empty default (`ARG VERSION=`) is set by the build command: nothing is known.
	every n in names {
		global_args[n] != ""
	}
	braced := {sprintf("${%s}", [n]): global_args[n] | some n in names}
	bare := {sprintf("$%s", [n]): global_args[n] | some n in names}
	out := strings.replace_n(object.union(bare, braced), image)
	not contains(out, "$")
	out != ""
}

# The last path component of a reference without its digest: `registry:5000/team/app:1.2` gives `app:1.2`.
last_component(ref) := parts[count(parts) - 1] if {
	parts := split(split(ref, "@")[0], "/")
}

# The tag of a reference, "" when it has none: the part after the last `:` that is not a registry's port.
# (Two definitions, not `else`: the built-in policies run on regorus's VM, see engine/src/rego/vm.rs.)
tag(ref) := t if {
	last := last_component(ref)
	contains(last, ":")
	parts := split(last, ":")
	t := parts[count(parts) - 1]
}

tag(ref) := "" if not contains(last_component(ref), ":")

has_digest(ref) if contains(ref, "@sha256:")

problem(ref) := sprintf("`FROM %s` has no tag: it builds on whatever `:latest` is the day the image is built, so a rebuild for any change also ships an operating system and runtime nobody reviewed; pin a version tag and its digest", [ref]) if {
	tag(ref) == ""
}

problem(ref) := sprintf("`FROM %s` builds on `:latest`, which moves with every upstream release: a rebuild for any change also ships an operating system and runtime nobody reviewed; pin a version tag and its digest", [ref]) if {
	lower(tag(ref)) == "latest"
}

warn contains {"msg": msg, "path": [i, "Value", j]} if {
	some i, ins in input
	ins.Cmd == "from"
	# `FROM --platform=... image`: the image is the first word.
	j := 0
	written := ins.Value[j]
	not lower(written) in stage_names
	ref := expand(written)
	ref != ""
	lower(ref) != "scratch"
	not lower(ref) in stage_names
	not has_digest(ref)
	msg := problem(ref)
}
