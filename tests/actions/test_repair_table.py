"""A table a method forgot to keep in step (``repair.insert_entry``), a flag or an amount a
function never recorded (``repair.insert_counter``), a constant a function returns
elsewhere (``repair.insert_control``) and a text whose head was read and never cut
(``repair.insert_cut``): missing lines of bugs written by other hands."""

from __future__ import annotations

from sea_lsp.actions import pytree
from sea_lsp.actions.repair_cut import insert_cut
from sea_lsp.actions.repair_site import Site
from sea_lsp.actions.repair_state import insert_counter
from sea_lsp.actions.repair_stmt import control, is_statement
from sea_lsp.actions.repair_table import insert_entry


def _made(source: str, family, weigh: bool = True) -> list[tuple[str, float]]:
    data = source.encode()
    site = Site("m.py", data, pytree.parse(data))
    site.weigh = weigh  # the search's space
    out = []
    for n in pytree.walk(site.tree.root_node):
        for m in family(n, site):
            text = (data[: m.start] + m.new_text.encode() + data[m.end :]).decode()
            assert pytree.parses_cleanly(text.encode()), text
            out.append((text, m.weight))
    return out


def _statement_control(node, site):
    """``control`` where the generator calls it: on statements."""
    return control(node, site) if is_statement(node) else iter(())


def _texts(source: str, family) -> list[str]:
    return [t for t, _ in _made(source, family)]


STORE = (
    "class Store:\n"
    "    def __init__(self):\n"
    "        self._stock = {}\n"
    "        self._capacity = {}\n"
    "        self._applied = set()\n"
    "        self.log = []\n"
    "        self.name = 'main'\n"
    "\n"
    "    def add_location(self, code, capacity):\n"
    "        if code in self._stock:\n"
    "            raise KeyError(code)\n"
    "        self._stock[code] = {}\n"
    "\n"
    "    def apply(self, key, amount):\n"
    "        if key in self._applied:\n"
    "            return 0\n"
    "        self.log.append(amount)\n"
    "        return amount\n"
    "\n"
    "    def room(self, code):\n"
    "        left = self._capacity[code]\n"
    "        self.log.append(left)\n"
    "        return left\n"
)


def test_a_table_the_method_never_writes_gets_its_entry() -> None:
    made = _made(STORE, insert_entry)
    texts = [t for t, _ in made]
    fix = "self._stock[code] = {}\n        self._capacity[code] = capacity\n"
    assert STORE.replace("self._stock[code] = {}\n", fix) in texts
    # after that statement the table's entry, valued by the parameter named like it, first
    after = [(t, w) for t, w in made if "self._stock[code] = {}\n        self." in t]
    assert "self._capacity[code] = capacity" in max(after, key=lambda tw: tw[1])[0]
    # a set the method checks gets the key it checks with, before the other sets and lists
    added = "self.log.append(amount)\n        self._applied.add(key)\n"
    assert STORE.replace("self.log.append(amount)\n", added) in texts
    after_log = [
        (t, w) for t, w in made if "self.log.append(amount)\n        self." in t and "def room" in t
    ]
    best = max(after_log, key=lambda tw: tw[1])[0]
    assert "self._applied.add(key)" in best
    # a method never writes the table it writes already (``add_location``: ``_stock``) or
    # one that is no container (``name``); ``__init__`` is no place for any
    assert not any("self._stock[code] = {}\n        self._stock" in t for t in texts)
    assert not any("self.name" in t.split("def add_location")[1] for t in texts)
    init = STORE.split("def add_location")[0]
    assert all(t.split("def add_location")[0] == init for t in texts)


def test_a_value_read_from_the_table_is_not_written_back() -> None:
    texts = _texts(STORE, insert_entry)
    # ``room`` reads ``left`` from ``_capacity``: ``self._capacity[code] = left`` is no change
    assert not any("self._capacity[code] = left" in t for t in texts)
    assert any("self.log.append(left)\n        del self._capacity[code]" in t for t in texts)


def test_the_class_s_own_forms_of_writing_a_table_are_offered() -> None:
    source = (
        "class Mail:\n"
        "    def __init__(self):\n"
        "        self.folders = {}\n"
        "        self.where = {}\n"
        "\n"
        "    def deliver(self, msg, folder):\n"
        "        self.folders[folder].append(msg)\n"
        "        self.where[msg] = folder\n"
        "\n"
        "    def move(self, msg, folder):\n"
        "        old = self.where[msg]\n"
        "        self.where[msg] = folder\n"
    )
    texts = _texts(source, insert_entry)
    # ``deliver`` writes ``folders`` with ``self.folders[k].append(v)``: ``move`` may too
    fix = "self.where[msg] = folder\n        self.folders[folder].append(msg)\n"
    assert any(t.endswith(fix) for t in texts)


def test_no_table_no_method_no_entry() -> None:
    plain = "def f(xs):\n    out = {}\n    out[1] = 2\n    return out\n"
    assert _made(plain, insert_entry) == []
    static = (
        "class A:\n    def __init__(self):\n        self.t = {}\n\n"
        "    @staticmethod\n    def f(k):\n        print(k)\n"
    )
    assert _made(static, insert_entry) == []


def test_a_flag_never_set_and_an_amount_never_added() -> None:
    source = (
        "def add(bits, positions):\n"
        "    added = False\n"
        "    for p in positions:\n"
        "        if p not in bits:\n"
        "            bits.add(p)\n"
        "    return added\n"
        "\n"
        "def fill(tracks, limit):\n"
        "    used = 0\n"
        "    chosen = []\n"
        "    for track in tracks:\n"
        "        if used + track.seconds <= limit:\n"
        "            chosen.append(track)\n"
        "    return chosen\n"
    )
    texts = _texts(source, insert_counter)
    assert source.replace("bits.add(p)\n", "bits.add(p)\n            added = True\n") in texts
    fix = "chosen.append(track)\n            used += track.seconds\n"
    assert source.replace("chosen.append(track)\n", fix) in texts
    assert source.replace("chosen.append(track)\n", fix.replace("track.seconds", "1")) in texts
    # a flag set twice is no flag of this kind
    twice = source.replace("    return added\n", "    added = True\n    return added\n")
    assert not any(
        "added = True\n    for" in t or "p)\n            added" in t
        for t in _texts(twice, insert_counter)
    )


def test_a_function_returning_false_may_return_true_where_its_work_is_done() -> None:
    source = (
        "def remove(items, name):\n"
        "    for i, item in enumerate(items):\n"
        "        if item == name:\n"
        "            del items[i]\n"
        "    return False\n"
    )
    texts = _texts(source, _statement_control)
    assert source.replace("del items[i]\n", "del items[i]\n            return True\n") in texts
    # the editor's menu keeps its own (the search alone tries constants)
    menu = [t for t, _ in _made(source, _statement_control, weigh=False)]
    assert not any("return True" in t for t in menu)
    none = "def f(x):\n    print(x)\n"
    assert not any(
        "return True" in t or "return False" in t for t in _texts(none, _statement_control)
    )


def test_a_head_read_is_cut_off_the_rest() -> None:
    source = (
        "def split(url):\n"
        "    colon = url.find(':')\n"
        "    scheme = url[:colon].lower()\n"
        "    if url.startswith('//'):\n"
        "        print(url)\n"
        "    return scheme, url\n"
    )
    texts = _texts(source, insert_cut)
    cut = "scheme = url[:colon].lower()\n    url = url[colon + 1:]\n"
    assert source.replace("scheme = url[:colon].lower()\n", cut) in texts
    assert source.replace("scheme = url[:colon].lower()\n", cut.replace(" + 1", "")) in texts
    # a check of how the name starts: its prefix cut off, after the whole ``if``
    assert source.replace("print(url)\n", "print(url)\n    url = url[2:]\n") in texts
    assert not any("url = url[1:]" in t for t in texts)
    # the statement after the read cuts already: nothing to add
    done = source.replace("lower()\n", "lower()\n    url = url[colon + 1:]\n")
    twice = "lower()\n    url = url[colon + 1:]\n    url = url["
    assert not any(
        twice in t or "lower()\n    url = url[colon:]" in t for t in _texts(done, insert_cut)
    )
    assert _texts("def f(s):\n    return s[:2]\n", insert_cut) == []  # a return: no rest
    # a fixed width is cut at that width; all but a tail leaves no rest to cut
    fixed = "def f(s):\n    year = s[:4]\n    return year, s\n"
    assert _texts(fixed, insert_cut) == [fixed.replace("s[:4]\n", "s[:4]\n    s = s[4:]\n")]
    assert _texts("def f(s):\n    body = s[:-1]\n    return body, s\n", insert_cut) == []


def test_a_cut_is_only_of_the_function_s_own_names_not_cut_already() -> None:
    # a global and a closure's name are no locals: cutting them would unbind them
    glob = "PREFIX = 'ab'\n\ndef f():\n    head = PREFIX[:2]\n    return head\n"
    assert _texts(glob, insert_cut) == []
    closure = "def outer(s):\n    def inner():\n        head = s[:3]\n        return head\n    return inner\n"
    assert _texts(closure, insert_cut) == []
    # the statement rebinds the name itself; the ``if``'s branch cuts it already
    assert _texts("def f(text, n):\n    text = text[:n]\n    return text\n", insert_cut) == []
    signed = (
        "def f(s):\n    neg = False\n    if s.startswith('-'):\n        neg = True\n"
        "        s = s[1:]\n    return neg, int(s)\n"
    )
    assert _texts(signed, insert_cut) == []


def test_no_entry_keyed_by_a_comprehension_s_name_and_every_target_of_a_del_counts() -> None:
    source = (
        "class C:\n"
        "    def __init__(self):\n"
        "        self.c = set()\n"
        "        self.a = {}\n"
        "        self.b = {}\n"
        "\n"
        "    def known(self, ks):\n"
        "        print(ks)\n"
        "        return [k for k in ks if k in self.c]\n"
        "\n"
        "    def drop(self, k):\n"
        "        del self.a[k], self.b[k]\n"
    )
    texts = _texts(source, insert_entry)
    assert not any("print(ks)\n        self.c.add(k)" in t for t in texts)
    assert any("print(ks)\n        self.c.add(ks)" in t for t in texts)
    assert not any("del self.a[k], self.b[k]\n        del self." in t for t in texts)


def test_a_returned_constant_is_a_constant() -> None:
    source = (
        "def f(n, x):\n"
        "    print(n)\n"
        "    if n:\n"
        "        return -n\n"
        "    if x:\n"
        "        return f'{x}'\n"
        "    if n is None:\n"
        "        return None\n"
        "    return -1.5\n"
    )
    inserted = {
        t.split("print(n)\n    ")[1].split("\n")[0]
        for t in _texts(source, _statement_control)
        if "print(n)\n    return" in t
    }
    assert "return -1.5" in inserted
    assert not inserted & {"return -n", "return f'{x}'", "return None"}


def test_an_amount_is_not_taken_from_a_comprehension() -> None:
    source = (
        "def fill(ts, limit):\n"
        "    used = 0\n"
        "    ok = all(used + t.s <= limit for t in ts)\n"
        "    print(ok)\n"
        "    return used\n"
    )
    texts = _texts(source, insert_counter)
    assert any("used += 1" in t for t in texts)
    assert not any("used += t.s" in t for t in texts)
