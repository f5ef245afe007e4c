"""Characterisation tests (``tests.create``): record what a function does now, as pytest asserts.

Inputs come from the function's doctests, its defaults, its type hints (a few simple values
per type) and literal calls elsewhere in the workspace. The calls are probed in the sandbox
(a throwaway pytest module that reports each result through a skip reason); the observed
values and exception types become assertions in ``tests/test_<module>_generated.py``, which
is kept only if it then passes in the sandbox.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from loguru import logger
from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.base import ActionContext, Candidate, NodeRef, WorkspaceView
from sea_lsp.actions.imports import module_name
from sea_lsp.actions.pytree import text_of
from sea_lsp.workspace.changes import Change, FileOp

PROBE_MARK = "SEA_PROBE "
PROBE_PATH = "sea_probe_generated_test.py"
MAX_CALLS = 12
_HINT_VALUES = {
    "int": ["0", "1", "3", "-2"],
    "float": ["0.0", "2.5"],
    "str": ['""', '"abc"'],
    "bool": ["True", "False"],
    "list": ["[]", "[3, 1, 2]"],
    "dict": ["{}", '{"a": 1}'],
    "tuple": ["()", "(1, 2)"],
    "set": ["set()", "{1, 2}"],
    "bytes": ['b""', 'b"ab"'],
    "None": ["None"],
}
_HINT_ALIASES = {"List": "list", "Sequence": "list", "Iterable": "list", "Dict": "dict"}
_HINT_ALIASES |= {"Mapping": "dict", "Tuple": "tuple", "Set": "set", "Optional": "None"}
_LITERAL_TYPES = {"integer", "float", "string", "true", "false", "none", "unary_operator"}
_LITERAL_TYPES |= {"list", "tuple", "dictionary", "set", "pair", "concatenated_string"}


@dataclass
class FunctionInfo:
    """A top-level function to characterise and the probe calls found for it."""

    name: str
    node: Node
    is_generator: bool = False
    calls: list[str] = field(default_factory=list)
    synthesized: set[str] = field(default_factory=set)  # calls built from hints (TypeError = noise)


def _hint_values(hint: str | None) -> list[str]:
    if hint is None:
        return []
    out: list[str] = []
    for word in re.findall(r"[A-Za-z_]+", hint):
        out += _HINT_VALUES.get(_HINT_ALIASES.get(word, word), [])
    return list(dict.fromkeys(out))[:4]


def _param_values(fn: Node) -> list[tuple[str, list[str], bool]] | None:
    """(name, values, is_keyword_only) per parameter; None when one has no usable value."""
    params = fn.child_by_field_name("parameters")
    out = []
    keyword_only = False
    for p in params.named_children if params else []:
        if p.type in ("list_splat_pattern", "dictionary_splat_pattern", "keyword_separator"):
            keyword_only = keyword_only or p.type != "dictionary_splat_pattern"
            continue
        if p.type == "positional_separator":
            continue
        name_node = p if p.type == "identifier" else p.child_by_field_name("name") or p
        name = text_of(name_node if name_node.type == "identifier" else name_node.named_children[0])
        hint = p.child_by_field_name("type")
        default = p.child_by_field_name("value")
        values = _hint_values(text_of(hint) if hint is not None else None)
        if default is not None and text_of(default) not in values:
            values.append(text_of(default))
        if not values:
            return None
        out.append((name, values[:3], keyword_only))
    return out


def _doctest_calls(fn: Node, name: str) -> list[str]:
    body = fn.child_by_field_name("body")
    first = body.named_children[0] if body is not None and body.named_child_count else None
    if first is None or first.type != "expression_statement":
        return []
    doc = text_of(first)
    return [m.strip() for m in re.findall(r">>>\s*(.+)", doc) if m.strip().startswith(name + "(")]


def _literal_call_sites(view: WorkspaceView, name: str) -> list[str]:
    """``name(...)`` calls anywhere in the workspace whose arguments are all literals."""
    out = []
    for path in [p for p in view.files() if p.endswith(".py")][:500]:
        text = view.read_text(path) or ""
        if name + "(" not in text:
            continue
        tree = view.tree(path)
        for n in pytree.walk(tree.root_node) if tree is not None else ():
            if n.type != "call":
                continue
            fn = n.child_by_field_name("function")
            last = fn.child_by_field_name("attribute") if fn.type == "attribute" else fn
            args = n.child_by_field_name("arguments")
            if last is None or text_of(last) != name or args is None:
                continue
            values = [a.child_by_field_name("value") or a for a in args.named_children]
            if all(v.type in _LITERAL_TYPES for v in values):
                out.append(f"{name}{text_of(args)}")
    return out


def collect_functions(
    view: WorkspaceView, path: str, focus: tuple[int, int] | None
) -> list[FunctionInfo]:
    """Public top-level functions of ``path`` (those overlapping ``focus``) and their probe calls."""
    tree = view.tree(path)
    if tree is None:
        return []
    out = []
    for top in tree.root_node.named_children:
        fn = top.child_by_field_name("definition") if top.type == "decorated_definition" else top
        if fn is None or fn.type != "function_definition":
            continue
        name = text_of(fn.child_by_field_name("name"))
        if name.startswith("_") or (
            focus and not (fn.start_byte <= focus[1] and fn.end_byte >= focus[0])
        ):
            continue
        info = FunctionInfo(name, fn)
        body = fn.child_by_field_name("body")
        info.is_generator = any(n.type == "yield" for n in pytree.walk(body)) if body else False
        info.calls += _doctest_calls(fn, name) + _literal_call_sites(view, name)
        params = _param_values(fn)
        if params is not None:
            combos = itertools.islice(itertools.product(*[v for _, v, _ in params]), MAX_CALLS)
            for combo in combos:
                args = ", ".join(
                    f"{n}={v}" if kw else v for (n, _, kw), v in zip(params, combo, strict=False)
                )
                info.synthesized.add(f"{name}({args})")
                info.calls.append(f"{name}({args})")
        info.calls = list(dict.fromkeys(info.calls))[:MAX_CALLS]
        if info.calls:
            out.append(info)
    return out


def probe_module(module: str, calls: Sequence[str]) -> str:
    """A pytest module whose test ``i`` evaluates ``calls[i]`` and reports it as a skip reason."""
    lines = [
        "import ast, importlib, json, pytest",
        f"_MOD = importlib.import_module({module!r})",
        "",
        "def _probe(src):",
        "    try:",
        "        value = eval(src, dict(vars(_MOD)))",
        "    except Exception as exc:",
        "        t = type(exc)",
        '        return {"src": src, "raises": t.__qualname__, "module": t.__module__}',
        "    text = repr(value)",
        "    try:",
        "        literal = ast.literal_eval(text) == value",
        "    except Exception:",
        "        literal = False",
        '    return {"src": src, "repr": text, "literal": literal}',
    ]
    for i, call in enumerate(calls):
        lines += [
            "",
            f"def test_probe_{i}():",
            f"    pytest.skip({PROBE_MARK!r} + json.dumps(_probe({call!r})))",
        ]
    return "\n".join(lines) + "\n"


def parse_probe_results(messages: Iterable[str]) -> list[dict]:
    """Observations from the probe tests' skip reasons."""
    out = []
    for msg in messages:
        at = msg.find(PROBE_MARK)
        if at < 0:
            continue
        try:
            out.append(json.loads(msg[at + len(PROBE_MARK) :].strip().splitlines()[0]))
        except (json.JSONDecodeError, IndexError):
            logger.debug("unreadable probe result: {!r}", msg[:200])
    return out


def build_test_module(
    module: str, observations: Sequence[dict], synthesized: set[str] = frozenset()
) -> str:
    """The pytest module asserting ``observations`` (``{"src", "repr"|"raises", ...}``)."""
    by_fn: dict[str, list[str]] = {}
    names: set[str] = set()
    needs_pytest = False
    for ob in observations:
        src = ob["src"]
        fn = src.removeprefix("list(").split("(", 1)[0]
        if "raises" in ob:
            exc, where = ob["raises"], ob.get("module")
            if src in synthesized and exc in ("TypeError", "AttributeError"):
                continue  # a value the function was never meant to take
            if where == module:
                names.add(exc)
            elif where != "builtins" or "." in exc:
                continue
            stmt = [f"with pytest.raises({exc}):", f"    {src}"]
            needs_pytest = True
        elif ob.get("literal"):
            value = ob["repr"]
            if value in ("None", "True", "False"):
                stmt = [f"assert {src} is {value}"]
            else:
                stmt = [f"assert {src} == {value}"]
        else:
            continue
        names.add(fn)
        by_fn.setdefault(fn, []).extend(stmt)
    if not by_fn:
        return ""
    head = [
        f'"""Characterisation tests for `{module}`: what it does now (generated by sea-lsp)."""',
        "",
    ]
    if needs_pytest:
        head += ["import pytest", ""]
    head += [f"from {module} import {', '.join(sorted(names))}", ""]
    body = []
    for fn, stmts in by_fn.items():
        body += ["", f"def test_{fn}_characterisation():", *("    " + s for s in stmts)]
    return "\n".join(head + body) + "\n"


def test_path_for(view: WorkspaceView, path: str) -> str:
    """``tests/test_<module>_generated.py``, or next to the project's existing tests."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".py")
    files = view.files()
    if not any(f.startswith("tests/") for f in files):
        dirs = [
            f.rsplit("/", 1)[0]
            for f in files
            if "/" in f and f.rsplit("/", 1)[1].startswith("test_")
        ]
        if dirs:
            return f"{dirs[0]}/test_{stem}_generated.py"
    return f"tests/test_{stem}_generated.py"


class TestsGenerator:
    """Characterisation tests for the focus function (or the focus module's public functions)."""

    __test__ = False  # not a pytest class
    name = "tests"

    def generate(self, ctx: ActionContext) -> Iterable[Candidate]:
        path = ctx.focus_path
        if not (ctx.trusted and ctx.sandbox is not None and path and path.endswith(".py")):
            return []
        module = module_name(path)
        focus = (ctx.focus_start, ctx.focus_end) if ctx.focus_start is not None else None
        if module is None or focus is not None and focus[1] is None:
            return []
        functions = collect_functions(ctx.view, path, focus)
        calls = [c if not f.is_generator else f"list({c})" for f in functions for c in f.calls]
        synthesized = {
            c if not f.is_generator else f"list({c})" for f in functions for c in f.synthesized
        }
        if not calls:
            return []
        probe = ctx.sandbox.run_tests({PROBE_PATH: probe_module(module, calls)}, [PROBE_PATH])
        observations = parse_probe_results(o.message for o in probe.outcomes.values())
        text = build_test_module(module, observations, synthesized)
        if not text:
            return []
        target = test_path_for(ctx.view, path)
        if ctx.view.read_text(target) is not None:
            return []
        check = ctx.sandbox.run_tests({target: text}, [target])
        if not check.outcomes or not check.all_passed:
            logger.info("generated tests for {} did not pass; dropped: {}", path, check.error)
            return []
        first = functions[0].node
        return [
            Candidate(
                kind="tests.create",
                title=f"Create characterisation tests `{target}`",
                change=Change(file_ops=(FileOp("create", target, content=text),)),
                target=NodeRef(path, first.start_byte, first.end_byte, first.type),
                lsp_kind="source.sea.tests",
                expensive=True,
                needs_execution=True,
                data={"path": target, "functions": [f.name for f in functions]},
            )
        ]
