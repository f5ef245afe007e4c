"""Code actions while typing: answered from the last answer carried to the new text, with
no generator run; after a pause, the latest version's work is done ahead and the answer is
about the latest text. (Timing lives in ``sea-lsp bench lsp``.)"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.workspace import Workspace as PyglsWorkspace

from sea_lsp.actions import registry
from sea_lsp.actions.base import Candidate, NodeRef
from sea_lsp.config import Settings
from sea_lsp.server import bursts, code_actions, documents, idle
from sea_lsp.server.app import build_server
from sea_lsp.server.state import ServerState
from sea_lsp.workspace.changes import Change, TextEdit, apply_edits
from sea_lsp.workspace.folders import FolderSet

SOURCE = (
    "import os\n\n\ndef top(a, b):\n    if a < b:\n        return a\n    return b - 1\n\n\n"
    "def other(x):\n    return x + 1\n"
)
URI_NAME = "m.py"
KEY = ((), (), False)


@pytest.fixture
def ls(tmp_path: Path) -> Server:
    (tmp_path / URI_NAME).write_text(SOURCE)
    state = ServerState()
    state.folders = FolderSet()
    state.folders.add(tmp_path)
    state.base_settings = Settings().merged({"typingIdleMs": 300})
    server = Server(state)
    documents.did_open(server, _open_params(tmp_path))
    return server


class Server:
    """What the request modules use of ``SeaServer``, without its protocol."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.loop: asyncio.AbstractEventLoop | None = None

    def show_once(self, message: str) -> None:
        raise AssertionError(message)


def _open_params(root: Path) -> lsp.DidOpenTextDocumentParams:
    item = lsp.TextDocumentItem((root / URI_NAME).as_uri(), "python", 1, SOURCE)
    return lsp.DidOpenTextDocumentParams(item)


def _type(ls, line: int, character: int, text: str, version: int, end: int | None = None):
    """A one-range didChange (``end``: the character the replaced range ends at)."""
    stop = lsp.Position(line, character if end is None else end)
    change = lsp.TextDocumentContentChangePartial(
        range=lsp.Range(lsp.Position(line, character), stop), text=text
    )
    uri = (ls.state.workspace.root / URI_NAME).as_uri()
    ident = lsp.VersionedTextDocumentIdentifier(uri=uri, version=version)
    return documents.did_change(ls, lsp.DidChangeTextDocumentParams(ident, [change]))


def _cursor(ls, line: int, character: int) -> int:
    doc = ls.state.workspace.document(URI_NAME)
    return doc.index.position_to_byte(line, character, "utf-16")


def _answer(ls, at: int):
    doc = ls.state.workspace.document(URI_NAME)
    return bursts.answer_for(ls, URI_NAME, doc, at, at, KEY, 0.3)


def _applied(ls, candidate: Candidate) -> str:
    text = ls.state.workspace.document(URI_NAME).text
    return apply_edits(text, list(candidate.change.edits))


def _no_generators(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    ran: list[str] = []

    def refuse(*args, **kwargs):
        ran.append("generators")
        return [], None

    monkeypatch.setattr(registry, "generate_until", refuse)
    return ran


def test_while_typing_the_last_answer_is_carried_to_the_new_text(ls, monkeypatch) -> None:
    at = _cursor(ls, 4, 9)  # `    if a < b:`
    first = code_actions.fresh_answer(ls, URI_NAME, at, at, KEY, None)
    swap = [c for c, _ in first.ranked if c.kind == "repair.compare_swap"]
    assert swap, [c.kind for c, _ in first.ranked]
    expected = _applied(ls, swap[0]).replace("if a", "if  a", 1)
    ran = _no_generators(monkeypatch)
    _type(ls, 4, 6, " ", 2)  # a keystroke on the same line, before the comparison
    carried = _answer(ls, _cursor(ls, 4, 7))
    assert ran == [] and carried is not None
    moved = [c for c, _ in carried.ranked if c.title == swap[0].title]
    assert moved and _applied(ls, moved[0]) == expected  # the same fix, on the new text
    assert carried.state_tokens == first.state_tokens and carried.model is first.model


def test_a_candidate_whose_edit_the_typing_touches_is_dropped() -> None:
    edit = Candidate("repair.x", "t", Change(edits=(TextEdit("m.py", 10, 12, "<="),)))
    assert bursts.carry(edit, "m.py", [(12, 12, 13, False)]) is None  # typed right after it
    assert bursts.carry(edit, "m.py", [(9, 11, 9, False)]) is None  # part of it deleted
    shifted = bursts.carry(edit, "m.py", [(3, 3, 5, False)])  # two bytes typed above it
    assert shifted is not None
    assert [(e.start, e.end) for e in shifted.change.edits] == [(12, 14)]
    same = bursts.carry(edit, "m.py", [(20, 20, 21, False)])  # typed below it
    assert same is not None and same.change.edits == edit.change.edits
    # a new line above it: its title's line number would be wrong
    assert bursts.carry(edit, "m.py", [(3, 3, 4, True)]) is None
    # a syntax fix was checked on the old text
    fix = Candidate("syntax.fix", "Insert `)`", Change(edits=(TextEdit("m.py", 30, 30, ")"),)))
    assert bursts.carry(fix, "m.py", [(3, 3, 4, False)]) is None
    # another file's edits and the target node move with the text
    other = Candidate(
        "docs.docstring",
        "d",
        Change(edits=(TextEdit("n.py", 40, 40, "x"), TextEdit("m.py", 2, 2, '"""Doc."""'))),
        target=NodeRef("m.py", 0, 50, "function_definition"),
    )
    kept = bursts.carry(other, "m.py", [(20, 20, 23, False)])
    assert kept is not None and kept.change.edits == other.change.edits
    assert (kept.target.start, kept.target.end) == (0, 53)


def test_another_focus_a_whole_text_change_or_a_pause_run_the_generators(ls, monkeypatch) -> None:
    at = _cursor(ls, 4, 9)
    code_actions.fresh_answer(ls, URI_NAME, at, at, KEY, None)
    _type(ls, 4, 13, "x", 2)
    assert _answer(ls, _cursor(ls, 10, 4)) is None  # another line
    doc = ls.state.workspace.document(URI_NAME)
    burst = bursts.burst_of(ls, URI_NAME, doc)
    burst.last_change -= 10.0  # the user paused: the latest text's own answer
    assert _answer(ls, _cursor(ls, 4, 14)) is None
    code_actions.fresh_answer(ls, URI_NAME, at, at, KEY, None)
    whole = lsp.TextDocumentContentChangeWholeDocument(text=SOURCE)
    uri = (ls.state.workspace.root / URI_NAME).as_uri()
    documents.did_change(
        ls,
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=3), [whole]
        ),
    )
    assert _answer(ls, at) is None  # nothing carries across a whole-text change


def test_after_a_pause_the_work_is_done_ahead_for_the_latest_text(ls, monkeypatch) -> None:
    at = _cursor(ls, 10, 16)  # the end of `    return x + 1`
    code_actions.fresh_answer(ls, URI_NAME, at, at, KEY, None)
    for i, ch in enumerate(" * (x"):  # `    return x + 1 * (x`: broken
        path, burst = _type(ls, 10, 16 + i, ch, 2 + i)
    assert _answer(ls, _cursor(ls, 10, 21)) is not None  # typing: carried
    assert idle.refresh(ls, path, burst, None) is True  # the pause: the work done ahead
    ran = _no_generators(monkeypatch)
    burst.last_change -= 10.0
    ready = _answer(ls, _cursor(ls, 10, 21))
    assert ran == [] and ready is not None
    fixes = [c for c, _ in ready.ranked if c.kind == "syntax.fix"]
    assert any(_applied(ls, c).endswith("return x + 1 * (x)\n") for c in fixes), fixes


def test_the_idle_work_runs_after_the_quiet_period(ls) -> None:
    async def scenario() -> bool:
        ls.loop = asyncio.get_running_loop()
        ls.state.base_settings = Settings().merged({"typingIdleMs": 20})
        at = _cursor(ls, 10, 16)
        code_actions.fresh_answer(ls, URI_NAME, at, at, KEY, None)
        uri = (ls.state.workspace.root / URI_NAME).as_uri()
        ident = lsp.VersionedTextDocumentIdentifier(uri=uri, version=2)
        pos = lsp.Position(10, 16)
        change = lsp.TextDocumentContentChangePartial(range=lsp.Range(pos, pos), text=" * (")
        with ls.state.active(ls.state.folders.primary):
            idle.did_change(ls, lsp.DidChangeTextDocumentParams(ident, [change]))
        doc = ls.state.workspace.document(URI_NAME)
        burst = bursts.burst_of(ls, URI_NAME, doc)
        assert burst.timer is not None and burst.base is not None and burst.spans
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not bursts.answered(
            burst, bursts.focus_of(doc, doc.index.line_start(10), doc.index.line_end(10)), KEY
        ):
            await asyncio.sleep(0.01)
        return bursts.answered(
            burst, bursts.focus_of(doc, doc.index.line_start(10), doc.index.line_end(10)), KEY
        )

    assert asyncio.run(scenario())


def test_pygls_keeps_no_second_copy_of_open_documents(tmp_path: Path) -> None:
    server = build_server()
    server.protocol._workspace = PyglsWorkspace(None)
    handler = server.protocol.fm.builtin_features[lsp.TEXT_DOCUMENT_DID_OPEN]
    yielded = list(handler(_open_params(tmp_path)))
    assert server.protocol.workspace.text_documents == {}
    assert yielded and yielded[0][0] is server.protocol.fm.features[lsp.TEXT_DOCUMENT_DID_OPEN]


def test_typing_carries_across_new_diagnostics_a_pause_does_not(ls, monkeypatch) -> None:
    at = _cursor(ls, 4, 9)
    code_actions.fresh_answer(ls, URI_NAME, at, at, KEY, None)
    _no_generators(monkeypatch)
    doc = ls.state.workspace.document(URI_NAME)
    flagged = (("undefined name 'c'",), (), False)
    assert bursts.answer_for(ls, URI_NAME, doc, at, at, flagged, 0.3) is None  # no typing
    _type(ls, 4, 13, " ", 2)  # a keystroke: the editor's diagnostics have moved on
    moved = _cursor(ls, 4, 14)
    assert bursts.answer_for(ls, URI_NAME, doc, moved, moved, flagged, 0.3) is not None
    bursts.burst_of(ls, URI_NAME, doc).last_change -= 10.0
    assert bursts.answer_for(ls, URI_NAME, doc, moved, moved, KEY, 0.3) is None


def test_the_quiet_period_is_a_setting_and_zero_turns_carrying_off(ls, monkeypatch) -> None:
    assert Settings().typing_idle_ms == 300.0
    assert Settings().merged({"typingIdleMs": 0}).typing_idle_ms == 0.0
    at = _cursor(ls, 4, 9)
    code_actions.fresh_answer(ls, URI_NAME, at, at, KEY, None)
    _type(ls, 4, 13, " ", 2)
    doc = ls.state.workspace.document(URI_NAME)
    moved = _cursor(ls, 4, 14)
    assert bursts.answer_for(ls, URI_NAME, doc, moved, moved, KEY, 0.0) is None


def _params(ls, line: int, character: int, kind: lsp.CodeActionTriggerKind | None):
    uri = (ls.state.workspace.root / URI_NAME).as_uri()
    pos = lsp.Position(line, character)
    context = lsp.CodeActionContext(diagnostics=[], trigger_kind=kind)
    return lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), lsp.Range(pos, pos), context)


def test_the_lightbulb_elsewhere_while_typing_waits_an_invoked_request_does_not(
    ls, monkeypatch
) -> None:
    at = _cursor(ls, 4, 9)
    code_actions.fresh_answer(ls, URI_NAME, at, at, KEY, None)
    _type(ls, 10, 16, " ", 2)  # typing at another place than the last answer's
    automatic = lsp.CodeActionTriggerKind.Automatic
    ran = _no_generators(monkeypatch)
    assert code_actions.code_action(ls, _params(ls, 10, 17, automatic)) == []
    assert ran == []
    monkeypatch.undo()
    invoked = code_actions.code_action(ls, _params(ls, 10, 17, lsp.CodeActionTriggerKind.Invoked))
    assert invoked and "More SEA suggestions" in invoked[-1].title  # the line's guesses


def test_no_idle_work_on_a_document_over_max_file_bytes(ls, monkeypatch) -> None:
    ls.state.base_settings = Settings().merged({"maxFileBytes": 10})
    path, burst = _type(ls, 10, 16, " ", 2)
    assert burst.cursor is not None  # a place to work on, were the document small
    ran = _no_generators(monkeypatch)
    assert idle.refresh(ls, path, burst, None) is True
    assert ran == [] and burst.base is None


def test_an_answer_carried_through_typing_is_not_logged_as_an_offer(ls, tmp_path) -> None:
    from sea_lsp.feedback.store import FeedbackStore
    from sea_lsp.server import commands

    ls.state.feedback = FeedbackStore(tmp_path / "feedback.db")
    invoked = lsp.CodeActionTriggerKind.Invoked
    first = code_actions.code_action(ls, _params(ls, 4, 9, invoked))
    assert first and len(list(ls.state.feedback.offers())) == 1
    _type(ls, 4, 6, " ", 2)  # a keystroke on the same line: the answer is carried
    carried = code_actions.code_action(ls, _params(ls, 4, 10, invoked))
    assert carried and carried[0].command is not None
    # its state was encoded on the version before: the feedback log keeps the base's offer
    assert len(list(ls.state.feedback.offers())) == 1
    offer_id = carried[0].command.arguments[0]["offer"]
    assert offer_id.startswith("unrecorded-") and offer_id in ls.state.offers
    assert commands.accept(ls, {"offer": offer_id, "index": 0})["recorded"] is False
    ls.state.feedback.close()
