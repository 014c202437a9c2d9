"""Client tests of `hindsight mcp`: the real binary driven over stdio by the official MCP Python SDK.

Each test gets a repository of its own: a temporary git repository whose first commit holds a Rust crate, a
Kubernetes manifest, a CI workflow and a `hindsight.toml`; tests change files on top of it and ask the server
about the change, as an AI reviewer would.
"""

import contextlib
import os
import pathlib
import subprocess

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

REPO = pathlib.Path(__file__).resolve().parents[3]
HINDSIGHT = os.environ.get(
    "HINDSIGHT_BIN",
    str(pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "debug" / "hindsight"),
)

BASE_FILES = {
    "Cargo.toml": '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n',
    "hindsight.toml": '[docs]\nurl = "https://codex.example.com/"\n',
    "src/lib.rs": "pub fn port(text: &str) -> u16 {\n    text.parse().unwrap_or(80)\n}\n",
    "deploy/web.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  strategy:
    rollingUpdate:
      maxUnavailable: 1
  template:
    spec:
      containers:
        - name: web
          image: example/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
""",
    ".github/workflows/ci.yml": """\
name: ci
on: [push]
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11
      - run: cargo test
""",
}


def git(cwd: pathlib.Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def write(root: pathlib.Path, files: dict) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def repo(tmp_path: pathlib.Path) -> pathlib.Path:
    """A git repository with one commit holding BASE_FILES."""
    write(tmp_path, BASE_FILES)
    git(tmp_path, "init", "--quiet", "--initial-branch=main")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", ".")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "base")
    return tmp_path


@contextlib.asynccontextmanager
async def connect(cwd: pathlib.Path, *args: str):
    """An initialised client session with `hindsight mcp` started in `cwd`."""
    params = StdioServerParameters(command=HINDSIGHT, args=["mcp", *args], cwd=str(cwd))
    async with stdio_client(params) as streams:
        async with ClientSession(*streams) as session:
            await session.initialize()
            yield session


@pytest.fixture
async def session(repo: pathlib.Path):
    async with connect(repo) as session:
        yield session


async def call(session: ClientSession, tool: str, arguments: dict) -> dict:
    """Calls a tool that must succeed, and returns its structured result."""
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, result
    assert result.structured_content is not None, result
    return result.structured_content
