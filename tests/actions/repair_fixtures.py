"""Hand-made buggy functions, one (or two) per repair family, each with a check its fix passes."""

from __future__ import annotations

# family -> (buggy source, check expression evaluated in the module's namespace)
FIXTURES: list[tuple[str, str, str]] = [
    (
        "compare_swap",
        "def is_adult(age):\n    return age > 18\n",
        "is_adult(18) and not is_adult(17)",
    ),
    (
        "bool_swap",
        "def in_range(x, lo, hi):\n    return x >= lo or x <= hi\n",
        "in_range(2, 0, 3) and not in_range(5, 0, 3)",
    ),
    ("arith_swap", "def area(w, h):\n    return w + h\n", "area(2, 3) == 6 and area(1, 1) == 1"),
    (
        "augassign_swap",
        "def total(xs):\n    s = 0\n    for x in xs:\n        s -= x\n    return s\n",
        "total([1, 2]) == 3",
    ),
    ("constant", "def upto(n):\n    return list(range(1, n))\n", "upto(3) == [0, 1, 2]"),
    (
        "constant_swap",
        "def collect(xs):\n    out = {}\n    for x in xs:\n        out.append(x)\n    return out\n",
        "collect([1, 2]) == [1, 2]",
    ),
    ("off_by_one", "def last(xs):\n    return xs[len(xs)]\n", "last([1, 2]) == 2"),
    ("slice", "def head(xs, n):\n    return xs[:n - 1]\n", "head([1, 2, 3], 2) == [1, 2]"),
    (
        "negate",
        "def evens(xs):\n    out = []\n    for x in xs:\n        if x % 2:\n"
        "            out.append(x)\n    return out\n",
        "evens([1, 2, 3, 4]) == [2, 4]",
    ),
    ("method_swap", "def shout(s):\n    return s.lower()\n", "shout('a') == 'A'"),
    ("method_swap", "def biggest(xs):\n    return min(xs)\n", "biggest([1, 5, 2]) == 5"),
    ("identifier", "def ratio(a, b):\n    return a / a\n", "ratio(6, 3) == 2"),
    (
        "name_swap_call",
        "def double(x):\n    return 2 * x\n\n\ndef triple(x):\n    return 3 * x\n\n\n"
        "def six_times(x):\n    return double(double(x))\n",
        "six_times(1) == 6",
    ),
    ("swap_args", "def power(b, e):\n    return pow(e, b)\n", "power(2, 3) == 8"),
    ("swap_elements", "def minmax(xs):\n    return max(xs), min(xs)\n", "minmax([1, 3]) == (1, 3)"),
    ("drop_operand", "def score(x):\n    return x * 2 + 10\n", "score(3) == 6 and score(0) == 0"),
    (
        "drop_condition",
        "def discount(price):\n    if price > 100:\n        price = price * 0.5\n    return price\n",
        "discount(50) == 25.0 and discount(200) == 100.0",
    ),
    ("unwrap_call", "def keep(xs):\n    return sorted(xs)\n", "keep([3, 1]) == [3, 1]"),
    (
        "guard",
        "def first(xs):\n    if xs[0] > 0:\n        return xs[0]\n    return None\n",
        "first([]) is None and first([2]) == 2 and first([-1]) is None",
    ),
    (
        "replace_operand",
        "def add_tax(price, rate):\n    return price * (1 + 0.2)\n",
        "add_tax(100, 0.5) == 150",
    ),
    ("wrap_call", "def count(xs):\n    return xs\n", "count([1, 2]) == 2"),
    (
        "delete_stmt",
        "def total(xs):\n    s = 0\n    for x in xs:\n        s += x\n        s += 1\n    return s\n",
        "total([1, 2]) == 3",
    ),
    (
        "insert_copy",
        "def advance_twice(it):\n    next(it)\n    return next(it)\n",
        "advance_twice(iter([1, 2, 3])) == 3",
    ),
    (
        "insert_copy",
        "def fill(a, b, v):\n    a.append(v)\n    return a, b\n",
        "fill([], [], 1) == ([1], [1])",
    ),
    (
        "insert_template",
        "def evens(xs):\n    out = []\n    for x in xs:\n        if x % 2 == 0:\n"
        "            pass\n    return out\n",
        "evens([1, 2, 3, 4]) == [2, 4]",
    ),
    (
        "augassign_swap",
        "def countdown(n):\n    out = []\n    while n > 0:\n        out.append(n)\n"
        "        n += 1\n        if len(out) > 50:\n            break\n    return out\n",
        "countdown(3) == [3, 2, 1]",
    ),
    ("swap_operands", "def diff(a, b):\n    return b - a\n", "diff(5, 3) == 2"),
    (
        "swap_operands",
        "def natural(n):\n    return n >= 0 and isinstance(n, int)\n",
        "natural(2) and not natural(-1) and not natural('a')",
    ),
    (
        "clause_kind",
        "def tags(n):\n    out = []\n    if n % 2 == 0:\n        out.append('even')\n"
        "    elif n % 3 == 0:\n        out.append('three')\n    return out\n",
        "tags(6) == ['even', 'three'] and tags(3) == ['three'] and tags(1) == []",
    ),
    (
        "clause_kind",
        "def sign(x):\n    s = 'zero'\n    if x > 0:\n        s = 'pos'\n    if x >= 0:\n"
        "        s = 'nonneg'\n    return s\n",
        "sign(1) == 'pos' and sign(0) == 'nonneg'",
    ),
    ("operand_plus", "def last_index(xs):\n    return len(xs)\n", "last_index([1, 2, 3]) == 2"),
    ("operand_name", "def span(lo, hi):\n    width = hi\n    return width\n", "span(2, 5) == 3"),
    ("return_value", "def wrap(x):\n    return x\n", "wrap(3) == [3]"),
    (
        "attribute",
        "class P:\n    def __init__(self):\n        self.a = 1\n        self.b = 2\n\n"
        "    def get_b(self):\n        return self.a\n",
        "P().get_b() == 2",
    ),
    ("two_token", "def small(n):\n    return n == 0\n", "small(1) and small(0) and not small(2)"),
    ("add_slice", "def tail(xs):\n    return list(xs)\n", "tail([1, 2, 3]) == [2, 3]"),
    ("wrap_two", "def clip(x):\n    return x\n", "clip(-3) == 0 and clip(2) == 2"),
    (
        "call_to_assign",
        "def put(d, k, v):\n    d[k].update(v)\n    return d\n",
        "put({'a': {}}, 'a', 5) == {'a': 5}",
    ),
    (
        "insert_control",
        "def first_neg(xs):\n    found = None\n    for x in xs:\n        if x < 0:\n"
        "            found = x\n    return found\n",
        "first_neg([1, -2, -3]) == -2",
    ),
    (
        "swap_stmt",
        "def pairs(xs):\n    out = []\n    prev = None\n    for x in xs:\n        prev = x\n"
        "        out.append((prev, x))\n    return out\n",
        "pairs([1, 2]) == [(None, 1), (1, 2)]",
    ),
    (
        "swap_elements",
        "def transpose(m):\n    return [[m[j][i] for i in range(2)] for j in range(2)]\n",
        "transpose([[1, 2], [3, 4]]) == [[1, 3], [2, 4]]",
    ),
    (
        "insert_far_copy",
        "def walk(node, key):\n    while node is not None:\n        if key < node.k:\n"
        "            node = node.kids[0]\n        else:\n            print(key)\n    return node\n",
        "walk(type('N', (), {'k': 1, 'kids': [None]})(), 2) is None",
    ),
    (
        "insert_guard",
        "def recolour(grid, i, new):\n    old = grid[i]\n    grid[i] = new\n"
        "    if grid[i] == old:\n        raise RuntimeError('no change')\n    return grid\n",
        "recolour([1, 2], 0, 1) == [1, 2] and recolour([1, 2], 1, 5) == [1, 5]",
    ),
    (
        "wrap_if",
        "def pop_last(items, out):\n    last = items.pop()\n    items[0] = last\n    out.append(last)\n"
        "    return out\n",
        "pop_last([7], []) == [7] and pop_last([1, 2], []) == [2]",
    ),
    (
        "insert_branch",
        'ALIASES = ("on", "off")\n\n\ndef parse_flag(text):\n    if text == "yes":\n'
        '        return True\n    elif text == "no":\n        return False\n    return bool(text)\n',
        'parse_flag("off") is False and parse_flag("on") is True and parse_flag("no") is False',
    ),
    (
        "insert_update",
        "class Counter:\n    def __init__(self):\n        self.count = 0\n        self.items = []\n\n"
        "    def add(self, x):\n        self.items.append(x)\n        return self.count\n",
        "(lambda c: (c.add(1), c.add(2))[1] == 2)(Counter())",
    ),
    (
        "insert_progress",
        "def common_prefix(a, b):\n    n = 0\n    while n < min(len(a), len(b)):\n"
        "        if a[n] != b[n]:\n            break\n    return a[:n]\n",
        "common_prefix('abc', 'abd') == 'ab' and common_prefix('x', 'y') == ''",
    ),
    (
        "insert_progress",
        "def last_left(node):\n    while True:\n        if node.left is None:\n"
        "            return node.key\n        if node.left.key < 0:\n            node = node.right\n"
        "        else:\n            if node.left.left is None:\n                return node.left.key\n",
        "last_left(type('N', (), {'key': 1, 'right': None, 'left': type('N', (), "
        "{'key': 2, 'right': None, 'left': type('N', (), {'key': 3, 'left': None})})})) == 3",
    ),
    (
        "insert_reset",
        "def runs(text):\n    out = []\n    word = ''\n    for ch in text:\n"
        "        if ch == ' ':\n            out.append(word)\n        else:\n"
        "            word += ch\n    return out\n",
        "runs('ab cd ') == ['ab', 'cd']",
    ),
    (
        "insert_use",
        "def evens(xs):\n    out = []\n    for x in xs:\n        if x % 2 == 0:\n"
        "            y = x\n    return out\n",
        "evens([1, 2, 4]) == [2, 4]",
    ),
    (
        "insert_use",
        "def count_big(xs, limit):\n    n = 0\n    for x in xs:\n        if x > limit:\n"
        "            print(x)\n    return n\n",
        "count_big([1, 5, 7], 2) == 2",
    ),
    (
        "insert_init",
        "def count_long(words, n):\n    for w in words:\n        if len(w) > n:\n"
        "            total += 1\n    return total\n",
        "count_long(['a', 'abc', 'abcd'], 2) == 2 and count_long([], 1) == 0",
    ),
    (
        "insert_init",
        "def sign(x):\n    if x > 0:\n        s = 1\n    elif x < 0:\n        s = -1\n    return s\n",
        "sign(3) == 1 and sign(-2) == -1 and sign(0) == 0",
    ),
    (
        "qualify",
        "class Node:\n    def __init__(self, key):\n        self.key = key\n\n\n"
        "def replace(node, key):\n    successor = Node(key + 1)\n    return key\n",
        "replace(Node(1), 1) == 2",
    ),
    (
        "unalias",
        "def grid(n, p):\n    rows = [[0] * p] * n\n    rows[0][0] = 1\n    return rows\n",
        "grid(2, 2) == [[1, 0], [0, 0]]",
    ),
    (
        "insert_call",
        "class Box:\n    def __init__(self):\n        self.items = [3, 1]\n\n"
        "    def sort(self):\n        self.items.sort()\n\n"
        "    def first(self, other):\n        return other.items[0]\n",
        "Box().first(Box()) == 1",
    ),
    (
        "insert_arg",
        "def pad(text, width, fill='.'):\n    return text.ljust(width, fill)\n\n\n"
        "def row(label, width, fill):\n    return pad(label, width)\n",
        "row('ab', 4, '-') == 'ab--'",
    ),
    (
        "drop_arg",
        "def pad(text, width, fill='.'):\n    return text.ljust(width, fill)\n\n\n"
        "def row(label, width, fill):\n    return pad(label, width, width)\n",
        "row('ab', 4, '-') == 'ab..'",
    ),
    (
        "add_method",
        "def same(a, b):\n    return a.lower() == b\n",
        "same('ab', 'AB') and not same('ab', 'AC')",
    ),
    (
        "init_value",
        "def span(values):\n    low, high = 0, max(values)\n    return high - low\n",
        "span([-3, 4]) == 7 and span([2, 5]) == 3",
    ),
    (
        "compare_all",
        "def overlaps(a, b, c, d):\n    return a <= d and c <= b\n",
        "not overlaps(0, 1, 1, 2) and overlaps(0, 2, 1, 3)",
    ),
    (
        "negate_operand",
        "def factor(root):\n    return [root, 1]\n",
        "factor(2) == [-2, 1]",
    ),
    (
        "insert_state",
        "class Tally:\n    def __init__(self):\n        self.items = []\n        self.total = 0\n\n"
        "    def add(self, x):\n        self.items.append(x)\n        self.total += x\n\n"
        "    def clear(self):\n        self.items = []\n",
        "(lambda t: (t.add(3), t.clear(), t.total)[-1] == 0)(Tally())",
    ),
    (
        "insert_counter",
        "class Ids:\n    def __init__(self):\n        self.next = 1\n\n"
        "    def take(self):\n        rid = f'id{self.next}'\n        return rid\n",
        "(lambda r: (r.take(), r.take())[1] == 'id2')(Ids())",
    ),
    (
        "insert_entry",
        "class Rooms:\n    def __init__(self):\n        self.stock = {}\n"
        "        self.capacity = {}\n\n"
        "    def add(self, code, capacity):\n        self.stock[code] = {}\n\n"
        "    def room(self, code):\n        return self.capacity.get(code, 0)\n",
        "(lambda r: (r.add('a', 3), r.room('a'))[1] == 3)(Rooms())",
    ),
    (
        "insert_cut",
        "def split(text):\n    colon = text.find(':')\n    key = text[:colon]\n"
        "    return key, text\n",
        "split('a:b') == ('a', 'b')",
    ),
]
# Families made only from a failing test's runtime evidence (``ActionContext.crashes``):
# their fixtures run through the generator with that evidence (tests/actions/test_repair_crash.py)
EVIDENCE_ONLY = frozenset({"crash_guard"})


# Functions whose failing tests' messages say what kind of fix they need
# (``repair_evidence``): a float reaches an index; the recursion has no base case.
MEDIAN = (
    "def median(values):\n"
    "    ordered = sorted(values)\n"
    "    mid = len(ordered) / 2\n"
    "    if len(ordered) % 2:\n"
    "        return ordered[mid]\n"
    "    return (ordered[mid - 1] + ordered[mid]) / 2\n"
)
# ``power(5, 0)`` never stops
POWER = (
    "def power(base, exp):\n"
    '    """base ** exp for a whole exp >= 0."""\n'
    "    half = power(base, exp // 2)\n"
    "    if exp % 2:\n"
    "        return half * half * base\n"
    "    return half * half\n"
)
