"""The warm test worker: a fork-server run inside a sandbox copy, plus /proc process tracking.

Started by ``sea_lsp.sandbox_eval.Evaluator`` as a script copied next to the workspace copy,
so it imports only the standard library, pytest and the ``sea_pytest_report`` plugin. It
imports pytest and collects the tests once; then for each request it forks a child (own
process group, fresh CPU limit, stdio on /dev/null) that writes the candidate's files into
the copy, drops every workspace module from ``sys.modules`` and runs pytest in-process.
After the child ends the worker kills what it left behind and restores the copy from the
pristine tree, so no candidate's writes reach the next one. Requests and answers are JSON
lines on two pipes.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import inspect
import json
import linecache
import os
import resource
import select
import shutil
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


# ---- the pristine copy ---------------------------------------------------------------------------
def snapshot(root: str) -> dict[str, tuple]:
    """Identity of every entry under ``root``: enough to notice any write, create or delete."""
    out: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            out[os.path.relpath(full, root)] = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino)
    return out


def restore(root: str, pristine: str, snap: dict[str, tuple]) -> int:
    """Make ``root`` equal to ``pristine`` again where it differs from ``snap``; count fixes."""
    now = snapshot(root)
    fixed = 0
    for rel in sorted(set(now) - set(snap), key=len):
        full = os.path.join(root, rel)
        if os.path.isdir(full) and not os.path.islink(full):
            shutil.rmtree(full, ignore_errors=True)
        elif os.path.lexists(full):
            os.unlink(full)
        fixed += 1
    for rel in sorted(snap, key=len):
        if now.get(rel) == snap[rel]:
            continue
        src, dst = os.path.join(pristine, rel), os.path.join(root, rel)
        if os.path.isdir(src) and not os.path.islink(src):
            os.makedirs(dst, exist_ok=True)
        else:
            if os.path.lexists(dst) or os.path.isdir(dst):
                if os.path.isdir(dst) and not os.path.islink(dst):
                    shutil.rmtree(dst, ignore_errors=True)
                else:
                    os.unlink(dst)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst, follow_symlinks=False)
        st = os.lstat(dst)
        snap[rel] = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino)
        fixed += 1
    return fixed


# ---- the fork server -------------------------------------------------------------------------------
def _workspace_modules(ws: str) -> list[str]:
    """Names of imported modules whose file lies in the workspace copy."""
    prefix = ws + os.sep
    names = []
    for name, mod in list(sys.modules.items()):
        files = [getattr(mod, "__file__", None) or ""]
        files += list(getattr(mod, "__path__", None) or [])
        if any(isinstance(f, str) and os.path.abspath(f).startswith(prefix) for f in files):
            names.append(name)
    return names


class _Warm:
    """A configured pytest session (collected once) that forked children re-collect and run."""

    def __init__(self, ws: str, test_ids: list[str]) -> None:
        from _pytest.config import _prepareconfig
        from _pytest.main import Session

        args = ["--capture=sys", "--tb=short", "-p", "no:terminal", "-p", "no:cacheprovider"]
        self.config = _prepareconfig([*args, "-p", "sea_pytest_report", "--rootdir", ws, *test_ids])
        self.config._do_configure()
        self.session = Session.from_config(self.config)
        self.config.hook.pytest_sessionstart(session=self.session)
        self.config.hook.pytest_collection(session=self.session)
        self.collected = len(self.session.items)
        self.conftest_bound = self._conftest_binds_workspace(ws)
        self.conftests = {  # conftest plugins stay registered, so their modules stay imported
            getattr(p, "__name__", "")
            for p in self.config.pluginmanager.get_plugins()
            if os.path.basename(getattr(p, "__file__", None) or "") == "conftest.py"
        }

    def _conftest_binds_workspace(self, ws: str) -> bool:
        """Does a conftest hold objects from workspace modules (stale after a re-import)?"""
        prefix = ws + os.sep
        for plugin in self.config.pluginmanager.get_plugins():
            if os.path.basename(getattr(plugin, "__file__", None) or "") != "conftest.py":
                continue
            for value in vars(plugin).values():
                name = value.__name__ if isinstance(value, type(os)) else None
                name = name or getattr(value, "__module__", None)
                mod = sys.modules.get(name or "")
                f = getattr(mod, "__file__", None) or ""
                if f.startswith(prefix) and os.path.basename(f) != "conftest.py":
                    return True
        return False

    def run(self, stop_first: bool) -> int:
        session, config = self.session, self.config
        session.testsfailed = session.testscollected = 0
        session.shouldfail = session.shouldstop = False
        config.option.maxfail = 1 if stop_first else 0
        code = 0
        try:
            config.hook.pytest_collection(session=session)
            config.hook.pytest_runtestloop(session=session)
            code = 1 if session.testsfailed else (5 if not session.testscollected else 0)
        except (session.Interrupted, session.Failed):
            code = 1 if session.testsfailed else 2
        finally:
            config.hook.pytest_sessionfinish(session=session, exitstatus=code)
        return code


def _child(cfg: dict, req: dict, report: str, warm: _Warm | None) -> int:
    import pytest
    import sea_pytest_report

    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    cpu = int(cfg["cpu_s"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    ws = cfg["ws"]
    for rel, data in req["files"].items():
        full = os.path.join(ws, rel)
        if os.path.lexists(full):
            os.unlink(full)
        if data is not None:
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(base64.b64decode(data))
    keep = warm.conftests if warm else set()
    for name in cfg["ws_modules"]:
        if name not in keep:
            sys.modules.pop(name, None)
    importlib.invalidate_caches()
    linecache.clearcache()
    sea_pytest_report.configure(
        ws, report, False, req["first"], req["timeouts"], req["default_timeout"]
    )
    conftest_changed = any(os.path.basename(r) == "conftest.py" for r in req["files"])
    if warm is not None and not warm.conftest_bound and not conftest_changed:
        return warm.run(bool(req.get("stop_first")))
    for name in _workspace_modules(ws):
        sys.modules.pop(name, None)
    args = ["-q", "-p", "sea_pytest_report", "-p", "no:cacheprovider", "--rootdir", ws]
    if req.get("stop_first"):
        args.append("-x")
    return int(pytest.main(args + list(req["test_ids"])))


def _evaluate(cfg: dict, req: dict, n: int, snap: dict[str, tuple], warm: _Warm | None) -> dict:
    report = os.path.join(cfg["sea"], f"report-{n}.jsonl")
    t0 = time.monotonic()
    since = start_ticks(os.getpid())
    pid = os.fork()
    if pid == 0:  # the candidate's child
        code = 70
        try:
            os.setpgid(0, 0)
            code = _child(cfg, req, report, warm)
        finally:
            os._exit(code)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)
    since = max(since, start_ticks(pid))
    fd = os.pidfd_open(pid)
    deadline = t0 + float(req["timeout"])
    timed_out, error, status = False, None, None
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                status = os.waitpid(pid, 0)[1]
                break
            if time.monotonic() > deadline:
                timed_out = True
                break
            if len(descendants(os.getpid())) > int(cfg["max_processes"]):
                error = f"the tests started more than {cfg['max_processes']} processes (max_processes); all were killed"
                break
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
    if status is None:
        status = os.waitpid(pid, 0)[1]
    t_child = time.monotonic()
    if cfg["subreaper"]:
        kill_descendants()
    else:
        kill_members(pgid=pid, mark=cfg["mark"], since=since, exclude=(os.getpid(),))
    returncode = os.waitstatus_to_exitcode(status)
    records = []
    if os.path.exists(report):
        with open(report, encoding="utf-8", errors="replace") as f:
            for line in f:
                with contextlib.suppress(ValueError):
                    records.append(json.loads(line))
        os.unlink(report)
    t_clean = time.monotonic()
    fixed = restore(cfg["ws"], cfg["pristine"], snap)
    return {
        "records": records,
        "timed_out": timed_out,
        "returncode": returncode,
        "error": error,
        "duration": time.monotonic() - t0,
        "phases": {"child": t_child - t0, "cleanup": t_clean - t_child},
        "restored": fixed,
    }


def serve(cfg: dict) -> None:
    """Answer requests on ``cfg['req_fd']`` until it closes or a ``quit`` arrives."""
    requests = os.fdopen(int(cfg["req_fd"]), "rb")
    answers = os.fdopen(int(cfg["resp_fd"]), "wb")
    ws = cfg["ws"]
    os.chdir(ws)
    cfg["subreaper"] = become_subreaper()
    snap = snapshot(ws)
    import gc

    import pytest

    warm, why = None, ""
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        try:
            warm = _Warm(ws, cfg["test_ids"])
        except Exception as exc:  # noqa: BLE001 - fall back to one pytest.main per candidate
            why = f"{type(exc).__name__}: {exc}"
            pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", "--rootdir", ws])
    restore(ws, cfg["pristine"], snap)
    cfg["ws_modules"] = _workspace_modules(ws)
    inspect.getmodule(
        sys._getframe()
    )  # fills inspect's file->module cache once, for failure reports
    gc.collect()
    gc.freeze()  # children's collections then skip the inherited heap (no copy-on-write storm)
    mode = "warm" if warm and not warm.conftest_bound else "main"
    answers.write(json.dumps({"ready": True, "mode": mode, "why": why}).encode() + b"\n")
    answers.flush()
    for n, line in enumerate(requests, start=1):
        req = json.loads(line)
        if req.get("op") == "quit":
            break
        answers.write(json.dumps(_evaluate(cfg, req, n, snap, warm)).encode() + b"\n")
        answers.flush()


if __name__ == "__main__":
    serve(json.loads(sys.argv[1]))
