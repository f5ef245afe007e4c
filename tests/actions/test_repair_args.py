"""What a call passes: an argument added or dropped, a zero-argument method added to a value."""

from __future__ import annotations

from sea_lsp.actions import pytree, repair_args
from sea_lsp.actions.base import ActionContext, Suspicious
from sea_lsp.actions.registry import generate_all
from sea_lsp.actions.repair_site import Site
from sea_lsp.bench.repair_space import TextsView
from sea_lsp.workspace.symbols import SymbolIndex

SOURCE = (
    "def render(text, width, fill=' '):\n"
    "    return text.center(width, fill)\n"
    "\n"
    "\n"
    "class Box:\n"
    "    def draw(self, label, width, border):\n"
    "        lines = label.splitlines()\n"
    "        out = [render(line, width) for line in lines]\n"
    "        out.append(label.strip())\n"
    "        return self.frame(out, width, border)\n"
    "\n"
    "    def frame(self, rows, width):\n"
    "        return rows\n"
)


def _edits(family, line: int) -> list[str]:
    """The texts of line ``line`` after each of ``family``'s mutations of its nodes."""
    data = SOURCE.encode()
    site = Site("box.py", data, pytree.parse(data))
    out = []
    for n in pytree.walk(site.tree.root_node):
        if n.start_point.row != line - 1:
            continue
        for m in family(n, site):
            new = data[: m.start] + m.new_text.encode() + data[m.end :]
            out.append(new.decode().splitlines()[line - 1].strip())
    return out


def test_a_missing_argument_is_added_the_callees_parameters_first() -> None:
    got = _edits(repair_args.insert_arg, 8)
    # ``render`` has ``fill`` with a default: passed by keyword only if a name of it is in
    # scope (it is not), so names in scope come positionally after ``width``
    assert "out = [render(line, width, label) for line in lines]" in got
    assert all("render(line, width, width)" not in g for g in got)  # passed already
    assert all("self" not in g.split("render(")[1] for g in got if "render(" in g)


def test_a_parameter_with_a_default_is_passed_by_keyword_when_its_name_is_in_scope() -> None:
    source = "def f(a, b=1):\n    return a\n\n\ndef g(a, b):\n    return f(a)\n"
    data = source.encode()
    site = Site("m.py", data, pytree.parse(data))
    call = next(n for n in pytree.walk(site.tree.root_node) if pytree.text_of(n) == "f(a)")
    news = [
        (data[: m.start] + m.new_text.encode() + data[m.end :]).decode().splitlines()[5]
        for m in repair_args.insert_arg(call, site)
    ]
    assert news[0] == "    return f(a, b=b)"


def test_a_call_given_every_parameter_of_its_own_function_gains_none() -> None:
    source = "def f(a, b):\n    return a\n\n\ndef g(a, b, c):\n    return f(a, b)\n"
    data = source.encode()
    site = Site("m.py", data, pytree.parse(data))
    call = next(n for n in pytree.walk(site.tree.root_node) if pytree.text_of(n) == "f(a, b)")
    assert list(repair_args.insert_arg(call, site)) == []


def test_an_argument_is_dropped_with_its_comma() -> None:
    got = _edits(repair_args.drop_arg, 10)
    assert "return self.frame(out, width)" in got
    assert "return self.frame(width, border)" in got
    assert "return self.frame(out, border)" in got


def test_a_value_gains_a_method_the_file_calls_without_arguments() -> None:
    got = _edits(repair_args.add_method, 8)
    assert "out = [render(line.strip(), width) for line in lines]" in got
    assert "out = [render(line, width) for line in lines.splitlines()]" in got
    # the value already ending in that call is not doubled
    assert all(".strip().strip()" not in g for g in _edits(repair_args.add_method, 9))


def test_the_search_reaches_a_forgotten_argument_and_the_editor_does_not_offer_it() -> None:
    buggy = SOURCE.replace("self.frame(out, width, border)", "self.frame(out, width)")
    buggy = buggy.replace("def frame(self, rows, width):", "def frame(self, rows, width, b):")
    view = TextsView({"box.py": buggy})
    fix = "        return self.frame(out, width, border)"

    def kinds_making_fix(editor: bool) -> list[str]:
        ctx = ActionContext(
            view=view,
            task="fix the failing tests",
            suspicious=[Suspicious("box.py", 10, 1.0)],
            symbols=SymbolIndex(view),
            limit=3000,
            editor=editor,
        )
        out = []
        for c in generate_all(ctx, kinds={"repair"}):
            (edit,) = c.change.edits
            data = buggy.encode()
            new = data[: edit.start] + edit.new_text.encode() + data[edit.end :]
            if new.decode().splitlines()[9] == fix:
                out.append(c.kind)
        return out

    assert kinds_making_fix(editor=False) == ["repair.insert_arg"]
    assert kinds_making_fix(editor=True) == []
