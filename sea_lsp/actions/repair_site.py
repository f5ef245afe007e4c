"""Shared pieces of the repair families: the mutation record and the per-file site."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from tree_sitter import Node, Tree

from sea_lsp.actions import focus, pytree


class Mutation(NamedTuple):
    """One single-edit mutation: replace bytes ``[start, end)`` with ``new_text``."""

    family: str  # "compare_swap", "delete_stmt", ...
    start: int
    end: int
    new_text: str
    title: str
    node: Node
    weight: float = 1.0  # how likely among its family's candidates at one place (1: evenly)


# Nodes that may be wrapped in parentheses-free arithmetic (``x + 1``) without changing precedence.
ATOMS = frozenset(
    {
        "identifier",
        "integer",
        "float",
        "string",
        "true",
        "false",
        "none",
        "call",
        "attribute",
        "subscript",
        "parenthesized_expression",
        "list",
        "tuple",
        "dictionary",
        "set",
    }
)


def paren(node: Node) -> str:
    """The node's text, parenthesised unless it is an atom."""
    t = pytree.text_of(node)
    return t if node.type in ATOMS else f"({t})"


def short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Site:
    """One file being mutated: its bytes, tree, and cached scope names per enclosing function."""

    path: str
    data: bytes
    tree: Tree
    symbols: object = None
    max_names: int = 12
    _scopes: dict[tuple[int, int], dict[str, str]] = field(default_factory=dict)
    _calls: list[str] | None = None
    _attributes: list[str] | None = None
    _methods: list[str] | None = None
    _offsets: list[int] | None = None
    memo: dict = field(default_factory=dict)  # per-file facts the families compute once
    weigh: bool = False  # the search weighs candidates (``Mutation.weight``); an editor does not
    # 1-based line -> what a failing test found zero or empty there (``repair_crash``)
    crashes: dict[int, Any] = field(default_factory=dict)

    def line_offsets(self) -> list[int]:
        """The start offset of every line, then one past the end (computed once)."""
        if self._offsets is None:
            self._offsets = focus.line_starts(self.data)
        return self._offsets

    def line(self, node: Node) -> int:
        return node.start_point.row + 1

    def line_of_offset(self, offset: int) -> int:
        """The 1-based line holding byte ``offset``."""
        return bisect_right(self.line_offsets(), offset)

    def scope(self, node: Node) -> dict[str, str]:
        """Names visible at ``node`` (name → binding kind), computed once per enclosing scope
        and line (what is visible, and nearest first, depends on where in the scope)."""
        fn = pytree.enclosing(node, pytree.FUNCTION_TYPES + ("module",))
        key = (fn.id if fn is not None else -1, node.start_point.row)
        got = self._scopes.get(key)
        if got is None:
            got = pytree.names_in_scope(self.symbols, self.path, self.tree, node.start_byte)
            self._scopes[key] = got
        return got

    def value_names(self, node: Node) -> list[str]:
        """Parameters and variables in scope, nearest scope first, at most ``max_names``.

        Where the scope holds more, the ones kept are those the code uses nearest ``node``'s
        line (in a long function the names bound first are rarely the ones a line near its
        end needs); they keep their order in the scope."""
        scope = self.scope(node)
        key = ("value_names", id(scope))  # the scope dict lives as long as the site
        got = self.memo.get(key)
        if got is None or got[0] is not scope:
            names = [n for n, k in scope.items() if k in ("param", "var")]
            if len(names) > self.max_names:
                names = self._nearest(node, names)
            got = self.memo[key] = (scope, names)
        return list(got[1])

    def _nearest(self, node: Node, names: list[str]) -> list[str]:
        """The ``max_names`` of ``names`` that occur nearest ``node``'s line in its function
        (an occurrence at or above the line before one below it; parameters and names the
        function does not use after them, in scope order), in scope order."""
        fn = pytree.enclosing(node, pytree.FUNCTION_TYPES)
        rows = self.name_rows(fn) if fn is not None else {}
        row = node.start_point.row
        far = 1 << 30

        def distance(name: str) -> int:
            at = rows.get(name)
            if not at:
                return far
            above = [row - r for r in at if r <= row]
            return min(above) if above else (far >> 1) + min(r - row for r in at)

        ranked = sorted(range(len(names)), key=lambda i: (distance(names[i]), i))
        keep = sorted(ranked[: self.max_names])
        return [names[i] for i in keep]

    def name_rows(self, fn: Node) -> dict[str, list[int]]:
        """The rows each name occurs on in ``fn``'s own scope (computed once per function)."""
        key = ("name_rows", fn.id)
        got = self.memo.get(key)
        if got is None:
            got = {}
            for n in pytree.walk_local(fn):
                if n.type == "identifier":
                    got.setdefault(pytree.text_of(n), []).append(n.start_point.row)
            self.memo[key] = got
        return got

    def callable_names(self, node: Node) -> list[str]:
        return [n for n, k in self.scope(node).items() if k in ("def", "class", "import")]

    def file_attributes(self) -> list[str]:
        """Attribute names the file reads or writes (``obj.name``), first twelve in order."""
        if self._attributes is None:
            seen: dict[str, None] = {}
            for n in pytree.walk(self.tree.root_node):
                if n.type == "attribute":
                    attr = n.child_by_field_name("attribute")
                    if attr is not None:
                        seen.setdefault(pytree.text_of(attr), None)
                        if len(seen) == 12:
                            break
            self._attributes = list(seen)
        return self._attributes

    def attribute_names(self) -> frozenset[str]:
        """Every attribute name the file reads or writes (``obj.name``), computed once."""
        got = self.memo.get("attribute_names")
        if got is None:
            got = frozenset(
                pytree.text_of(a)
                for n in pytree.walk(self.tree.root_node)
                if n.type == "attribute" and (a := n.child_by_field_name("attribute")) is not None
            )
            self.memo["attribute_names"] = got
        return got

    def file_methods(self) -> list[str]:
        """Methods the file calls on an object with no arguments (``obj.name()``), first six."""
        if self._methods is None:
            seen: dict[str, None] = {}
            for n in pytree.walk(self.tree.root_node):
                fn = n.child_by_field_name("function") if n.type == "call" else None
                args = n.child_by_field_name("arguments") if fn is not None else None
                attr = fn.child_by_field_name("attribute") if fn is not None else None
                if attr is not None and args is not None and args.named_child_count == 0:
                    seen.setdefault(pytree.text_of(attr), None)
                    if len(seen) == 6:
                        break
            self._methods = list(seen)
        return self._methods

    def file_calls(self) -> list[str]:
        """Functions the file calls with exactly one positional argument (for wrapping)."""
        if self._calls is None:
            seen: dict[str, None] = {}
            for n in pytree.walk(self.tree.root_node):
                if n.type != "call":
                    continue
                fn = n.child_by_field_name("function")
                args = n.child_by_field_name("arguments")
                if (
                    fn is not None
                    and fn.type in ("identifier", "attribute")
                    and args is not None
                    and args.type == "argument_list"
                    and args.named_child_count == 1
                    and args.named_children[0].type
                    not in ("keyword_argument", "list_splat", "dictionary_splat")
                ):
                    seen.setdefault(pytree.text_of(fn), None)
                    if len(seen) == 12:  # the first twelve in source order are all we keep
                        break
            self._calls = list(seen)
        return self._calls
