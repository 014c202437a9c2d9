#!/usr/bin/env python3
"""ast-grep rules equivalent to hindsight rule forms, for the per-language benchmark (bench/polyglot.sh).

Every structural form of the given languages in the rule files of the given directories (the rule's own
`language:`/`match:`, and each of its `languages:` forms) becomes one ast-grep rule per language, with the
same `match` (as `rule`), `utils`, `constraints` and `transform`; `enclosing:` becomes `inside` with
`stopBy: end`, which is what it means (hindsight evaluates it once per enclosing node and caches it). Go
patterns that need a function around them get one (`context` and `selector`), as hindsight's loader does.

    bench/ast-grep/translate.py --languages go --out bench/ast-grep/go/rules rules/code bench/rules/go

The output directory is rewritten, so the rules follow whatever the pack holds when the benchmark runs.
"""

import argparse
import glob
import os
import re
import sys

import yaml

SG_NAMES = {"go": "Go", "python": "Python", "typescript": "TypeScript", "tsx": "Tsx", "javascript": "JavaScript"}


def go_selector(pattern: str) -> str | None:
    """The node kind a Go statement or expression pattern is, once wrapped in a function."""
    text = pattern.strip()
    if re.match(r"^(package|import|func|type|var|const)\b", text) or re.fullmatch(r"\$+[A-Z_]*", text):
        return None
    if re.search(r"(^|[^=!<>:])=($|[^=])", text.split("(")[0]):
        return "assignment_statement"
    if ":=" in text.split("(")[0]:
        return "short_var_declaration"
    if text.startswith("&"):
        return "unary_expression"
    if text.endswith(")"):
        return "call_expression"
    if text.endswith("}"):
        return "composite_literal"
    return None


def wrap_go(node):
    """Go patterns as hindsight compiles them: in a function body, selected back out."""
    if isinstance(node, list):
        return [wrap_go(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "pattern" and isinstance(value, str) and (selector := go_selector(value)):
            out[key] = {"context": f"func _() {{\n{value}\n}}", "selector": selector}
        else:
            out[key] = wrap_go(value)
    return out


def forms(rule: dict):
    """(languages, form) for the rule's own structural form and each of its `languages:` forms."""
    if "match" in rule:
        yield rule.get("language"), rule
    for form in rule.get("languages") or []:
        yield form.get("language"), form


def translate(rule: dict, wanted: set[str]):
    for index, (languages, form) in enumerate(forms(rule)):
        if isinstance(languages, str):
            languages = [languages]
        for language in languages or []:
            if language not in wanted:
                continue
            matcher = form["match"]
            if form.get("enclosing"):
                matcher = {"all": [matcher, {"inside": {**form["enclosing"], "stopBy": "end"}}]}
            out = {
                "id": f"{rule['code']}-{language}-{index}",
                "language": SG_NAMES[language],
                "severity": "warning",
                "message": rule["code"],
                "rule": matcher,
            }
            for key in ("utils", "constraints", "transform"):
                if form.get(key):
                    out[key] = form[key]
            # The rule's own file globs apply to every form; ast-grep reads them the same way (relative globs).
            for key in ("files", "ignores"):
                if rule.get(key):
                    out[key] = rule[key]
            if language == "go":
                out = {k: wrap_go(v) if k in ("rule", "utils", "constraints") else v for k, v in out.items()}
            yield out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", required=True, help="comma-separated hindsight language names")
    parser.add_argument("--out", required=True)
    parser.add_argument("dirs", nargs="+")
    args = parser.parse_args()
    wanted = set(args.languages.split(","))
    os.makedirs(args.out, exist_ok=True)
    for old in glob.glob(os.path.join(args.out, "*.yml")):
        os.remove(old)
    n_rules = 0
    for directory in args.dirs:
        for path in sorted(glob.glob(os.path.join(directory, "*.yaml"))):
            try:
                with open(path) as f:
                    rule = yaml.safe_load(f)
            except yaml.YAMLError as err:
                # A skipped file would leave ast-grep with fewer rules than hindsight runs, and the comparison
                # unfair without a sign: stop instead.
                sys.exit(f"error: {path}: PyYAML cannot read it, so ast-grep would not run its forms: {err}")
            if not isinstance(rule, dict) or "code" not in rule:
                continue
            for out in translate(rule, wanted):
                with open(os.path.join(args.out, f"{out['id']}.yml"), "w") as f:
                    f.write(f"# Translated from {os.path.relpath(path)} by bench/ast-grep/translate.py.\n")
                    yaml.safe_dump(out, f, sort_keys=False, allow_unicode=True)
                n_rules += 1
    print(f"{n_rules} ast-grep rules for {args.languages} in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
