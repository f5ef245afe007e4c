"""Three small projects with real pytest tests, the repair benchmark's own code to break.

Each project is a mapping of workspace-relative path to text: one module with a handful of
functions and a test module that pins their behaviour down. ``MUTATE`` names the file bugs
are injected into.
"""

from __future__ import annotations

INTERVALS = """\
def merge(intervals):
    \"\"\"Merge overlapping closed intervals; the result is sorted.\"\"\"
    out = []
    for lo, hi in sorted(intervals):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def total_length(intervals):
    return sum(hi - lo for lo, hi in merge(intervals))


def contains(intervals, x):
    for lo, hi in intervals:
        if lo <= x <= hi:
            return True
    return False


def gaps(intervals):
    merged = merge(intervals)
    out = []
    for i in range(1, len(merged)):
        out.append((merged[i - 1][1], merged[i][0]))
    return out
"""

TEST_INTERVALS = """\
from intervals import contains, gaps, merge, total_length


def test_merge_overlapping():
    assert merge([(1, 3), (2, 6), (8, 10)]) == [(1, 6), (8, 10)]


def test_merge_touching_and_unsorted():
    assert merge([(5, 7), (1, 5)]) == [(1, 7)]


def test_merge_nested():
    assert merge([(1, 10), (2, 3)]) == [(1, 10)]


def test_merge_empty():
    assert merge([]) == []


def test_total_length():
    assert total_length([(0, 2), (1, 4), (10, 11)]) == 5


def test_contains():
    assert contains([(0, 1), (5, 9)], 5)
    assert contains([(0, 1)], 1)
    assert not contains([(0, 1), (5, 9)], 3)


def test_gaps():
    assert gaps([(0, 1), (3, 4), (6, 8)]) == [(1, 3), (4, 6)]
    assert gaps([(0, 5)]) == []
"""

INVENTORY = """\
class OutOfStock(Exception):
    pass


class Inventory:
    def __init__(self):
        self.items = {}

    def add(self, name, count=1):
        if count <= 0:
            raise ValueError("count must be positive")
        self.items[name] = self.items.get(name, 0) + count
        return self.items[name]

    def remove(self, name, count=1):
        have = self.items.get(name, 0)
        if count > have:
            raise OutOfStock(name)
        left = have - count
        if left == 0:
            del self.items[name]
        else:
            self.items[name] = left
        return left

    def total(self):
        return sum(self.items.values())

    def low_stock(self, threshold):
        return sorted(name for name, n in self.items.items() if n < threshold)
"""

TEST_INVENTORY = """\
import pytest
from inventory import Inventory, OutOfStock


def test_add_accumulates():
    inv = Inventory()
    assert inv.add("apple") == 1
    assert inv.add("apple", 4) == 5


def test_add_rejects_non_positive():
    with pytest.raises(ValueError):
        Inventory().add("apple", 0)


def test_remove_and_delete():
    inv = Inventory()
    inv.add("pear", 2)
    assert inv.remove("pear") == 1
    assert inv.remove("pear") == 0
    assert "pear" not in inv.items


def test_remove_too_many():
    inv = Inventory()
    inv.add("fig", 1)
    with pytest.raises(OutOfStock):
        inv.remove("fig", 2)


def test_total_and_low_stock():
    inv = Inventory()
    inv.add("a", 1)
    inv.add("b", 5)
    inv.add("c", 2)
    assert inv.total() == 8
    assert inv.low_stock(3) == ["a", "c"]
"""

TEXTSTATS = """\
def words(text):
    return [w.strip(".,;:!?").lower() for w in text.split() if w.strip(".,;:!?")]


def word_counts(text):
    counts = {}
    for w in words(text):
        counts[w] = counts.get(w, 0) + 1
    return counts


def most_common(text, n=1):
    counts = word_counts(text)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [w for w, _ in ranked[:n]]


def average_word_length(text):
    ws = words(text)
    if not ws:
        return 0.0
    return sum(len(w) for w in ws) / len(ws)


def is_palindrome(text):
    letters = [c.lower() for c in text if c.isalnum()]
    return letters == letters[::-1]
"""

TEST_TEXTSTATS = """\
from textstats import average_word_length, is_palindrome, most_common, word_counts, words


def test_words_strips_punctuation():
    assert words("Hello, world! It's fine.") == ["hello", "world", "it's", "fine"]


def test_word_counts():
    assert word_counts("a b a C c c") == {"a": 2, "b": 1, "c": 3}


def test_most_common_ties_alphabetical():
    assert most_common("b a b a c", 2) == ["a", "b"]
    assert most_common("x y y") == ["y"]


def test_average_word_length():
    assert average_word_length("ab abcd") == 3.0
    assert average_word_length("") == 0.0


def test_palindrome():
    assert is_palindrome("A man, a plan, a canal: Panama")
    assert not is_palindrome("abca")
"""

PROJECTS: dict[str, dict[str, str]] = {
    "intervals": {"intervals.py": INTERVALS, "tests/test_intervals.py": TEST_INTERVALS},
    "inventory": {"inventory.py": INVENTORY, "tests/test_inventory.py": TEST_INVENTORY},
    "textstats": {"textstats.py": TEXTSTATS, "tests/test_textstats.py": TEST_TEXTSTATS},
}
MUTATE = {"intervals": "intervals.py", "inventory": "inventory.py", "textstats": "textstats.py"}
