"""What a call passes (``repair.insert_arg``, ``repair.drop_arg``, ``repair.add_method``).

Real one-line fixes change what a call is given more often than any single token family
reaches: of the small fix commits mined from ordinary projects' histories
(``benchmarks/bugs/mined/fix_pairs.jsonl``), the commonest single-hunk changes the other
families could not make were an argument added (``auto_wrap_for_ansi(file)`` ->
``auto_wrap_for_ansi(file, color)``, ``sympify(expr)`` -> ``sympify(expr, rational=rational)``),
a zero-argument method call added to a value (``re.split(sep, r)`` -> ``re.split(sep,
r.rstrip())``) and an argument dropped (``dict.__delitem__(self, key, value)``). Search only:
each call offers a dozen of them, too speculative for an editor's menu.

- **insert_arg**: one in-scope name added as the last positional argument; where the callee
  is a function of the file, its missing parameters first (positionally, or ``p=p`` for a
  parameter with a default), then the names in scope (``Site.value_names``); and
  ``enumerate(xs)`` -> ``enumerate(xs, start=1)`` (items numbered for people count from 1).
- **drop_arg**: one argument removed, with its comma.
- **add_method**: a value followed by a method the file calls without arguments
  (``Site.file_methods``: ``.strip()``, ``.copy()``, ``.items()``...).
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.pytree import field_name, text_of
from sea_lsp.actions.repair_expr import positional_args
from sea_lsp.actions.repair_site import Mutation, Site, short

MAX_ARG_NAMES = 6  # in-scope names tried as a new argument, nearest scope first
# where a value may gain ``.method()``: an argument, an operand, what is returned, assigned,
# compared, iterated or indexed, and the object of an attribute (``s.strip().endswith``)
_METHOD_PARENTS = frozenset(
    {
        "argument_list",
        "return_statement",
        "assignment",
        "comparison_operator",
        "binary_operator",
        "for_statement",
        "for_in_clause",
        "keyword_argument",
        "attribute",
    }
)
_METHOD_VALUES = frozenset({"identifier", "attribute", "subscript", "call"})


def _arguments(node: Node) -> list[Node] | None:
    """The arguments of call ``node`` (comments left out), or None when it is not a call
    with an argument list (``f"..."``, a generator argument ``f(x for x in y)``)."""
    if node.type != "call":
        return None
    args = node.child_by_field_name("arguments")
    if args is None or args.type != "argument_list":
        return None
    return [a for a in args.named_children if a.type != "comment"]


def _callee_name(call: Node) -> str | None:
    fn = call.child_by_field_name("function")
    if fn is not None and fn.type == "attribute":
        fn = fn.child_by_field_name("attribute")
    return text_of(fn) if fn is not None and fn.type == "identifier" else None


def _file_parameters(site: Site) -> dict[str, list[tuple[str, bool]]]:
    """Every function of the file by name: its parameters (``self``/``cls`` of a method
    left out) and whether each has a default; the first definition of a name wins."""
    got = site.memo.get("file_parameters")
    if got is None:
        got = {}
        for n in pytree.walk(site.tree.root_node):
            if n.type != "function_definition":
                continue
            name = text_of(n.child_by_field_name("name"))
            params = n.child_by_field_name("parameters")
            out: list[tuple[str, bool]] = []
            for p in params.named_children if params is not None else []:
                if p.type in ("list_splat_pattern", "dictionary_splat_pattern"):
                    continue
                names = pytree.parameter_name(p)
                if names:
                    out.append((names, p.type in ("default_parameter", "typed_default_parameter")))
            owner = pytree.enclosing(n, ("class_definition", "function_definition"))
            method = owner is not None and owner.type == "class_definition"
            if method and out and out[0][0] in ("self", "cls"):
                out = out[1:]
            got.setdefault(name, out)
        site.memo["file_parameters"] = got
    return got


def insert_arg(node: Node, site: Site) -> Iterator[Mutation]:
    """``f(a)`` -> ``f(a, x)``: the callee's missing parameters first, then names in scope."""
    args = _arguments(node)
    if args is None:
        return
    positional = positional_args(node.child_by_field_name("arguments"))
    if args[: len(positional)] != positional:
        return  # ``f(*xs, y)``: no plain place for one more positional argument
    passed = {text_of(a) for a in args}
    passed |= {text_of(a.child_by_field_name("name")) for a in args if a.type == "keyword_argument"}
    scope = site.value_names(node)
    callee = _callee_name(node)
    params = _file_parameters(site).get(callee or "", [])
    if params and len(positional) >= len(params) and not any(d for _, d in params):
        return  # every parameter of the file's own function is given already
    lst = node.child_by_field_name("arguments")
    if positional:
        at, before, after = positional[-1].end_byte, ", ", ""
    else:
        at, before, after = lst.start_byte + 1, "", (", " if args else "")
    keyword_at = (args[-1].end_byte, ", ") if args else (lst.start_byte + 1, "")
    news: dict[str, tuple[int, str]] = {}
    for i, (p, has_default) in enumerate(params):
        if p in scope and p not in passed and i >= len(positional):
            if has_default:
                news.setdefault(f"{p}={p}", (keyword_at[0], keyword_at[1] + f"{p}={p}"))
            else:
                news.setdefault(p, (at, before + p + after))
    for x in scope[:MAX_ARG_NAMES]:
        if x not in passed and x != callee and x not in ("self", "cls"):
            news.setdefault(x, (at, before + x + after))
    builtin = text_of(node.child_by_field_name("function"))
    if builtin == "enumerate" and len(args) == 1 == len(positional):  # numbered from 1
        news.setdefault("start=1", (keyword_at[0], keyword_at[1] + "start=1"))
    name = short(text_of(node.child_by_field_name("function")), 20)
    for shown, (offset, text) in news.items():
        title = f"Pass `{shown}` to `{name}` in line {site.line(node)}"
        yield Mutation("insert_arg", offset, offset, text, title, node)


def drop_arg(node: Node, site: Site) -> Iterator[Mutation]:
    """``f(a, b, c)`` -> ``f(a, c)``: one argument and its comma removed."""
    args = _arguments(node)
    if not args:
        return
    name = short(text_of(node.child_by_field_name("function")), 20)
    for i, a in enumerate(args):
        if i + 1 < len(args):
            start, end = a.start_byte, args[i + 1].start_byte
        elif i > 0:
            start, end = args[i - 1].end_byte, a.end_byte
        else:
            start, end = a.start_byte, a.end_byte
        title = f"Drop `{short(text_of(a), 20)}` from `{name}` in line {site.line(node)}"
        yield Mutation("drop_arg", start, end, "", title, node)


def add_method(node: Node, site: Site) -> Iterator[Mutation]:
    """``x`` -> ``x.strip()``: a value followed by a method the file calls with no arguments."""
    parent = node.parent
    if node.type not in _METHOD_VALUES or parent is None or parent.type not in _METHOD_PARENTS:
        return
    where = field_name(node)
    if parent.type == "attribute" and where != "object":
        return
    if parent.type in ("assignment", "keyword_argument") and where not in ("right", "value"):
        return
    if parent.type in ("for_statement", "for_in_clause") and where != "right":
        return
    if node.type == "attribute" and parent.type == "call":
        return
    text = text_of(node)
    then = parent.child_by_field_name("attribute") if parent.type == "attribute" else None
    for method in site.file_methods():  # never twice in a row: ``s.strip().strip()``
        if not text.endswith(f".{method}()") and (then is None or text_of(then) != method):
            new = f"{text}.{method}()"
            title = f"Change `{short(text, 20)}` to `{short(new, 30)}` in line {site.line(node)}"
            yield Mutation("add_method", node.start_byte, node.end_byte, new, title, node)


ARG_FAMILIES = (insert_arg, drop_arg, add_method)
