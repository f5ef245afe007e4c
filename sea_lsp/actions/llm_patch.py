"""Turning an LLM's reply into workspace changes: unified diffs and rewritten functions.

Pure functions over a ``WorkspaceView``. Replies are untrusted text: anything malformed or
not applying to the files is logged and dropped, never raised. Offsets are UTF-8 bytes.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field

from loguru import logger
from tree_sitter import Node

from sea_lsp.actions.base import WorkspaceView
from sea_lsp.workspace.changes import (
    Change,
    ChangeError,
    FileOp,
    TextEdit,
    apply_edits,
    common_ends,
)
from sea_lsp.workspace.languages import language_named

_FENCE = re.compile(r"^[ \t]*```[ \t]*([\w+-]*)[^\n]*\n(.*?)^[ \t]*```[ \t]*$", re.M | re.S)
_HUNK = re.compile(r"^@@(?:\s*-(\d+)(?:,(\d+))?\s+\+\d+(?:,\d+)?\s*@@)?")
_LINE_NUMBER = re.compile(r"^ *\d+\| ?")


def explanation_of(reply_text: str) -> str:
    """The first line of prose before the first fenced block, or 'proposed patch'."""
    head = reply_text.split("```", 1)[0]
    for line in head.splitlines():
        line = line.strip().lstrip("#*->").strip().strip("*_`").strip()
        if line:
            return line if len(line) <= 80 else line[:77].rstrip() + "..."
    return "proposed patch"


def parse_proposals(reply_text: str, view: WorkspaceView, focus_path: str | None) -> list[Change]:
    """One ``Change`` per fenced block of ``reply_text`` that applies to the workspace.

    Blocks that are malformed or do not apply are logged and dropped; this never raises.
    """
    blocks = [(m.group(1).lower(), m.group(2)) for m in _FENCE.finditer(reply_text)]
    if not blocks and any(_HUNK.match(line) for line in reply_text.splitlines()):
        blocks = [("diff", reply_text)]
    changes = []
    for lang, body in blocks:
        try:
            if lang in ("diff", "patch", "udiff") or _looks_like_diff(body):
                change = parse_diff(body, view, focus_path)
            elif lang in ("python", "py", "python3", "") and focus_path is not None:
                change = replace_functions(body, view, focus_path)
            else:
                change = None
        except (ChangeError, ValueError, IndexError) as exc:
            logger.debug("LLM block dropped: {}", exc)
            change = None
        except Exception:  # a reply is untrusted text: a parser bug must not stop the agent
            logger.opt(exception=True).warning("LLM block could not be parsed")
            change = None
        if change is None or change.is_empty():
            logger.info("LLM proposal dropped: a {} block did not apply", lang or "plain")
            continue
        changes.append(change)
    return changes


def _looks_like_diff(body: str) -> bool:
    lines = body.splitlines()
    return any(_HUNK.match(line) for line in lines) and any(
        line.startswith(("---", "+++", "-", "+")) for line in lines
    )


@dataclass
class _Hunk:
    hint: int | None  # 0-based line the header claims the hunk starts at
    old: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)


def _diff_path(header: str) -> str | None:
    raw = header[4:].split("\t", 1)[0].strip().strip('"')
    if raw == "/dev/null":
        return None
    return raw[2:] if raw[:2] in ("a/", "b/") else raw


def _split_files(
    body: str, focus_path: str | None
) -> Iterator[tuple[str | None, str | None, list[_Hunk]]]:
    """(old path, new path, hunks) for each file section of a unified diff."""
    lines = body.splitlines()
    old_path, new_path, hunks, seen_header = focus_path, focus_path, [], False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            if hunks or seen_header:
                yield old_path, new_path, hunks
            old_path, new_path, hunks = _diff_path(line), _diff_path(lines[i + 1]), []
            seen_header = True
            i += 2
            continue
        match = _HUNK.match(line)
        if match:
            hint = None
            if match.group(1):  # an empty old range names the line to insert after
                hint = int(match.group(1)) - (0 if match.group(2) == "0" else 1)
            hunks.append(_Hunk(hint))
        elif hunks and not line.startswith("\\"):
            tag, content = (line[:1], line[1:]) if line else (" ", "")
            if tag in (" ", "-"):
                hunks[-1].old.append(content)
            if tag in (" ", "+"):
                hunks[-1].new.append(content)
        i += 1
    if hunks or seen_header:
        yield old_path, new_path, hunks


def _resolve(path: str, view: WorkspaceView) -> str | None:
    """The workspace file a diff header names (exactly, or by a unique path suffix)."""
    path = path.removeprefix("./")
    if ".." in path.split("/"):
        return None
    if not path.startswith("/") and view.read_text(path) is not None:
        return path
    matches = [
        f for f in view.files() if f == path or f.endswith("/" + path) or path.endswith("/" + f)
    ]
    return matches[0] if len(matches) == 1 else None


def parse_diff(body: str, view: WorkspaceView, focus_path: str | None) -> Change | None:
    """The change a unified diff makes, its hunks located by their context lines."""
    edits: list[TextEdit] = []
    ops: list[FileOp] = []
    for old_path, new_path, hunks in _split_files(body, focus_path):
        if old_path is None and new_path is not None:
            parts = new_path.split("/")
            if new_path.startswith("/") or ".." in parts or view.read_text(new_path) is not None:
                return None
            content = "\n".join(line for h in hunks for line in h.new)
            ops.append(FileOp("create", new_path, content=content + "\n"))
            continue
        path = _resolve(old_path or new_path or "", view) if (old_path or new_path) else None
        text = view.read_text(path) if path else None
        if path is None or text is None or not hunks:
            return None
        file_edits = _apply_hunks(path, text, hunks)
        if file_edits is None:
            return None
        edits.extend(file_edits)
    change = Change(tuple(sorted(edits)), tuple(ops))
    return None if change.is_empty() else change


def _apply_hunks(path: str, text: str, hunks: list[_Hunk]) -> list[TextEdit] | None:
    lines = text.splitlines(keepends=True)
    bodies = [line.rstrip("\r\n") for line in lines]
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode("utf-8")))
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    used: list[tuple[int, int]] = []
    edits = []
    for hunk in hunks:
        located = _locate(bodies, hunk, used)
        if located is None and any(_LINE_NUMBER.match(s) for s in hunk.old):
            stripped = _Hunk(hunk.hint, [_LINE_NUMBER.sub("", s) for s in hunk.old])
            stripped.new = [_LINE_NUMBER.sub("", s) for s in hunk.new]
            hunk, located = stripped, _locate(bodies, stripped, used)
        if located is None:
            logger.debug("LLM hunk does not match {}: {!r}", path, hunk.old[:3])
            return None
        start, exact = located
        end = start + len(hunk.old)
        used.append((start, end))
        new_lines = hunk.new if exact else _reindent(hunk, bodies[start:end])
        new_text = "".join(line + newline for line in new_lines)
        if end == len(lines) and lines and not lines[-1].endswith("\n") and new_text:
            new_text = new_text[: -len(newline)]  # the file ends without a newline; keep it so
            if start == end:
                new_text = newline + new_text
        edits.append(TextEdit(path, offsets[start], offsets[end], new_text))
    return minimal_edits(text, edits)


def _locate(bodies: list[str], hunk: _Hunk, used: list[tuple[int, int]]) -> tuple[int, bool] | None:
    """Where the hunk's old lines are: exact match first, then whitespace-insensitive."""
    size = len(hunk.old)
    if size == 0:
        ok = hunk.hint is not None and 0 <= hunk.hint <= len(bodies)
        return (hunk.hint, True) if ok else None
    for exact in (True, False):
        norm = (lambda s: s) if exact else (lambda s: "".join(s.split()))
        want = [norm(s) for s in hunk.old]
        spots = [
            i
            for i in range(len(bodies) - size + 1)
            if all(norm(bodies[i + k]) == want[k] for k in range(size))
            and all(i + size <= a or i >= b for a, b in used)
        ]
        if spots:
            after = max((b for _, b in used), default=0)
            hint = hunk.hint if hunk.hint is not None else after
            return min(spots, key=lambda i: (abs(i - hint), i)), exact
    return None


def _reindent(hunk: _Hunk, matched: list[str]) -> list[str]:
    """The hunk's new lines with the indentation the file really uses (fuzzy matches only)."""
    pairs = [(d, f) for d, f in zip(hunk.old, matched, strict=False) if d.strip()]
    if not pairs:
        return hunk.new
    d, f = pairs[0]
    have, want = d[: len(d) - len(d.lstrip())], f[: len(f) - len(f.lstrip())]
    if have == want:
        return hunk.new
    return [want + s[len(have) :] if s.startswith(have) and s.strip() else s for s in hunk.new]


def _definitions(node: Node, prefix: str = "") -> Iterator[tuple[str, Node, Node]]:
    """(qualified name, function_definition, outermost node incl. decorators) under ``node``."""
    for child in node.named_children:
        outer, inner = child, child
        if child.type == "decorated_definition":
            inner = child.child_by_field_name("definition") or child
        if inner.type not in ("function_definition", "class_definition"):
            continue
        name_node = inner.child_by_field_name("name")
        name = prefix + (name_node.text or b"").decode("utf-8") if name_node else prefix
        if inner.type == "function_definition":
            yield name, inner, outer  # nested functions are part of it, not separate targets
            continue
        body = inner.child_by_field_name("body")
        if body is not None:
            yield from _definitions(body, name + ".")


def replace_functions(block: str, view: WorkspaceView, focus_path: str) -> Change | None:
    """Replace each function the block defines with its new version, matched by name in the file."""
    text = view.read_text(focus_path)
    parser = language_named("python").parser()  # type: ignore[union-attr]
    new_source = textwrap.dedent(block).encode("utf-8")
    new_tree = parser.parse(new_source)
    if text is None or new_tree.root_node.has_error:
        return None
    data = text.encode("utf-8")
    old = {
        name: (inner, outer) for name, inner, outer in _definitions(parser.parse(data).root_node)
    }
    proposals = list(_definitions(new_tree.root_node))
    edits = []
    for name, inner, outer in proposals:
        short = name.rsplit(".", 1)[-1]
        target = old.get(name) or _unique(old, short)
        if target is None:
            logger.debug("LLM function {} not found in {}", name, focus_path)
            return None
        old_inner, old_outer = target
        decorated = outer is not inner
        node = old_outer if decorated else old_inner
        replacement = outer if decorated else inner
        indent = data[data.rfind(b"\n", 0, node.start_byte) + 1 : node.start_byte].decode("utf-8")
        new_text = _shifted(replacement, indent)
        if b"\r\n" in data:
            new_text = new_text.replace("\r\n", "\n").replace("\n", "\r\n")
        edits.append(TextEdit(focus_path, node.start_byte, node.end_byte, new_text))
    edits = minimal_edits(text, edits)
    return Change(tuple(sorted(edits))) if edits else None


def _unique(defs: dict[str, tuple[Node, Node]], short: str) -> tuple[Node, Node] | None:
    found = [v for k, v in defs.items() if k.rsplit(".", 1)[-1] == short]
    return found[0] if len(found) == 1 else None


def _shifted(node: Node, indent: str) -> str:
    """The node's text with its own indentation replaced by ``indent`` (first line unindented)."""
    column = node.start_point[1]
    lines = (node.text or b"").decode("utf-8").split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        body = line[column:] if line[:column].strip() == "" else line.lstrip()
        out.append(indent + body if body.strip() else "")
    return "\n".join(out)


def minimal_edits(text: str, edits: list[TextEdit]) -> list[TextEdit]:
    """The edits trimmed to the lines they really change (no-ops dropped).

    The same fix given as a diff, as a whole function or by another generator then makes
    the same edit, so duplicates merge. Raises ``ChangeError`` when edits overlap.
    """
    apply_edits(text, edits)
    data = text.encode("utf-8")
    out = []
    for e in edits:
        old = data[e.start : e.end].decode("utf-8").splitlines(keepends=True)
        new = e.new_text.splitlines(keepends=True)
        head, tail = common_ends(old, new)
        if head == len(old) == len(new):
            continue
        start = e.start + len("".join(old[:head]).encode("utf-8"))
        end = e.end - len("".join(old[len(old) - tail :]).encode("utf-8"))
        out.append(TextEdit(e.path, start, end, "".join(new[head : len(new) - tail])))
    return out
