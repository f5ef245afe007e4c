"""Running a workspace's tests in a disposable sandbox copy.

Tests only run when the workspace is trusted. Each run copies the workspace (without
.git, virtual environments, caches and node_modules) into a temporary directory, writes the
candidate's replaced files there, and runs pytest in its own session with resource limits,
a scrubbed environment, a timeout and a kill of every process it started (``sandbox_proc``).
On Linux the command runs under the jail (``isolation``, ``in_copy/jail.py``): its own user,
mount, PID and network namespaces, a fresh /proc, and Landlock allowing writes only to the
run's temporary directory; elsewhere it falls back (or is refused with ``sandbox.require``).
Per-test outcomes, failing lines and optional line coverage come from a small pytest plugin
(``pytest_report``). For search, ``Sandbox.evaluator()`` starts a warm fork-server
(``sandbox_eval.Evaluator``) that evaluates hundreds of candidates per minute.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from loguru import logger

from sea_lsp.sandbox.copy import copy_tree, write_replacements
from sea_lsp.sandbox.evaluator import Evaluator
from sea_lsp.sandbox.isolation import (
    JAIL_FAILED,
    JAIL_NAME,
    IsolationRefused,
    Policy,
    current_policy,
    wrap,
)
from sea_lsp.sandbox.process import ProcessResult, preexec_limits, run_guarded
from sea_lsp.sandbox.results import TestRun, command_run, read_records, run_from_records

PLUGIN = "sea_pytest_report"
IN_COPY = Path(__file__).parent / "in_copy"  # copied into every sandbox copy


class ExecutionRefused(RuntimeError):
    """Code execution was asked for in a workspace that is not trusted."""

    def __init__(self, root: Path, message: str | None = None) -> None:
        RuntimeError.__init__(
            self,
            message
            or f"refused to run tests in {str(root)!r}: the workspace is not trusted. Trust it "
            "in VS Code (Workspaces: Manage Workspace Trust), pass --workspace on the command "
            "line, or set the sea.trusted setting to true",
        )


class IsolationRequired(ExecutionRefused, IsolationRefused):
    """``sandbox.require`` is set and this system cannot isolate the tests: refused like an
    untrusted workspace (callers show the message to the user and go on)."""


@dataclass
class Limits:
    """Resource limits of one sandboxed run (per candidate for the warm evaluator)."""

    timeout_s: float = 60.0
    per_test_timeout_s: float | None = 5.0  # a test past it fails (a hang), the run goes on
    memory_mb: int = 2048
    cpu_s: float = 120.0
    max_processes: int = 64
    max_output_bytes: int = 1_000_000
    max_file_mb: int = 256


class Sandbox:
    """Runs a trusted workspace's tests in disposable copies; see the module docstring."""

    def __init__(
        self,
        root: Path | str,
        trusted: bool,
        limits: Limits | None = None,
        test_command: str | None = None,
        python: str = sys.executable,
        editor_texts: Mapping[str, str] | None = None,
        isolation: Policy | None = None,
    ) -> None:
        self.root = Path(os.path.realpath(root))
        self.trusted = trusted
        self.limits = limits or Limits()
        self.test_command = test_command
        self.python = python
        # documents open in the editor, unsaved edits included: every copy starts from
        # them, so the tests run the code the user sees (and the agent edits), not the disk
        self.editor_texts: dict[str, str] = dict(editor_texts or {})
        # None: the process-wide policy (the server applies sandbox.require/sandbox.network)
        self.isolation = isolation
        self.isolated: bool | None = None  # whether the last run was OS-isolated

    def require_trust(self) -> None:
        if not self.trusted:
            raise ExecutionRefused(self.root)

    # ---- the copy --------------------------------------------------------------------------
    def materialize(self, tmp: Path, replacements: Mapping[str, str | None]) -> tuple[Path, Path]:
        """Copy the workspace to ``tmp/ws`` with the editor's texts and then ``replacements``
        written; plugin to ``tmp/sea``."""
        ws, sea = tmp / "ws", tmp / "sea"
        copy_tree(self.root, ws)
        sea.mkdir()
        shutil.copyfile(IN_COPY / "pytest_report.py", sea / f"{PLUGIN}.py")
        shutil.copyfile(IN_COPY / "worker.py", sea / "sea_sandbox_worker.py")
        shutil.copyfile(IN_COPY / "warm.py", sea / "sea_sandbox_warm.py")
        shutil.copyfile(IN_COPY / "jail.py", sea / JAIL_NAME)
        (tmp / "home" / "tmp").mkdir(parents=True)
        write_replacements(ws, {**self.editor_texts, **replacements})
        return ws, sea

    def env(
        self, tmp: Path, ws: Path, sea: Path, mark: str, extra: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """A scrubbed environment: no secrets, HOME in the sandbox, the copy on PYTHONPATH."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": str(tmp / "home"),
            "TMPDIR": str(tmp / "home" / "tmp"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PYTHONPATH": os.pathsep.join([str(ws), str(sea)]),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONIOENCODING": "utf-8",
            "PYTHONHASHSEED": "0",
            "SEA_SANDBOX_ROOT": str(ws),
            "SEA_SANDBOX_MARK": mark,
        }
        env.update(extra or {})
        return env

    def isolate(
        self,
        argv: Sequence[str],
        sea: Path,
        writable: Sequence[Path],
        max_processes: int | None = None,
    ) -> list[str]:
        """``argv`` under the jail (namespaces + Landlock, writes only to ``writable``, the
        whole namespace killed past ``max_processes``, default the limits') where the kernel
        allows it (``isolation.wrap``); sets ``self.isolated``."""
        policy = self.isolation or current_policy()
        limit = self.limits.max_processes if max_processes is None else max_processes
        try:
            out, self.isolated = wrap(argv, self.python, sea / JAIL_NAME, writable, limit, policy)
        except IsolationRefused as exc:
            raise IsolationRequired(self.root, str(exc)) from exc
        return out

    def _jail_error(self, res: ProcessResult) -> ProcessResult:
        """The jail's own stop (too many processes) or failure, said as the run's error."""
        tail = res.output_tail
        if not self.isolated or res.error is not None or "sea-jail:" not in tail:
            return res
        line = tail[tail.rfind("sea-jail:") :].splitlines()[0]
        if "max_processes" in line:
            n = self.limits.max_processes
            return replace(
                res,
                error=f"the tests started more than {n} processes (max_processes); all were killed",
            )
        if res.returncode == JAIL_FAILED:
            return replace(res, error=f"the sandbox could not isolate the tests: {line}")
        return res

    def preexec(self, cpu: bool = True):
        lim = self.limits
        return preexec_limits(
            lim.memory_mb, lim.cpu_s if cpu else None, lim.max_processes, lim.max_file_mb
        )

    # ---- running -----------------------------------------------------------------------------
    def run_tests(
        self,
        replacements: Mapping[str, str | None] | None = None,
        test_ids: Sequence[str] | None = None,
        coverage: bool = False,
    ) -> TestRun:
        """Run the tests once in a fresh copy with ``replacements`` (path -> text, None deletes)."""
        self.require_trust()
        ids = check_test_ids(test_ids)
        with tempfile.TemporaryDirectory(prefix="sea-sandbox-") as d:
            tmp = Path(d)
            ws, sea = self.materialize(tmp, replacements or {})
            report = sea / "report.jsonl"
            argv, is_pytest = self.command(ws, ids)
            mark = uuid.uuid4().hex
            extra = {"SEA_REPORT_PATH": str(report), "SEA_COVERAGE": "1" if coverage else "0"}
            if self.limits.per_test_timeout_s:
                extra["SEA_TEST_TIMEOUT"] = str(self.limits.per_test_timeout_s)
            res = run_guarded(
                self.isolate(argv, sea, [tmp]),
                cwd=str(ws),
                env=self.env(tmp, ws, sea, mark, extra),
                mark=mark,
                timeout_s=self.limits.timeout_s,
                max_processes=self.limits.max_processes,
                max_output_bytes=self.limits.max_output_bytes,
                preexec=self.preexec(),
                isolated=bool(self.isolated),
            )
            logger.debug("sandbox: {} exited {} in {:.2f}s", argv[0], res.returncode, res.duration)
            res = self._jail_error(res)
            if not is_pytest:
                return command_run(self.test_command or "", res)
            records = read_records(report)
        return run_from_records(
            records,
            duration=res.duration,
            timed_out=res.timed_out,
            returncode=res.returncode,
            output_tail=res.output_tail,
            error=res.error,
        )

    def command(self, ws: Path, ids: Sequence[str]) -> tuple[list[str], bool]:
        """The argv to run and whether it is pytest (then the plugin is added)."""
        # ``--tb=auto`` (pytest's default) over a project's ``addopts``: the evidence readers
        # (``repair_evidence``, ``repair_crash``) read that style's last line and ``>`` lines
        plugin = ["-p", PLUGIN, "-p", "no:cacheprovider", "--tb=auto", "--rootdir", str(ws)]
        if not self.test_command:
            return [self.python, "-m", "pytest", "-q", *plugin, *ids], True
        try:
            argv = shlex.split(self.test_command)
        except ValueError as exc:
            raise ValueError(f"sea.testCommand {self.test_command!r} is not valid: {exc}") from exc
        if argv and Path(argv[0]).name in ("pytest", "py.test"):
            return [self.python, "-m", "pytest", *argv[1:], *plugin, *ids], True
        if argv[:3] in (["python", "-m", "pytest"], ["python3", "-m", "pytest"]):
            return [self.python, "-m", "pytest", *argv[3:], *plugin, *ids], True
        return ["/bin/sh", "-c", self.test_command], False

    def evaluator(
        self,
        test_ids: Sequence[str] | None = None,
        base_replacements: Mapping[str, str | None] | None = None,
        known: TestRun | None = None,
    ) -> Evaluator:
        """A warm fork-server for many evaluations; use as a context manager. ``known``, a
        run of the same code, bounds the worker's own first run (a test that hung there
        is not waited for twice)."""
        self.require_trust()
        return Evaluator(self, check_test_ids(test_ids), base_replacements or {}, known)


def check_test_ids(test_ids: Sequence[str] | None) -> list[str]:
    """Node ids to pass to pytest; options in disguise are refused."""
    ids = list(test_ids or [])
    for t in ids:
        if not isinstance(t, str) or not t or t.startswith("-") or "\x00" in t:
            raise ValueError(f"test id {t!r} is not a pytest node id like tests/test_x.py::test_y")
    return ids
