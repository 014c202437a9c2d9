"""End-to-end tests: the real `hindsight lsp` binary driven by pytest-lsp's client.

Each test gets a workspace of its own (a temporary directory with a Cargo package, a rule pack in `codex/`
and a `hindsight.toml` that loads it) and a client that impersonates VS Code's capabilities, so the server
registers file watchers and asks for the workspace folders; the client answers both.
"""

import asyncio
import os
import pathlib
from typing import Union

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import make_test_lsp_client

REPO = pathlib.Path(__file__).resolve().parents[3]
HINDSIGHT = os.environ.get("HINDSIGHT_BIN", str(REPO / "target" / "debug" / "hindsight"))
TIMEOUT = 20

LEGACY_CALL_RULE = """\
id: legacy-call
code: ACME8001
title: If you need to call the service, use `checked_call`; don't use `legacy_call`
severity: warning
language: rust
message: "`legacy_call` skips the checks"
match:
  pattern: legacy_call($$$ARGS)
fix: checked_call($$$ARGS)
docs:
  what: Reports `legacy_call`.
  why: It skips the checks.
  fix: Call `checked_call`.
incidents:
  - date: "2025-11-18"
    organisation: Example
    summary: A legacy call skipped the checks.
    url: https://example.com/postmortem
examples:
  bad:
    - "fn f() { legacy_call(1); }"
  good:
    - "fn f() { checked_call(1); }"
"""

# One lesson in four languages: the rule's own Rust form and a `languages:` form each for Go, Python and
# TypeScript, with its incident inline.
PROCESS_EXIT_RULE = """\
id: process-exit-in-handler
code: ACME8002
title: If a request fails, return an error; don't exit the process
severity: warning
language: rust
message: the process exits here
match:
  pattern: std::process::exit($$$)
docs:
  what: Reports calls that exit the process.
  why: One bad request takes the whole service down.
  fix: Return an error to the caller.
incidents:
  - date: "2025-11-18"
    organisation: Example
    summary: A worker exited on one bad message.
    url: https://example.com/worker-postmortem
examples:
  bad: ["fn f() { std::process::exit(1); }"]
  good: ["fn f() {}"]
languages:
  - language: go
    match: { pattern: os.Exit($$$) }
    examples: { bad: ["package a\\nfunc f() { os.Exit(1) }\\n"], good: ["package a\\n"] }
  - language: python
    match: { pattern: sys.exit($$$) }
    examples: { bad: ["def f():\\n    sys.exit(1)\\n"], good: ["def f():\\n    pass\\n"] }
  - language: [typescript, tsx, javascript]
    match: { pattern: process.exit($$$) }
    examples: { bad: ["function f() { process.exit(1); }\\n"], good: ["function f() {}\\n"] }
"""

FILES = {
    "Cargo.toml": '[package]\nname = "demo"\nversion = "0.1.0"\n',
    "hindsight.toml": '[rules]\nprofile = "strict"\ndirs = ["codex"]\n',
    "codex/legacy-call.yaml": LEGACY_CALL_RULE,
    "codex/process-exit-in-handler.yaml": PROCESS_EXIT_RULE,
    "src/main.rs": 'fn main() {\n    let port: u16 = std::env::var("PORT").unwrap().parse().unwrap_or(80);\n}\n',
    "src/lib.rs": "pub fn f() -> i32 {\n    legacy_call(1) + legacy_call(2)\n}\n",
    "src/config.rs": "fn reload_config(&mut self, text: &str) {\n    self.config = toml::from_str(text).unwrap();\n}\n",
    "cmd/agent/main.go": 'package main\n\nimport "os"\n\nfunc handle() {\n\tos.Exit(2)\n}\n',
    "worker/main.py": "import sys\n\n\ndef handle():\n    sys.exit(2)\n",
    "web/server.ts": "export function handle(): void {\n  process.exit(2);\n}\n",
}


def make_client() -> LanguageClient:
    client = make_test_lsp_client()
    # lsprotocol reads any code action with a `command` key as a bare `Command`, dropping its `edit`; the spec
    # (and VS Code, Neovim, Helix) tell them apart by whether `command` is a string.
    converter = client.protocol._converter

    def code_action_or_command(value, _):
        if isinstance(value.get("command"), str):
            return converter.structure(value, types.Command)
        return converter.structure(value, types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], code_action_or_command)
    client.registrations = []
    client.workspace_folders = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams):
        client.registrations.extend(params.registrations)

    @client.feature(types.WORKSPACE_WORKSPACE_FOLDERS)
    def workspace_folders(params: None):
        return client.workspace_folders

    return client


@pytest.fixture
def workspace(tmp_path: pathlib.Path) -> pathlib.Path:
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


async def start(client: LanguageClient, workspace: pathlib.Path, spec: str):
    uri = workspace.as_uri()
    client.workspace_folders = [types.WorkspaceFolder(uri=uri, name="demo")]
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(spec),
            root_uri=uri,
            workspace_folders=client.workspace_folders,
        )
    )


CONFIG = ClientServerConfig(server_command=[HINDSIGHT, "lsp"], client_factory=make_client)


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, workspace: pathlib.Path):
    """A client with VS Code's capabilities: push diagnostics, dynamic file watchers."""
    await start(lsp_client, workspace, "visual-studio-code")
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def pulling_client(lsp_client: LanguageClient, workspace: pathlib.Path):
    """A client with Neovim 0.11's capabilities: pull diagnostics, UTF-8 positions."""
    await start(lsp_client, workspace, "neovim@v0.11.0")
    yield
    await lsp_client.shutdown_session()


def open_file(client: LanguageClient, workspace: pathlib.Path, name: str, version: int = 1) -> str:
    path = workspace / name
    language = {"rs": "rust", "yaml": "yaml", "go": "go", "py": "python", "ts": "typescript"}[path.suffix.lstrip(".")]
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path.as_uri(), language_id=language, version=version, text=path.read_text()
            )
        )
    )
    return path.as_uri()


async def diagnostics(client: LanguageClient, uri: str, accept) -> list:
    """Waits until the diagnostics published for `uri` satisfy `accept`."""

    async def wait():
        while True:
            current = client.diagnostics.get(uri)
            if current is not None and accept(current):
                return current
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    try:
        return await asyncio.wait_for(wait(), TIMEOUT)
    except TimeoutError:
        raise AssertionError(f"no acceptable diagnostics for {uri}; the last were {client.diagnostics.get(uri)}")


def codes(diagnostics) -> list:
    return [d.code for d in diagnostics]
