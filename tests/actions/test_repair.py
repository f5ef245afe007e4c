"""Repair mutations reach the known fix for one buggy function per family."""

from __future__ import annotations

import signal

import pytest

from sea_lsp.actions import pytree, repair_expr
from sea_lsp.actions.base import ActionContext, Suspicious
from sea_lsp.actions.repair import FAMILY_ORDER, RepairGenerator
from sea_lsp.actions.repair_site import Mutation
from tests.actions.conftest import DictView, apply
from tests.actions.repair_fixtures import EVIDENCE_ONLY, FIXTURES

FIND_MAX = """def find_max(xs, limit=10):
    best = None
    for i in range(1, len(xs)):
        if xs[i] > best and i < limit:
            best = xs[i]
    return best
"""


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


def passes(source: str, check: str) -> bool:
    """Run the candidate module and the check, giving up after 0.2 s (mutants may loop)."""
    ns: dict = {}
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        exec(compile(source, "m.py", "exec"), ns)
        return bool(eval(check, ns))
    except (Exception, _Timeout):
        return False
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def candidates(source: str, **kw):
    view = DictView({"m.py": source})
    ctx = ActionContext(view=view, focus_path="m.py", **kw)
    return view, list(RepairGenerator().generate(ctx))


@pytest.mark.parametrize(("family", "source", "check"), FIXTURES, ids=[f[0] for f in FIXTURES])
def test_family_reaches_the_fix(family: str, source: str, check: str) -> None:
    assert not passes(source, check), "the fixture must be buggy"
    view, cands = candidates(source)
    mine = [c for c in cands if c.kind == f"repair.{family}"]
    assert mine, f"no repair.{family} candidates"
    fixed = [c for c in mine if passes(apply(view, c)["m.py"], check)]
    assert fixed, f"no repair.{family} candidate fixes {source!r}"
    assert all(c.lsp_kind == "quickfix" and c.target is not None for c in mine)


def test_every_family_has_a_fixture() -> None:
    assert {f for f, _, _ in FIXTURES} == set(FAMILY_ORDER) - EVIDENCE_ONLY


def test_small_function_yields_hundreds_of_candidates_all_parsing_and_distinct() -> None:
    view, cands = candidates(FIND_MAX)
    assert len(cands) >= 400
    texts = [apply(view, c)["m.py"] for c in cands]
    assert all(pytree.parses_cleanly(t.encode()) for t in texts)
    assert len(set(texts)) == len(texts), "candidates making the same text must be merged"
    assert FIND_MAX not in texts
    kinds = [c.kind for c in cands]
    assert kinds.index("repair.compare_swap") < kinds.index("repair.insert_template")


def test_suspicious_lines_come_first_and_limit_the_region() -> None:
    susp = [Suspicious("m.py", 4, 0.9), Suspicious("m.py", 6, 0.5)]
    view, cands = candidates(FIND_MAX, suspicious=susp)
    lines = [c.data["line"] for c in cands]
    assert set(lines) <= {4, 6} and lines[0] == 4
    # within a family, the likelier line first; templates are weighed one by one (a natural
    # statement on the less likely line may go before an odd one on the likelier line),
    # and so are guards and replacement names
    weighed = {"repair.insert_template", "repair.insert_guard", "repair.identifier"}
    for family in {c.kind for c in cands} - weighed:
        mine = [c.data["line"] for c in cands if c.kind == family]
        assert mine == sorted(mine)
    titles = [c.title for c in cands]
    assert "Change `>` to `>=` in line 4" in titles


def test_lines_localisation_cannot_tell_apart_are_interleaved_by_family() -> None:
    susp = [Suspicious("m.py", 3, 0.7), Suspicious("m.py", 4, 0.7), Suspicious("m.py", 5, 0.7)]
    _, cands = candidates(FIND_MAX, suspicious=susp)
    kinds = [(c.kind, c.data["line"]) for c in cands]
    first_compare_on_4 = kinds.index(("repair.compare_swap", 4))
    last_template_on_3 = max(i for i, k in enumerate(kinds) if k == ("repair.insert_template", 3))
    assert first_compare_on_4 < last_template_on_3
    assert kinds.index(("repair.compare_swap", 4)) < 40


def test_unparseable_mutations_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(node, site):
        if node.type == "return_statement":
            yield Mutation("drop_operand", node.start_byte, node.start_byte, "(", "broken", node)
            yield Mutation("drop_operand", node.end_byte, node.end_byte, " + 7", "ok", node)

    monkeypatch.setattr(
        "sea_lsp.actions.repair.EXPRESSION_FAMILIES", (*repair_expr.EXPRESSION_FAMILIES, broken)
    )
    _, cands = candidates("def f(x):\n    return x\n")
    titles = {c.title for c in cands}
    assert "ok" in titles and "broken" not in titles


def test_limit_and_missing_file() -> None:
    _, cands = candidates(FIND_MAX, limit=25)
    assert len(cands) == 25
    ctx = ActionContext(view=DictView({}), focus_path="gone.py")
    assert list(RepairGenerator().generate(ctx)) == []


CHAIN = """def kind(x, options):
    if x is None:
        return "none"
    elif x < 0 and options:
        return "negative"
    elif x == 0:
        return "zero"
    else:
        try:
            value = options[x]
        except KeyError:
            value = None
        return value
"""


SHAPES = '''class Shapes:
    """Shapes by name."""

    size = 3

    @staticmethod
    def area(w, h):
        if w < 0:
            raise ValueError("w")
        return w * h

    def grow(self, by):
        for _ in range(by):
            self.size += 1
        return self.size

    def empty(self):
        pass


class One:
    def only(self):
        return 1
'''


@pytest.mark.parametrize("source", [CHAIN, SHAPES], ids=["if-elif-chain", "class"])
def test_editor_segments_judge_every_mutation_as_the_whole_file_does(source: str) -> None:
    """The editor reparses a cut-down statement (other ``elif``/``else`` clauses dropped,
    untouched bodies and sibling statements ``pass``); that must accept and refuse exactly
    what the file would, for every mutation of every line and a broken edit at every node."""
    from sea_lsp.actions.repair import Region, _local_segment, mutations
    from sea_lsp.actions.repair_site import Site

    data = source.encode()
    site = Site(path="m.py", data=data, tree=pytree.parse(data))
    offsets = site.line_offsets()
    checked = refused = 0
    for row in range(len(source.splitlines())):
        region = Region("m.py", start=offsets[row], end=offsets[row + 1] - 1)
        tried = list(mutations(site, region))
        for node in pytree.walk(site.tree.root_node):
            if node.is_named and region.holds(node) and node.type != "module":
                for text in ("(", " ) "):  # unbalanced: refused wherever they land
                    tried.append(Mutation("x", node.start_byte, node.start_byte, text, "", node))
        for m in tried:
            segment = _local_segment(site, m)[3]
            whole = data[: m.start] + m.new_text.encode() + data[m.end :]
            assert pytree.parses_cleanly(segment) == pytree.parses_cleanly(whole), m
            checked += 1
            refused += not pytree.parses_cleanly(whole)
    assert checked > 400 and refused > 100
    if source is SHAPES:  # deleting a method reparses the class's outline, not its body
        (m,) = [
            m
            for m in mutations(
                site,
                Region("m.py", start=source.index("def grow"), end=source.index("def grow") + 3),
            )
            if m.family == "delete_stmt"
        ]
        segment = _local_segment(site, m)[3]
        assert (
            b"self.size" not in segment and b"raise" not in segment and b"class Shapes" in segment
        )
        return
    # a mutation of a later condition leaves the other clauses out of its segment
    start = CHAIN.index("x == 0")
    (m,) = [
        m
        for m in mutations(site, Region("m.py", start=start, end=start + 6))
        if m.family == "compare_swap" and m.new_text == "!="
    ]
    segment = _local_segment(site, m)[3]
    assert b"x != 0" in segment and b"x < 0" not in segment and b"else" not in segment


def test_editor_candidates_on_an_elif_parse_and_differ() -> None:
    view = DictView({"m.py": CHAIN})
    line = CHAIN.index("elif x < 0")
    ctx = ActionContext(view=view, focus_path="m.py", focus_start=line, focus_end=line, editor=True)
    cands = list(RepairGenerator().generate(ctx))
    assert 10 <= len(cands) <= 24
    texts = [apply(view, c)["m.py"] for c in cands]
    assert all(pytree.parses_cleanly(t.encode()) for t in texts)
    assert len(set(texts)) == len(texts)


def test_the_walk_asks_stop_at_every_node_and_ends_when_told() -> None:
    """An editor request past its deadline stops walking a long statement's nodes, even
    when no mutation comes out of them (every family full)."""
    from sea_lsp.actions.repair import Region, mutations
    from sea_lsp.actions.repair_site import Site

    source = "def f(x):\n    return [" + ", ".join(f"x + {i}" for i in range(300)) + "]\n"
    data = source.encode()
    site = Site(path="m.py", data=data, tree=pytree.parse(data))
    region = Region("m.py", start=source.index("return"), end=len(source) - 1)
    asked = 0

    def stop() -> bool:
        nonlocal asked
        asked += 1
        return asked > 5

    assert len(list(mutations(site, region))) > 300
    got = list(mutations(site, region, stop=stop))
    assert asked == 6 and len(got) < 100
    assert list(mutations(site, region, stop=lambda: True)) == []
