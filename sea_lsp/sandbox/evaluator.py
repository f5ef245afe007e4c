"""The warm evaluator: many candidate patches tested fast through one forked worker.

``Evaluator`` copies the workspace once (with the base replacements), keeps a pristine
copy beside it, and starts ``sandbox_worker`` there under the sandbox's limits and, on
Linux, inside the jail's namespaces (``Sandbox.isolate``: the copy, the plugin directory and
the private home are writable, the pristine copy is not), so every child forks there too. The worker
configures pytest and collects once, then forks a child per candidate that re-imports only
what the candidate made stale (``sandbox_warm``). The first evaluation (no patch) is the
baseline: each test's timeout becomes 5x its baseline duration + 1 s, and tests that fail
(there or in any later candidate) run first, stopping after ``max_failures`` failures, so a
bad candidate costs little. ``last_phases`` holds the worker's timings of the last
evaluation; with ``SEA_SANDBOX_PROFILE=DIR`` set each child writes a cProfile to DIR.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from loguru import logger

from sea_lsp.sandbox.copy import encode_replacements
from sea_lsp.sandbox.in_copy.worker import kill_members, start_ticks
from sea_lsp.sandbox.results import TestRun, run_from_records

if TYPE_CHECKING:
    from sea_lsp.sandbox.sandbox import Sandbox


class EvaluatorError(RuntimeError):
    """The warm worker could not start or stopped answering."""


TIMEOUT_FACTOR = 5.0  # a candidate's test may take this many times its baseline duration
TIMEOUT_FLOOR_S = 0.25  # plus this (forks, re-imports, a busy machine)
BACKSTOP_PROCESSES = 256  # the jail kills the warm worker's namespace past this many


def candidate_timeouts(baseline: TestRun, per_test_cap: float | None) -> dict[str, float]:
    """Each test's timeout for candidates: 5x its baseline duration + 0.25 s (capped). A
    test that hung in the baseline (the bug may be the hang) gets what a typical test of the
    suite gets, so a candidate that still loops is dropped in a fraction of a second. So does
    a test cut short after another test's hang: giving it the full limit cost every
    candidate that still loops the whole limit (the screening tries the last failing test
    first), 24 evaluations in 60 s instead of 200 on two benchmark bugs. The price: a test
    that only was slow, run after a hang, is judged as hanging."""
    done = [o.duration for o in baseline.outcomes.values() if not o.timed_out]
    median = sorted(done)[len(done) // 2] if done else 0.0
    out = {}
    for k, o in baseline.outcomes.items():
        t = TIMEOUT_FACTOR * (median if o.timed_out else o.duration) + TIMEOUT_FLOOR_S
        out[k] = min(t, per_test_cap) if per_test_cap else t
    return out


class Evaluator:
    """Evaluate candidate replacements against the target tests; close() when done."""

    def __init__(
        self,
        sandbox: Sandbox,
        test_ids: Sequence[str],
        base_replacements: Mapping[str, str | None],
        known: TestRun | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.limits = sandbox.limits
        self.test_ids = list(test_ids)
        self.evaluations = 0
        self._tmp = Path(tempfile.mkdtemp(prefix="sea-eval-"))
        self._proc: subprocess.Popen | None = None
        try:
            self._start(base_replacements)
            self.baseline = self._request(
                {}, first=[], stop_first=False, baseline=True, known=known
            )
        except BaseException:
            self.close()
            raise
        self._timeouts = candidate_timeouts(self.baseline, self.limits.per_test_timeout_s)
        self._default_timeout = max(self._timeouts.values(), default=self.limits.timeout_s)
        self._first = list(self.baseline.failed)

    def _start(self, base: Mapping[str, str | None]) -> None:
        ws, sea = self.sandbox.materialize(self._tmp, base)
        self._ws = ws
        self._pristine = self._tmp / "pristine"
        shutil.copytree(ws, self._pristine, symlinks=True)
        self._mark = uuid.uuid4().hex
        req_r, self._req_w = os.pipe()
        self._resp_r, resp_w = os.pipe()
        cfg = {
            "req_fd": req_r,
            "resp_fd": resp_w,
            "ws": str(ws),
            "pristine": str(self._pristine),
            "sea": str(sea),
            "mark": self._mark,
            "cpu_s": self.limits.cpu_s,
            "max_processes": self.limits.max_processes,
            "test_ids": self.test_ids,
            "profile_dir": os.environ.get("SEA_SANDBOX_PROFILE", ""),
        }
        self._log = open(self._tmp / "worker.log", "wb")  # noqa: SIM115 - lives with the worker
        try:
            argv = [self.sandbox.python, str(sea / "sea_sandbox_worker.py"), json.dumps(cfg)]
            # the fork-server lives inside the namespaces: its children fork there too. The
            # worker stops a candidate past max_processes and goes on; the jail's own limit
            # is only a backstop for a tree that outgrows the worker's polling
            backstop = max(BACKSTOP_PROCESSES, 4 * self.limits.max_processes)
            argv = self.sandbox.isolate(argv, sea, [ws, sea, self._tmp / "home"], backstop)
            self._proc = subprocess.Popen(
                argv,
                cwd=str(ws),
                env=self.sandbox.env(self._tmp, ws, sea, self._mark),
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                pass_fds=(req_r, resp_w),
                start_new_session=True,
                preexec_fn=self.sandbox.preexec(cpu=False),  # noqa: PLW1509
            )
        finally:
            os.close(req_r)
            os.close(resp_w)
        self._since = start_ticks(self._proc.pid)
        self._buf = b""
        ready = self._read_answer(time.monotonic() + max(self.limits.timeout_s, 10.0))
        if not ready.get("ready"):
            raise EvaluatorError(f"the warm test worker did not start: {self._log_tail()}")
        self.mode: str = ready.get("mode", "main")
        if self.mode != "warm":
            logger.debug(
                "sandbox: warm evaluator runs pytest.main per candidate: {}", ready.get("why")
            )

    def _log_tail(self) -> str:
        try:
            return (self._tmp / "worker.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def _read_answer(self, deadline: float) -> dict:
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise EvaluatorError("the warm test worker stopped answering (timeout)")
            ready, _, _ = select.select([self._resp_r], [], [], left)
            if ready:
                chunk = os.read(self._resp_r, 1 << 20)
                if not chunk:
                    raise EvaluatorError(f"the warm test worker exited: {self._log_tail()}")
                self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    def _request(
        self,
        files: Mapping[str, bytes | None],
        first: Sequence[str],
        stop_first: int,
        baseline: bool = False,
        time_left: float | None = None,
        known: TestRun | None = None,
    ) -> TestRun:
        if self._proc is None:
            raise EvaluatorError("the evaluator is closed")
        if baseline:
            timeouts, default = {}, self.limits.per_test_timeout_s or 0.0
            if known is not None:  # hangs already seen need not be waited for again
                timeouts = candidate_timeouts(known, self.limits.per_test_timeout_s)
            total = self.limits.timeout_s
        else:
            timeouts, default = self._timeouts, self._default_timeout
            total = min(self.limits.timeout_s, sum(timeouts.values()) + default + 1.0)
        if time_left is not None:
            total = max(0.1, min(total, time_left))
        req = {
            "op": "evaluate",
            "files": {
                p: None if b is None else base64.b64encode(b).decode() for p, b in files.items()
            },
            "test_ids": self.test_ids,
            "first": list(first),
            "stop_first": stop_first,
            "timeouts": timeouts,
            "default_timeout": default,
            "timeout": total,
            "stop_on_timeout": not baseline,
        }
        try:
            os.write(self._req_w, json.dumps(req).encode() + b"\n")
            ans = self._read_answer(time.monotonic() + total + 30.0)
        except (OSError, EvaluatorError) as exc:
            self.close()
            raise EvaluatorError(f"evaluation failed: {exc}") from exc
        self.last_phases = ans.get("phases", {})
        error = ans["error"]
        if ans["timed_out"] and error is None:
            error = f"the tests ran past the {total:g} s timeout and were killed"
        return run_from_records(
            ans["records"],
            duration=ans["duration"],
            timed_out=ans["timed_out"],
            returncode=ans["returncode"],
            error=error,
        )

    def evaluate(
        self,
        replacements: Mapping[str, str | None],
        max_failures: int = 1,
        suite_order: bool = False,
        time_left: float | None = None,
    ) -> TestRun:
        """Run the target tests with ``replacements`` on top of the base, failing tests first
        (or in the suite's own order, for a verdict); stops after ``max_failures`` failures
        (the first, by default; 0 runs everything) or at the first test that hangs, and
        within ``time_left`` seconds."""
        files = encode_replacements(self._pristine, replacements)
        first = [] if suite_order else self._first
        run = self._request(files, first, stop_first=max_failures, time_left=time_left)
        self.evaluations += 1
        for nodeid in run.failed:
            if nodeid in self._first:
                self._first.remove(nodeid)
            self._first.insert(0, nodeid)
        return run

    def close(self) -> None:
        """Stop the worker, kill anything it left, delete the copies."""
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                os.write(self._req_w, b'{"op": "quit"}\n')
                proc.wait(timeout=2.0)
            except (OSError, subprocess.TimeoutExpired):
                logger.debug("sandbox: warm worker did not quit; killing it")
            kill_members(sid=proc.pid, mark=self._mark, since=self._since, exclude=(os.getpid(),))
            proc.wait()
        for fd in ("_req_w", "_resp_r"):
            if hasattr(self, fd):
                with contextlib.suppress(OSError):
                    os.close(getattr(self, fd))
                delattr(self, fd)
        if hasattr(self, "_log"):
            self._log.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
