"""``sea-lsp bench encode``: how fast the workspace is parsed, edited and encoded.

Figures: parse+encode throughput on a corpus (the installed stdlib by default) against
raw tree-sitter parsing of the same files in the same run (budget ≥ 50 %); peak memory;
``Document.apply_change`` plus the reparse at the tree's next use after a one-line edit
in a 5,000-line file (budget ≤ 1 ms); ``encode_state`` latency on that file with the focus in the middle.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sysconfig
import time
from pathlib import Path

from sea_lsp.encoding.encoder import StateInput, encode_file, encode_state
from sea_lsp.workspace.languages import PYTHON
from sea_lsp.workspace.workspace import Document


class _Files:
    """A minimal read-only view over in-memory files (parsed on demand)."""

    def __init__(self, docs: dict[str, Document]):
        self.docs = docs

    def files(self) -> list[str]:
        return sorted(self.docs)

    def read_text(self, path: str) -> str | None:
        doc = self.docs.get(path)
        return doc.text if doc else None

    def tree(self, path: str):
        doc = self.docs.get(path)
        return doc.tree if doc else None


def _corpus(root: Path, limit: int | None) -> list[tuple[str, bytes]]:
    out = []
    for path in sorted(root.rglob("*.py")):
        if "site-packages" in path.parts:
            continue
        try:
            data = path.read_bytes()
            data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        out.append((str(path.relative_to(root)), data))
        if limit and len(out) >= limit:
            break
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _five_thousand_lines() -> str:
    parts, i = [], 0
    while sum(p.count("\n") for p in parts) < 5000:
        parts.append(
            f"def handler_{i}(request, limit={i % 7}):\n"
            f'    """Handle request {i}."""\n'
            f"    total = 0\n"
            f"    for item in request.items[:limit]:\n"
            f"        if item.value > {i}:\n"
            f"            total += item.value * 2\n"
            f"    return total\n\n\n"
        )
        i += 1
    return "".join(parts)


def bench_corpus(files: list[tuple[str, bytes]]) -> dict[str, float]:
    parser = PYTHON.parser()
    total = sum(len(d) for _, d in files)
    for _, data in files[:20]:  # warm-up
        parser.parse(data)
    t0 = time.perf_counter()
    for _, data in files:
        parser.parse(data)
    raw = time.perf_counter() - t0
    t0 = time.perf_counter()
    tokens = 0
    for path, data in files:
        doc = Document(path, None, None, PYTHON, data=data)
        tokens += len(encode_file(_Files({path: doc}), path))
    full = time.perf_counter() - t0
    return {"bytes": total, "raw_s": raw, "full_s": full, "tokens": tokens}


def bench_edits(n: int, seed: int) -> dict[str, list[float]]:
    text = _five_thousand_lines()
    doc = Document("big.py", text, 1, PYTHON)
    assert doc.tree is not None  # parsed now: every edit below is incremental
    rng = random.Random(seed)
    edit_ms, edit_cpu_ms, state_cached_ms, state_fresh_ms = [], [], [], []
    view = _Files({"big.py": doc})
    lines = [i for i, t in enumerate(text.split("\n")) if t == "    total = 0" and 2000 <= i < 3000]
    line, col = 0, len("    total")
    for i in range(
        n
    ):  # type a character into a name, then delete it (text returns to the original)
        if i % 2 == 0:
            line = rng.choice(lines)
            change = ((line, col, line, col), "x")
        else:
            change = ((line, col, line, col + 1), "")
        t0, c0 = time.perf_counter(), time.thread_time()
        doc.apply_change(*change)
        doc.tree  # noqa: B018 - the reparse waits for the tree's next use: time it too
        edit_ms.append((time.perf_counter() - t0) * 1e3)
        edit_cpu_ms.append((time.thread_time() - c0) * 1e3)
        focus = doc.index.line_start(2500) + 8
        s = StateInput(view, "fix the failing test", "big.py", focus, focus + 4, ["E: boom"])
        t0 = time.perf_counter()
        encode_state(s)  # first encode after an edit: summary recomputed
        state_fresh_ms.append((time.perf_counter() - t0) * 1e3)
        t0 = time.perf_counter()
        encode_state(s)
        state_cached_ms.append((time.perf_counter() - t0) * 1e3)
    assert doc.sexp() == str(PYTHON.parser().parse(doc.data).root_node)
    return {
        "edit": edit_ms,
        "edit_cpu": edit_cpu_ms,
        "state_fresh": state_fresh_ms,
        "state_cached": state_cached_ms,
    }


def main(args) -> int:
    ap = argparse.ArgumentParser(prog="sea-lsp bench encode")
    ap.add_argument(
        "--corpus", default=sysconfig.get_paths()["stdlib"], help="directory of .py files"
    )
    ap.add_argument("--limit", type=int, default=None, help="at most this many files")
    ap.add_argument("--edits", type=int, default=2000, help="one-line edits to time")
    ap.add_argument("--seed", type=int, default=0)
    opts = ap.parse_args(getattr(args, "rest", None) or [])
    files = _corpus(Path(opts.corpus), opts.limit)
    if not files:
        print(f"no readable .py files under {opts.corpus}; pass --corpus DIR")
        return 2
    c = bench_corpus(files)
    mb = c["bytes"] / 1e6
    raw_mbs, full_mbs = mb / c["raw_s"], mb / c["full_s"]
    print(f"corpus: {opts.corpus} — {len(files)} files, {mb:.1f} MB")
    print(f"raw tree-sitter parse:   {raw_mbs:7.2f} MB/s ({c['raw_s']:.2f} s)")
    print(
        f"parse + encode_file:     {full_mbs:7.2f} MB/s ({c['full_s']:.2f} s, "
        f"{c['tokens'] / len(files):.0f} tokens/file) = {100 * full_mbs / raw_mbs:.0f} % of raw "
        "(budget ≥ 50 %)"
    )
    e = bench_edits(opts.edits, opts.seed)
    for name, label in (
        ("edit", "apply_change, 1-line edit, 5,000-line file (budget ≤ 1 ms), wall"),
        ("edit_cpu", "the same, thread CPU time (less noise from other processes)"),
        ("state_fresh", "encode_state after an edit (summary rebuilt)"),
        ("state_cached", "encode_state, same tree again"),
    ):
        v = e[name]
        print(
            f"{label}: median {statistics.median(v):.3f} ms, p99 {_pct(v, 0.99):.3f} ms (n={len(v)})"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")
    return 0
