"""Single mutations of correct code for the repair benchmark.

Two sources: every candidate the repair generators propose at a line (applied to correct
code, a repair *is* a plausible bug), and a few families of our own that the generators may
not invert (``EXTRA_FAMILIES``). Whether the generators can undo a given mutant is measured,
not assumed: ``restorable`` looks for a generator candidate at the mutant's line whose
application gives back the original text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node, Tree

from sea_lsp.actions import pytree
from sea_lsp.actions.base import ActionContext, Suspicious
from sea_lsp.actions.repair import RepairGenerator
from sea_lsp.workspace.changes import apply_edits

TASK = "fix the failing tests"
EXTRA_FAMILIES = (
    "drop_return_value",
    "swap_statements",
    "break_continue",
    "drop_not",
    "drop_last_argument",
)
_SIMPLE = frozenset({"expression_statement", "return_statement", "assert_statement"})


@dataclass(frozen=True)
class Mutation:
    """Replace bytes ``[start, end)`` of the original with ``new_text``."""

    family: str
    start: int
    end: int
    new_text: str
    generated: bool  # proposed by the repair generators (else one of EXTRA_FAMILIES)

    def apply(self, text: str) -> str:
        data = text.encode("utf-8")
        return (data[: self.start] + self.new_text.encode("utf-8") + data[self.end :]).decode(
            "utf-8"
        )

    def line(self, text: str) -> int:
        """The 1-based line of the mutant where the mutation lands (its first non-blank byte)."""
        lead = len(self.new_text) - len(self.new_text.lstrip())
        at = self.start + (
            len(self.new_text[:lead].encode("utf-8")) if self.new_text.strip() else 0
        )
        return self.apply(text).encode("utf-8").count(b"\n", 0, at) + 1


def parses(text: str, path: str = "<mutant>") -> bool:
    """No tree-sitter ERROR/MISSING nodes and ``compile()`` accepts it."""
    if pytree.parse(text).root_node.has_error:
        return False
    try:
        compile(text, path, "exec")
    except (SyntaxError, ValueError):
        return False
    return True


def generator_mutations(path: str, text: str, line: int) -> list[Mutation]:
    """Every repair-generator candidate at ``line`` (1-based), as a mutation of ``text``."""
    ctx = ActionContext(
        view=pytree.FileView(path, text),
        task=TASK,
        focus_path=path,
        suspicious=[Suspicious(path, line, 1.0)],
    )
    out = []
    for cand in RepairGenerator().generate(ctx):
        if len(cand.change.edits) != 1 or cand.change.file_ops:
            continue
        e = cand.change.edits[0]
        out.append(Mutation(cand.kind.split(".", 1)[1], e.start, e.end, e.new_text, True))
    return out


def restorable(path: str, mutant: str, line: int, original: str) -> bool:
    """Do the repair generators, pointed at ``line`` of ``mutant``, propose the exact inverse?"""
    ctx = ActionContext(
        view=pytree.FileView(path, mutant),
        task=TASK,
        focus_path=path,
        suspicious=[Suspicious(path, line, 1.0)],
    )
    for cand in RepairGenerator().generate(ctx):
        try:
            if apply_edits(mutant, cand.change.edits) == original:
                return True
        except ValueError:
            continue
    return False


def extra_mutations(text: str, tree: Tree, row: int) -> list[Mutation]:
    """Mutations of the EXTRA_FAMILIES for nodes starting on 0-based ``row``."""
    data = text.encode("utf-8")
    out: list[Mutation] = []
    for node in pytree.walk(tree.root_node):
        if node.start_point.row != row:
            continue
        out.extend(_node_mutations(node, data))
    return out


def _node_mutations(node: Node, data: bytes) -> Iterator[Mutation]:
    if node.type == "return_statement" and node.named_child_count:
        yield Mutation(
            "drop_return_value", node.start_byte + len("return"), node.end_byte, "", False
        )
    elif node.type == "break_statement":
        yield Mutation("break_continue", node.start_byte, node.end_byte, "continue", False)
    elif node.type == "continue_statement":
        yield Mutation("break_continue", node.start_byte, node.end_byte, "break", False)
    elif node.type == "not_operator":
        arg = node.child_by_field_name("argument")
        if arg is not None and arg.type not in ("boolean_operator", "comparison_operator"):
            yield Mutation("drop_not", node.start_byte, node.end_byte, pytree.text_of(arg), False)
    elif node.type == "argument_list":
        args = [c for c in node.named_children if c.type != "comment"]
        if len(args) >= 2 and args[-1].type not in ("list_splat", "dictionary_splat"):
            prev = args[-2]
            yield Mutation("drop_last_argument", prev.end_byte, args[-1].end_byte, "", False)
    if node.type in _SIMPLE and node.parent is not None and node.parent.type == "block":
        yield from _swap_next(node, data)


def _swap_next(node: Node, data: bytes) -> Iterator[Mutation]:
    sibs = node.parent.named_children
    i = next(k for k, s in enumerate(sibs) if s.id == node.id)
    if i + 1 >= len(sibs) or sibs[i + 1].type not in _SIMPLE:
        return
    a, b = node, sibs[i + 1]
    if a.start_point.row != a.end_point.row or b.start_point.row != b.end_point.row:
        return
    if a.type == "return_statement" or pytree.text_of(a) == pytree.text_of(b):
        return
    between = data[a.end_byte : b.start_byte].decode("utf-8")
    swapped = pytree.text_of(b) + between + pytree.text_of(a)
    yield Mutation("swap_statements", a.start_byte, b.end_byte, swapped, False)
