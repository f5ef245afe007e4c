"""The repair benchmark's bugs: written or mined by people, never made by our generators.

The data lives in the repository under ``benchmarks/bugs/<source>/<project>/``: ``project/``
holds the correct code and its pytest tests, ``bugs.json`` the bugs, each a list of edits
``{"file", "fixed", "buggy"}`` (``fixed`` occurs once in the correct file; ``buggy`` replaces
it). ``benchmarks/bugs/check.py`` checks that every bug is caught by the project's tests.

Projects are split into ``train`` and ``held-out`` by a seeded hash of each name (about half
and half, stable as projects are added). Nothing may be tuned on the held-out projects.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from sea_lsp.workspace.changes import common_ends

SPLIT_SEED = 20261205
SPLITS = ("held-out", "train", "all")
DATA_DIR = Path(__file__).resolve().parents[2] / "benchmarks" / "bugs"
SKIP_PARTS = {"__pycache__", ".pytest_cache"}


class BugDataError(RuntimeError):
    """The bug data is missing or malformed; the message says where and what to do."""


@dataclass(frozen=True)
class Edit:
    file: str
    fixed: str
    buggy: str


@dataclass
class Bug:
    id: str
    project: str
    source: str  # "handwritten" | "mined" | ...
    split: str
    edits: list[Edit]
    category: str = ""
    description: str = ""
    lines_changed: int = 1
    failing_tests: list[str] = field(default_factory=list)
    hangs: bool = False

    @property
    def files(self) -> list[str]:
        return sorted({e.file for e in self.edits})


@dataclass
class BugProject:
    name: str
    source: str
    folder: Path
    split: str
    files: dict[str, str]  # the correct project: workspace-relative path -> text
    bugs: list[Bug]

    def buggy_files(self, bug: Bug) -> dict[str, str]:
        """The texts of the files ``bug`` changes, with the bug in them."""
        out: dict[str, str] = {}
        for e in bug.edits:
            text = out.get(e.file, self.files.get(e.file))
            if text is None or text.count(e.fixed) != 1:
                raise BugDataError(
                    f"{self.folder / 'bugs.json'}: bug {bug.id}: the fixed text must occur once "
                    f"in {e.file}; run benchmarks/bugs/check.py on it"
                )
            out[e.file] = text.replace(e.fixed, e.buggy)
        return out

    def write(self, dest: Path, bug: Bug | None = None) -> Path:
        """Write the project (with ``bug`` in it) under ``dest``; returns the project root."""
        changed = self.buggy_files(bug) if bug is not None else {}
        for rel, text in self.files.items():
            path = dest / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(changed.get(rel, text), encoding="utf-8")
        return dest


def split_of(name: str, seed: int = SPLIT_SEED) -> str:
    """A project's split, from a seeded hash of its name alone: about half are held out,
    and adding projects never moves an existing one to the other side."""
    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return "held-out" if digest[0] < 128 else "train"


def _read_files(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not SKIP_PARTS & set(path.parts) and path.suffix != ".pyc":
            try:
                out[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue  # binary fixtures are not part of what the benchmark needs
    return out


def load(data_dir: Path = DATA_DIR) -> list[BugProject]:
    """Every project under ``data_dir`` with its bugs and split."""
    if not data_dir.is_dir():
        raise BugDataError(
            f"no bug data at {data_dir}: run from a checkout of sea-lsp or pass --data DIR"
        )
    folders = sorted(p.parent for p in data_dir.glob("*/*/bugs.json"))
    return [_project(f, split_of(project_family(f.name))) for f in folders]


def project_family(folder_name: str) -> str:
    """The project a folder belongs to: mined folders are ``<repo>-<sha7>``, one per commit,
    and every commit of a repository falls on the same side of the split."""
    head, _, tail = folder_name.rpartition("-")
    is_sha = len(tail) == 7 and all(c in "0123456789abcdef" for c in tail)
    return head if head and is_sha else folder_name


def _project(folder: Path, split: str) -> BugProject:
    try:
        meta = json.loads((folder / "bugs.json").read_text(encoding="utf-8"))
        source = meta.get("source") or folder.parent.name
        bugs = [
            Bug(
                id=b["id"],
                project=folder.name,
                source=source,
                split=split,
                edits=[Edit(e["file"], e["fixed"], e["buggy"]) for e in b["edits"]],
                category=b.get("category", ""),
                description=b.get("description", ""),
                lines_changed=int(b.get("lines_changed", 1)),
                failing_tests=list(b.get("failing_tests", [])),
                hangs=bool(b.get("hangs", False)),
            )
            for b in meta["bugs"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BugDataError(f"{folder / 'bugs.json'} is not valid bug data: {exc}") from exc
    files = _read_files(folder / "project")
    return BugProject(folder.name, source, folder, split, files, bugs)


def select(projects: list[BugProject], split: str) -> list[BugProject]:
    return [p for p in projects if split == "all" or p.split == split]


_LAYOUT = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)
_DEFINITION = re.compile(r"\s*(async\s+def|def|class)\s|\s*@")
CONTEXT_LINES = 400  # how far back a definition is looked for (else the top-level statement)


def _tokens(text: str, skip: int = 0) -> list[str | int]:
    """The tokens of ``text`` after its first ``skip`` lines (which are read for context),
    each statement's first token preceded by its column: comments, blank lines and the
    layout of continued lines aside, but not where a statement stands (an inserted line
    inside a loop's body and the same line after the loop are different programs)."""
    out: list[str | int] = []
    starts = True
    for t in tokenize.generate_tokens(io.StringIO(text).readline):
        if t.type == tokenize.NEWLINE:
            starts = True
            continue
        if t.type in _LAYOUT:
            continue
        if t.start[0] > skip:
            if starts:
                out.append(t.start[1])
            out.append(t.string)
        starts = False
    return out


def _context_start(lines: list[str], head: int) -> int:
    """A line before ``head`` where a statement starts outside any bracket or string: the
    nearest definition (within ``CONTEXT_LINES``), else the nearest top-level statement."""
    for i in range(head - 1, max(-1, head - 1 - CONTEXT_LINES), -1):
        if _DEFINITION.match(lines[i]):
            return i
    for i in range(head - 1, -1, -1):
        line = lines[i]
        if line and not line[0].isspace() and not line.startswith(("#", ")", "]", "}")):
            return i
    return 0


def _lines_layout(lines: list[str]) -> list[tuple[str, str]]:
    """Each non-blank line's indentation and its text without whitespace."""
    return [
        (line[: len(line) - len(line.lstrip())], "".join(line.split()))
        for line in lines
        if line.strip()
    ]


def same_code(a: str, b: str) -> bool:
    """Token-for-token equal, and every statement where it stands (comments, blank lines and
    the layout of continued lines aside). The lines both texts share at the start and the
    end are compared as text; only the lines between are tokenized, after the shared lines
    from the definition (or top-level statement) they are in, for context (and the shared
    lines after them, when a bracket is still open). When that does not tokenize, the lines
    between are compared one by one, indentation included."""
    if a == b:
        return True
    la, lb = a.splitlines(), b.splitlines()
    head, tail = common_ends(la, lb)
    mid_a, mid_b = la[head : len(la) - tail], lb[head : len(lb) - tail]
    text_a, text_b = "\n".join(mid_a), "\n".join(mid_b)
    plain = not any(c in t for c in "#\\" for t in (text_a, text_b))  # no comment, no "\\"
    if plain and "".join(text_a.split()) != "".join(text_b.split()):
        return False  # equal tokens would need equal text
    start = _context_start(la, head)
    context = la[start:head]
    for more in (0, CONTEXT_LINES):  # a bracket still open after the lines between: read on
        after = la[len(la) - tail : len(la) - tail + more]
        try:
            return _tokens("\n".join(context + mid_a + after) + "\n", len(context)) == _tokens(
                "\n".join(context + mid_b + after) + "\n", len(context)
            )
        except (tokenize.TokenError, SyntaxError, IndentationError):
            if not tail:
                break
    return _lines_layout(mid_a) == _lines_layout(mid_b)
