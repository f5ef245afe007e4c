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
