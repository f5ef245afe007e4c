"""The warm test worker: a fork-server run inside a sandbox copy, plus /proc process tracking.

Started by ``sea_lsp.sandbox.evaluator.Evaluator`` as a script copied next to the workspace copy,
so it imports only the standard library, pytest, ``sea_pytest_report`` and
``sea_sandbox_warm``. It configures pytest and collects the tests once (``WarmSession``,
recording which workspace modules import which). A child is forked ahead of each request
(own process group, fresh CPU limit, stdio on /dev/null) and waits on a pipe; given the
request it writes the candidate's files into the copy, drops the stale workspace modules
from ``sys.modules`` (those the change reaches through the import graph, or all of them when
that cannot be told), re-collects them and runs the tests in-process, failing tests first.
The answer goes back as soon as the child says it is done; then the worker kills what the
child left behind and restores the copy from the pristine tree, so no candidate's writes
reach the next one, and forks the next child. Requests and answers are JSON lines on two
pipes.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import inspect
import json
import os
import resource
import select
import signal
import sys
import time

MARK_VAR = "SEA_SANDBOX_MARK"


# ---- processes -------------------------------------------------------------------------------
def _proc_stat(pid: int) -> tuple[str, int, int, int] | None:
    """(state, pgid, sid, start time in ticks) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rfind(b")") + 2 :].split()
    return fields[0].decode(), int(fields[2]), int(fields[3]), int(fields[19])


def start_ticks(pid: int) -> int:
    """A process's start time in clock ticks since boot (0 if it is gone)."""
    st = _proc_stat(pid)
    return st[3] if st else 0


def members(
    sid: int | None = None,
    pgid: int | None = None,
    mark: str | None = None,
    since: int = 0,
    exclude: tuple[int, ...] = (),
) -> list[int]:
    """Live processes in session ``sid`` or group ``pgid``, or started at or after ``since``
    with ``SEA_SANDBOX_MARK=mark`` in their environment (those that escaped with setsid)."""
    needle = f"{MARK_VAR}={mark}".encode() if mark else None
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        if pid in exclude:
            continue
        st = _proc_stat(pid)
        if st is None or st[0] in ("Z", "X"):
            continue
        if (sid is not None and st[2] == sid) or (pgid is not None and st[1] == pgid):
            out.append(pid)
        elif needle is not None and st[3] >= since:
            try:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    if needle in f.read():
                        out.append(pid)
            except OSError:
                continue
    return out


def kill_members(rounds: int = 100, **query) -> bool:
    """SIGKILL everything ``members(**query)`` finds until nothing is left; True when clean."""
    for group in (query.get("pgid"), query.get("sid")):
        if group:
            with contextlib.suppress(OSError):
                os.killpg(group, signal.SIGKILL)
    for _ in range(rounds):
        pids = members(**query)
        if not pids:
            return True
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)
    return not members(**query)


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid``, from /proc/PID/task/*/children."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    kids = [int(k) for k in f.read().split()]
            except OSError:
                continue
            out.extend(kids)
            todo.extend(kids)
    return out


def become_subreaper() -> bool:
    """Orphans of our children become ours (so none escape tracking); True when it worked."""
    if not os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children"):
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER


def kill_descendants(rounds: int = 100) -> bool:
    """SIGKILL and reap every descendant of this (subreaper) process; True when none is left."""
    for _ in range(rounds):
        pids = [p for p in descendants(os.getpid()) if (_proc_stat(p) or ("Z",))[0] != "Z"]
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        if not pids:
            return True
        time.sleep(0.005)
    return False


# ---- the fork server -------------------------------------------------------------------------------
def _child(cfg: dict, req: dict, report: str, warm) -> int:
    """In the forked child: write the candidate's files, forget stale modules, run pytest."""
    import pytest
    import sea_pytest_report
    import sea_sandbox_warm

    ws = cfg["ws"]
    created = False
    for rel, data in req["files"].items():
        full = os.path.join(ws, rel)
        existed = os.path.lexists(full)
        if existed:
            os.unlink(full)
        if data is not None:
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(base64.b64decode(data))
        created = created or existed != (data is not None)
    if created:  # the import system caches directory listings
        importlib.invalidate_caches()
    sea_sandbox_warm.forget_sources(ws, req["files"])
    sea_pytest_report.configure(
        ws,
        report,
        False,
        req["first"],
        req["timeouts"],
        req["default_timeout"],
        req.get("stop_on_timeout", False),
    )
    max_failures = int(req.get("stop_first") or 0)
    stale = None
    if warm is not None and warm.partial:
        stale = warm.graph.stale(req["files"], cfg["pristine"])
    if stale is not None and not stale & warm.conftests:
        sea_sandbox_warm.forget_modules(
            stale
        )  # only what the candidate changed and what depends on it
        return warm.run(max_failures, stale)
    keep = warm.conftests if warm else set()
    for name in cfg["ws_modules"]:
        if name not in keep:
            sys.modules.pop(name, None)
    conftest_changed = any(os.path.basename(r) == "conftest.py" for r in req["files"])
    if warm is not None and not warm.conftest_bound and not conftest_changed:
        return warm.run(max_failures)
    for name in sea_sandbox_warm.workspace_modules(ws):
        sys.modules.pop(name, None)
    args = ["-q", "-p", "sea_pytest_report", "-p", "no:cacheprovider", "--rootdir", ws]
    if max_failures:
        args.append(f"--maxfail={max_failures}")
    return int(pytest.main(args + list(req["test_ids"])))


def _report_crash(report: str) -> None:
    """Record why a child died outside pytest (its stderr is /dev/null)."""
    import traceback

    message = "the warm test worker failed: " + traceback.format_exc()[-3000:]
    with contextlib.suppress(OSError), open(report, "a", encoding="utf-8") as f:
        f.write(json.dumps({"kind": "collect_error", "nodeid": "", "message": message}) + "\n")


def _cpu(who: int) -> float:
    u = resource.getrusage(who)
    return u.ru_utime + u.ru_stime


def _profiled(cfg: dict, n: int, fn) -> int:
    """``fn()``, under cProfile written to ``cfg['profile_dir']/child-N.prof`` when that is set."""
    if not cfg.get("profile_dir"):
        return fn()
    import cProfile

    prof = cProfile.Profile()
    try:
        return prof.runcall(fn)
    finally:
        prof.dump_stats(os.path.join(cfg["profile_dir"], f"child-{n}.prof"))


class _Spare:
    """A child forked ahead of its request (after the copy was restored), waiting on a pipe.

    Forking, the child's exit and the worker's cleanup then happen between requests, not
    while the client waits for an answer.
    """

    def __init__(self, cfg: dict, n: int, warm) -> None:
        self.report = os.path.join(cfg["sea"], f"report-{n}.jsonl")
        req_r, self.req_w = os.pipe()
        self.done_r, done_w = os.pipe()
        self.since = start_ticks(os.getpid())
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.req_w)
            os.close(self.done_r)
            _child_main(cfg, n, warm, req_r, done_w, self.report)
        os.close(req_r)
        os.close(done_w)
        with contextlib.suppress(OSError):
            os.setpgid(self.pid, self.pid)
        self.since = max(self.since, start_ticks(self.pid))
        self.pidfd = os.pidfd_open(self.pid)
        self.status: int | None = None
        self.sent = self.killed = False

    def send(self, req: dict) -> bool:
        """Hand the request over; False when the child is already gone."""
        data = json.dumps(req).encode()
        self.sent = True
        try:
            while data:
                data = data[os.write(self.req_w, data) :]
        except OSError:
            return False
        finally:
            os.close(self.req_w)
        return True

    def kill(self, cfg: dict) -> None:
        """SIGKILL the child's group and everything it left; reap the child (once)."""
        if self.killed:
            return
        self.killed = True
        if not self.sent:  # a spare that never got a request: EOF makes it exit
            self.sent = True
            with contextlib.suppress(OSError):
                os.close(self.req_w)
        with contextlib.suppress(OSError):
            os.killpg(self.pid, signal.SIGKILL)
        if self.status is None:
            with contextlib.suppress(ChildProcessError):
                self.status = os.waitpid(self.pid, 0)[1]
        if cfg["subreaper"]:
            kill_descendants()
        else:
            kill_members(pgid=self.pid, mark=cfg["mark"], since=self.since, exclude=(os.getpid(),))
        for fd in (self.pidfd, self.done_r):
            with contextlib.suppress(OSError):
                os.close(fd)


def _child_main(cfg: dict, n: int, warm, req_r: int, done_w: int, report: str) -> None:
    """The forked child: wait for the request, evaluate it, say so on ``done_w``, exit."""
    code = 70
    try:
        os.setpgid(0, 0)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        cpu = int(cfg["cpu_s"])
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        chunks = []
        while chunk := os.read(req_r, 1 << 20):
            chunks.append(chunk)
        if not chunks:  # the worker is stopping
            code = 0
            return
        req = json.loads(b"".join(chunks))
        code = _profiled(cfg, n, lambda: _child(cfg, req, report, warm))
    except BaseException:  # noqa: BLE001 - reported as the candidate's error
        _report_crash(report)
    finally:
        with contextlib.suppress(OSError):
            os.write(done_w, b"%d\n" % code)
        os._exit(code)


def _evaluate(cfg: dict, req: dict, child: _Spare) -> dict:
    """Run ``req`` in the waiting ``child``; the answer is ready once the child says done."""
    t0 = time.monotonic()
    deadline = t0 + float(req["timeout"])
    timed_out, error, returncode = False, None, None
    if child.send(req):
        while True:
            ready, _, _ = select.select([child.done_r, child.pidfd], [], [], 0.05)
            if child.done_r in ready:  # the exit code, or EOF when the child died first
                with contextlib.suppress(ValueError, OSError):
                    returncode = int(os.read(child.done_r, 64).strip() or b"x")
                break
            if child.pidfd in ready:
                break
            if time.monotonic() > deadline:
                timed_out = True
                break
            if len(descendants(os.getpid())) > int(cfg["max_processes"]):
                error = f"the tests started more than {cfg['max_processes']} processes (max_processes); all were killed"
                break
    if returncode is None:  # killed, crashed, timed out or over the process limit
        child.kill(cfg)
        returncode = os.waitstatus_to_exitcode(child.status or 0)
    t_child = time.monotonic()
    records, timing = [], {}
    if os.path.exists(child.report):
        with open(child.report, encoding="utf-8", errors="replace") as f:
            for line in f:
                with contextlib.suppress(ValueError):
                    records.append(json.loads(line))
                    if records[-1].get("kind") == "timing":
                        timing.update(records.pop())
        os.unlink(child.report)
    return {
        "records": records,
        "timed_out": timed_out,
        "returncode": returncode,
        "error": error,
        "duration": time.monotonic() - t0,
        "phases": {
            "child": t_child - t0,
            "worker_cpu_total": _cpu(resource.RUSAGE_SELF),
            "children_cpu_total": _cpu(resource.RUSAGE_CHILDREN),
            **{f"{k}_cpu": float(v) for k, v in timing.items() if k != "kind"},
        },
    }


def serve(cfg: dict) -> None:
    """Answer requests on ``cfg['req_fd']`` until it closes or a ``quit`` arrives."""
    import gc

    import pytest
    import sea_sandbox_warm

    requests = os.fdopen(int(cfg["req_fd"]), "rb")
    answers = os.fdopen(int(cfg["resp_fd"]), "wb")
    ws = cfg["ws"]
    os.chdir(ws)
    cfg["subreaper"] = become_subreaper()
    snap = sea_sandbox_warm.snapshot(ws)
    sea_sandbox_warm.cache_compiled_code(ws)
    warm, why = None, ""
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        try:
            warm = sea_sandbox_warm.WarmSession(ws, cfg["test_ids"])
        except Exception as exc:  # noqa: BLE001 - fall back to one pytest.main per candidate
            why = f"{type(exc).__name__}: {exc}"
            pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", "--rootdir", ws])
    sea_sandbox_warm.restore(ws, cfg["pristine"], snap)
    cfg["ws_modules"] = sea_sandbox_warm.workspace_modules(ws)
    if warm is not None:
        try:
            warm.graph.build(cfg["ws_modules"])
        except Exception as exc:  # noqa: BLE001 - without the graph all modules are re-imported
            sys.stderr.write(f"sea worker: no import graph ({exc!r}); re-importing everything\n")
    inspect.getmodule(sys._getframe())  # fills inspect's file->module cache once
    sea_sandbox_warm.warm_failure_reports()
    gc.collect()
    gc.freeze()  # children's collections then skip the inherited heap (no copy-on-write storm)
    mode = "warm" if warm else "main"
    answers.write(json.dumps({"ready": True, "mode": mode, "why": why}).encode() + b"\n")
    answers.flush()
    child = _Spare(cfg, 1, warm)
    try:
        for n, line in enumerate(requests, start=2):
            req = json.loads(line)
            if req.get("op") == "quit":
                break
            answer = _evaluate(cfg, req, child)
            answers.write(json.dumps(answer).encode() + b"\n")
            answers.flush()
            child.kill(cfg)  # whatever the candidate left running dies before the restore
            sea_sandbox_warm.restore(ws, cfg["pristine"], snap)
            child = _Spare(cfg, n, warm)
    finally:
        child.kill(cfg)


if __name__ == "__main__":
    serve(json.loads(sys.argv[1]))
