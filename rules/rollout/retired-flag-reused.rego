package hindsight.rules.retired_flag_reused

import rego.v1

is_registry if {
	input.kind == "FlagRegistry"
	is_object(input.flags)
}

# Names compare without case and separators: `power_peg`, `Power-Peg` and `power.peg` are one name to a reader.
normal(name) := regex.replace(lower(name), `[-_.\s]`, "")

tombstone_name(t) := t.name if is_string(t.name)

tombstone_name(t) := t.key if {
	not is_string(t.name)
	is_string(t.key)
}

tombstones := [t | some t in object.get(input, "retired", []); is_object(t)]

retired_names := {normal(tombstone_name(t)): tombstone_name(t) | some t in tombstones}

retired_bits := {t.bit: tombstone_name(t) | some t in tombstones; t.bit != null}

deny contains {"msg": msg, "path": ["flags", key]} if {
	is_registry
	some key, _ in input.flags
	old := retired_names[normal(key)]
	msg := sprintf("flag `%s` reuses the name of the retired flag `%s`: code or servers that still know the old meaning will act on the new one; pick a new name", [key, old])
}

deny contains {"msg": msg, "path": ["flags", key, "bit"]} if {
	is_registry
	some key, flag in input.flags
	is_object(flag)
	old := retired_bits[flag.bit]
	msg := sprintf("flag `%s` reuses wire bit %v of the retired flag `%s`: a server with old code reads the new flag as the old one; take an unused bit", [key, flag.bit, old])
}

# Two live flags on one bit: reported once, on the later name.
deny contains {"msg": msg, "path": ["flags", key, "bit"]} if {
	is_registry
	some key, flag in input.flags
	is_object(flag)
	flag.bit != null
	not retired_bits[flag.bit]
	earlier := [other | some other, f in input.flags; other < key; is_object(f); f.bit == flag.bit]
	count(earlier) > 0
	msg := sprintf("flag `%s` uses wire bit %v, which `%s` also uses: one of them switches the other", [key, flag.bit, concat("`, `", sort(earlier))])
}
