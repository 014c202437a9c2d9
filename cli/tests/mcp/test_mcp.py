"""`hindsight mcp` through the official MCP Python SDK: tools, resources, the prompt, and bad calls."""

import pathlib
import re

import pytest
from mcp.shared.exceptions import MCPError

from conftest import BASE_FILES, call, connect, git, write

pytestmark = pytest.mark.anyio

TOOLS = {"check", "lessons_for_change", "explain", "search_codex", "coverage"}

UNWRAP = "pub fn parse_port(text: &str) -> Option<u16> {\n    Some(text.parse().unwrap())\n}\n"
# A second decoder with the same mistake.
UNWRAP_SIZE = "pub fn parse_size(text: &str) -> Option<u8> {\n    Some(text.parse().unwrap())\n}\n"


async def test_every_tool_has_an_input_and_an_output_schema(session):
    tools = {tool.name: tool for tool in (await session.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.description, tool.name
        assert tool.input_schema["type"] == "object", tool.name
        assert tool.output_schema is not None and tool.output_schema["type"] == "object", tool.name
    assert {"paths", "diff", "base", "head", "staged", "new_only", "rules_from"} <= set(
        tools["check"].input_schema["properties"]
    )
    assert "findings" in tools["check"].output_schema["properties"]
    assert tools["explain"].input_schema["required"] == ["rule"]


async def test_check_reports_findings_with_code_location_incident_and_the_teams_docs_link(repo, session):
    write(repo, {"src/lib.rs": UNWRAP})
    result = await call(session, "check", {"paths": ["src"]})
    [finding] = result["findings"]
    assert (finding["code"], finding["path"], finding["line"], finding["column"]) == ("HS1001", "src/lib.rs", 2, 23)
    assert finding["title"].startswith("If you need the value inside a Result or Option")
    assert finding["incident"] and finding["incident"][:4].isdigit()
    # `[docs] url` in hindsight.toml, discovered from the server's directory as the CLI discovers it.
    assert finding["link"] == "https://codex.example.com/rules/HS1001.html"
    assert result["files_checked"] == 1


async def test_check_a_git_change_reports_only_the_lines_it_changes(repo, session):
    # An old unwrap, committed, and a new one in the working tree.
    write(repo, {"src/old.rs": UNWRAP_SIZE})
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "old")
    write(repo, {"src/lib.rs": UNWRAP})
    whole = await call(session, "check", {})
    assert sorted(f["path"] for f in whole["findings"]) == ["src/lib.rs", "src/old.rs"]
    change = await call(session, "check", {"base": "HEAD"})
    assert [f["path"] for f in change["findings"]] == ["src/lib.rs"]


async def test_check_a_unified_diff_reports_the_lines_it_adds(repo, session):
    write(repo, {"src/lib.rs": UNWRAP + UNWRAP_SIZE})
    # A patch that adds only the second function (lines 4-6), as a pull request's diff would.
    patch = (
        "diff --git a/src/lib.rs b/src/lib.rs\n--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -1,3 +1,6 @@\n"
        + "".join(" " + line + "\n" for line in UNWRAP.splitlines())
        + "".join("+" + line + "\n" for line in UNWRAP_SIZE.splitlines())
    )
    result = await call(session, "check", {"diff": patch})
    assert [(f["code"], f["line"]) for f in result["findings"]] == [("HS1001", 5)]
    assert any("the diff does not add" in words for words in result["omitted"])


async def test_a_range_with_a_head_is_checked_from_the_head_commit_not_the_working_tree(repo, session):
    # `feature` commits a function with unwrap (lines 4-6); then the working tree goes back to the base's
    # content and gets another unwrap of its own: findings must be on the head commit's lines only.
    base = git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, {"src/lib.rs": BASE_FILES["src/lib.rs"] + UNWRAP})
    git(repo, "commit", "-qam", "feature")
    git(repo, "checkout", "-q", base)
    write(repo, {"src/lib.rs": UNWRAP_SIZE})
    result = await call(session, "check", {"base": base, "head": "feature"})
    assert [(f["code"], f["path"], f["line"]) for f in result["findings"]] == [("HS1001", "src/lib.rs", 5)]
    lessons = await call(session, "lessons_for_change", {"base": base, "head": "feature"})
    assert lessons["files"] == ["src/lib.rs"]
    assert "HS1001" in [lesson["code"] for lesson in lessons["lessons"]]


async def test_lessons_for_a_patch_of_files_not_on_disk_see_its_added_lines(session):
    # `src/loader.rs` exists only in the patch: the review-only lesson on generated input (prefilter `rule.?set`)
    # must still match the lines it adds.
    patch = (
        "diff --git a/src/loader.rs b/src/loader.rs\nnew file mode 100644\n--- /dev/null\n+++ b/src/loader.rs\n"
        "@@ -0,0 +1,3 @@\n+pub fn reload(text: &str) -> Option<RuleSet> {\n+    serde_json::from_str(text).ok()\n+}\n"
    )
    result = await call(session, "lessons_for_change", {"diff": patch})
    assert result["files"] == ["src/loader.rs"]
    assert "HS7001" in [lesson["code"] for lesson in result["lessons"]], result


async def test_lessons_for_a_workflow_change_are_only_ci_lessons(repo, session):
    workflow = repo / ".github/workflows/ci.yml"
    workflow.write_text(workflow.read_text().replace("cargo test", "cargo test --locked"))
    result = await call(session, "lessons_for_change", {"base": "HEAD"})
    assert result["files"] == [".github/workflows/ci.yml"]
    codes = [lesson["code"] for lesson in result["lessons"]]
    assert codes, result
    assert all(code.startswith("HS3") for code in codes), codes


async def test_lessons_for_a_rust_and_kubernetes_change(repo, session):
    write(repo, {"src/lib.rs": UNWRAP + "pub fn reload(text: &str) -> Option<RuleSet> {\n    serde_json::from_str(text).ok()\n}\n"})
    manifest = repo / "deploy/web.yaml"
    manifest.write_text(manifest.read_text().replace("replicas: 3", "replicas: 4"))
    result = await call(session, "lessons_for_change", {"base": "HEAD"})
    assert result["files"] == ["deploy/web.yaml", "src/lib.rs"]
    by_code = {lesson["code"]: lesson for lesson in result["lessons"]}
    # Rust rules for the Rust file, the Deployment's rules for the manifest, and the review-only lesson on
    # generated input (its prefilter: `rule.?set`) for the Rust file; no CI or Terraform lesson.
    assert by_code["HS1001"]["files"] == ["src/lib.rs"] and by_code["HS1001"]["kind"] == "automated"
    assert by_code["HS2001"]["files"] == ["deploy/web.yaml"]
    review = by_code["HS7001"]
    assert review["kind"] == "review" and review["files"] == ["src/lib.rs"]
    assert review["title"].startswith("If you consume configuration or data that another system generates")
    assert review["why"] and review["check"] and review["link"] == "https://codex.example.com/rules/HS7001.html"
    assert not any(code.startswith(("HS3", "HS8")) for code in by_code), sorted(by_code)
    # Review-only lessons come first.
    kinds = [lesson["kind"] for lesson in result["lessons"]]
    assert kinds == sorted(kinds, key=lambda kind: kind != "review")


async def test_lessons_for_named_paths(session):
    result = await call(session, "lessons_for_change", {"paths": ["deploy/web.yaml"]})
    assert {lesson["code"][:3] for lesson in result["lessons"]} == {"HS2"}


async def test_explain_search_and_coverage(session):
    explained = await call(session, "explain", {"rule": "unwrap-outside-tests"})
    assert explained["code"] == "HS1001"
    assert "# HS1001" in explained["markdown"] or "HS1001" in explained["markdown"].splitlines()[0]
    assert explained["inputs"] == ["rust"]
    found = await call(session, "search_codex", {"query": "DaemonSet"})
    # The lesson with the word in its title first.
    assert found["lessons"][0]["code"] == "HS2002"
    limited = await call(session, "search_codex", {"query": "retry backoff", "limit": 1})
    assert len(limited["lessons"]) == 1
    coverage = await call(session, "coverage", {"incidents": ["cloudflare-2025-11-18"]})
    [incident] = coverage["incidents"]
    assert incident["id"] == "cloudflare-2025-11-18"
    assert coverage["totals"] == incident["totals"] and incident["totals"]["items"] > 0


async def test_rules_and_incidents_are_resources_with_stable_uris(session):
    resources = {resource.uri: resource for resource in (await session.list_resources()).resources}
    assert "hindsight://rules/HS1001" in resources
    assert "hindsight://incidents/cloudflare-2025-11-18" in resources
    rule = await session.read_resource("hindsight://rules/HS1001")
    assert "unwrap" in rule.contents[0].text
    incident = await session.read_resource("hindsight://incidents/cloudflare-2025-11-18")
    text = incident.contents[0].text
    assert text.startswith("# 2025-11-18 Cloudflare") and "## Action items" in text
    templates = (await session.list_resource_templates()).resource_templates
    assert {t.uri_template for t in templates} == {"hindsight://rules/{code}", "hindsight://incidents/{id}"}
    with pytest.raises(MCPError, match="no rule or incident"):
        await session.read_resource("hindsight://rules/HS0000")


async def test_the_review_prompt_uses_the_tools(session):
    [prompt] = (await session.list_prompts()).prompts
    assert prompt.name == "review"
    result = await session.get_prompt("review", {"base": "origin/main"})
    text = result.messages[0].content.text
    assert "origin/main" in text and "lessons_for_change" in text and "`check`" in text


@pytest.mark.parametrize(
    "tool, arguments, message",
    [
        ("explain", {"rule": "HS0000"}, "no rule has the code or id `HS0000`"),
        ("explain", {}, "missing field `rule`"),
        ("check", {"paths": "src"}, "expected a sequence"),
        ("check", {"paths": ["no/such/file.rs"]}, "does not exist"),
        ("check", {"base": "no-such-ref"}, "no-such-ref"),
        ("check", {"base": "HEAD", "head": "main", "staged": True}, "give one of them"),
        ("check", {"base": "HEAD..main"}, "single refs"),
        ("check", {"base": "HEAD", "head": "no-such-head"}, "no-such-head"),
        ("check", {"paths": ["src"], "base": "HEAD"}, "not several"),
        ("check", {"diff": "not a patch"}, "diff"),
        ("search_codex", {"query": "  "}, "at least one word"),
        ("coverage", {"incidents": ["nobody-1999-01-01"]}, "no incident"),
        ("no_such_tool", {}, "tool not found"),
    ],
)
async def test_a_bad_call_is_an_error_with_a_message_and_the_server_keeps_serving(session, tool, arguments, message):
    # Arguments that do not fit the input schema are reported by the SDK as a tool result with `isError`;
    # every other bad argument is an MCP error (JSON-RPC, invalid params).
    try:
        result = await session.call_tool(tool, arguments)
    except MCPError as error:
        text = str(error)
    else:
        assert result.is_error, result
        text = " ".join(block.text for block in result.content)
    assert re.search(message, text), text
    explained = await call(session, "explain", {"rule": "HS1001"})
    assert explained["code"] == "HS1001"


async def test_configuration_is_discovered_like_the_cli(repo: pathlib.Path):
    write(repo, {"hindsight.toml": '[rules]\ndisable = ["HS1001"]\n', "src/lib.rs": UNWRAP})
    async with connect(repo) as session:
        result = await call(session, "check", {"paths": ["src"]})
        assert result["findings"] == []
        lessons = await call(session, "lessons_for_change", {"paths": ["src/lib.rs"]})
        assert "HS1001" not in [lesson["code"] for lesson in lessons["lessons"]]
    # Started with --rules, the server loads that pack too.
    write(repo, {"codex/legacy-call.yaml": LEGACY_CALL_RULE, "src/legacy.rs": "fn f() { legacy_call(1); }\n"})
    async with connect(repo, "--rules", "codex") as session:
        result = await call(session, "check", {"paths": ["src/legacy.rs"]})
        assert [f["code"] for f in result["findings"]] == ["ACME8001"]


LEGACY_CALL_RULE = """\
id: legacy-call
code: ACME8001
title: If you need to call the service, use `checked_call`; don't use `legacy_call`
severity: warning
language: rust
message: "`legacy_call` skips the checks"
match:
  pattern: legacy_call($$$ARGS)
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
  bad: ["fn f() { legacy_call(1); }"]
  good: ["fn f() { checked_call(1); }"]
"""
