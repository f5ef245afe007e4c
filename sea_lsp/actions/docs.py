"""Docstrings for functions and classes, in the project's own style (``docs.docstring``).

The style (Google, NumPy or reST) is the one most existing docstrings in the workspace use;
Google when there are none. The docstring names every parameter (with its type hint), what
the function returns or yields, and the exceptions it raises itself.
"""

from __future__ import annotations

import re
import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

from loguru import logger
from tree_sitter import Node

from sea_lsp.actions import focus, pytree
from sea_lsp.actions.base import ActionContext, Candidate, NodeRef, WorkspaceView
from sea_lsp.actions.pytree import text_of
from sea_lsp.workspace.changes import Change, TextEdit

STYLES = ("google", "numpy", "rest")
_STYLE_MARKS = {
    "google": re.compile(r"^\s*(Args|Arguments|Returns|Raises|Yields):\s*$", re.M),
    "numpy": re.compile(r"^\s*(Parameters|Returns|Raises|Yields)\s*\n\s*-{3,}", re.M),
    "rest": re.compile(r":(param|returns?|raises|rtype|type)\b"),
}
MAX_FILES_FOR_STYLE = 200


STYLE_TTL_S = 5.0  # how long an editor request reuses a workspace's style
# Per view: path -> (text, its votes), reused while the file's text is the same object.
_VOTES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_STYLE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # view -> (time, style)


def _file_votes(text: str) -> dict[str, int]:
    if '"""' not in text and "'''" not in text:
        return {}
    return {style: len(pattern.findall(text)) for style, pattern in _STYLE_MARKS.items()}


def detect_style(view: WorkspaceView) -> str:
    """The docstring style most used in ``view``: ``google``, ``numpy`` or ``rest``.

    Each file's votes are kept while its text stays the same object (one document version).
    """
    try:
        cache = _VOTES.setdefault(view, {})
    except TypeError:  # a view that cannot be weakly referenced: no cache
        cache = {}
    votes = dict.fromkeys(STYLES, 0)
    for path in [p for p in view.files() if p.endswith(".py")][:MAX_FILES_FOR_STYLE]:
        text = view.read_text(path) or ""
        hit = cache.get(path)
        if hit is None or hit[0] is not text:
            hit = (text, _file_votes(text))
            cache[path] = hit
        for style, n in hit[1].items():
            votes[style] += n
    best = max(STYLES, key=lambda s: (votes[s], s == "google"))
    return best if votes[best] > 0 else "google"


def workspace_style(view: WorkspaceView) -> str:
    """``detect_style`` for editor requests: computed once, then refreshed in the background
    every ``STYLE_TTL_S`` seconds, so a request never waits for a scan of the workspace."""
    now = time.monotonic()
    try:
        hit = _STYLE.get(view)
    except TypeError:
        return detect_style(view)
    if hit is None:
        style = detect_style(view)
        _STYLE[view] = (now, style)
        return style
    if now - hit[0] >= STYLE_TTL_S:
        _STYLE[view] = (now, hit[1])  # one refresh at a time

        def refresh() -> None:
            try:
                _STYLE[view] = (time.monotonic(), detect_style(view))
            except Exception:  # noqa: BLE001 - keep the style we had
                logger.exception("docstring style detection failed")

        threading.Thread(target=refresh, name="sea-docstyle", daemon=True).start()
    return hit[1]


@dataclass
class Signature:
    """What a docstring describes: name, parameters (name, type), returns, yields, raises."""

    name: str
    params: list[tuple[str, str | None]] = field(default_factory=list)
    returns: str | None = None
    yields: str | None = None
    raises: list[str] = field(default_factory=list)
    is_class: bool = False
    reasons: dict[str, str] = field(default_factory=dict)  # exception -> its message
    returned: str | None = None  # the name a plain ``return NAME`` gives back


_LITERAL_TYPES = {
    "list": "list",
    "list_comprehension": "list",
    "dictionary": "dict",
    "dictionary_comprehension": "dict",
    "set": "set",
    "set_comprehension": "set",
    "tuple": "tuple",
    "string": "str",
    "concatenated_string": "str",
    "integer": "int",
    "float": "float",
    "true": "bool",
    "false": "bool",
    "comparison_operator": "bool",
    "not_operator": "bool",
    "boolean_operator": "bool",
}


def _returned_type(own: list[Node]) -> tuple[str, str | None]:
    """The type a function returns, read from its return statements and the literal its
    returned name was bound to; ``object`` when they disagree or cannot be read."""
    bound: dict[str, str] = {}
    for n in own:
        if n.type == "assignment":
            left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
            if left is not None and left.type == "identifier" and right is not None:
                kind = _LITERAL_TYPES.get(right.type)
                if kind:
                    bound[text_of(left)] = kind
    types, names = set(), set()
    for n in own:
        if n.type != "return_statement" or not n.named_child_count:
            continue
        value = n.named_children[0]
        if value.type == "identifier":
            names.add(text_of(value))
            types.add(bound.get(text_of(value), "object"))
        else:
            types.add(_LITERAL_TYPES.get(value.type, "object"))
    name = names.pop() if len(names) == 1 else None
    return (types.pop() if len(types) == 1 else "object"), name


def _own_nodes(body: Node) -> Iterable[Node]:
    """Nodes of a function body, not descending into nested functions or classes."""
    stack = list(body.children)
    while stack:
        n = stack.pop()
        if n.type in ("function_definition", "class_definition", "lambda"):
            continue
        yield n
        stack.extend(n.children)


def signature(fn: Node) -> Signature:
    """Read a ``function_definition`` or ``class_definition`` into a ``Signature``."""
    name = text_of(fn.child_by_field_name("name"))
    if fn.type == "class_definition":
        return _class_signature(fn, name)
    sig = Signature(name=name, params=_parameters(fn))
    body = fn.child_by_field_name("body")
    own = list(_own_nodes(body)) if body is not None else []
    _read_results(sig, fn.child_by_field_name("return_type"), own)
    _read_raises(sig, own)
    return sig


def _class_signature(cls: Node, name: str) -> Signature:
    """A class is documented by its ``__init__``'s parameters."""
    sig = Signature(name=name, is_class=True)
    body = cls.child_by_field_name("body")
    init = next(
        (
            c
            for c in (body.named_children if body else [])
            if c.type == "function_definition"
            and text_of(c.child_by_field_name("name")) == "__init__"
        ),
        None,
    )
    if init is not None:
        sig.params = signature(init).params
    return sig


def _parameters(fn: Node) -> list[tuple[str, str | None]]:
    """A function's parameters (name, type hint), without a method's ``self`` or ``cls``."""
    params = fn.child_by_field_name("parameters")
    out = [p for p in map(_parameter, params.named_children if params else []) if p is not None]
    owner = pytree.enclosing(fn, ("class_definition", "function_definition"))
    is_method = owner is not None and owner.type == "class_definition"
    if is_method and out and out[0][0] in ("self", "cls"):
        out = out[1:]
    return out


def _parameter(p: Node) -> tuple[str, str | None] | None:
    """One parameter's name and type hint; None for a separator (``*``, ``/``)."""
    hint_node = p.child_by_field_name("type")
    hint = text_of(hint_node) if hint_node is not None else None
    if p.type == "identifier" or p.type in ("list_splat_pattern", "dictionary_splat_pattern"):
        return text_of(p), hint
    if p.type == "typed_parameter" and p.named_children[0].type != "identifier":
        return text_of(p.named_children[0]), hint
    n = p.child_by_field_name("name") or next(
        (c for c in p.named_children if c.type == "identifier"), None
    )
    return (text_of(n), hint) if n is not None else None


def _read_results(sig: Signature, ret: Node | None, own: list[Node]) -> None:
    """What the function yields or returns: its annotation, else what its returns give back."""
    if any(n.type == "yield" for n in own):
        sig.yields = text_of(ret) if ret is not None else "object"
    elif ret is not None and text_of(ret) != "None":
        sig.returns = text_of(ret)
    elif any(n.type == "return_statement" and n.named_child_count for n in own):
        sig.returns, sig.returned = _returned_type(own)


def _read_raises(sig: Signature, own: list[Node]) -> None:
    """The exception classes the body raises, in order, each with its literal message."""
    for n in own:
        if n.type != "raise_statement" or not n.named_child_count:
            continue
        exc_name, message = _raised(n.named_children[0])
        if exc_name and exc_name not in sig.raises and exc_name[0].isupper():
            sig.raises.append(exc_name)
            if message and "{" not in message:
                sig.reasons[exc_name] = message


def _raised(exc: Node) -> tuple[str, str | None]:
    """The name of a raised exception, and its message when that is a plain string literal."""
    message = None
    if exc.type == "call":
        args = exc.child_by_field_name("arguments")
        first = args.named_children[0] if args and args.named_children else None
        raw = text_of(first) if first is not None and first.type == "string" else ""
        if raw[:1] in ("'", '"'):  # a plain literal, not an f-string or bytes
            message = raw.strip("\"'").strip() or None
        exc = exc.child_by_field_name("function")
    return text_of(exc), message


def _raise_text(sig: Signature, exc: str) -> str:
    reason = sig.reasons.get(exc)
    if reason:
        return f"If {reason[0].lower()}{reason[1:].rstrip('.')}."
    return f"If {exc} is raised."


def _returns_text(sig: Signature) -> str:
    return f"The {sig.returned.replace('_', ' ')}." if sig.returned else "The result."


def summary(name: str, is_class: bool) -> str:
    """A first line from the name: ``parse_config`` → "Parse config."."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name.strip("_")).replace("_", " ").split()
    if not words:
        return "Describe this."
    if is_class:
        return f"A {' '.join(w.lower() for w in words)}."
    return " ".join([words[0].capitalize()] + [w.lower() for w in words[1:]]) + "."


def render(sig: Signature, style: str) -> list[str]:
    """The docstring's lines (without quotes or indentation) in ``style``."""
    lines = [summary(sig.name, sig.is_class)]
    p_desc = "The {}."
    if style == "numpy":

        def section(title: str, items: list[str]) -> None:
            lines.extend(["", title, "-" * len(title), *items])

        if sig.params:
            items = []
            for n, t in sig.params:
                items += [f"{n} : {t}" if t else n, "    " + p_desc.format(n.lstrip("*"))]
            section("Parameters", items)
        if sig.returns:
            section("Returns", [sig.returns, "    " + _returns_text(sig)])
        if sig.yields:
            section("Yields", [sig.yields, "    The next item."])
        if sig.raises:
            section("Raises", [x for r in sig.raises for x in (r, "    " + _raise_text(sig, r))])
    elif style == "rest":
        fields = []
        for n, t in sig.params:
            bare = n.lstrip("*")
            fields.append(f":param {bare}: {p_desc.format(bare)}")
            if t:
                fields.append(f":type {bare}: {t}")
        if sig.returns:
            fields += [f":returns: {_returns_text(sig)}", f":rtype: {sig.returns}"]
        if sig.yields:
            fields.append(f":yields: {sig.yields}, the next item.")
        fields += [f":raises {r}: {_raise_text(sig, r)}" for r in sig.raises]
        if fields:
            lines += ["", *fields]
    else:

        def section(title: str, items: list[str]) -> None:
            lines.extend(["", f"{title}:", *("    " + i for i in items)])

        if sig.params:
            items = [
                f"{n} ({t}): {p_desc.format(n.lstrip('*'))}"
                if t
                else f"{n}: {p_desc.format(n.lstrip('*'))}"
                for n, t in sig.params
            ]
            section("Args", items)
        if sig.returns:
            section("Returns", [f"{sig.returns}: {_returns_text(sig)}"])
        if sig.yields:
            section("Yields", [f"{sig.yields}: The next item."])
        if sig.raises:
            section("Raises", [f"{r}: {_raise_text(sig, r)}" for r in sig.raises])
    return lines


def docstring_edit(path: str, data: bytes, fn: Node, style: str) -> TextEdit | None:
    """The edit inserting a docstring as the first statement of ``fn``'s body (None if it has one)."""
    body = fn.child_by_field_name("body")
    if body is None or body.start_point.row == fn.start_point.row:
        return None
    first = body.named_children[0] if body.named_child_count else None
    if pytree.is_docstring(first):
        return None
    indent = pytree.indent_of(data, body.start_byte)
    lines = render(signature(fn), style)
    text = '"""' + lines[0]
    if len(lines) > 1:
        text += "\n" + "\n".join((indent + ln) if ln else "" for ln in lines[1:])
        text += f'\n{indent}"""'
    else:
        text += '"""'
    return TextEdit(path, body.start_byte, body.start_byte, f"{text}\n{indent}")


# An editor request offers a docstring for the function around the cursor; reading a
# function's returns and raises is a walk of all of it, so one bigger than this (a
# generated table, an exported notebook) is left to the agent's whole-file pass.
EDITOR_MAX_DOCUMENTED_BYTES = 64_000


def _edit(path: str, data: bytes, tree, node: Node, style: str) -> TextEdit | None:
    """``docstring_edit``, once per document version, function and style (every line of
    a function asks for the same one)."""
    memo = focus.per_version("docs.edit", tree, dict)
    key = (node.id, style)
    if key not in memo:
        memo[key] = docstring_edit(path, data, node, style)
    return memo[key]


class DocstringGenerator:
    """A docstring for each undocumented function/class in the focus range (or file)."""

    name = "docs"

    def generate(self, ctx: ActionContext) -> Iterable[Candidate]:
        path = ctx.focus_path
        text = ctx.view.read_text(path) if path else None
        if text is None or not path.endswith(".py"):
            return []
        got = focus.source(ctx.view, path)
        if got is None:
            return []
        data, tree = got
        style = workspace_style(ctx.view) if ctx.editor else detect_style(ctx.view)
        lo, hi = ctx.focus_start, ctx.focus_end
        if ctx.editor and lo is not None:
            lo, hi = focus.focus_range(ctx, data) or (lo, hi)
        root = tree.root_node
        whole = lo is None or hi is None
        out = []
        for node in pytree.walk(root) if whole else focus.walk_overlapping(root, lo, hi):
            if node.type not in ("function_definition", "class_definition"):
                continue
            if (
                lo is not None
                and hi is not None
                and not (node.start_byte <= hi and node.end_byte >= lo)
            ):
                continue
            if ctx.editor and node.end_byte - node.start_byte > EDITOR_MAX_DOCUMENTED_BYTES:
                continue  # its signature walk would cost more than the request's budget
            if ctx.editor:
                edit = _edit(path, data, tree, node, style)
            else:
                edit = docstring_edit(path, data, node, style)
            if edit is None:
                continue
            name = text_of(node.child_by_field_name("name"))
            out.append(
                Candidate(
                    kind="docs.docstring",
                    title=f"Add a docstring to `{name}` ({style} style)",
                    change=Change(edits=(edit,)),
                    target=NodeRef(path, node.start_byte, node.end_byte, node.type),
                    lsp_kind="refactor.rewrite",
                    data={"style": style, "line": node.start_point.row + 1},
                )
            )
        # Innermost (most specific to the cursor) first when a range is given.
        if lo is not None:
            out.sort(key=lambda c: c.target.end - c.target.start)
        return out[: ctx.limit] if ctx.limit else out
