"""What an action generator is, and what it produces: the candidate.

A candidate is one concrete proposal: a kind, the node it targets, the change it makes,
a title a person reads, and (once encoded) its token sequence for the policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from sea_lsp.workspace.changes import Change

if TYPE_CHECKING:
    from tree_sitter import Tree


@runtime_checkable
class WorkspaceView(Protocol):
    """The read side of a workspace or overlay that generators need."""

    def files(self) -> list[str]: ...

    def read_text(self, path: str) -> str | None: ...

    def tree(self, path: str) -> Tree | None: ...


@dataclass(frozen=True)
class NodeRef:
    """A syntax node by position: file, byte range, tree-sitter type."""

    path: str
    start: int
    end: int
    type: str


@dataclass(frozen=True)
class Suspicious:
    """A line that fault localisation ranks as a likely cause of failing tests (1-based line)."""

    path: str
    line: int
    score: float


@dataclass
class ActionContext:
    """Everything a generator may look at for one state."""

    view: WorkspaceView
    task: str = ""
    focus_path: str | None = None
    focus_start: int | None = None  # byte offsets in focus_path; None = whole file
    focus_end: int | None = None
    diagnostics: Sequence[str] = ()
    suspicious: Sequence[Suspicious] = ()  # best first
    failing_tests: Sequence[str] = ()  # pytest node ids
    hangs: bool = False  # a failing test ran past its timeout: a loop that cannot end is likely
    # names a failing test found unset (its NameError / UnboundLocalError): a missing start
    unbound: frozenset[str] = frozenset()
    # kinds of fix the failing tests' messages point at (``repair_evidence.tags``)
    evidence: frozenset[str] = frozenset()
    # path -> {line: repair_crash.Crash}: where failing tests crashed on a zero or an empty
    # value, and what their assertions wanted (``repair_crash.crash_sites``)
    crashes: dict[str, dict[int, Any]] = field(default_factory=dict)
    symbols: Any = None  # sea_lsp.workspace.symbols.SymbolIndex when available
    trusted: bool = False  # may generators run code (tests generator)?
    sandbox: Any = None  # sea_lsp.sandbox.sandbox.Sandbox when trusted
    limit: int | None = None  # soft cap on candidates per generator
    editor: bool = False  # an editor's code-action request: stay near the focus range, be quick
    deadline: float | None = None  # time.perf_counter() after which to stop and give what's ready
    # orders the repair candidates instead of the hand-set scores when set (the search's
    # ``learned`` ranking: ``repair_rank.Ranker``, or anything with its ``order``)
    ranker: Any = None


@dataclass
class Candidate:
    kind: str  # dotted family name, e.g. "repair.compare_swap", "docs.docstring", "tests.create"
    title: str  # what the user reads in the lightbulb menu
    change: Change
    target: NodeRef | None = None
    lsp_kind: str = "quickfix"  # "quickfix" | "refactor.rewrite" | "source.sea.<what>"
    expensive: bool = False  # filled by codeAction/resolve or run as a command
    needs_execution: bool = False  # only offered in a trusted workspace
    data: dict[str, Any] = field(default_factory=dict)
    tokens: list[int] = field(default_factory=list)  # set by the encoder

    def key(self) -> tuple:
        """Identity for merging duplicates: two candidates making the same change are one."""
        return (
            tuple(sorted(self.change.edits)),
            tuple((o.kind, o.path, o.new_path, o.content) for o in self.change.file_ops),
            (self.kind, repr(sorted(self.data.items()))) if self.change.is_empty() else "",
        )


class Generator(Protocol):
    """An action generator: ``name`` and ``generate``; cheap unless it says otherwise."""

    name: str

    def generate(self, ctx: ActionContext) -> Iterable[Candidate]: ...


def dedupe(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Drop candidates whose change another earlier candidate already makes."""
    seen: set[tuple] = set()
    out = []
    for c in candidates:
        k = c.key()
        if k in seen:
            continue
        seen.add(k)
        out.append(c)
    return out
