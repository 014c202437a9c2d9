"""What an editor sees from `hindsight lsp`, through a real LSP client."""

import asyncio
import json

from lsprotocol import types

from conftest import LEGACY_CALL_RULE, TIMEOUT, codes, diagnostics, open_file


def position(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


async def test_a_violation_gets_a_diagnostic_with_code_and_docs_link(client, workspace):
    uri = open_file(client, workspace, "src/main.rs")
    found = await diagnostics(client, uri, lambda d: len(d) > 0)
    assert codes(found) == ["HS1001"]
    [d] = found
    # `hindsight check` says 2:43; LSP positions are 0-based.
    assert (d.range.start.line, d.range.start.character) == (1, 42)
    assert d.source == "hindsight"
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.code_description.href == "https://blog.cloudflare.com/18-november-2025-outage/"
    # A bare unwrap is the strict profile's letter of the lesson, not the incident's shape: no incident cited.
    assert not d.related_information
    # An unwrap while reloading configuration is the shape, and cites the incident.
    config_uri = open_file(client, workspace, "src/config.rs")
    [c] = await diagnostics(client, config_uri, lambda d: len(d) > 0)
    assert c.code == "HS1003"
    assert c.related_information[0].message.startswith("incident: 2025-11-18 Cloudflare")
    # The server asked for the workspace folders and registered its file watchers; the client answered both.
    watchers = [r for r in client.registrations if r.method == "workspace/didChangeWatchedFiles"]
    assert len(watchers) == 1


async def test_an_edit_updates_the_diagnostics(client, workspace):
    uri = open_file(client, workspace, "src/main.rs")
    await diagnostics(client, uri, lambda d: codes(d) == ["HS1001"])
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=position(1, 41), end=position(1, 50)), text="?"
                )
            ],
        )
    )
    await diagnostics(client, uri, lambda d: len(d) == 0)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=position(2, 0), end=position(2, 0)),
                    text="fn g() { None::<u8>.expect(\"x\"); }\n",
                )
            ],
        )
    )
    found = await diagnostics(client, uri, lambda d: len(d) == 1)
    assert found[0].range.start == position(2, 20)


async def test_hover_shows_the_rule_and_its_incident(client, workspace):
    uri = open_file(client, workspace, "src/main.rs")
    await diagnostics(client, uri, lambda d: len(d) == 1)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position(1, 44))
    )
    text = hover.contents.value
    assert text.startswith("# HS1001 `unwrap-outside-tests`")
    for section in ["## Why is this bad?", "## Incidents", "https://blog.cloudflare.com/18-november-2025-outage/", "## How to fix"]:
        assert section in text


async def test_code_actions_offer_the_fix_and_an_allow_with_a_reason(client, workspace):
    uri = open_file(client, workspace, "src/lib.rs")
    found = await diagnostics(client, uri, lambda d: len(d) == 2)
    assert codes(found) == ["ACME8001", "ACME8001"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=found[0].range,
            context=types.CodeActionContext(diagnostics=[found[0]]),
        )
    )
    by_title = {a.title: a for a in actions}
    fix = by_title["Fix ACME8001: replace with `checked_call(1)`"]
    assert fix.kind == types.CodeActionKind.QuickFix
    [edit] = fix.edit.changes[uri]
    assert edit.new_text == "checked_call(1)"
    allow = by_title["Allow ACME8001 here (write why it is safe)"]
    [insert] = allow.edit.changes[uri]
    assert insert.new_text == "    // hindsight-allow(ACME8001): \n"
    # The command puts the cursor where the reason goes (the client shows the document with that selection).
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=allow.command.command, arguments=allow.command.arguments)
    )
    await asyncio.wait_for(_until(lambda: client.shown_documents), TIMEOUT)
    shown = client.shown_documents[0]
    assert shown.uri == uri
    assert shown.selection.start == position(1, 34)
    assert "Fix all hindsight findings in this file" in by_title


async def test_go_python_and_typescript_get_diagnostics_hover_and_an_allow_in_their_comment_syntax(client, workspace):
    # The rule's Go, Python and TypeScript forms (codex/process-exit-in-handler.yaml): where each reports, and
    # the allow each file gets, in its own comment syntax and indentation.
    cases = [
        ("cmd/agent/main.go", types.Range(start=position(5, 1), end=position(5, 11)), "\t// hindsight-allow(ACME8002): \n"),
        ("worker/main.py", types.Range(start=position(4, 4), end=position(4, 15)), "    # hindsight-allow(ACME8002): \n"),
        ("web/server.ts", types.Range(start=position(1, 2), end=position(1, 17)), "  // hindsight-allow(ACME8002): \n"),
    ]
    for name, expected_range, allow_text in cases:
        uri = open_file(client, workspace, name)
        [found] = await diagnostics(client, uri, lambda d: len(d) > 0)
        assert (found.code, found.range) == ("ACME8002", expected_range), name
        assert found.related_information[0].message.startswith("incident: 2025-11-18 Example"), name
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=found.range,
                context=types.CodeActionContext(diagnostics=[found]),
            )
        )
        allow = {a.title: a for a in actions}["Allow ACME8002 here (write why it is safe)"]
        [insert] = allow.edit.changes[uri]
        assert (insert.new_text, insert.range.start) == (allow_text, position(expected_range.start.line, 0)), name
        # The allow, once it says why, suppresses the finding: the comment is read in that language's syntax.
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=insert.range, text=allow_text.replace("): ", "): the supervisor restarts it")
                    )
                ],
            )
        )
        await diagnostics(client, uri, lambda d: len(d) == 0)
    # Hover on the Go finding shows the lesson, its incident and its Go form.
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=(workspace / "cmd/agent/main.go").as_uri()),
            position=position(5, 4),
        )
    )
    text = hover.contents.value
    assert text.startswith("# ACME8002 `process-exit-in-handler`"), text
    for section in ["## Why is this bad?", "https://example.com/worker-postmortem", "os.Exit(1)"]:
        assert section in text, section


async def test_editing_a_rule_file_reloads_the_rules(client, workspace):
    uri = open_file(client, workspace, "src/lib.rs")
    await diagnostics(client, uri, lambda d: len(d) == 2)
    rule = workspace / "codex" / "legacy-call.yaml"
    rule.write_text(LEGACY_CALL_RULE.replace("skips the checks", "is retired"))
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=rule.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    found = await diagnostics(client, uri, lambda d: len(d) == 2 and d[0].message == "`legacy_call` is retired")
    assert codes(found) == ["ACME8001", "ACME8001"]


async def test_a_broken_rule_file_is_shown_on_itself_and_other_files_still_work(client, workspace):
    rule = workspace / "codex" / "legacy-call.yaml"
    rule.write_text(LEGACY_CALL_RULE.replace("severity: warning", "severity: [warning"))
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=rule.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    on_rule = await diagnostics(client, rule.as_uri(), lambda d: len(d) > 0)
    assert codes(on_rule) == ["HS9003"]
    assert on_rule[0].range.start == position(3, 10)
    await asyncio.wait_for(_until(lambda: client.messages), TIMEOUT)
    assert "legacy-call.yaml" in client.messages[0].message
    uri = open_file(client, workspace, "src/main.rs")
    assert codes(await diagnostics(client, uri, lambda d: len(d) > 0)) == ["HS1001"]


async def test_a_malformed_message_does_not_stop_the_server(client, workspace):
    uri = open_file(client, workspace, "src/main.rs")
    await diagnostics(client, uri, lambda d: len(d) == 1)
    stdin = client._server.stdin
    body = b'{"jsonrpc": "2.0", "id": 99, "method": '
    stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    stdin.write(b"not even a header\r\n\r\n")
    await stdin.drain()
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position(1, 44))
    )
    assert hover.contents.value.startswith("# HS1001")


async def test_pulling_clients_get_reports_in_utf8_positions(pulling_client, workspace):
    client = pulling_client
    path = workspace / "src" / "main.rs"
    path.write_text('fn main() { let µ = Some(1).unwrap(); }\n')
    uri = open_file(client, workspace, "src/main.rs")
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert codes(report.items) == ["HS1001"]
    # Neovim 0.11 offers UTF-8 first: the column counts bytes (`µ` is two).
    assert report.items[0].range.start.character == len("fn main() { let µ = Some(1).".encode())
    assert uri not in client.diagnostics


async def _until(predicate):
    while not predicate():
        await asyncio.sleep(0.02)
