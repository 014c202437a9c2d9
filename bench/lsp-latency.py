#!/usr/bin/env python3
"""Latency of `hindsight lsp`: from sending `textDocument/didChange` to receiving the `publishDiagnostics`
for that version, on a 5,000-line Rust file. A benchmark, not a test: it prints numbers and fails only when
the server does not answer.

    cargo build --release -p hindsight
    bench/lsp-latency.py                       # a generated 5,000-line file, 60 edits
    bench/lsp-latency.py --file PATH --runs 100 --binary target/debug/hindsight

Each edit is an incremental change in the middle of the file that adds (then removes) an `.unwrap()`, so
every result differs from the last and must really be recomputed. Needs only python3.
"""

import argparse
import json
import os
import pathlib
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=str(REPO / "target" / "release" / "hindsight"))
    parser.add_argument("--file", help="a Rust file to edit instead of the generated one")
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        (root / "Cargo.toml").write_text('[package]\nname = "bench"\nversion = "0.1.0"\n')
        text = pathlib.Path(args.file).read_text() if args.file else generate(args.lines)
        path = root / "src" / "lib.rs"
        path.parent.mkdir()
        path.write_text(text)
        uri = path.as_uri()
        lines = text.split("\n")
        # Edit inside a function in the middle of the file: after a line that opens a block.
        middle = len(lines) // 2
        while middle < len(lines) - 1 and not lines[middle].rstrip().endswith("{"):
            middle += 1
        edit_line = middle + 1

        client = Client([os.path.abspath(args.binary), "lsp"], root)
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
        for run in range(args.runs):
            version = run + 2
            if run % 2 == 0:
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
            expected = len(first) + (1 if run % 2 == 0 else 0)
            if len(found) != expected:
                raise SystemExit(f"edit {run}: {len(found)} diagnostics, expected {expected}")

        client.request("shutdown", None)
        client.notify("exit", None)
        client.process.wait(timeout=10)

    samples.sort()
    p90 = samples[int(len(samples) * 0.9) - 1]
    print(f"file: {args.file or 'generated'}, {len(lines)} lines, {len(text)} bytes, {len(first)} diagnostics")
    print(f"binary: {args.binary}")
    print(f"open -> first publishDiagnostics: {open_ms:.1f} ms")
    print(
        f"didChange -> publishDiagnostics over {len(samples)} edits: median {statistics.median(samples):.1f} ms, "
        f"p90 {p90:.1f} ms, min {samples[0]:.1f} ms, max {samples[-1]:.1f} ms"
    )


if __name__ == "__main__":
    sys.exit(main())
