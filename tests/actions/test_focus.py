"""Editor requests (``ctx.editor``) stay near their range, and caches never go stale."""

from __future__ import annotations

import random

from sea_lsp.actions import pytree
from sea_lsp.actions.base import ActionContext
from sea_lsp.actions.docs import DocstringGenerator
from sea_lsp.actions.files import FilesGenerator
from sea_lsp.actions.focus import walk_overlapping
from sea_lsp.actions.imports import ImportsGenerator
from sea_lsp.actions.repair import EDITOR_LIMIT, SEARCH_EXPRESSIONS, RepairGenerator
from sea_lsp.actions.repair_guard import GUARD_FAMILIES
from sea_lsp.actions.syntax import SyntaxGenerator
from sea_lsp.workspace.workspace import Workspace
from tests.actions.conftest import DictView, apply

FUNCS = "".join(
    f"def f{i}(a, b):\n    total = a + b * {i}\n    if total > {i}:\n        return total\n"
    f"    return a - b\n\n\n"
    for i in range(30)
)


def line_range(text: str, line: int) -> tuple[int, int]:
    """Byte range of 1-based ``line`` (without its newline)."""
    data = text.encode()
    start = sum(len(ln) + 1 for ln in data.split(b"\n")[: line - 1])
    return start, start + len(data.split(b"\n")[line - 1])


def editor_ctx(view, path: str, start: int, end: int, **kw) -> ActionContext:
    return ActionContext(view, focus_path=path, focus_start=start, focus_end=end, editor=True, **kw)


def test_walk_overlapping_is_the_filtered_walk() -> None:
    data = FUNCS.encode()
    tree = pytree.parse(data)
    every = list(pytree.walk(tree.root_node))
    rng = random.Random(0)
    for _ in range(50):
        lo = rng.randrange(len(data))
        hi = lo + rng.choice([0, 3, 80])
        want = [n.id for n in every if n.start_byte <= hi and n.end_byte >= lo]
        assert [n.id for n in walk_overlapping(tree.root_node, lo, hi)] == want


def test_syntax_fixes_only_errors_near_the_range() -> None:
    text = FUNCS + "def broken(x)\n    return x\n"
    view = DictView({"m.py": text})
    last = text.count("\n")
    near = SyntaxGenerator().generate(editor_ctx(view, "m.py", *line_range(text, last)))
    assert any(apply(view, c)["m.py"].endswith("def broken(x):\n    return x\n") for c in near)
    assert all(c.data["line"] >= last - 3 for c in near)
    far = SyntaxGenerator().generate(editor_ctx(view, "m.py", *line_range(text, 2)))
    assert far == []


def test_syntax_fix_near_one_error_while_another_stays() -> None:
    text = "def a(x)\n    return x\n" + FUNCS + "y = [1, 2\n"
    view = DictView({"m.py": text})
    fixes = SyntaxGenerator().generate(editor_ctx(view, "m.py", *line_range(text, 1)))
    assert "def a(x):\n    return x\n" + FUNCS + "y = [1, 2\n" in [
        apply(view, c)["m.py"] for c in fixes
    ]
    # The whole-file (agent) path still demands a file that parses: no single edit does.
    assert list(SyntaxGenerator().generate(ActionContext(view, focus_path="m.py"))) == []


def test_imports_add_only_for_names_in_the_range() -> None:
    text = "import os\n\n\ndef f():\n    return Path('.')\n\n\ndef g():\n    return deque()\n"
    view = DictView({"m.py": text})
    cands = ImportsGenerator().generate(editor_ctx(view, "m.py", *line_range(text, 5)))
    titles = [c.title for c in cands]
    assert "Add `from pathlib import Path`" in titles
    assert not any("deque" in t for t in titles)
    assert not any(c.kind == "imports.remove" for c in cands)  # far from the imports


def test_imports_remove_when_the_range_touches_imports_or_a_diagnostic_asks() -> None:
    text = "import os\nimport sys\n\nprint(sys.argv)\n"
    view = DictView({"m.py": text})
    on_import = ImportsGenerator().generate(editor_ctx(view, "m.py", *line_range(text, 1)))
    assert [c.title for c in on_import] == ["Remove unused `import os`"]
    elsewhere = editor_ctx(view, "m.py", *line_range(text, 4))
    assert ImportsGenerator().generate(elsewhere) == []
    elsewhere.diagnostics = ["'os' imported but unused"]
    assert [c.kind for c in ImportsGenerator().generate(elsewhere)] == ["imports.remove"]


def test_repair_cursor_means_its_line() -> None:
    view = DictView({"m.py": FUNCS})
    start, end = line_range(FUNCS, 2)
    at_cursor = RepairGenerator().generate(editor_ctx(view, "m.py", start + 4, start + 4))
    whole_line = RepairGenerator().generate(
        ActionContext(view, focus_path="m.py", focus_start=start, focus_end=end)
    )
    assert at_cursor and {c.data["line"] for c in at_cursor} == {2}
    assert {c.change.edits for c in at_cursor} <= {c.change.edits for c in whole_line}


def test_repair_editor_cap_keeps_every_family() -> None:
    view = DictView({"m.py": FUNCS})
    start, end = line_range(FUNCS, 1)
    _, end = line_range(FUNCS, 40)
    everything = RepairGenerator().generate(
        ActionContext(view, focus_path="m.py", focus_start=start, focus_end=end)
    )
    capped = RepairGenerator().generate(editor_ctx(view, "m.py", start, end))
    assert len(everything) > EDITOR_LIMIT >= len(capped) > EDITOR_LIMIT // 2
    synthesised = {f"repair.{f.__name__}" for f in GUARD_FAMILIES + SEARCH_EXPRESSIONS}
    assert {"repair.insert_guard", "repair.wrap_if"} <= {c.kind for c in everything}
    assert {c.kind for c in capped} == {c.kind for c in everything} - synthesised
    assert {c.change.edits for c in capped} <= {c.change.edits for c in everything}


def test_docs_only_for_the_enclosing_definition() -> None:
    view = DictView({"m.py": FUNCS})
    cands = DocstringGenerator().generate(editor_ctx(view, "m.py", *line_range(FUNCS, 16)))
    assert [c.title for c in cands] == ["Add a docstring to `f2` (google style)"]


def test_files_only_for_imports_in_the_range() -> None:
    text = "import missing_pkg_xyz\n\n\ndef f():\n    return 1\n"
    view = DictView({"main.py": text})
    on_import = FilesGenerator().generate(editor_ctx(view, "main.py", *line_range(text, 1)))
    assert [c.title for c in on_import] == ["Create module `missing_pkg_xyz`"]
    assert FilesGenerator().generate(editor_ctx(view, "main.py", *line_range(text, 5))) == []


def test_cached_results_follow_document_versions(tmp_path) -> None:
    ws = Workspace(tmp_path)
    text = "import os\n\n\ndef f():\n    return 1\n"
    ws.open("m.py", text, 1)
    ctx = editor_ctx(ws, "m.py", *line_range(text, 1))
    first = ImportsGenerator().generate(ctx)
    assert [c.change.edits[0].end for c in first] == [len("import os\n")]
    ws.change("m.py", [((0, 0, 0, 0), "import re\n")], 2)  # a new version: both unused
    new_text = ws.read_text("m.py")
    ctx = editor_ctx(ws, "m.py", *line_range(new_text, 2))
    after = ImportsGenerator().generate(ctx)
    assert sorted(c.title for c in after) == [
        "Remove unused `import os`",
        "Remove unused `import re`",
    ]
    for c in after:
        edit = c.change.edits[0]
        assert new_text.encode()[edit.start : edit.end].startswith(b"import ")


METHODS = "class Big:\n" + "".join(
    f"    def m{i}(self, a):\n        total = a * {i}\n        if total > {i}:\n"
    f"            return total\n        return a\n\n"
    for i in range(150)
)


def test_syntax_fix_in_a_long_class_is_checked_on_its_method_alone() -> None:
    from sea_lsp.actions.syntax import _block_around, _lines

    line = 75 * 6 + 4  # `if total > 75:` of m75, 1-based
    broken = METHODS.replace("if total > 75:", "if total > 75")
    view = DictView({"m.py": broken})
    fixes = SyntaxGenerator().generate(editor_ctx(view, "m.py", *line_range(broken, line)))
    assert METHODS in [apply(view, c)["m.py"] for c in fixes]
    split = _lines(broken.encode())
    lo, hi, indented = _block_around(split, line - 2, line - 1)
    unit = broken.encode()[lo:hi].decode()
    assert unit.startswith("    def m75(") and unit.count("def ") == 1 and indented


def test_syntax_tries_resume_across_requests_within_a_budget(monkeypatch, tmp_path) -> None:
    from sea_lsp.actions import syntax

    monkeypatch.setattr(syntax, "EDITOR_BUDGET_S", 0.0)  # one try checked per request
    text = "def f():\n    x = 1\n      return x\n"
    fixed = "def f():\n    x = 1\n    return x\n"
    view = Workspace(tmp_path)  # one tree per version, as in the server
    view.open("m.py", text, 1)
    seen = []
    for _ in range(syntax.MAX_EDITOR_TRIES + 1):
        fixes = SyntaxGenerator().generate(editor_ctx(view, "m.py", *line_range(text, 3)))
        seen.append(len(fixes))
        if fixed in [apply(view, c)["m.py"] for c in fixes]:
            break
    else:
        raise AssertionError(f"the fix never came: {seen}")
    assert len(seen) > 2 and seen == sorted(seen), seen  # found on a later request, and kept


def test_compile_only_error_in_a_method_is_located_in_its_method() -> None:
    from sea_lsp.actions.syntax import _compile_error_near, _lines

    text = METHODS.replace("        return a\n", "        break\n", 1)  # in m0, line 6
    data = text.encode()
    tree = pytree.parse(data)
    assert not tree.root_node.has_error  # tree-sitter accepts it, CPython does not
    win = line_range(text, 6)
    assert _compile_error_near(tree, data, _lines(data), win, "m.py") == 6
    elsewhere = line_range(text, 6 * 100 + 3)
    assert _compile_error_near(tree, data, _lines(data), elsewhere, "m.py") is None


def test_repair_leaves_code_the_parser_gave_up_on_to_the_syntax_fixes() -> None:
    text = FUNCS.replace("    total = a + b * 7\n", "    total = (a + b * 7\n")
    view = DictView({"m.py": text})
    line = text.splitlines().index("    total = (a + b * 7") + 1
    ctx = editor_ctx(view, "m.py", *line_range(text, line))
    assert RepairGenerator().generate(ctx) == []  # every mutation there would fail to parse
    assert SyntaxGenerator().generate(ctx)  # the fix for the bracket is what is offered
    clean = editor_ctx(DictView({"m.py": FUNCS}), "m.py", *line_range(FUNCS, line))
    assert RepairGenerator().generate(clean)  # the same line, parsed, gets mutations


def test_imports_wait_until_the_line_being_typed_parses() -> None:
    typing = "import os\n\n\ndef f():\n    return Path('.'\n\n\ndef g():\n    return 1\n"
    ctx = editor_ctx(DictView({"m.py": typing}), "m.py", *line_range(typing, 5))
    assert not [c for c in ImportsGenerator().generate(ctx) if c.kind == "imports.add"]
    done = typing.replace("Path('.'\n", "Path('.')\n")
    ctx = editor_ctx(DictView({"m.py": done}), "m.py", *line_range(done, 5))
    assert "Add `from pathlib import Path`" in [c.title for c in ImportsGenerator().generate(ctx)]
