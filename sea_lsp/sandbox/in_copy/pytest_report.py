"""A pytest plugin the sandbox loads (``-p sea_pytest_report``) to report each test as JSON.

It is copied next to the sandbox's workspace copy and must import nothing but the standard
library and pytest. One JSON object per line goes to ``$SEA_REPORT_PATH``:
``{"kind": "test", nodeid, outcome, duration, message, test_path, frames, crash, lines}``,
``{"kind": "collect_error", nodeid, message}`` and ``{"kind": "session", exitstatus}``.
Frames are ``[path, line]`` (workspace-relative, 1-based, outermost first) of traceback
entries inside the workspace; ``lines`` is per-test line coverage (``$SEA_COVERAGE=1``).
It also orders tests (``FIRST``: these node ids first) and applies per-test timeouts.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading

import pytest

ROOT = os.path.realpath(os.environ.get("SEA_SANDBOX_ROOT") or os.getcwd())
REPORT_PATH = os.environ.get("SEA_REPORT_PATH", "")
COVERAGE = os.environ.get("SEA_COVERAGE") == "1"
FIRST: list[str] = json.loads(os.environ.get("SEA_FIRST", "[]"))
TIMEOUTS: dict[str, float] = {}  # node id -> seconds
DEFAULT_TIMEOUT = float(os.environ.get("SEA_TEST_TIMEOUT", "0") or 0)
STOP_ON_TIMEOUT = False  # a candidate that hangs once is dropped: no other test runs
# Once a test has hung, the bug is likely a loop that every later test entering it hits too:
# each later test gets at most AFTER_HANG_FACTOR x the slowest test that finished (at least
# AFTER_HANG_FLOOR_S), so 13 hanging tests cost one timeout and 12 short ones, not 13
# timeouts (which spent a 60 s task budget on the baseline alone). A test stopped under that
# shorter limit is reported ``cut_short``: a hang as far as this run can tell.
AFTER_HANG_FACTOR = 10.0
AFTER_HANG_FLOOR_S = 1.0
_hung = False
_slowest_done = 0.0
MAX_MESSAGE = 4000
_HERE = os.path.dirname(os.path.realpath(__file__))

_rel_cache: dict[str, str | None] = {}
_pending: dict[str, dict] = {}
_out = None


class PerTestTimeout(Exception):
    """Raised inside a test that ran past its per-test timeout."""


def configure(
    root: str, report_path: str, coverage: bool, first, timeouts, default, stop_on_timeout=False
) -> None:
    """Set the plugin's state in-process (the warm worker's forked children)."""
    global ROOT, REPORT_PATH, COVERAGE, FIRST, TIMEOUTS, DEFAULT_TIMEOUT, STOP_ON_TIMEOUT, _out
    global _hung, _slowest_done
    _hung, _slowest_done = False, 0.0
    ROOT, REPORT_PATH, COVERAGE = os.path.realpath(root), report_path, coverage
    STOP_ON_TIMEOUT = bool(stop_on_timeout)
    FIRST, TIMEOUTS, DEFAULT_TIMEOUT = list(first), dict(timeouts), float(default or 0)
    _rel_cache.clear()
    _pending.clear()
    _out = None


def _rel(path) -> str | None:
    key = str(path)
    if key.startswith("<") or not os.path.isabs(key):
        return None
    if key not in _rel_cache:
        real = os.path.realpath(key)
        inside = real.startswith(ROOT + os.sep) and not real.startswith(_HERE + os.sep)
        _rel_cache[key] = os.path.relpath(real, ROOT).replace(os.sep, "/") if inside else None
    return _rel_cache[key]


def _emit(record: dict) -> None:
    global _out
    if not REPORT_PATH:
        return
    if _out is None:
        _out = open(REPORT_PATH, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the session
    _out.write(json.dumps(record) + "\n")
    _out.flush()


def emit_timing(**seconds: float) -> None:
    """Record where a warm child's CPU time went (``{"kind": "timing", phase: seconds}``)."""
    _emit({"kind": "timing", **seconds})


def pytest_collection_modifyitems(session, config, items) -> None:
    if FIRST:
        rank = {nodeid: i for i, nodeid in enumerate(FIRST)}
        order = {id(it): i for i, it in enumerate(items)}
        items.sort(key=lambda it: (rank.get(it.nodeid, len(rank)), order[id(it)]))


def pytest_collectreport(report) -> None:
    if report.failed:
        _emit({"kind": "collect_error", "nodeid": report.nodeid, "message": _text(report)})


def _alarm(signum, frame):
    raise PerTestTimeout("test ran past its per-test timeout")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    """A test that fails in its fixtures (an error) never runs its body: the lines its
    setup ran are its spectrum, else it has none and only its crash line is suspect. Only
    such a test keeps them (one skipped in setup, or whose setup ran nothing it keeps,
    has no spectrum, as before); a test whose body runs has its body's lines: counting every
    test's fixtures too spread the spectrum over setup code (measured on the repair
    benchmark's projects with fixtures). The main thread only: a thread a session fixture
    starts (a live server) would go on tracing into these lines."""
    if not COVERAGE:
        yield
        return
    lines: dict[str, set[int]] = {}
    sys.settrace(_tracer(lines))
    try:
        outcome = yield
    finally:
        sys.settrace(None)
    error = outcome.excinfo
    skipped = error is not None and issubclass(
        error[0], (pytest.skip.Exception, pytest.xfail.Exception)
    )
    if error is not None and not skipped and lines:
        item._sea_lines = {p: sorted(s) for p, s in lines.items()}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    limit = TIMEOUTS.get(item.nodeid, DEFAULT_TIMEOUT)
    if _hung:
        shorter = max(AFTER_HANG_FLOOR_S, AFTER_HANG_FACTOR * _slowest_done)
        if limit <= 0 or shorter < limit:
            limit, item._sea_cut_short = shorter, True
    timed = limit > 0 and threading.current_thread() is threading.main_thread()
    if timed:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    lines: dict[str, set[int]] = {}
    if COVERAGE:
        tracer = _tracer(lines)
        threading.settrace(tracer)
        sys.settrace(tracer)
    try:
        yield
    finally:
        if COVERAGE:
            sys.settrace(None)
            threading.settrace(None)  # type: ignore[arg-type]
            item._sea_lines = {p: sorted(s) for p, s in lines.items()}
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def _tracer(lines: dict[str, set[int]]):
    """A ``sys.settrace`` function recording executed lines of workspace files only."""

    def global_trace(frame, event, arg):
        rel = _rel(frame.f_code.co_filename)
        if rel is None:
            return None
        seen = lines.setdefault(rel, set())
        seen.add(frame.f_lineno)

        def local(f, ev, a):
            if ev == "line":
                seen.add(f.f_lineno)
            return local

        return local

    return global_trace


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    rep.sea_test_path = _rel(item.path)
    rep.sea_frames = []
    rep.sea_lines = getattr(item, "_sea_lines", None)
    global _hung, _slowest_done
    if call.when == "call" and call.excinfo is None:
        _slowest_done = max(_slowest_done, float(call.duration or 0.0))
    if call.excinfo is not None and call.excinfo.errisinstance(PerTestTimeout):
        rep.sea_timed_out = True
        rep.sea_cut_short = bool(getattr(item, "_sea_cut_short", False))
        _hung = True
        if STOP_ON_TIMEOUT:
            item.session.shouldstop = "a test ran past its per-test timeout"
    if call.excinfo is not None:
        try:
            entries = call.excinfo.traceback
        except Exception:  # noqa: BLE001 - a broken traceback must not break the report
            entries = []
        for entry in entries:
            rel = _rel(entry.path)
            if rel is not None:
                rep.sea_frames.append([rel, entry.lineno + 1])


def _text(report) -> str:
    text = getattr(report, "longreprtext", "") or ""
    return text if len(text) <= MAX_MESSAGE else text[:1000] + "\n...\n" + text[-3000:]


def pytest_runtest_logreport(report) -> None:
    rec = _pending.setdefault(
        report.nodeid,
        {
            "kind": "test",
            "nodeid": report.nodeid,
            "outcome": "passed",
            "duration": 0.0,
            "message": "",
            "test_path": getattr(report, "sea_test_path", None),
            "frames": [],
            "crash": None,
            "lines": None,
            "timed_out": False,
            "cut_short": False,
        },
    )
    if getattr(report, "sea_timed_out", False):
        rec["timed_out"] = True
        rec["cut_short"] = bool(getattr(report, "sea_cut_short", False))
    rec["duration"] += float(getattr(report, "duration", 0.0) or 0.0)
    if getattr(report, "sea_lines", None) is not None:
        rec["lines"] = report.sea_lines
    if report.failed:
        if report.when == "call":
            rec["outcome"] = "failed"
        elif rec["outcome"] in ("passed", "skipped"):
            rec["outcome"] = "error"
        rec["message"] = (rec["message"] + "\n" + _text(report)).strip()
        rec["frames"] = rec["frames"] or getattr(report, "sea_frames", [])
        crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
        if crash is not None and rec["crash"] is None:
            rec["crash"] = [_rel(crash.path), crash.lineno, crash.message]
    elif report.skipped and report.when in ("setup", "call"):
        rec["outcome"] = "skipped"
        rec["message"] = str(getattr(report, "wasxfail", "") or _skip_reason(report))
    if report.when == "teardown":
        _emit(_pending.pop(report.nodeid))


def _skip_reason(report) -> str:
    longrepr = getattr(report, "longrepr", None)
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return ""


def pytest_sessionfinish(session, exitstatus) -> None:
    for rec in _pending.values():
        _emit(rec)
    _pending.clear()
    _emit({"kind": "session", "exitstatus": int(exitstatus)})
