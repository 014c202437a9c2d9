package hindsight.rules.flag_without_owner_or_expiry

import rego.v1

# Today's date (YYYY-MM-DD) from the configuration; policies have no clock. Unset: expiry is not checked.
today := object.get(data.hindsight.options, "today", "")

is_registry if {
	input.kind == "FlagRegistry"
	is_object(input.flags)
}

has_text(flag, field) if {
	is_string(flag[field])
	trim_space(flag[field]) != ""
}

missing(flag) := {field |
	some field in ["owner"]
	not has_text(flag, field)
} | {"expires" |
	not has_text(flag, "expires")
	not flag.permanent == true
}

deny contains {"msg": msg, "path": ["flags", key]} if {
	is_registry
	some key, flag in input.flags
	is_object(flag)
	fields := missing(flag)
	count(fields) > 0
	msg := sprintf("flag `%s` has no %s: nobody is asked to remove it, and it outlives the code it was made for; add `owner` and `expires` (or `permanent: true` for a kill switch)", [key, concat(" and no ", sort([sprintf("`%s`", [f]) | some f in fields]))])
}

deny contains {"msg": msg, "path": ["flags", key]} if {
	is_registry
	some key, flag in input.flags
	not is_object(flag)
	msg := sprintf("flag `%s` is declared without metadata: add `owner` and `expires`", [key])
}

warn contains {"msg": msg, "path": ["flags", key, "expires"]} if {
	is_registry
	regex.match(`^\d{4}-\d{2}-\d{2}$`, today)
	some key, flag in input.flags
	has_text(flag, "expires")
	substring(flag.expires, 0, 10) < today
	msg := sprintf("flag `%s` expired on %s: remove it and the code behind it, or extend `expires` with a reason", [key, substring(flag.expires, 0, 10)])
}
