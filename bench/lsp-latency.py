#!/usr/bin/env python3
"""Latency of `hindsight lsp`: from sending `textDocument/didChange` to receiving the `publishDiagnostics`
for that version, on real and generated Rust files of 5,000 to 7,000 lines. A benchmark, not a test: it prints
a table and fails only when the server does not answer or answers wrongly.

    cargo build --release -p hindsight
    bench/lsp-latency.py                       # the real files (cargo registry) and both generated ones
    bench/lsp-latency.py --file PATH --runs 100 --binary target/debug/hindsight --mode full

Each edit is a change in the middle of the file that adds (then removes) an `.unwrap()`, so every result
differs from the last and must really be recomputed (under the `strict` profile, where every `.unwrap()`
outside tests is a finding). `--mode incremental` sends it as a range edit,
`--mode full` as the whole new text (what many clients send), `both` (the default) measures each. The real
files are the ones issue 16 names: regex-syntax 0.8.12 `src/ast/parse.rs`, cc 1.11.3 `src/lib.rs` and
granit-parser 2.2.0 `src/scanner.rs`, fetched into the cargo registry by `cargo fetch` when missing. Needs
python3 and cargo.
"""

import argparse
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]


def generate(lines: int) -> str:
    """Ordinary service code: structs, impls, matches, error handling, a few findings, a test module."""
    chunk = '''
/// Settings for shard {i}.
#[derive(Debug, Clone, Default)]
pub struct Shard{i} {{
    pub name: String,
    pub limit: usize,
    pub peers: Vec<String>,
}}

impl Shard{i} {{
    pub fn load(text: &str) -> Result<Self, String> {{
        let mut shard = Self::default();
        for (n, line) in text.lines().enumerate() {{
            let Some((key, value)) = line.split_once('=') else {{
                return Err(format!("line {{n}}: expected key=value"));
            }};
            match key.trim() {{
                "name" => {{
                    shard.name = value.trim().to_string();
                }}
                "limit" => {{
                    shard.limit = value.trim().parse().map_err(|e| format!("line {{n}}: {{e}}"))?;
                }}
                "peer" => shard.peers.push(value.trim().to_string()),
                other => return Err(format!("line {{n}}: unknown key {{other}}")),
            }}
        }}
        Ok(shard)
    }}

    pub fn first_peer(&self) -> &str {{
        self.peers.first().map(String::as_str).unwrap_or("none")
    }}

    pub fn weight(&self) -> u64 {{
        let base = std::env::var("SHARD_WEIGHT").unwrap();
        base.len() as u64 * self.limit as u64
    }}
}}
'''
    tests = '''
#[cfg(test)]
mod tests {
    #[test]
    fn loads() {
        assert!(super::Shard0::load("name = a").unwrap().name == "a");
    }
}
'''
    out = ["//! Generated for bench/lsp-latency.py.\n"]
    i = 0
    while sum(part.count("\n") for part in out) < lines - tests.count("\n"):
        out.append(chunk.format(i=i))
        i += 1
    out.append(tests)
    return "".join(out)


def generate_small(lines: int) -> str:
    """Many small functions that call each other: dense in calls, which is what the rules look at."""
    chunk = """
pub fn handle_{i}(ctx: &Context, input: &str) -> Result<u64, Error> {{
    let parsed = parse_input(input).map_err(Error::from)?;
    let value = ctx.lookup(&parsed).map(|v| v + {i})?;
    log_value(ctx, "handle_{i}", value);
    Ok(value)
}}
"""
    out = ["//! Generated for bench/lsp-latency.py: small functions.\n"]
    i = 0
    while sum(part.count("\n") for part in out) < lines:
        out.append(chunk.format(i=i))
        i += 1
    return "".join(out)


REAL_FILES = [
    ("regex-syntax", "0.8.12", "src/ast/parse.rs"),
    ("cc", "1.11.3", "src/lib.rs"),
    ("granit-parser", "2.2.0", "src/scanner.rs"),
]


def registry_file(name: str, version: str, path: str):
    """The file from the cargo registry's sources, fetched there first when it is missing."""
    home = pathlib.Path(os.environ.get("CARGO_HOME", pathlib.Path.home() / ".cargo"))
    found = sorted(home.glob(f"registry/src/*/{name}-{version}/{path}"))
    if not found:
        with tempfile.TemporaryDirectory() as tmp:
            manifest = pathlib.Path(tmp) / "Cargo.toml"
            manifest.write_text(
                f'[package]\nname = "fetch"\nversion = "0.0.0"\n[lib]\npath = "lib.rs"\n'
                f'[dependencies]\n{name} = "={version}"\n'
            )
            (pathlib.Path(tmp) / "lib.rs").write_text("")
            subprocess.run(["cargo", "fetch", "--manifest-path", str(manifest)], check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        found = sorted(home.glob(f"registry/src/*/{name}-{version}/{path}"))
    return found[0] if found else None


class Client:
    def __init__(self, command, root: pathlib.Path):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=root)
        self.next_id = 0

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self):
        length = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit("the server closed its output")
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        message = json.loads(self.process.stdout.read(length))
        if "id" in message and "method" in message:  # a request from the server: answer it
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        return message

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                return message

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri, version):
        while True:
            message = self.receive()
            params = message.get("params") or {}
            if (
                message.get("method") == "textDocument/publishDiagnostics"
                and params.get("uri") == uri
                and params.get("version") == version
            ):
                return params["diagnostics"]


def edit_place(lines: list[str]) -> int:
    """The line to edit: the first in a function body about the middle of the production code (before the
    test module), so the probe's `.unwrap()` is a finding."""
    end = next((i for i, line in enumerate(lines) if line.strip() == "#[cfg(test)]"), len(lines))
    middle = end // 2
    opens_fn = re.compile(r"^\s*(pub(\([a-z]+\))? )?(const )?(async )?(unsafe )?fn .*\{$")
    while middle < end - 1 and not opens_fn.match(lines[middle].rstrip()):
        middle += 1
    return middle + 1


def measure(binary: str, text: str, runs: int, full_text: bool) -> dict:
    """Opens `text` as src/lib.rs of a temporary crate and times `runs` edits."""
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        # Not named `bench`: a package of that name holds benchmarks, which hindsight judges tooling code.
        (root / "Cargo.toml").write_text('[package]\nname = "orders"\nversion = "0.1.0"\n')
        # The broad forms: every `.unwrap()` outside tests is a finding, wherever the edit lands (the default
        # forms report it only in shapes such as configuration loading). They are also the heavier pack.
        (root / "hindsight.toml").write_text('[rules]\nprofile = "strict"\n')
        path = root / "src" / "lib.rs"
        path.parent.mkdir()
        path.write_text(text)
        uri = path.as_uri()
        lines = text.split("\n")
        edit_line = edit_place(lines)

        client = Client([os.path.abspath(binary), "lsp"], root)
        client.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {}},
        )
        client.notify("initialized", {})
        started = time.perf_counter()
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "rust", "version": 1, "text": text}},
        )
        first = client.diagnostics(uri, 1)
        open_ms = (time.perf_counter() - started) * 1000

        samples = []
        inserted = "        let _probe = std::env::var(\"PROBE\").unwrap();\n"
        with_probe = "\n".join(lines[:edit_line] + [inserted.rstrip("\n")] + lines[edit_line:])
        for run in range(runs):
            version = run + 2
            adding = run % 2 == 0
            if full_text:
                change = {"text": with_probe if adding else text}
            elif adding:
                change = {
                    "range": {"start": {"line": edit_line, "character": 0}, "end": {"line": edit_line, "character": 0}},
                    "text": inserted,
                }
            else:
                change = {
                    "range": {"start": {"line": edit_line, "character": 0}, "end": {"line": edit_line + 1, "character": 0}},
                    "text": "",
                }
            started = time.perf_counter()
            client.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
            )
            found = client.diagnostics(uri, version)
            samples.append((time.perf_counter() - started) * 1000)
            expected = len(first) + (1 if adding else 0)
            if len(found) != expected:
                raise SystemExit(f"edit {run}: {len(found)} diagnostics, expected {expected}")

        client.request("shutdown", None)
        client.notify("exit", None)
        client.process.wait(timeout=10)

    samples.sort()
    return {
        "lines": len(lines),
        "diagnostics": len(first),
        "open": open_ms,
        "median": statistics.median(samples),
        "p90": samples[max(int(len(samples) * 0.9) - 1, 0)],
        "min": samples[0],
        "max": samples[-1],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=str(REPO / "target" / "release" / "hindsight"))
    parser.add_argument("--file", action="append", help="a Rust file to edit (repeatable) instead of the default set")
    parser.add_argument("--lines", type=int, default=5000, help="lines of each generated file")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--mode", choices=["incremental", "full", "both"], default="both")
    args = parser.parse_args()

    files = []
    if args.file:
        files = [(path, pathlib.Path(path).read_text()) for path in args.file]
    else:
        for name, version, path in REAL_FILES:
            found = registry_file(name, version, path)
            if found is None:
                print(f"note: {name} {version} is not in the cargo registry and could not be fetched: skipped",
                      file=sys.stderr)
                continue
            files.append((f"{name} {version} `{path}`", found.read_text()))
        files.append(("generated: structs and impls", generate(args.lines)))
        files.append(("generated: small functions with calls", generate_small(args.lines)))
    modes = ["incremental", "full"] if args.mode == "both" else [args.mode]

    print(f"binary: {args.binary}; {args.runs} edits per row; load average {os.getloadavg()[0]:.1f}")
    print()
    print("| file | lines | diagnostics | change sent as | open -> diagnostics | median | p90 | min | max |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, text in files:
        for mode in modes:
            r = measure(args.binary, text, args.runs, mode == "full")
            sent = "whole text" if mode == "full" else "range"
            print(
                f"| {label} | {r['lines']:,} | {r['diagnostics']} | {sent} | {r['open']:.1f} ms "
                f"| **{r['median']:.1f} ms** | {r['p90']:.1f} ms | {r['min']:.1f} ms | {r['max']:.1f} ms |",
                flush=True,
            )


if __name__ == "__main__":
    sys.exit(main())
