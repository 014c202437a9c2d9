#!/usr/bin/env python3
"""Renders Helm charts with the real helm and checks them: per chart, `helm template` time (median of 3),
whether it rendered, and the findings hindsight places in the templates (code, path:line, exact/approximate).

    HELM=target/helm/bin/helm HINDSIGHT=target/release/hindsight bench/helm-charts.py CHART_DIR... > out.jsonl

One JSON line per chart; a summary on stderr. Used for rules/PRECISION.md (Issue 15: Helm charts).
"""
import json, os, statistics, subprocess, sys, time

helm = os.path.abspath(os.environ.get("HELM", "target/helm/bin/helm"))
hindsight = os.path.abspath(os.environ.get("HINDSIGHT", "target/release/hindsight"))
env = dict(os.environ, PATH=os.path.dirname(helm) + ":/usr/bin:/bin", NO_COLOR="1")
times, rendered, failed, n_findings = [], 0, 0, 0
for chart in sys.argv[1:]:
    runs = []
    ok = True
    for _ in range(3):
        start = time.perf_counter()
        proc = subprocess.run([helm, "template", chart], capture_output=True, env=env, timeout=120)
        runs.append(time.perf_counter() - start)
        ok = proc.returncode == 0
    median_ms = statistics.median(runs) * 1000
    times.append(median_ms)
    rendered += ok
    failed += not ok
    out = subprocess.run([hindsight, "check", chart, "--format", "json", "--select", "HS2"],
                         capture_output=True, env=env, cwd=os.getcwd(), timeout=300)
    doc = json.loads(out.stdout or "{}")
    findings = [
        {"code": f["code"], "at": f"{f['path']}:{f['start']['line']}", "line": (f.get("rendered") or {}).get("line", "plain"),
         "message": f["message"], "stage": f["stage"]}
        for f in doc.get("findings", [])
    ]
    n_findings += len(findings)
    notes = [n["message"][:160] for n in doc.get("notes", []) if n.get("kind") == "render"]
    print(json.dumps({"chart": chart, "helm_ms": round(median_ms, 1), "rendered": ok,
                      "error": None if ok else proc.stderr.decode()[:200], "findings": findings, "notes": notes}))
print(f"{len(times)} charts, {rendered} rendered, {failed} failed; helm template median {statistics.median(times):.0f} ms "
      f"(min {min(times):.0f}, max {max(times):.0f}); {n_findings} findings", file=sys.stderr)
