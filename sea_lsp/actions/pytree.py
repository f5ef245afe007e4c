"""Tree-sitter helpers the generators share: parsing, walking, scopes and validity checks.

Everything here works on UTF-8 bytes, the unit of tree-sitter offsets and of ``TextEdit``.
"""

from __future__ import annotations

import builtins
import warnings
from collections.abc import Iterator, Sequence
from functools import lru_cache

import tree_sitter_python
from tree_sitter import Language, Node, Parser, Tree

PY_LANGUAGE = Language(tree_sitter_python.language())
_PARSER = Parser(PY_LANGUAGE)

BUILTIN_NAMES = frozenset(dir(builtins))
FUNCTION_TYPES = ("function_definition", "lambda")
SCOPE_TYPES = ("function_definition", "class_definition", "module", "lambda")
LOOPS = ("for_statement", "while_statement")


def parse(source: bytes | str) -> Tree:
    """Parse Python source (bytes or text) with tree-sitter."""
    if isinstance(source, str):
        source = source.encode("utf-8")
    return _PARSER.parse(source)


def has_error(tree_or_node: Tree | Node) -> bool:
    node = tree_or_node.root_node if isinstance(tree_or_node, Tree) else tree_or_node
    return node.has_error


@lru_cache(maxsize=4096)
def parses_cleanly(source: bytes) -> bool:
    """True when ``source`` parses with no ERROR or MISSING node."""
    return not _PARSER.parse(source).root_node.has_error


# compile() of a candidate warns on stderr about code it accepts ("'int' object is not
# subscriptable; perhaps you missed a comma?"); candidates are checked by the thousand and
# the warning is about the user's code, not this process. (A filter set per call would not
# be thread-safe: the agent checks candidates on a worker thread.)
warnings.filterwarnings("ignore", category=SyntaxWarning)


def compiles(text: str, path: str = "<candidate>") -> bool:
    """True when CPython accepts ``text`` (tree-sitter is more lenient in a few places)."""
    try:
        compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def text_of(node: Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")


def is_docstring(stmt: Node | None) -> bool:
    """``stmt`` is a string on its own (a docstring, where it is a body's first statement)."""
    return (
        stmt is not None
        and stmt.type == "expression_statement"
        and stmt.named_child_count == 1
        and stmt.named_children[0].type == "string"
    )


def first_statement(fn: Node) -> Node | None:
    """The first statement of ``fn``'s body after its docstring (the docstring when it is
    all there is), comments skipped; None for an empty body."""
    body = fn.child_by_field_name("body")
    stmts = [c for c in body.named_children if c.type != "comment"] if body is not None else []
    if not stmts:
        return None
    return stmts[1] if is_docstring(stmts[0]) and len(stmts) > 1 else stmts[0]


def calls_itself(fn: Node) -> bool:
    """``fn``'s own body calls it by name (``fact(n - 1)``, ``self.walk(child)``; not
    ``xs.count(x)`` in a ``count``)."""
    name = text_of(fn.child_by_field_name("name"))
    body = fn.child_by_field_name("body")
    stack = list(body.named_children) if body is not None else []
    while stack:
        n = stack.pop()
        if n.type in ("function_definition", "class_definition", "lambda"):
            continue  # a nested function's calls are its own
        if n.type == "call":
            callee = n.child_by_field_name("function")
            if callee is not None and callee.type == "attribute":  # ``self.walk(child)``
                owner = callee.child_by_field_name("object")
                mine = owner is not None and text_of(owner) in ("self", "cls")
                callee = callee.child_by_field_name("attribute") if mine else None
            if callee is not None and callee.type == "identifier" and text_of(callee) == name:
                return True
        stack.extend(n.named_children)
    return False


def field_name(node: Node) -> str | None:
    """The field ``node`` fills in its parent (``left``, ``right``, ``function``, ...), or None."""
    parent = node.parent
    if parent is None:
        return None
    for i, c in enumerate(parent.children):
        if c.id == node.id:
            return parent.field_name_for_child(i)
    return None


def next_statement(node: Node) -> Node | None:
    """The next named sibling of ``node`` that is not a comment (tree-sitter keeps comments
    inside blocks, as siblings of the statements)."""
    sib = node.next_named_sibling
    while sib is not None and sib.type == "comment":
        sib = sib.next_named_sibling
    return sib


def statements(block: Node) -> list[Node]:
    """The named children of ``block`` that are not comments."""
    return [c for c in block.named_children if c.type != "comment"]


def branch_end(node: Node) -> tuple[Node, Node, Node | None] | None:
    """(the ``if`` chain, the branch's last statement, the clause after the branch: an
    ``elif``/``else``, or None at the chain's end) when ``node`` is an ``if``/``elif``
    clause (its condition is the line the failing input evaluated) or the last statement of
    such a clause's branch (where a missing clause would go); None elsewhere."""
    if node.type in ("if_statement", "elif_clause"):
        owner = node
    else:
        block = node.parent
        if block is None or block.type != "block" or node.type == "comment":
            return None
        if next_statement(node) is not None:
            return None
        owner = block.parent
        if owner is None or owner.type not in ("if_statement", "elif_clause"):
            return None
        if owner.child_by_field_name("consequence") != block:
            return None
    block = owner.child_by_field_name("consequence")
    cond = owner.child_by_field_name("condition")
    body = statements(block) if block is not None else []
    if not body or cond is None or body[0].start_point.row == cond.end_point.row:
        return None  # ``if x: y`` on one line: no branch to end
    chain = owner if owner.type == "if_statement" else owner.parent
    if chain is None or chain.type != "if_statement":
        return None
    if owner.type == "if_statement":
        alts = chain.children_by_field_name("alternative")
        nxt = alts[0] if alts else None
    else:
        nxt = owner.next_named_sibling
    return chain, body[-1], nxt


def if_clauses(chain: Node) -> list[Node]:
    """The ``if`` chain itself, then its ``elif`` and ``else`` clauses."""
    return [chain, *chain.children_by_field_name("alternative")]


def walk(node: Node) -> Iterator[Node]:
    """Every node under ``node`` (itself included), in source order."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


def method_call(call: Node) -> tuple[Node, str] | None:
    """``(receiver, method name)`` of a call ``obj.name(...)``; None for other calls."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "attribute":
        return None
    obj, attr = fn.child_by_field_name("object"), fn.child_by_field_name("attribute")
    return (obj, text_of(attr)) if obj is not None and attr is not None else None


def statement_of(node: Node) -> Node:
    """The statement holding ``node``: the ancestor (or itself) whose parent is a block."""
    n = node
    while n.parent is not None and n.parent.type not in ("block", "module"):
        n = n.parent
    return n


_NESTED_SCOPES = frozenset({"function_definition", "class_definition", "lambda"})


def walk_local(node: Node) -> Iterator[Node]:
    """``node``'s subtree in source order without nested functions, classes and lambdas
    (what runs in ``node``'s own scope)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed([c for c in n.children if c.type not in _NESTED_SCOPES]))


def line_start(data: bytes, offset: int) -> int:
    return data.rfind(b"\n", 0, offset) + 1


def line_end(data: bytes, offset: int) -> int:
    end = data.find(b"\n", offset)
    return len(data) if end < 0 else end


def indent_of(data: bytes, offset: int) -> str:
    """The leading whitespace of the line holding ``offset``."""
    start = line_start(data, offset)
    i = start
    while i < len(data) and data[i : i + 1] in (b" ", b"\t"):
        i += 1
    return data[start:i].decode("utf-8")


def enclosing(node: Node, types: tuple[str, ...]) -> Node | None:
    n = node.parent
    while n is not None and n.type not in types:
        n = n.parent
    return n


def top_level_ancestor(node: Node) -> Node:
    """The child of the module that holds ``node`` (the unit a local edit can be reparsed in)."""
    n = node
    while n.parent is not None and n.parent.parent is not None:
        n = n.parent
    return n


def _target_names(node: Node | None, out: list[str]) -> None:
    """Names bound by an assignment target (``a``, ``a, b``, ``[a, *b]``); attributes bind nothing."""
    if node is None:
        return
    if node.type == "identifier":
        out.append(text_of(node))
    elif node.type in (
        "pattern_list",
        "tuple_pattern",
        "list_pattern",
        "tuple",
        "list",
    ) or node.type in ("list_splat_pattern", "parenthesized_expression"):
        for c in node.named_children:
            _target_names(c, out)


def target_names(node: Node | None) -> list[str]:
    """The names an assignment or loop target binds (``a``, ``a, b``, ``[a, *b]``)."""
    out: list[str] = []
    _target_names(node, out)
    return out


def declared_shared(scope: Node, nested: bool = False) -> set[str]:
    """Names a ``global`` or ``nonlocal`` statement of ``scope`` shares with another scope
    (those of its nested functions and classes too with ``nested``)."""
    return {
        text_of(i)
        for n in (walk if nested else walk_local)(scope)
        if n.type in ("global_statement", "nonlocal_statement")
        for i in n.named_children
        if i.type == "identifier"
    }


def assigned_names(stmt: Node) -> list[str]:
    """Names a simple assignment statement binds (``a = ...``, ``a, b = ...``, ``a += ...``)."""
    inner = stmt.named_children[0] if stmt.type == "expression_statement" else None
    if inner is None or inner.type not in ("assignment", "augmented_assignment"):
        return []
    out: list[str] = []
    _target_names(inner.child_by_field_name("left"), out)
    return out


def parameter_names(params: Node | None) -> list[str]:
    """Parameter names of a ``parameters``/``lambda_parameters`` node, in order."""
    if params is None:
        return []
    return [n for n in map(parameter_name, params.named_children) if n is not None]


def parameter_name(p: Node) -> str | None:
    """The name one parameter binds (``x``, ``x: int``, ``x=1``, ``*xs``), or None."""
    if p.type == "identifier":
        return text_of(p)
    name = p.child_by_field_name("name")
    if name is None:
        name = next((c for c in p.named_children if c.type == "identifier"), None)
    return text_of(name) if name is not None and name.type == "identifier" else None


def bound_names(scope: Node) -> dict[str, str]:
    """Names bound directly in ``scope`` (not in nested functions/classes) → how they are bound.

    The binding kind is one of ``param``, ``var``, ``def``, ``class``, ``import``.
    """
    found: dict[str, str] = {}
    if scope.type in FUNCTION_TYPES:
        for n in parameter_names(scope.child_by_field_name("parameters")):
            found.setdefault(n, "param")
    body = scope.child_by_field_name("body") if scope.type != "module" else scope
    if body is None:
        return found
    return bindings(body.children, found)


def bindings(statements: Sequence[Node], found: dict[str, str] | None = None) -> dict[str, str]:
    """Names that ``statements`` bind in the scope they belong to (nested functions and
    classes bind only their own name there) → how they are bound; added to ``found``."""
    found = {} if found is None else found
    stack = list(reversed(statements))
    while stack:
        n = stack.pop()
        t = n.type
        names: list[str] = []
        kind = "var"
        if t in ("function_definition", "class_definition"):
            name = n.child_by_field_name("name")
            if name is not None:
                found.setdefault(text_of(name), "def" if t == "function_definition" else "class")
            continue
        if t == "lambda":
            continue
        if t in ("assignment", "augmented_assignment") or t in ("for_statement", "for_in_clause"):
            _target_names(n.child_by_field_name("left"), names)
        elif t == "as_pattern_target" or t == "named_expression":
            _target_names(n.child_by_field_name("name") or n.named_children[0], names)
        elif t == "except_clause":
            for c in n.named_children:
                if c.type == "as_pattern":
                    _target_names(c.child_by_field_name("alias"), names)
        elif t in ("import_statement", "import_from_statement"):
            kind = "import"
            names.extend(imported_names(n))
        for name in names:
            found.setdefault(name, kind)
        stack.extend(reversed(n.children))
    return found


def imported_names(stmt: Node) -> list[str]:
    """The names an import statement binds (``import a.b`` binds ``a``)."""
    out: list[str] = []
    module = stmt.child_by_field_name("module_name")
    for c in stmt.named_children:
        if module is not None and c.id == module.id:
            continue
        if c.type == "dotted_name":
            out.append(text_of(c).split(".")[0] if stmt.type == "import_statement" else text_of(c))
        elif c.type == "aliased_import":
            alias = c.child_by_field_name("alias")
            if alias is not None:
                out.append(text_of(alias))
    return out


_MODULE_NAMES: dict[int, tuple[Tree, dict[str, str]]] = {}


def module_names(tree: Tree) -> dict[str, str]:
    """``bound_names`` of the module, computed once per tree (a few trees are kept)."""
    hit = _MODULE_NAMES.get(id(tree))
    if hit is not None and hit[0] is tree:
        return hit[1]
    names = bound_names(tree.root_node)
    if len(_MODULE_NAMES) >= 8:
        _MODULE_NAMES.pop(next(iter(_MODULE_NAMES)))
    _MODULE_NAMES[id(tree)] = (tree, names)
    return names


def scope_names(tree: Tree, offset: int) -> dict[str, str]:
    """Names visible at ``offset``: enclosing function scopes first, then the module."""
    node = tree.root_node.descendant_for_byte_range(offset, offset) or tree.root_node
    visible: dict[str, str] = {}
    n: Node | None = node
    while n is not None:
        if n.type in ("function_definition", "lambda", "module") and (
            n.type == "module" or n.start_byte < offset
        ):
            names = module_names(tree) if n.type == "module" else bound_names(n)
            for name, kind in names.items():
                visible.setdefault(name, kind)
        n = n.parent
    return visible


def names_in_scope(ctx_symbols: object, path: str, tree: Tree, offset: int) -> dict[str, str]:
    """Scope names from the symbol index when there is one, else computed from the tree."""
    local = scope_names(tree, offset)
    fn = getattr(ctx_symbols, "names_in_scope", None)
    if fn is None:
        return local
    try:
        extra = fn(path, offset)
    except Exception as exc:  # the index is a helper; the tree is the fallback
        from loguru import logger

        logger.debug("names_in_scope failed for {}: {}", path, exc)
        return local
    for item in extra or ():
        name = item if isinstance(item, str) else getattr(item, "name", None)
        if isinstance(name, str) and name.isidentifier():
            local.setdefault(name, "var")
    return local


class FileView:
    """A one-file ``WorkspaceView`` parsed once: for generators run outside a workspace
    (pretraining mutants, the repair benchmark)."""

    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text
        self._tree = parse(text)

    def files(self) -> list[str]:
        return [self.path]

    def read_text(self, path: str) -> str | None:
        return self.text if path == self.path else None

    def tree(self, path: str) -> Tree | None:
        return self._tree if path == self.path else None
