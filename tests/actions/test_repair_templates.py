"""``repair.insert_template``: statements over in-scope names, as their kinds allow."""

from __future__ import annotations

from tests.actions.test_repair import candidates

SOURCE = (
    "LIMIT = 3\n"
    "\n"
    "\n"
    "def count(words, text):\n"
    "    n = 0\n"
    "    seen = []\n"
    "    for w in words:\n"
    "        seen.append(w)\n"
    "    return n\n"
)


def test_templates_follow_what_the_names_hold() -> None:
    _, cands = candidates(SOURCE)
    made = {c.title.split("`")[1] for c in cands if c.kind == "repair.insert_template"}
    assert {"n += 1", "words += 1", "seen.append(w)", "n = w"} <= made  # numbers, unknowns
    assert "seen += 1" not in made and "n.append(w)" not in made  # a list, a number
    assert not any(s.startswith("LIMIT") for s in made)  # a module constant is not changed
    assert "return LIMIT" in made and "n += LIMIT" in made  # but it is read


ACCOUNT = (
    "class Account:\n"
    "    def _check_open(self):\n"
    "        assert self.open\n"
    "\n"
    "    def transfer(self, other, amount):\n"
    "        self._check_open()\n"
    "        other.deposit(amount)\n"
    "\n"
    "    def last(self, node):\n"
    "        while node.right is not None:\n"
    "            print(node.key)\n"
    "        return node\n"
)


def _weighed_templates(source: str, line: int, family: str = "insert_call") -> set[str]:
    from sea_lsp.actions import pytree
    from sea_lsp.actions.repair_site import Site
    from sea_lsp.actions.repair_stmt import templates

    data = source.encode()
    site = Site("m.py", data, pytree.parse(data), weigh=True)
    node = next(
        n
        for n in pytree.walk(site.tree.root_node)
        if n.start_point.row == line - 1 and n.parent is not None and n.parent.type == "block"
    )
    return {m.title.split("`")[1] for m in templates(node, site) if m.family == family}


def test_the_search_also_calls_methods_on_objects() -> None:
    made = _weighed_templates(ACCOUNT, 7)  # other.deposit(amount)
    assert "other._check_open()" in made  # a check the class makes on self, on the other one
    assert "amount._check_open()" not in made  # ``amount`` is never used as an object
    plain = _weighed_templates(ACCOUNT, 7, "insert_template")
    assert "other._check_open()" not in plain and "amount = other" in plain
    assert not any(s.startswith("self =") for s in plain)  # ``self`` is not rebound
    # an editor's menu keeps the plain templates (its latency budget)
    at = ACCOUNT.index("other.deposit")
    _, cands = candidates(ACCOUNT, editor=True, focus_start=at, focus_end=at + 5)
    assert not [c for c in cands if c.kind == "repair.insert_call"]
    assert [c for c in cands if c.kind == "repair.insert_template"]
