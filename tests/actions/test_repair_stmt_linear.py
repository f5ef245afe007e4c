"""``copies()`` works in the focus window, not the block: the same candidates as the
block-scanning version it replaced, and a walk that does not grow with the block."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from tree_sitter import Node

from sea_lsp.actions import focus, pytree, repair, repair_stmt
from sea_lsp.actions.base import ActionContext
from sea_lsp.actions.pytree import text_of
from sea_lsp.actions.repair import RepairGenerator
from sea_lsp.actions.repair_site import Site
from sea_lsp.actions.repair_stmt import (
    SIMPLE_STATEMENTS,
    _insert_variants,
    _one_line,
    _renamings,
    is_statement,
    starts_line,
)
from sea_lsp.bench.pathological import flat_block, nested
from sea_lsp.workspace.workspace import Workspace


def reference_copies(node: Node, site: Site, radius: int = 3):
    """The block-scanning ``copies()`` as it was before (quadratic in the block): the
    definition of which candidates the linear one must produce."""
    if not starts_line(site, node) or node.parent is None:
        return
    block = node.parent
    stmts = [c for c in block.named_children if c.type in SIMPLE_STATEMENTS and _one_line(c)]
    index = next((i for i, c in enumerate(block.named_children) if c.id == node.id), 0)
    names = site.value_names(node)
    for src in stmts:
        src_index = next(i for i, c in enumerate(block.named_children) if c.id == src.id)
        if abs(src_index - index) > radius or src.type == "pass_statement":
            continue
        idents = [i for i in pytree.walk(src) if i.type == "identifier" and text_of(i) in names]
        yield from _insert_variants(node, site, _renamings(src, idents, names), "insert_copy")
    near = {c.id for c in stmts}
    fn = pytree.enclosing(node, ("function_definition",))
    if fn is None:
        return
    attrs = site.file_attributes()
    for src in pytree.walk(fn):
        if (
            src.type not in ("expression_statement", "return_statement")
            or src.id in near
            or not _one_line(src)
            or src.parent is None
            or src.parent.type != "block"
        ):
            continue
        fields = [
            a.child_by_field_name("attribute") for a in pytree.walk(src) if a.type == "attribute"
        ]
        variants = _renamings(src, [f for f in fields if f is not None], attrs)
        yield from _insert_variants(node, site, variants, "insert_far_copy")


BRANCHY = """import os


def walk(node, key, out):
    count = 0
    # a comment counts as a sibling
    while node is not None:
        if key < node.key:
            node = node.left
            count += 1
        elif key > node.key:
            node = node.right
            out.append(node.key)
        else:
            return node
        pass
    for item in out:
        item.seen = True
        out.remove(item)
    return count


x = os.path.join("a", "b")
print(x)
"""


def _site(text: str) -> Site:
    data = text.encode("utf-8")
    return Site(path="m.py", data=data, tree=pytree.parse(data))


def _shape(mutations) -> list[tuple]:
    return [(m.family, m.start, m.end, m.new_text, m.title) for m in mutations]


@pytest.mark.parametrize(
    "text", [BRANCHY, flat_block(60), nested(12), BRANCHY.replace("    ", "\t")]
)
def test_same_candidates_as_the_block_scan(text: str) -> None:
    site = _site(text)
    statements = [
        n for n in pytree.walk(site.tree.root_node) if is_statement(n) or n.type == "elif_clause"
    ]
    assert len(statements) > 5
    compared = 0
    for node in statements:
        expected = _shape(reference_copies(node, site))
        assert _shape(repair_stmt.copies(node, site)) == expected, text_of(node)
        compared += len(expected)
    assert compared > 0  # the comparison saw near and far copies, not only empty lists


def _walked_by_copies(statements: int, monkeypatch: pytest.MonkeyPatch) -> int:
    site = _site(flat_block(statements))
    body = site.tree.root_node.named_children[0].child_by_field_name("body")
    middle = body.named_children[statements // 6 * 3]  # the same kind of statement
    list(repair_stmt.copies(middle, site))  # per-site facts built once
    visited = 0
    real_walk = pytree.walk

    def counting(node: Node):
        nonlocal visited
        for n in real_walk(node):
            visited += 1
            yield n

    monkeypatch.setattr(repair_stmt.pytree, "walk", counting)
    assert list(repair_stmt.copies(middle, site))
    return visited


def test_a_request_walks_the_window_not_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    # the same statement in the middle of a 200- and a 4,000-statement block: the second
    # request on a version visits as many nodes in both (the old scan walked the function)
    small = _walked_by_copies(200, monkeypatch)
    monkeypatch.undo()
    big = _walked_by_copies(4000, monkeypatch)
    assert big == small


def reference_stubs(stmt: Node, m) -> list[tuple[int, int, bytes]]:
    """``repair._stubs`` as it was: every untouched statement of the touched body its own
    ``pass`` (a block of 20,000 statements gave 20,000 stubs per mutation)."""

    def untouched(n: Node) -> bool:
        return n.end_byte < m.start or n.start_byte > m.end

    out = []
    for child in stmt.children:
        if untouched(child) and stmt.type == "if_statement" and child.type in repair._DROPPABLE:
            out.append((child.start_byte, child.end_byte, b""))
            continue
        inner = child.children if child.type in repair._CLAUSES else (child,)
        for b in inner:
            if b.type != "block":
                continue
            if untouched(b):
                out.append((b.start_byte, b.end_byte, b"pass"))
                continue
            for sibling in b.named_children:
                if sibling.type != "comment" and untouched(sibling):
                    out.append((sibling.start_byte, sibling.end_byte, b"pass"))
    return out


ODD_COMMENTS = """class Box:
    # first
    def put(self, item, items):
# a comment at column 0 inside the block
        items.append(item)
        self.count += 1  # trailing
        # between
        if item is None:
            return None
        elif item == 1:
            items.pop()
        else:
            self.count -= 1
        return self.count; pass
    # last
"""


def _repair_candidates(text: str, editor: bool) -> list[tuple]:
    ws = Workspace(Path(tempfile.mkdtemp()))
    ws.open("m.py", text, 1)
    out = []
    rows = range(text.count("\n")) if editor else [None]
    starts = focus.line_starts(text.encode("utf-8"))
    for row in rows:
        lo = None if row is None else starts[row]
        ctx = ActionContext(view=ws, focus_path="m.py", focus_start=lo, focus_end=lo, editor=editor)
        for c in RepairGenerator().generate(ctx):
            out.append((row, c.kind, c.title, c.change.edits))
    return out


@pytest.mark.parametrize("editor", [True, False])
@pytest.mark.parametrize("text", [BRANCHY, ODD_COMMENTS, flat_block(40), nested(8)])
def test_stub_runs_validate_as_the_per_statement_stubs(
    text: str, editor: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = _repair_candidates(text, editor)
    monkeypatch.setattr(repair, "_stubs", reference_stubs)
    before = _repair_candidates(text, editor)
    assert now == before
    assert len(now) > 10


def _parsed_for_delete(statements: int) -> int:
    """Bytes reparsed to validate deleting the middle statement of a flat block."""
    site = _site(flat_block(statements))
    body = site.tree.root_node.named_children[0].child_by_field_name("body")
    middle = body.named_children[statements // 6 * 3]
    (m,) = list(repair_stmt.delete(middle, site))
    return len(repair._local_segment(site, m)[3])


def test_validating_a_delete_reparses_the_window_not_the_block() -> None:
    assert _parsed_for_delete(4000) < 2 * _parsed_for_delete(200)


def test_a_very_long_statement_is_not_copied() -> None:
    """A 3,000-character row of a generated table next to the focus: copying it (and
    walking it node by node for names to rename) is not a plausible fix."""
    from tests.actions.test_repair import candidates

    row = "TABLE = [" + ", ".join(str(i) for i in range(640)) + "]"
    assert len(row) > 3000
    source = f"def f(x):\n    {row}\n    y = x + 1\n    return y\n"
    _, cands = candidates(source)
    copies = [c for c in cands if c.kind in ("repair.insert_copy", "repair.insert_far_copy")]
    assert copies and all(len(e.new_text) < 1000 for c in copies for e in c.change.edits)
