"""Add an import for an undefined name (``imports.add``); remove an unused one (``imports.remove``)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import cache

from loguru import logger
from tree_sitter import Node, Query, QueryCursor, Tree

from sea_lsp.actions import focus, pytree
from sea_lsp.actions.base import ActionContext, Candidate, NodeRef, WorkspaceView
from sea_lsp.actions.pytree import text_of
from sea_lsp.workspace.changes import Change, TextEdit

STDLIB_MODULES = [
    "os",
    "sys",
    "re",
    "json",
    "math",
    "time",
    "random",
    "shutil",
    "subprocess",
    "logging",
    "itertools",
    "functools",
    "collections",
    "typing",
    "pathlib",
    "dataclasses",
    "datetime",
    "argparse",
    "tempfile",
    "textwrap",
    "string",
    "hashlib",
    "base64",
    "pickle",
    "copy",
    "inspect",
    "asyncio",
    "threading",
    "socket",
    "unittest",
    "uuid",
    "decimal",
    "fractions",
    "statistics",
    "heapq",
    "bisect",
    "operator",
    "contextlib",
    "enum",
    "abc",
    "io",
    "glob",
    "csv",
    "struct",
    "traceback",
    "warnings",
    "weakref",
    "zipfile",
    "gzip",
    "sqlite3",
    "urllib",
    "http",
    "platform",
    "signal",
    "queue",
    "pprint",
]
STDLIB_NAMES = {
    "Path": "pathlib",
    "PurePath": "pathlib",
    "dataclass": "dataclasses",
    "field": "dataclasses",
    "asdict": "dataclasses",
    "defaultdict": "collections",
    "Counter": "collections",
    "OrderedDict": "collections",
    "deque": "collections",
    "namedtuple": "collections",
    "Iterable": "collections.abc",
    "Iterator": "collections.abc",
    "Callable": "collections.abc",
    "Mapping": "collections.abc",
    "Sequence": "collections.abc",
    "Generator": "collections.abc",
    "Any": "typing",
    "Optional": "typing",
    "Union": "typing",
    "TypeVar": "typing",
    "Protocol": "typing",
    "cast": "typing",
    "TYPE_CHECKING": "typing",
    "datetime": "datetime",
    "timedelta": "datetime",
    "date": "datetime",
    "partial": "functools",
    "lru_cache": "functools",
    "reduce": "functools",
    "wraps": "functools",
    "chain": "itertools",
    "product": "itertools",
    "Enum": "enum",
    "ABC": "abc",
    "abstractmethod": "abc",
    "contextmanager": "contextlib",
    "suppress": "contextlib",
    "StringIO": "io",
    "Decimal": "decimal",
    "Fraction": "fractions",
    "sqrt": "math",
    "floor": "math",
    "ceil": "math",
    "pprint": "pprint",
    "deepcopy": "copy",
    "dedent": "textwrap",
    "sleep": "time",
}
_NOT_A_USE = {
    ("attribute", "attribute"),
    ("keyword_argument", "name"),
    ("function_definition", "name"),
    ("class_definition", "name"),
}
_NOT_A_USE_PARENTS = frozenset(t for t, _ in _NOT_A_USE)


def module_name(path: str) -> str | None:
    """``pkg/mod.py`` → ``pkg.mod``; ``src/pkg/__init__.py`` → ``pkg``; None if not importable."""
    if not path.endswith(".py"):
        return None
    parts = path[:-3].split("/")
    if parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) if parts and all(p.isidentifier() for p in parts) else None


def defined_names(tree: Tree) -> set[str]:
    """Every name bound anywhere in the file (scope-insensitive, on purpose: no false alarms).

    Computed per top-level statement, and per member of a top-level class, each remembered
    by its text: after an edit only the statement (or method) that changed is walked again,
    where a walk of a 5,000-line file costs tens of milliseconds."""
    root = tree.root_node
    if root.type != "module":  # nothing the parser could make a module of: no module scope
        return _names_inside(root)
    out: set[str] = set()
    for top in root.children:
        out |= _piece(top, _top_names)
    return out


_PIECES: OrderedDict[tuple[str, bytes, str], frozenset[str]] = OrderedDict()
_PIECES_SIZE = 8192
_SCOPES = ("function_definition", "class_definition", "lambda")


def _piece(node: Node, compute: Callable[[Node], set[str]]) -> frozenset[str]:
    if node.text is None:  # a tree without its source: nothing to key on
        return frozenset(compute(node))
    key = (node.type, node.text, compute.__name__)
    hit = _PIECES.get(key)
    if hit is None:
        hit = _PIECES[key] = frozenset(compute(node))
        while len(_PIECES) > _PIECES_SIZE:
            _PIECES.popitem(last=False)
    else:
        _PIECES.move_to_end(key)
    return hit


def _top_names(top: Node) -> set[str]:
    """The names a top-level statement binds: at module level and in every scope in it.
    An ERROR node (where a broken line made the parser give up, often over hundreds of
    lines) binds what its children bind: each of them is kept apart too."""
    if top.type == "ERROR":
        return set().union(*(_piece(child, _top_names) for child in top.children))
    out = set(pytree.bindings([top]))
    cls = top.child_by_field_name("definition") if top.type == "decorated_definition" else top
    body = cls.child_by_field_name("body") if cls is not None else None
    if cls is None or cls.type != "class_definition" or body is None:
        return out | _names_inside(top)
    out |= _names_inside(top, skip=body)  # the class's own scope included
    out |= set(pytree.bindings(body.children))
    for member in body.children:
        out |= _piece(member, _names_inside)
    return out


def _names_inside(node: Node, skip: Node | None = None) -> set[str]:
    """Names bound in every scope that starts inside ``node`` (itself included), and the
    names of ``global``/``nonlocal`` statements there; ``skip``'s subtree left out."""
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if skip is not None and n.id == skip.id:
            continue
        if n.type in _SCOPES:
            out.update(pytree.bound_names(n))
        elif n.type in ("global_statement", "nonlocal_statement"):
            out.update(text_of(c) for c in n.named_children)
        stack.extend(n.children)
    return out


def is_use(n: Node) -> bool:
    """True when identifier node ``n`` reads a name (not a binding, attribute or keyword)."""
    p = n.parent
    if n.type != "identifier" or p is None:
        return False
    if p.type in ("dotted_name", "aliased_import", "parameters", "lambda_parameters"):
        return False
    if p.type in ("default_parameter", "typed_default_parameter", "typed_parameter") and (
        p.child_by_field_name("name") == n or p.named_children[0] == n
    ):
        return False
    if p.type not in _NOT_A_USE_PARENTS:
        return True
    fields = {p.field_name_for_child(i) for i, c in enumerate(p.children) if c == n}
    return not any((p.type, f) in _NOT_A_USE for f in fields)


def used_names(tree: Tree) -> dict[str, Node]:
    """Names read in the file → first use."""
    out: dict[str, Node] = {}
    for n in pytree.walk(tree.root_node):
        if n.type == "identifier" and is_use(n):
            out.setdefault(text_of(n), n)
    return out


def known_names(tree: Tree) -> set[str]:
    """Names that need no import: bound in the file, builtins, module attributes."""
    return defined_names(tree) | pytree.BUILTIN_NAMES | {"__file__", "__name__", "__doc__"}


def undefined_names(tree: Tree) -> dict[str, Node]:
    defined = known_names(tree)
    return {k: v for k, v in used_names(tree).items() if k not in defined}


@cache
def _identifier_query() -> Query:
    return Query(pytree.PY_LANGUAGE, "(identifier) @name")


def identifiers_in(tree: Tree, lo: int, hi: int) -> list[Node]:
    """The identifiers that start in ``[lo, hi]``, in source order, found by a tree-sitter
    query: a Python walk of a 10,000-character line of literals visits its ~4,000 nodes
    (~10 ms) to find a handful of names."""
    cursor = QueryCursor(_identifier_query())
    cursor.set_byte_range(lo, hi + 1)
    found = cursor.captures(tree.root_node).get("name", [])
    inside = (n for n in found if lo <= n.start_byte <= hi and not n.is_missing)
    return sorted(inside, key=lambda n: n.start_byte)


def undefined_near(tree: Tree, lo: int, hi: int) -> dict[str, Node]:
    """Undefined names read inside ``[lo, hi]`` → first use there; the file's bindings are
    computed once per tree."""
    candidates: dict[str, Node] = {}
    for n in identifiers_in(tree, lo, hi):
        if is_use(n):
            candidates.setdefault(text_of(n), n)
    if not candidates:
        return {}
    known = focus.per_version("imports.known", tree, lambda: known_names(tree))
    return {k: v for k, v in candidates.items() if k not in known}


def workspace_definitions(ctx: ActionContext, name: str) -> list[str]:
    """Modules in the workspace defining ``name`` at top level (symbol index first)."""
    mods: list[str] = []
    finder = getattr(ctx.symbols, "definitions", None)
    if finder is not None:
        try:
            for d in finder(name) or ():
                path = getattr(d, "path", None) or (d[0] if isinstance(d, tuple) else None)
                mod = module_name(path) if isinstance(path, str) else None
                if mod and mod not in mods:
                    mods.append(mod)
            return mods
        except Exception as exc:  # the scan below is the fallback
            logger.debug("symbols.definitions({}) failed: {}", name, exc)
    for path in _py_files(ctx.view):
        tree = ctx.view.tree(path)
        if tree is None or path == ctx.focus_path:
            continue
        for top in tree.root_node.named_children:
            if top.type == "decorated_definition":
                top = top.child_by_field_name("definition") or top
            names = []
            if top.type in ("function_definition", "class_definition"):
                names = [text_of(top.child_by_field_name("name"))]
            elif top.type == "expression_statement" and top.named_children[0].type == "assignment":
                left = top.named_children[0].child_by_field_name("left")
                names = [text_of(left)] if left is not None else []
            if name in names and module_name(path):
                mods.append(module_name(path))
                break
    return mods


def _py_files(view: WorkspaceView) -> list[str]:
    return [p for p in view.files() if p.endswith(".py")][:2000]


def import_insert_offset(tree: Tree) -> tuple[int, str]:
    """Where a new import line goes (after the last top-level import, or the docstring)."""
    after = None
    for top in tree.root_node.named_children:
        if top.type in ("import_statement", "import_from_statement", "future_import_statement"):
            after = top
        elif top.type == "comment" and after is None:
            continue
        elif (
            after is None
            and pytree.is_docstring(top)
            and top.start_byte == tree.root_node.named_children[0].start_byte
        ):
            after = top
        else:
            break
    if after is None:
        return 0, "{}\n"
    return after.end_byte, "\n{}"


class ImportsGenerator:
    """Missing imports for undefined names; removal of unused imports."""

    name = "imports"

    def generate(self, ctx: ActionContext) -> Iterable[Candidate]:
        path = ctx.focus_path
        text = ctx.view.read_text(path) if path else None
        if text is None or not path.endswith(".py"):
            return []
        if ctx.editor:
            out = self._near_focus(ctx, path)
            return out[: ctx.limit] if ctx.limit else out
        tree = pytree.parse(text)
        out = list(self._additions(ctx, path, tree)) + list(self._removals(path, tree))
        return out[: ctx.limit] if ctx.limit else out

    def _near_focus(self, ctx: ActionContext, path: str) -> list[Candidate]:
        """An editor's request: imports for undefined names in the range; removals when the
        range touches an import statement or a diagnostic speaks of an unused import."""
        got = focus.source(ctx.view, path)
        if got is None:
            return []
        data, tree = got
        lo, hi = focus.focus_range(ctx, data) or (0, len(data))
        out = []
        if not focus.error_near(tree, data, lo, hi):  # names in code being typed can wait
            out += self._additions(ctx, path, tree, undefined_near(tree, lo, hi))
        touches_import = _touches_import(tree.root_node, lo, hi)
        asked = any("unused" in d.lower() or "import" in d.lower() for d in ctx.diagnostics)
        if touches_import or asked:
            removals = focus.per_version(
                "imports.removals", tree, lambda: list(self._removals(path, tree))
            )
            out += [replace(c) for c in removals]  # callers may set tokens on theirs
        return out

    def _additions(
        self, ctx: ActionContext, path: str, tree: Tree, undefined: dict[str, Node] | None = None
    ) -> Iterable[Candidate]:
        offset, template = import_insert_offset(tree)
        own = module_name(path)
        if undefined is None:
            undefined = undefined_names(tree)
        for name, use in undefined.items():
            lines = [
                f"from {m} import {name}" for m in workspace_definitions(ctx, name) if m != own
            ]
            if name in STDLIB_MODULES:
                lines.append(f"import {name}")
            if name in STDLIB_NAMES:
                lines.append(f"from {STDLIB_NAMES[name]} import {name}")
            for line in dict.fromkeys(lines):
                yield Candidate(
                    kind="imports.add",
                    title=f"Add `{line}`",
                    change=Change(edits=(TextEdit(path, offset, offset, template.format(line)),)),
                    target=NodeRef(path, use.start_byte, use.end_byte, use.type),
                    lsp_kind="quickfix",
                    data={"name": name, "line": use.start_point.row + 1},
                )

    def _removals(self, path: str, tree: Tree) -> Iterable[Candidate]:
        if path.endswith("__init__.py"):
            return  # imports there are usually re-exports
        used = set(used_names(tree))
        source = tree.root_node.text or b""
        for stmt in tree.root_node.named_children:
            if stmt.type not in ("import_statement", "import_from_statement"):
                continue
            bound = pytree.imported_names(stmt)
            unused = [n for n in bound if n not in used and f'"{n}"'.encode() not in source]
            if not unused:
                continue
            if len(unused) == len(bound):
                start = stmt.start_byte
                end = min(stmt.end_byte + 1, len(source))
                edit, title = TextEdit(path, start, end, ""), f"Remove unused `{text_of(stmt)}`"
            else:
                edit, title = self._drop_names(path, stmt, set(unused))
            yield Candidate(
                kind="imports.remove",
                title=title,
                change=Change(edits=(edit,)),
                target=NodeRef(path, stmt.start_byte, stmt.end_byte, stmt.type),
                lsp_kind="quickfix",
                data={"names": unused, "line": stmt.start_point.row + 1},
            )

    @staticmethod
    def _drop_names(path: str, stmt: Node, unused: set[str]) -> tuple[TextEdit, str]:
        """Rewrite the import keeping only the used names."""
        module = stmt.child_by_field_name("module_name")
        kept = []
        for c in stmt.named_children:
            if module is not None and c == module:
                continue
            if c.type in ("dotted_name", "aliased_import"):
                alias = c.child_by_field_name("alias") if c.type == "aliased_import" else None
                name = text_of(alias) if alias is not None else text_of(c)
                if stmt.type == "import_statement" and alias is None:
                    name = name.split(".")[0]
                if name not in unused:
                    kept.append(text_of(c))
        if stmt.type == "import_statement":
            new = "import " + ", ".join(kept)
        else:
            new = f"from {text_of(module)} import " + ", ".join(kept)
        title = f"Remove unused {', '.join(f'`{n}`' for n in sorted(unused))} from the import"
        return TextEdit(path, stmt.start_byte, stmt.end_byte, new), title


def _touches_import(root: Node, lo: int, hi: int) -> bool:
    """Whether a top-level import statement overlaps ``[lo, hi]``: the module's children
    from the first ending at or after ``lo``, by sibling links (never the nodes inside a
    10,000-character statement)."""
    top = focus.first_child_ending_at_or_after(root, lo)
    while top is not None and top.start_byte <= hi:
        if top.type in ("import_statement", "import_from_statement"):
            return True
        top = top.next_sibling
    return False
