"""The repair benchmark's corpus: single injected bugs in real, tested code.

Projects are pure-Python standard-library modules run against a copy of their own
``test.test_*`` suite (the copy lies first on the sandbox's PYTHONPATH, so it shadows the
installed module), and the small projects of ``repair_projects``. Each project is checked
first (its tests must all pass unmodified); then mutations are tried on lines its tests
execute, and a mutant is kept only if it parses, at least one test fails, it is a small edit
(at most ``MAX_LINES`` line breaks removed or added) and its tests do not crawl.

``HELD_OUT_MODULES`` (stdlib-relative paths) must never be used for training; the benchmark
reports on the held-out split by default.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sys
import sysconfig
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from loguru import logger

from sea_lsp.actions import pytree
from sea_lsp.bench.repair_mutations import (
    Mutation,
    extra_mutations,
    generator_mutations,
    parses,
    restorable,
)
from sea_lsp.bench.repair_projects import MUTATE, PROJECTS
from sea_lsp.sandbox.sandbox import Limits, Sandbox
from sea_lsp.training.held_out import HELD_OUT_MODULES, STDLIB_MODULES

CORPUS_VERSION = 4
MAX_LINES = 2  # a bug is a small edit: no deleted or inserted blocks (whole functions)
MIN_SLOW_S = 8.0  # a mutant whose tests run longer than this and 3x the clean run is skipped
SPLITS = ("held-out", "train", "all")


class CorpusError(RuntimeError):
    """The corpus cannot be built as asked; the message says what to change."""


@dataclass
class Bug:
    """One detected mutant: where, which family, the original text and the tests it breaks."""

    id: str
    project: str  # "stdlib:colorsys.py" or "own:intervals"
    split: str  # "held-out" | "train"
    file: str  # workspace-relative path of the mutated file
    line: int  # 1-based line of the mutation in the mutant
    family: str
    covered: bool  # do the repair generators propose the exact inverse at that line?
    start: int  # byte range of the original replaced by new_text
    end: int
    new_text: str
    original: str  # the original text of [start, end)
    failing_tests: list[str] = field(default_factory=list)

    def mutation(self) -> Mutation:
        return Mutation(self.family, self.start, self.end, self.new_text, self.covered)


@dataclass
class Corpus:
    bugs: list[Bug]
    projects: dict[str, str]  # project -> "ok" or why it was skipped
    stats: dict[str, int]
    key: str = ""

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": CORPUS_VERSION,
                "key": self.key,
                "projects": self.projects,
                "stats": self.stats,
                "bugs": [asdict(b) for b in self.bugs],
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> Corpus:
        raw = json.loads(text)
        if raw.get("version") != CORPUS_VERSION:
            raise ValueError(f"corpus version {raw.get('version')} != {CORPUS_VERSION}")
        bugs = [Bug(**b) for b in raw["bugs"]]
        return cls(bugs, raw["projects"], raw["stats"], raw.get("key", ""))


def stdlib_dir() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def project_files(project: str) -> dict[str, str]:
    """The unmodified files of a project, workspace-relative path -> text."""
    kind, _, name = project.partition(":")
    if kind == "own":
        if name not in PROJECTS:
            raise CorpusError(f"no own project {name!r}; choose from {sorted(PROJECTS)}")
        return dict(PROJECTS[name])
    if kind == "stdlib":
        lib = stdlib_dir()
        stem = name.removesuffix(".py")
        src, tests = lib / name, lib / "test" / f"test_{stem}.py"
        if not src.is_file() or not tests.is_file():
            raise CorpusError(f"{name} or test/test_{stem}.py is missing from {lib}")
        return {
            name: src.read_text(encoding="utf-8"),
            f"tests/test_{stem}.py": tests.read_text(encoding="utf-8"),
        }
    raise CorpusError(f"unknown project {project!r}: use stdlib:NAME.py or own:NAME")


def target_file(project: str) -> str:
    kind, _, name = project.partition(":")
    return MUTATE[name] if kind == "own" else name


def project_split(project: str) -> str:
    kind, _, name = project.partition(":")
    return "train" if kind == "stdlib" and name not in HELD_OUT_MODULES else "held-out"


def write_project(project: str, dest: Path, bug: Bug | None = None) -> Path:
    """Write the project (with ``bug`` injected when given) into ``dest``; returns ``dest``."""
    files = project_files(project)
    if bug is not None:
        files[bug.file] = bug.mutation().apply(files[bug.file])
    for rel, text in files.items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dest


def all_projects(split: str = "all") -> list[str]:
    """Project names of a split (stdlib modules that exist here, and the own projects)."""
    if split not in SPLITS:
        raise CorpusError(f"split must be one of {SPLITS}, got {split!r}")
    lib = stdlib_dir()
    out = [f"stdlib:{m}" for m in STDLIB_MODULES if (lib / m).is_file()]
    out += [f"own:{name}" for name in sorted(PROJECTS)]
    return [p for p in out if split == "all" or project_split(p) == split]


def corpus_key(
    projects: list[str], per_project: int, seed: int, families: Iterable[str] | None = None
) -> str:
    """Changes whenever anything that shapes the corpus changes (code version, sources)."""
    fams = ",".join(sorted(families)) if families else "*"
    h = hashlib.sha256(f"{CORPUS_VERSION}:{seed}:{per_project}:{fams}:{sys.version}".encode())
    for p in sorted(projects):
        h.update(p.encode())
        for rel, text in sorted(project_files(p).items()):
            h.update(rel.encode() + hashlib.sha256(text.encode()).digest())
    return h.hexdigest()[:16]


def load_or_build(
    projects: list[str],
    per_project: int,
    seed: int,
    cache_dir: Path | None,
    progress: Callable[[str], None] | None = None,
    families: Iterable[str] | None = None,
) -> Corpus:
    """The cached corpus for these parameters, else a freshly built (and cached) one."""
    families = sorted(families) if families else None
    key = corpus_key(projects, per_project, seed, families)
    cached = cache_dir / f"repair-corpus-{key}.json" if cache_dir is not None else None
    if cached is not None and cached.is_file():
        try:
            corpus = Corpus.from_json(cached.read_text(encoding="utf-8"))
            logger.info("repair corpus: {} bugs from cache {}", len(corpus.bugs), cached)
            return corpus
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("repair corpus cache {} is unusable ({}); rebuilding", cached, exc)
    corpus = build_corpus(projects, per_project, seed, progress, families)
    corpus.key = key
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_text(corpus.to_json(), encoding="utf-8")
        tmp.replace(cached)
    return corpus


def build_corpus(
    projects: list[str],
    per_project: int,
    seed: int,
    progress: Callable[[str], None] | None = None,
    families: Iterable[str] | None = None,
) -> Corpus:
    """Up to ``per_project`` detected mutants of each project, deterministic for a seed;
    ``families`` (None = all) restricts the mutation families tried."""
    if per_project <= 0:
        raise CorpusError("--per-project must be at least 1")
    only = frozenset(families) if families else None
    bugs: list[Bug] = []
    status: dict[str, str] = {}
    stats: Counter = Counter()
    used: Counter = Counter()
    for project in projects:
        if progress is not None:
            progress(project)
        with tempfile.TemporaryDirectory(prefix="sea-repair-corpus-") as d:
            try:
                found = _mutate_project(project, Path(d), per_project, seed, stats, used, only)
            except CorpusError as exc:
                logger.warning("repair corpus: skipping {}: {}", project, exc)
                status[project] = str(exc)
                continue
        status[project] = "ok"
        bugs.extend(found)
    return Corpus(bugs, status, dict(stats))


def _mutate_project(
    project: str,
    root: Path,
    per_project: int,
    seed: int,
    stats: Counter,
    families: Counter,
    only: frozenset[str] | None,
) -> list[Bug]:
    write_project(project, root)
    rel = target_file(project)
    original = (root / rel).read_text(encoding="utf-8")
    sandbox = Sandbox(root, trusted=True, limits=Limits(timeout_s=60.0))
    base = sandbox.run_tests(coverage=True)
    if not base.all_passed:
        failing = ", ".join(base.failed[:3]) or base.error or "no tests ran"
        raise CorpusError(f"its tests do not all pass unmodified ({failing})")
    rows = _executed_rows(base.coverage or {}, rel, original)
    if not rows:
        raise CorpusError(f"its tests execute no line of {rel} (is the copy shadowed?)")
    rng = random.Random(f"{seed}:{project}")
    tree = pytree.parse(original)
    out: list[Bug] = []
    tried: set[tuple[int, int, str]] = set()
    with sandbox.evaluator() as evaluator:
        for _ in range(per_project * 8):
            if len(out) >= per_project:
                break
            row = rng.choice(rows)
            options = generator_mutations(rel, original, row + 1)
            options += extra_mutations(original, tree, row)
            options = [
                m
                for m in options
                if (m.start, m.end, m.new_text) not in tried
                and (only is None or m.family in only)
                and _small(m, original)
            ]
            if not options:
                continue
            by_family: dict[str, list[Mutation]] = {}
            for m in options:
                by_family.setdefault(m.family, []).append(m)
            # The least-used family so far, so the corpus spreads over families.
            family = min(sorted(by_family), key=lambda f: (families[f], rng.random()))
            m = rng.choice(by_family[family])
            tried.add((m.start, m.end, m.new_text))
            stats["attempted"] += 1
            mutant = m.apply(original)
            if not parses(mutant, rel):
                stats["unparsable"] += 1
                continue
            if not evaluator.evaluate({rel: mutant}, max_failures=1).failed:
                stats["undetected"] += 1
                continue
            # The agent's own first step: a fresh run with coverage. A mutant that makes it
            # crawl (huge failure reports, near-hangs) measures the machine, not the agent.
            run = sandbox.run_tests({rel: mutant}, coverage=True)
            if run.timed_out or run.duration > max(MIN_SLOW_S, 3 * base.duration):
                stats["too_slow"] += 1
                continue
            if not run.failed:
                stats["undetected"] += 1
                continue
            line = m.line(original)
            data = original.encode("utf-8")
            out.append(
                Bug(
                    id=f"{project}#{len(out)}",
                    project=project,
                    split=project_split(project),
                    file=rel,
                    line=line,
                    family=m.family,
                    covered=restorable(rel, mutant, line, original),
                    start=m.start,
                    end=m.end,
                    new_text=m.new_text,
                    original=data[m.start : m.end].decode("utf-8"),
                    failing_tests=sorted(run.failed),
                )
            )
            families[m.family] += 1
            stats["kept"] += 1
    return out


def _small(m: Mutation, original: str) -> bool:
    """At most MAX_LINES line breaks removed or added."""
    old = original.encode("utf-8")[m.start : m.end]
    return old.count(b"\n") <= MAX_LINES and m.new_text.count("\n") <= MAX_LINES


def _executed_rows(coverage: dict[str, dict[str, list[int]]], rel: str, text: str) -> list[int]:
    """0-based rows of ``rel`` some test executed, skipping blank, comment and decorator lines."""
    lines = text.split("\n")
    seen: set[int] = set()
    for per_test in coverage.values():
        seen.update(per_test.get(rel, ()))
    out = []
    for n in sorted(seen):
        if 1 <= n <= len(lines):
            s = lines[n - 1].strip()
            if s and not s.startswith(("#", "@", '"', "'")):
                out.append(n - 1)
    return out


def clear_cache(cache_dir: Path) -> None:
    """Delete cached corpora (``--rebuild``)."""
    for p in cache_dir.glob("repair-corpus-*.json"):
        p.unlink()
    if cache_dir.is_dir() and not any(cache_dir.iterdir()):
        shutil.rmtree(cache_dir)
