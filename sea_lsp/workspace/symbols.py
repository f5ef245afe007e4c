"""Definitions, imports and names in scope, from tree-sitter queries over Python files.

Generators use it to propose names that exist (repair mutations, imports), and the
encoder for summaries. Built lazily per file and rebuilt when the file's text changes.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath

from tree_sitter import Node, Query, QueryCursor

from sea_lsp.actions.base import WorkspaceView
from sea_lsp.workspace.languages import PYTHON, language_for_path

_DEFINITIONS = """
(function_definition name: (identifier) @function)
(class_definition name: (identifier) @class)
(assignment left: (_) @target)
(augmented_assignment left: (identifier) @variable)
(for_statement left: (_) @target)
(as_pattern_target (identifier) @variable)
(named_expression name: (identifier) @variable)
(parameters (identifier) @parameter)
(parameters (default_parameter name: (identifier) @parameter))
(parameters (typed_parameter . (identifier) @parameter))
(parameters (typed_default_parameter name: (identifier) @parameter))
(parameters (list_splat_pattern (identifier) @parameter))
(parameters (dictionary_splat_pattern (identifier) @parameter))
(parameters (typed_parameter (list_splat_pattern (identifier) @parameter)))
(parameters (typed_parameter (dictionary_splat_pattern (identifier) @parameter)))
(import_statement) @import
(import_from_statement) @import
"""

_SCOPES = ("function_definition", "class_definition")
_PATTERNS = ("pattern_list", "tuple_pattern", "list_pattern", "list_splat_pattern")


def _target_names(node: Node) -> list[Node]:
    """The identifiers an assignment target binds (``a, [b, *c]``; not ``x.y`` or ``x[i]``)."""
    if node.type == "identifier":
        return [node]
    if node.type in _PATTERNS:
        return [n for child in node.named_children for n in _target_names(child)]
    return []


@dataclass(frozen=True)
class Definition:
    """A name bound in a file. ``start``/``end``: the name's bytes; ``scope``: dotted
    enclosing function/class ("" = module); ``scope_start``/``scope_end``: that scope's bytes."""

    path: str
    name: str
    kind: str  # 'function' | 'class' | 'variable' | 'import' | 'parameter'
    start: int
    end: int
    scope: str = ""
    scope_start: int = 0
    scope_end: int = 0
    scope_kind: str = "module"  # 'module' | 'function' | 'class'


@dataclass(frozen=True)
class Import:
    """``import module [as alias]`` (name None) or ``from module import name [as alias]``."""

    module: str
    name: str | None
    alias: str | None
    start: int
    end: int

    @property
    def bound_name(self) -> str:
        if self.alias:
            return self.alias
        if self.name:
            return self.name
        return self.module.split(".")[0]


@cache
def _query() -> Query:
    return Query(PYTHON.ts_language(), _DEFINITIONS)


def module_for_path(path: str) -> str:
    """The dotted module of a file: ``pkg/mod.py`` → ``pkg.mod``, ``pkg/__init__.py`` → ``pkg``,
    ``src/pkg/mod.py`` → ``pkg.mod`` (src layout)."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if len(parts) > 1 and parts[0] == "src":
        parts.pop(0)
    return ".".join(parts)


def _scope_of(node: Node) -> Node | None:
    n = node.parent
    while n is not None and n.type not in _SCOPES:
        n = n.parent
    return n


def _scope_name(scope: Node | None) -> str:
    names = []
    while scope is not None:
        name = scope.child_by_field_name("name")
        names.append(name.text.decode("utf-8", "replace") if name else "?")
        scope = _scope_of(scope)
    return ".".join(reversed(names))


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text else ""


def _imports_of(stmt: Node) -> list[Import]:
    out = []
    s, e = stmt.start_byte, stmt.end_byte
    if stmt.type == "import_statement":
        for child in stmt.children_by_field_name("name"):
            if child.type == "aliased_import":
                module = _text(child.child_by_field_name("name"))
                out.append(Import(module, None, _text(child.child_by_field_name("alias")), s, e))
            else:
                out.append(Import(_text(child), None, None, s, e))
        return out
    module = _text(stmt.child_by_field_name("module_name")).replace(" ", "")
    names = stmt.children_by_field_name("name")
    if any(c.type == "wildcard_import" for c in stmt.children):
        return [Import(module, "*", None, s, e)]
    for child in names:
        if child.type == "aliased_import":
            name = _text(child.child_by_field_name("name"))
            out.append(Import(module, name, _text(child.child_by_field_name("alias")), s, e))
        else:
            out.append(Import(module, _text(child), None, s, e))
    return out


class _FileSymbols:
    def __init__(self, path: str, text: str, root: Node):
        self.text = text
        self.definitions: list[Definition] = []
        self.imports: list[Import] = []
        captures = QueryCursor(_query()).captures(root)
        for kind, nodes in captures.items():
            for node in nodes:
                scope = _scope_of(node.parent if kind in ("function", "class") else node)
                where = (
                    _scope_name(scope),
                    *((scope.start_byte, scope.end_byte) if scope else (0, root.end_byte)),
                    scope.type.split("_")[0] if scope else "module",
                )
                if kind == "import":
                    for imp in _imports_of(node):
                        if imp.name == "*":
                            self.imports.append(imp)
                            continue
                        self.imports.append(imp)
                        self.definitions.append(
                            Definition(path, imp.bound_name, "import", imp.start, imp.end, *where)
                        )
                    continue
                named = _target_names(node) if kind == "target" else [node]
                dkind = "variable" if kind == "target" else kind
                for n in named:
                    self.definitions.append(
                        Definition(path, _text(n), dkind, n.start_byte, n.end_byte, *where)
                    )
        self.definitions.sort(key=lambda d: (d.start, d.name))
        self.imports.sort(key=lambda i: (i.start, i.module, i.name or ""))


class SymbolIndex:
    """Symbols of the Python files of a view, computed per file on first use."""

    def __init__(self, view: WorkspaceView):
        self.view = view
        self._files: dict[str, _FileSymbols] = {}

    def _file(self, path: str) -> _FileSymbols | None:
        if language_for_path(path) is not PYTHON:
            return None
        text = self.view.read_text(path)
        if text is None:
            self._files.pop(path, None)
            return None
        cached = self._files.get(path)
        if cached is not None and (cached.text is text or cached.text == text):
            return cached
        tree = self.view.tree(path)
        if tree is None:
            return None
        symbols = _FileSymbols(path, text, tree.root_node)
        self._files[path] = symbols
        return symbols

    def update(self, path: str) -> None:
        """Forget a file's symbols (they are rebuilt on next use)."""
        self._files.pop(path, None)

    def module_definitions(self, path: str) -> list[Definition]:
        """Names bound at the top level of a file."""
        fs = self._file(path)
        return [d for d in fs.definitions if d.scope == ""] if fs else []

    def all_definitions(self, path: str) -> list[Definition]:
        fs = self._file(path)
        return list(fs.definitions) if fs else []

    def definitions(self, name: str) -> list[Definition]:
        """Every binding of ``name`` in the workspace's Python files (imports excluded)."""
        out = []
        for path in self.view.files():
            fs = self._file(path)
            if fs:
                out.extend(d for d in fs.definitions if d.name == name and d.kind != "import")
        return out

    def imports(self, path: str) -> list[Import]:
        fs = self._file(path)
        return list(fs.imports) if fs else []

    def names_in_scope(
        self, path: str, byte_offset: int, include_builtins: bool = False
    ) -> list[str]:
        """Names visible at ``byte_offset``: locals and parameters of the enclosing functions,
        class-body names when directly in a class body, module names and imports."""
        fs = self._file(path)
        if fs is None:
            return sorted(dir(builtins)) if include_builtins else []
        enclosing = {
            (d.scope_start, d.scope_end)
            for d in fs.definitions
            if d.scope_kind != "module" and d.scope_start <= byte_offset < d.scope_end
        }
        innermost = max(enclosing, default=None)
        names: set[str] = set()
        for d in fs.definitions:
            where = (d.scope_start, d.scope_end)
            if d.scope_kind == "module":
                names.add(d.name)
            elif where in enclosing and (d.scope_kind == "function" or where == innermost):
                names.add(d.name)  # class bodies are visible only directly inside them
        if include_builtins:
            names.update(n for n in dir(builtins) if not n.startswith("__"))
        return sorted(names)
