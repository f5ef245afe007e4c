"""A scripted user who drives the real ``sea-lsp serve`` over LSP and fills a feedback database.

Hidden, consistent preference (a documentation-minded maintainer), judged only from what an
editor shows (action titles) and the file it is looking at:

1. if "Add a docstring to `NAME`" is offered for the innermost function or class around the
   requested line, accept it;
2. otherwise, if a "Remove unused ..." import fix is offered, accept it (alphabetically
   first title when there are several);
3. otherwise reject the top-ranked action (``sea.reject``).

Accepting applies the edit (``didChange``), sends ``sea.accept {offer, index}``, then undoes
the edit (another ``didChange``) so the project stays the same for the next request.
Used by ``tests/training`` and ``sea-lsp bench train``; needs pytest-lsp (a test extra).
"""

from __future__ import annotations

import ast
import asyncio
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

MODULES: dict[str, str] = {
    "inventory.py": '''"""Stock keeping for a small shop."""
import os
import json


class Item:
    def __init__(self, name, price, count):
        self.name = name
        self.price = price
        self.count = count

    def value(self):
        return self.price * self.count


def total_value(items):
    total = 0
    for item in items:
        if item.count > 0:
            total += item.value()
    return total


def restock(items, name, amount):
    for item in items:
        if item.name == name:
            item.count += amount
            return item
    return None


def to_json(items):
    rows = [{"name": i.name, "price": i.price, "count": i.count} for i in items]
    return json.dumps(rows)
''',
    "geometry.py": """import math
import sys


def distance(a, b):
    dx = a[0] - b[0]
    dy = a[1] - b[1]
    return math.sqrt(dx * dx + dy * dy)


def perimeter(points):
    if len(points) < 2:
        return 0.0
    edges = zip(points, points[1:] + points[:1])
    return sum(distance(p, q) for p, q in edges)


class Circle:
    def __init__(self, radius):
        self.radius = radius

    def area(self):
        return math.pi * self.radius ** 2

    def scale(self, factor):
        if factor <= 0:
            raise ValueError("factor must be positive")
        return Circle(self.radius * factor)
""",
    "text_tools.py": """import re
import collections

WORD = re.compile(r"[A-Za-z']+")


def words(text):
    return [w.lower() for w in WORD.findall(text)]


def top_words(text, n):
    counts = {}
    for w in words(text):
        counts[w] = counts.get(w, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    return ranked[:n]


def truncate(text, limit):
    if len(text) <= limit:
        return text
    return text[: limit - 3] + "..."


def initials(name):
    parts = name.split()
    return "".join(p[0].upper() for p in parts if p)
""",
    "bank.py": """import datetime


class Account:
    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance
        self.history = []

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("deposit must be positive")
        self.balance += amount
        self.history.append(("deposit", amount))
        return self.balance

    def withdraw(self, amount):
        if amount > self.balance:
            raise ValueError("insufficient funds")
        self.balance -= amount
        self.history.append(("withdraw", amount))
        return self.balance


def interest(balance, rate, years):
    for _ in range(years):
        balance = balance * (1 + rate)
    return round(balance, 2)
""",
}


def make_fixture_project(root: Path) -> Path:
    """Write the fixture project (a few modules of real-looking code) under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in MODULES.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def innermost_definition(source: str, line: int) -> str | None:
    """Name of the innermost function or class whose lines hold 1-based ``line``."""
    best: tuple[int, str] | None = None
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            end = node.end_lineno or node.lineno
            if node.lineno <= line <= end and (best is None or end - node.lineno < best[0]):
                best = (end - node.lineno, node.name)
    return best[1] if best else None


def preferred(titles: list[str], source: str, line: int) -> int | None:
    """The user's choice among offered titles (see the module docstring); None = reject."""
    name = innermost_definition(source, line)
    if name is not None:
        wanted = f"Add a docstring to `{name}`"
        for i, t in enumerate(titles):
            if t.startswith(wanted):
                return i
    imports = sorted((t, i) for i, t in enumerate(titles) if t.startswith("Remove unused"))
    return imports[0][1] if imports else None


def apply_text_edits(text: str, edits: list[lsp.TextEdit]) -> str:
    """Apply LSP edits (ASCII fixture: utf-16 columns equal characters)."""
    lines = text.split("\n")
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln) + 1)

    def offset(p: lsp.Position) -> int:
        return min(starts[min(p.line, len(lines))] + p.character, len(text))

    for e in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


@dataclass
class Session:
    """What one simulated session did."""

    offers: int = 0
    accepted: int = 0
    rejected: int = 0
    first_is_preferred: int = 0  # offers where the server already ranked the choice first
    with_preference: int = 0
    choices: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, title)

    @property
    def agreement(self) -> float:
        return (
            self.first_is_preferred / self.with_preference if self.with_preference else float("nan")
        )


async def start_server(project: Path, data_dir: Path) -> Any:
    """Spawn ``sea-lsp serve`` with ``SEA_LSP_DATA_DIR=data_dir`` and initialise a session."""
    from pytest_lsp import ClientServerConfig, client_capabilities

    env = {**os.environ, "SEA_LSP_DATA_DIR": str(data_dir)}
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "sea_lsp", "--log-level", "WARNING", "serve"],
        server_env=env,
    )
    client = await config.start()
    fix_code_action_results(client)
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=project.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=project.as_uri(), name=project.name)],
            # every generator's answer, fresh, whatever the machine's load: with the 50 ms
            # deadline a loaded machine offered fewer candidates, and the decisions (and
            # what training learned from them) depended on the load
            initialization_options={"trusted": False, "codeActionDeadlineMs": 0, "typingIdleMs": 0},
        )
    )
    await wait_until_model_ready(client)
    return client


async def wait_until_model_ready(client: Any, timeout: float = 120.0) -> None:
    """Offers served while the model loads go out unranked; a session that starts before
    the model is ready logs a load-dependent mix of both (and its measurements vary)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams("sea.status", [{}])
        )
        if status and status.get("modelReady"):
            return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"the server's model was not ready after {timeout:.0f} s")


def fix_code_action_results(client: Any) -> None:
    """Structure code-action results by shape: the stock converter reads a CodeAction that
    carries a ``command`` object as a bare ``Command`` (losing its edit)."""
    conv = client.protocol._converter

    def item(obj: dict) -> Any:
        is_command = isinstance(obj.get("command"), str)
        return conv.structure(obj, lsp.Command if is_command else lsp.CodeAction)

    def response(obj: dict, _type: Any) -> lsp.CodeActionResponse:
        result = obj.get("result")
        return lsp.CodeActionResponse(
            id=obj["id"], result=None if result is None else [item(o) for o in result]
        )

    conv.register_structure_hook(lsp.CodeActionResponse, response)


def _positions(text: str) -> list[tuple[int, int, int]]:
    """(line, start column, end column) per non-blank line: whole line, then the cursor."""
    out = []
    for i, ln in enumerate(text.split("\n")):
        if ln.strip():
            out.append((i, 0, len(ln)))
            out.append((i, len(ln) - len(ln.lstrip()), len(ln) - len(ln.lstrip())))
    return out


async def run_session(
    client: Any,
    project: Path,
    decide: bool = True,
    passes: int = 1,
    user: Any = None,
    files: list[str] | None = None,
) -> Session:
    """Request code actions at every line of every module; decide per the preference.

    ``user`` (a ``content_users.Preference``) judges each candidate's resulting text instead of
    its title; None keeps the title-based preference of this module's docstring. ``files``
    (paths under ``project``) default to the fixture's modules.
    """
    s = Session()
    for name in files if files is not None else sorted(MODULES):
        path = project / name
        text = path.read_text(encoding="utf-8")
        uri = path.as_uri()
        version = 1
        client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", version, text))
        )
        for _ in range(passes):
            for line, c0, c1 in _positions(text):
                actions = await client.text_document_code_action_async(
                    lsp.CodeActionParams(
                        text_document=lsp.TextDocumentIdentifier(uri),
                        range=lsp.Range(lsp.Position(line, c0), lsp.Position(line, c1)),
                        context=lsp.CodeActionContext(diagnostics=[]),
                    )
                )
                actions = [a for a in actions or [] if isinstance(a, lsp.CodeAction) and a.command]
                if not actions:
                    continue
                s.offers += 1
                choice = await _choose(client, actions, text, uri, line + 1, user)
                if choice is not None:
                    s.with_preference += 1
                    s.first_is_preferred += int(choice == 0)
                if not decide:
                    continue
                if choice is None:
                    arg = dict(actions[0].command.arguments[0])
                    await client.workspace_execute_command_async(
                        lsp.ExecuteCommandParams("sea.reject", [{**arg, "reason": "not wanted"}])
                    )
                    s.rejected += 1
                    continue
                version = await _accept(client, actions[choice], uri, text, version)
                s.accepted += 1
                s.choices.append((name, line + 1, actions[choice].title))
        client.text_document_did_close(
            lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri))
        )
    return s


async def _accept(client: Any, chosen: lsp.CodeAction, uri: str, text: str, version: int) -> int:
    """Apply ``chosen``, send its accept command, then undo the edit; the new version."""
    if chosen.edit is None and chosen.data is not None:  # as VS Code does
        chosen = await client.code_action_resolve_async(chosen)
    edits = _edits_for(chosen.edit, uri)
    version = _change(client, uri, version, apply_text_edits(text, edits))
    await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(chosen.command.command, chosen.command.arguments)
    )
    return _change(client, uri, version, text)  # undo: keep the project as it was


async def _choose(
    client: Any, actions: list[lsp.CodeAction], text: str, uri: str, line: int, user: Any
) -> int | None:
    """The simulated user's choice; with a content ``user``, resolves every action in place."""
    if user is None:
        return preferred([a.title for a in actions], text, line)
    for i, a in enumerate(actions):
        if a.edit is None and a.data is not None:
            actions[i] = await client.code_action_resolve_async(a)
    return user(text, [apply_text_edits(text, _edits_for(a.edit, uri)) for a in actions])


def _edits_for(edit: lsp.WorkspaceEdit | None, uri: str) -> list[lsp.TextEdit]:
    """The text edits of ``uri`` in a WorkspaceEdit (``documentChanges`` or ``changes``)."""
    if edit is None:
        return []
    out = list((edit.changes or {}).get(uri, []))
    for dc in edit.document_changes or []:
        if isinstance(dc, lsp.TextDocumentEdit) and dc.text_document.uri == uri:
            out += [e for e in dc.edits if isinstance(e, lsp.TextEdit)]
    return out


def _change(client: Any, uri: str, version: int, text: str) -> int:
    version += 1
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    return version
