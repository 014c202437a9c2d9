package hindsight.rules.base_image_unpinned

import rego.v1

# Arguments declared before the first FROM, with their defaults: `FROM ${BASE}` is read through them.
global_args[name] := default_value if {
	some ins in array.slice(input, 0, first_from)
	ins.Cmd == "arg"
	some word in ins.Value
	[name, default_value] := split_arg(word)
}

# The index of the first FROM, or the end when there is none. Conditions on both, not a lookup that may be
# undefined: regorus's VM lets an assignment of an undefined value succeed.
first_from := froms[0] if count(froms) > 0

first_from := count(input) if count(froms) == 0

# The instruction indexes of the FROMs, in order: the one pass over every instruction. The stage names and the
# findings visit only these (a Dockerfile is mostly RUN, COPY and ENV), and the ARGs only the instructions
# before the first.
froms := [i | some i, ins in input; ins.Cmd == "from"]

split_arg(word) := [name, trim(value, "\"'")] if {
	contains(word, "=")
	parts := split(word, "=")
	name := parts[0]
	value := concat("=", array.slice(parts, 1, count(parts)))
}

# Stage names (`FROM golang AS build`): `FROM build` builds on an earlier stage, not on a registry image.
stage_names contains lower(ins.Value[2]) if {
	some i in froms
	ins := input[i]
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

# The message for a tag: none (`node`) or `latest`; any other tag has none, and is not reported.
problems := {
	"": "`FROM %s` has no tag: it builds on whatever `:latest` is the day the image is built, so a rebuild for any change also ships an operating system and runtime nobody reviewed; pin a version tag and its digest",
	"latest": "`FROM %s` builds on `:latest`, which moves with every upstream release: a rebuild for any change also ships an operating system and runtime nobody reviewed; pin a version tag and its digest",
}

# One body with built-ins rather than a function per step: on regorus's VM, which runs the built-in policies, a
# call to a function of the policy costs several times a built-in, and a FROM went through eight of them.
warn contains {"msg": msg, "path": [i, "Value", 0]} if {
	some i in froms
	# `FROM --platform=... image`: the image is the first word.
	written := input[i].Value[0]
	not lower(written) in stage_names
	ref := expand(written)
	ref != ""
	lower(ref) != "scratch"
	not lower(ref) in stage_names
	not contains(ref, "@sha256:")
	# The last path component without its digest (`registry:5000/team/app:1.2` gives `app:1.2`), and its tag:
	# what follows its last `:`, "" without one (a registry's port is not a tag).
	components := split(split(ref, "@")[0], "/")
	pieces := split(components[count(components) - 1], ":")
	tag := {false: "", true: lower(pieces[count(pieces) - 1])}[count(pieces) > 1]
	# Tested, not left to the lookup: regorus's VM lets an assignment of an undefined value succeed.
	tag in {"", "latest"}
	msg := sprintf(problems[tag], [ref])
}
