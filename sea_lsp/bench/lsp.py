"""``sea-lsp bench lsp``: the language server over stdio with a real client process.

Figures: spawn → ``initialize`` answered (beside a bare pygls server), code-action latency
p50/p99 on a 5,000-line file built from standard-library modules (policy ranking on),
didChange throughput while typing, and python-lsp-server's code-action latency on the
same file in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# What VS Code and Neovim declare for code actions: literals, data, and edits filled in by
# ``codeAction/resolve`` for the action the user picks.
EDITOR_CAPABILITIES = {
    "textDocument": {
        "codeAction": {
            "codeActionLiteralSupport": {
                "codeActionKind": {"valueSet": ["", "quickfix", "refactor", "source"]}
            },
            "isPreferredSupport": True,
            "dataSupport": True,
            "resolveSupport": {"properties": ["edit"]},
        }
    }
}
BARE_SERVER = """from pygls.lsp.server import LanguageServer
LanguageServer("bare", "0").start_io()
"""
STDLIB_MODULES = ["argparse.py", "textwrap.py", "shlex.py", "fractions.py", "difflib.py", "ast.py"]


def frame(body: bytes) -> bytes:
    """One LSP message on the wire: the Content-Length header, then ``body``."""
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_messages(stream: Any) -> Iterator[dict]:
    """The JSON messages framed on ``stream`` (a binary file), until it ends."""
    while True:
        length = 0
        while True:
            line = stream.readline()
            if not line:
                return
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
            if line in (b"\r\n", b"\n"):
                break
        yield json.loads(stream.read(length))


class Client:
    """A minimal LSP client over a subprocess's pipes (answers server requests with null)."""

    def __init__(self, cmd: list[str], env: dict[str, str] | None = None) -> None:
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
        )
        self.answers: dict[Any, float] = {}
        self.results: dict[Any, Any] = {}
        self.cond = threading.Condition()
        self._next = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for msg in read_messages(self.proc.stdout):
            if "method" in msg and "id" in msg:
                self._write({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            elif "id" in msg:
                with self.cond:
                    self.answers[msg["id"]] = time.perf_counter()
                    self.results[msg["id"]] = msg.get("result", msg.get("error"))
                    self.cond.notify_all()

    def _write(self, msg: dict) -> None:
        self.proc.stdin.write(frame(json.dumps(msg).encode()))
        self.proc.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = 120.0) -> tuple[Any, float]:
        """The result and the seconds it took."""
        self._next += 1
        msg_id = self._next
        sent = time.perf_counter()
        self._write({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        with self.cond:
            if not self.cond.wait_for(lambda: msg_id in self.answers, timeout):
                raise TimeoutError(f"{method} not answered in {timeout} s")
        return self.results[msg_id], self.answers[msg_id] - sent

    def initialize(
        self, root: Path, options: dict | None = None, capabilities: dict | None = None
    ) -> float:
        """Seconds from spawn to the initialize answer."""
        params = {
            "processId": os.getpid(),
            "rootUri": root.as_uri(),
            "capabilities": capabilities or {},
        }
        params["initializationOptions"] = options or {}
        self.request("initialize", params)
        self.notify("initialized", {})
        return self.answers[self._next] - self.started

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - a benchmark cleans up whatever happens
            self.proc.kill()


def build_file(lines: int) -> str:
    """About ``lines`` lines of real stdlib code, cut where a top-level definition starts, so
    the file parses as real code does (no unterminated string or block at the cut)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    out: list[str] = []
    while len(out) < lines:
        for name in STDLIB_MODULES:
            out.extend((stdlib / name).read_text(encoding="utf-8").splitlines())
            if len(out) >= lines:
                break
    starts = [
        i
        for i, ln in enumerate(out)
        if i and ln.startswith(("def ", "class ", "@")) and not out[i - 1].startswith("@")
    ]
    cut = min(starts + [len(out)], key=lambda i: abs(i - lines))
    return "\n".join(out[:cut]) + "\n"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def code_action_latencies(
    client: Client,
    uri: str,
    text: str,
    n: int,
    seed: int,
    resolve: list[float] | None = None,
    at: int | None = None,
) -> list[float]:
    """Milliseconds per code-action request on ``n`` random whole lines (within 50 lines
    of line ``at`` when given). With ``resolve``, the first action of each answer is also
    resolved (as an editor does for the one the user picks) and that request's
    milliseconds are appended there."""
    lines = text.splitlines()
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        if at is None:
            line = rng.randrange(len(lines))
        else:
            line = min(len(lines) - 1, max(0, at + rng.randint(-50, 50)))
        rng_ = {
            "start": {"line": line, "character": 0},
            "end": {"line": line, "character": len(lines[line])},
        }
        params = {"textDocument": {"uri": uri}, "range": rng_, "context": {"diagnostics": []}}
        actions, seconds = client.request("textDocument/codeAction", params)
        out.append(seconds * 1e3)
        if resolve is not None and actions and "data" in actions[0]:
            _, seconds = client.request("codeAction/resolve", actions[0])
            resolve.append(seconds * 1e3)
    return out


def _code_action_at(client: Client, uri: str, line: int, character: int) -> tuple[Any, float]:
    """Code actions at a cursor: the answer and its milliseconds."""
    cursor = {"line": line, "character": character}
    params = {
        "textDocument": {"uri": uri},
        "range": {"start": cursor, "end": cursor},
        "context": {"diagnostics": []},
    }
    actions, seconds = client.request("textDocument/codeAction", params)
    return actions, seconds * 1e3


def _type(client: Client, uri: str, version: int, line: int, at: int, end: int, text: str) -> None:
    """Replace characters ``at``..``end`` of ``line`` with ``text`` as document ``version``."""
    rng = {"start": {"line": line, "character": at}, "end": {"line": line, "character": end}}
    client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": rng, "text": text}],
        },
    )


@dataclass
class Typing:
    """What ``typing_latencies`` measured: milliseconds per code action after a keystroke,
    when the cursor arrives on the line, and the entries of the keystrokes' answers."""

    keystrokes: list[float]
    arrivals: list[float]
    entries: list[int]
    arrival_entries: list[int]
    version: int


def typing_latencies(
    client: Client, uri: str, text: str, n: int, seed: int, first_version: int
) -> Typing:
    """Milliseconds per code-action request while typing: the cursor arrives at the end of a
    random non-blank line (code actions asked there, as an editor asks when the cursor
    moves), then ``[0]`` is typed one character at a time (the file is broken after ``[``
    and ``[0``), code actions asked at the cursor after every character, as an editor
    does; then the line is restored. ``n`` keystrokes in all."""
    lines = text.splitlines()
    rng = random.Random(seed)
    out = Typing([], [], [], [], first_version)
    while len(out.keystrokes) < n:
        line = rng.randrange(len(lines))
        if not lines[line].strip():
            continue
        end = len(lines[line])  # ASCII stdlib code: characters are UTF-16 units
        actions, ms = _code_action_at(client, uri, line, end)
        out.arrivals.append(ms)
        out.arrival_entries.append(len(actions or []))
        for i, ch in enumerate("[0]"):
            out.version += 1
            _type(client, uri, out.version, line, end + i, end + i, ch)
            actions, ms = _code_action_at(client, uri, line, end + i + 1)
            out.keystrokes.append(ms)
            out.entries.append(len(actions or []))
        out.version += 1
        _type(client, uri, out.version, line, end, end + 3, "")
    out.keystrokes = out.keystrokes[:n]
    return out


def pause_latencies(
    client: Client, uri: str, text: str, n: int, seed: int, version: int, pause_s: float
) -> tuple[list[float], int, int]:
    """Code actions after a pause in typing: ``[0`` typed at the end of ``n`` random
    non-blank lines (the file broken there), ``pause_s`` of quiet, then code actions at the
    cursor. Returns their milliseconds, how many answers offered the missing ``]`` (they
    are about the latest text), and the last document version sent."""
    lines = text.splitlines()
    rng = random.Random(seed)
    out: list[float] = []
    fixed = 0
    while len(out) < n:
        line = rng.randrange(len(lines))
        if not lines[line].strip():
            continue
        end = len(lines[line])
        for i, ch in enumerate("[0"):
            version += 1
            _type(client, uri, version, line, end + i, end + i, ch)
        time.sleep(pause_s)
        actions, ms = _code_action_at(client, uri, line, end + 2)
        out.append(ms)
        fixed += any("`]`" in a.get("title", "") for a in actions or [])
        version += 1
        _type(client, uri, version, line, end, end + 2, "")
    return out, fixed, version


def wait_ready(client: Client) -> dict:
    """Poll ``sea.status`` until the model is loaded; returns the status."""
    while True:
        status, _ = client.request(
            "workspace/executeCommand", {"command": "sea.status", "arguments": [{}]}
        )
        if status.get("modelReady"):
            return status
        time.sleep(0.1)


def open_doc(client: Client, uri: str, text: str) -> None:
    item = {"uri": uri, "languageId": "python", "version": 1, "text": text}
    client.notify("textDocument/didOpen", {"textDocument": item})


def main(args: Any) -> int:
    p = argparse.ArgumentParser(prog="sea-lsp bench lsp")
    p.add_argument("--lines", type=int, default=5000)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--changes", type=int, default=2000)
    p.add_argument("--starts", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-pylsp", action="store_true")
    p.add_argument(
        "--pathological",
        action="store_true",
        help="only the table of pathological files (long flat blocks, deep nesting, long "
        "lines, a 1 MB module, CRLF + BOM, invalid UTF-8)",
    )
    opts = p.parse_args(list(getattr(args, "rest", []) or []))
    tmp = Path(tempfile.mkdtemp(prefix="sea-bench-lsp-"))
    try:
        if opts.pathological:
            return _run_pathological(opts, tmp)
        return _run(opts, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@dataclass
class _Bench:
    """The workspace of one big file, and how sea-lsp is started on it."""

    root: Path
    uri: str
    text: str
    sea_cmd: list[str]
    env: dict[str, str]
    options: dict[str, Any]


def _run(opts: argparse.Namespace, tmp: Path) -> int:
    bench = _prepare(opts.lines, tmp)
    _print_initialize(bench, tmp / "bare.py", opts.starts)
    _print_without_resolve(bench, opts)
    _print_editor(bench, opts)
    _print_pylsp(bench, opts)
    return 0


def _prepare(lines: int, tmp: Path) -> _Bench:
    """The workspace under ``tmp`` (its data dir and feedback database there too), and the
    bare pygls server to compare start-up with."""
    root = tmp / "ws"
    root.mkdir()
    text = build_file(lines)
    (root / "big.py").write_text(text, encoding="utf-8")
    (tmp / "bare.py").write_text(BARE_SERVER)
    return _Bench(
        root=root,
        uri=(root / "big.py").as_uri(),
        text=text,
        sea_cmd=[sys.executable, "-m", "sea_lsp", "--log-level", "ERROR", "serve"],
        env={**os.environ, "SEA_LSP_DATA_DIR": str(tmp / "data")},
        options={"feedbackPath": str(tmp / "feedback.sqlite3")},
    )


def _print_initialize(bench: _Bench, bare_server: Path, starts: int) -> None:
    """Spawn to ``initialize`` answered, sea-lsp beside a bare pygls server."""
    bare, sea = [], []
    for _ in range(starts):
        c = Client([sys.executable, str(bare_server)])
        bare.append(c.initialize(bench.root))
        c.close()
        c = Client(bench.sea_cmd, bench.env)
        sea.append(c.initialize(bench.root, bench.options))
        c.close()
    b, s = statistics.median(bare), statistics.median(sea)
    print(
        f"initialize answered: sea-lsp {s * 1e3:.0f} ms, bare pygls {b * 1e3:.0f} ms "
        f"(ratio {s / b:.2f}, budget <= 2.0; median of {starts})"
    )


def _print_without_resolve(bench: _Bench, opts: argparse.Namespace) -> None:
    """Code actions for a client that cannot resolve: every action carries its edit."""
    inline = Client(bench.sea_cmd, bench.env)
    inline.initialize(bench.root, bench.options)
    wait_ready(inline)
    open_doc(inline, bench.uri, bench.text)
    code_action_latencies(inline, bench.uri, bench.text, 10, opts.seed + 1)  # warm-up
    lat = code_action_latencies(inline, bench.uri, bench.text, opts.requests, opts.seed)
    inline.close()
    print(
        f"sea-lsp code actions, a client without resolve support (every edit in the list): "
        f"p50 {pct(lat, 0.5):.1f} ms, p99 {pct(lat, 0.99):.1f} ms (n={len(lat)})"
    )


def _print_editor(bench: _Bench, opts: argparse.Namespace) -> None:
    """A client with VS Code's and Neovim's capabilities: model start-up, code actions,
    resolve, code actions while typing, and didChange throughput."""
    client = Client(bench.sea_cmd, bench.env)
    client.initialize(bench.root, bench.options, EDITOR_CAPABILITIES)
    t0 = time.perf_counter()
    status = wait_ready(client)
    print(
        f"model ready {time.perf_counter() - t0:.1f} s after initialized ({status['modelVersion']})"
    )
    open_doc(client, bench.uri, bench.text)
    _print_ranked_code_actions(client, bench, opts)
    version = _print_typing(client, bench, opts)
    _print_did_change(client, bench, opts.changes, version)
    client.close()


TYPING_PAUSE_S = 0.5  # past the server's default typingIdleMs (300 ms)


def _print_typing(client: Client, bench: _Bench, opts: argparse.Namespace) -> int:
    """Code actions while typing, and after a pause; returns the last version sent."""
    t = typing_latencies(client, bench.uri, bench.text, opts.requests, opts.seed + 3, 1)
    ks, arrivals = t.keystrokes, t.arrivals
    print(
        f"sea-lsp code actions while typing (a character, then code actions at the cursor; "
        f"the file broken 2 keystrokes in 3): p50 {pct(ks, 0.5):.1f} ms, "
        f"p99 {pct(ks, 0.99):.1f} ms (budget p99 <= 15 ms; n={len(ks)}; "
        f"{statistics.mean(t.entries):.1f} entries per answer)"
    )
    print(
        f"  the cursor arriving on each typed line first: p50 {pct(arrivals, 0.5):.1f} ms, "
        f"p99 {pct(arrivals, 0.99):.1f} ms (n={len(arrivals)}; "
        f"{statistics.mean(t.arrival_entries):.1f} entries per answer)"
    )
    n = max(1, opts.requests // 10)
    paused, fixed, version = pause_latencies(
        client, bench.uri, bench.text, n, opts.seed + 4, t.version, TYPING_PAUSE_S
    )
    print(
        f"sea-lsp code actions after a {TYPING_PAUSE_S * 1e3:.0f} ms pause in typing (`[0` "
        f"typed): p50 {pct(paused, 0.5):.1f} ms, p99 {pct(paused, 0.99):.1f} ms (n={n}; "
        f"{fixed} of {n} offered the missing `]`)"
    )
    return version


def _print_ranked_code_actions(client: Client, bench: _Bench, opts: argparse.Namespace) -> None:
    uri, text = bench.uri, bench.text
    code_action_latencies(client, uri, text, 10, opts.seed + 1)  # warm-up
    lat = code_action_latencies(client, uri, text, opts.requests, opts.seed)
    print(
        f"sea-lsp code actions ({opts.lines} lines, ranked, VS Code/Neovim capabilities): "
        f"p50 {pct(lat, 0.5):.1f} ms, p99 {pct(lat, 0.99):.1f} ms "
        f"(budget p99 <= 15 ms; n={len(lat)})"
    )
    resolved: list[float] = []
    code_action_latencies(client, uri, text, 50, opts.seed + 2, resolve=resolved)
    if resolved:
        print(
            f"codeAction/resolve of the picked action: p50 {pct(resolved, 0.5):.1f} ms, "
            f"p99 {pct(resolved, 0.99):.1f} ms (n={len(resolved)})"
        )


def _print_did_change(client: Client, bench: _Bench, changes: int, version: int) -> None:
    """``changes`` one-character inserts in the middle line, until a request after them
    is answered."""
    line = len(bench.text.splitlines()) // 2
    started = time.perf_counter()
    for i in range(changes):
        pos = {"line": line, "character": i}
        change = {"range": {"start": pos, "end": pos}, "text": "x"}
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": bench.uri, "version": version + i + 1},
                "contentChanges": [change],
            },
        )
    client.request("workspace/executeCommand", {"command": "sea.status", "arguments": [{}]})
    elapsed = time.perf_counter() - started
    print(
        f"didChange while typing: {changes / elapsed:.0f} changes/s "
        f"({elapsed / changes * 1e3:.2f} ms each, one-character inserts)"
    )


def _print_pylsp(bench: _Bench, opts: argparse.Namespace) -> None:
    """python-lsp-server's code actions on the same file, when it is installed beside us."""
    pylsp = Path(sys.executable).with_name("pylsp")
    if not opts.no_pylsp and pylsp.exists():
        other = Client([str(pylsp)])
        other.initialize(bench.root, None, EDITOR_CAPABILITIES)
        open_doc(other, bench.uri, bench.text)
        code_action_latencies(other, bench.uri, bench.text, 10, opts.seed + 1)
        lat = code_action_latencies(other, bench.uri, bench.text, opts.requests, opts.seed)
        print(
            f"pylsp code actions (same file): p50 {pct(lat, 0.5):.1f} ms, p99 {pct(lat, 0.99):.1f} ms"
        )
        other.close()
    elif not opts.no_pylsp:
        print("pylsp not installed beside this Python; skipped")


PATHOLOGICAL_BUDGET_MS = 100.0  # p99 per file


def _run_pathological(opts: argparse.Namespace, tmp: Path) -> int:
    """Code actions on each generated pathological file (opened as an editor opens it):
    the first answer, then p50/p99 of ``--requests`` on random lines; after each file an
    ordinary request must still be answered. Exit 1 when a p99 is over budget."""
    from sea_lsp.bench.pathological import generated

    bench = _prepare(10, tmp)
    files = generated()
    for i, p in enumerate(files):
        (bench.root / f"pathological_{i}.py").write_bytes(p.data)
    client = Client(bench.sea_cmd, bench.env)
    client.initialize(bench.root, bench.options, EDITOR_CAPABILITIES)
    wait_ready(client)
    rows = []
    for i, p in enumerate(files):
        uri = (bench.root / f"pathological_{i}.py").as_uri()
        open_doc(client, uri, p.text)
        first = code_action_latencies(client, uri, p.text, 1, opts.seed, at=p.line)
        code_action_latencies(client, uri, p.text, 5, opts.seed + 1)  # warm-up
        lat = code_action_latencies(client, uri, p.text, opts.requests, opts.seed)
        lat += code_action_latencies(client, uri, p.text, 20, opts.seed + 2, at=p.line)
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        _, alive = client.request(
            "workspace/executeCommand", {"command": "sea.status", "arguments": [{}]}, timeout=30
        )
        rows.append((p, first[0], pct(lat, 0.5), pct(lat, 0.99), len(lat), alive * 1e3))
    client.close()
    return _print_pathological(rows)


def _print_pathological(rows: list[tuple]) -> int:
    print(
        "| file | size | first answer (ms) | p50 (ms) | p99 (ms) | n | next ordinary request (ms) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    over = []
    for p, first, p50, p99, n, alive in rows:
        mark = "" if p99 <= PATHOLOGICAL_BUDGET_MS else " (over budget)"
        if mark:
            over.append(p.name)
        print(
            f"| {p.name} | {len(p.data) / 1e3:,.0f} kB | {first:.1f} | {p50:.1f} | "
            f"{p99:.1f}{mark} | {n} | {alive:.1f} |"
        )
    print(f"budget: p99 <= {PATHOLOGICAL_BUDGET_MS:.0f} ms per file; over: {over or 'none'}")
    return 1 if over else 0
