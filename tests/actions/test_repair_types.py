"""What an expression evidently is not (a number), and the candidates that evidence removes."""

from __future__ import annotations

from sea_lsp.actions import pytree
from sea_lsp.actions.repair import Region, mutations
from sea_lsp.actions.repair_site import Site
from sea_lsp.actions.repair_types import cannot_grow, non_numeric

SOURCE = """\
class Heap:
    def __init__(self):
        self._items = []
        self.size = 0

    @classmethod
    def heapify(cls, values):
        heap = cls()
        heap._items = list(values)
        n = len(heap._items) // 2
        words = text.split()
        total = 0
        for i in range(n):
            total = total + values[i]
        node = find(values)
        node = node.left
        count = count_of(values)
        return heap, n, words, total, node, count, self._items, self.size, values[1:]
"""


def _site() -> Site:
    data = SOURCE.encode()
    return Site(path="m.py", data=data, tree=pytree.parse(data))


def _return_values(site: Site) -> dict[str, object]:
    ret = next(n for n in pytree.walk(site.tree.root_node) if n.type == "return_statement")
    values = ret.named_children[0].named_children
    return {pytree.text_of(v): v for v in values}


def test_non_numeric_follows_what_the_code_says() -> None:
    site = _site()
    got = {text: non_numeric(node, site) for text, node in _return_values(site).items()}
    assert got == {
        "heap": True,  # bound to cls()
        "n": False,  # len(...) // 2
        "words": True,  # text.split()
        "total": False,  # 0, then total + values[i]
        "node": True,  # bound to a call's result, then its attribute is read
        "count": False,  # bound to a call's result, nothing says what it is
        "self._items": True,  # the class assigns it [] and calls len() on it
        "self.size": False,  # the class assigns it 0
        "values[1:]": True,  # values is subscripted: a container, and so is its slice
    }


def test_cannot_grow_keeps_lists_and_strings() -> None:
    tree = pytree.parse(b"a = cls()\nb = [x]\nc = {}\nd = 'x'\ne = Node(1)\nf = Fraction(1)\n")
    rights = [n.child_by_field_name("right") for n in pytree.walk(tree.root_node)]
    rights = [r for r in rights if r is not None]
    assert [cannot_grow(r) for r in rights] == [True, False, True, False, True, False]


def test_no_plus_one_or_minus_equals_on_what_is_not_a_number() -> None:
    site = _site()
    titles = [m.new_text for m in mutations(site, Region("m.py"))]
    assert "cls() + 1" not in titles and "heap - 1" not in titles
    assert "list(values) + 1" not in titles and "self._items + 1" not in titles
    assert "-=" in titles  # still offered where the right side may be a number
    assert "n + 1" in titles and "self.size + 1" in titles and "count - 1" in titles
    heap_line = [
        m
        for m in mutations(site, Region("m.py"))
        if m.family == "augassign_swap" and site.line(m.node) == 8
    ]
    assert heap_line == []  # heap = cls() never becomes heap += cls() or heap -= cls()
