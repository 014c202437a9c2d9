"""The table of bench/cold.sh, from what it left in its work directory (one `<crate>.out/` per crate).

    python3 bench/cold-table.py COLD_DIR THREADS RUNS SEMGREP_RUNS SEMGREP_VERSION CRATE...
"""

import collections
import json
import os
import statistics
import sys

cold, threads, runs, semgrep_runs, semgrep_version = sys.argv[1:6]
crates = sys.argv[6:]


def load(path):
    with open(path) as f:
        return json.load(f)


def read(path):
    with open(path) as f:
        return f.read().strip()


def unsuppressed(doc):
    return [f for f in doc["findings"] if f["suppressed"] is None]


# Findings of one command's report, and per rule: hindsight's codes, ast-grep's and Semgrep's rule ids (Semgrep
# prefixes them with the rule file's path).
def findings(name, path):
    if name == "parse-only" or not os.path.exists(path):
        return None, {}
    try:
        doc = load(path)
    except (OSError, ValueError):
        return None, {}
    if name == "ast-grep":
        return len(doc), collections.Counter(m["ruleId"] for m in doc)
    if name == "semgrep":
        per = collections.Counter(r["check_id"].rsplit(".", 1)[-1] for r in doc["results"])
        return len(doc["results"]), per
    found = unsuppressed(doc)
    return len(found), collections.Counter(f["code"] for f in found)


def per_rule(per, keys):
    return " / ".join(str(per.get(k, 0)) for k in keys)


print("## Cold run, warm and 1 % changed: hindsight, parse-only, ast-grep and Semgrep (`bench/cold.sh`)\n")
print(f"{threads} threads, {runs} runs per command (Semgrep: {semgrep_runs}; hyperfine, medians), peak RSS the "
      f"median of 5 runs (Semgrep: of its timed runs); "
      f"started {read(f'{cold}/started')}; finished {read(f'{cold}/finished')}.\n")
print("| crate | files | tool | median wall | vs ast-grep | CPU (vs ast-grep) | peak RSS (vs ast-grep) | findings |")
print("|---|---|---|---|---|---|---|---|")
notes = []
for crate in crates:
    out = f"{cold}/{crate}.out"
    names = read(f"{out}/names").splitlines()
    results = {r["command"]: r for r in load(f"{out}/cold.json")["results"]}
    for part in ["one-percent", "semgrep"]:
        results.update({r["command"]: r for r in load(f"{out}/{part}.json")["results"]})
    med = {n: statistics.median(results[n]["times"]) for n in names}
    cpu = {n: results[n]["user"] + results[n]["system"] for n in names}
    # `/usr/bin/time -a` appends one figure a run (and a line of its own after a non-zero exit).
    rss = {n: statistics.median(int(x) for x in read(f"{out}/{n}.rss").splitlines() if x.strip().isdigit()) / 1024
           for n in names}
    found = {n: findings(n, f"{out}/{n}.report.json") for n in names}
    files = f"{read(f'{out}/files')} .rs, {int(read(f'{out}/rs-bytes')) / 1e6:.1f} MB"
    for i, n in enumerate(names):
        count = found[n][0]
        print(f"| {crate if i == 0 else ''} | {files if i == 0 else ''} | {n} | {med[n]:.3f} s | "
              f"{med['ast-grep'] / med[n]:.2f}x | {cpu[n]:.3f} s ({cpu['ast-grep'] / cpu[n]:.2f}x) | "
              f"{rss[n]:.0f} MiB ({rss[n] / rss['ast-grep']:.2f}x) | "
              f"{'-' if count is None else count} |")
    pack, sg = med["hindsight"], med["ast-grep"]
    ok = lambda good: "met" if good else "**missed**"
    three = ["unwrap", "expect", "panic-macros"]
    hs = found["hindsight HS1001+HS1002"][1]
    try:
        partial = sum(1 for e in load(f"{out}/semgrep.report.json")["errors"] if "PartialParsing" in str(e.get("type")))
    except (OSError, ValueError):
        partial = "?"
    notes.append(
        f"- **{crate}**: the whole pack {sg / pack:.2f}x ast-grep's speed (target 1.5x: {ok(sg / pack >= 1.5)}; "
        f"in CPU time {cpu['ast-grep'] / cpu['hindsight']:.2f}x), "
        f"peak RSS {rss['hindsight'] / rss['ast-grep']:.2f}x ast-grep's (target at most 1.5x: "
        f"{ok(rss['hindsight'] / rss['ast-grep'] <= 1.5)}); warm {sg / med['warm']:.1f}x faster than ast-grep "
        f"(target 10x: {ok(sg / med['warm'] >= 10)}) and {pack / med['warm']:.1f}x than our cold run (target 5x: "
        f"{ok(pack / med['warm'] >= 5)}); 1 % changed {pack / med['1 % changed']:.1f}x faster than cold (target "
        f"5x: {ok(pack / med['1 % changed'] >= 5)}); warm report = cold report: {read(f'{out}/invariant')}. "
        f"Findings `.unwrap()` / `.expect()` / panic macros: ast-grep {per_rule(found['ast-grep'][1], three)}, "
        f"Semgrep {per_rule(found['semgrep'][1], three)}; hindsight HS1001 (unwrap and expect) {hs.get('HS1001', 0)}, "
        f"HS1002 {hs.get('HS1002', 0)}; files Semgrep parsed only in part: {partial}.")
print()
print("*vs ast-grep*: ast-grep's median wall time over the row's (above 1: faster than ast-grep). *CPU*: user + "
      "system, the mean of the runs, and ast-grep's over the row's (above 1: less CPU than ast-grep). *peak RSS*: "
      "the median, and the row's over ast-grep's (above 1: more memory than ast-grep). *hindsight*: the whole "
      "built-in pack, `--no-cache`; *hindsight "
      "HS1001+HS1002*: `--select HS1001,HS1002 --profile strict`, the rules the other tools run; *warm*: the "
      "result cache primed, the tree unchanged; *1 % changed*: a line appended to 1 % of the .rs files before "
      f"each run. ast-grep 0.51.1 and Semgrep {semgrep_version} run the three rules of `bench/ast-grep` and "
      "`bench/semgrep/rules.yml` on every file, test code included; hindsight's HS1001 and HS1002 skip test code "
      "(tests/, benches/, examples/, `#[cfg(test)]`, `#[test]`), so their counts are lower by design.\n")
print("\n".join(notes))
