"""Running a workspace's tests in a disposable sandbox copy.

Tests only run when the workspace is trusted. Each run copies the workspace (without
.git, virtual environments, caches and node_modules) into a temporary directory, writes the
candidate's replaced files there, and runs pytest in its own session with resource limits,
a scrubbed environment, a timeout and a kill of every process it started (``sandbox_proc``).
Per-test outcomes, failing lines and optional line coverage come from a small pytest plugin
(``pytest_report``). For search, ``Sandbox.evaluator()`` starts a warm fork-server
(``sandbox_eval.Evaluator``) that evaluates hundreds of candidates per minute.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from loguru import logger

from sea_lsp.safe_fs import WorkspaceFS, encode_text
from sea_lsp.sandbox_proc import preexec_limits, run_guarded

if TYPE_CHECKING:
    from sea_lsp.sandbox_eval import Evaluator

SKIP_DIRS = {
    ".git", ".hg", ".svn", ".venv", "venv", "__pycache__", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".tox", ".nox", "node_modules", ".eggs", ".hypothesis", ".idea", ".vscode",
}  # fmt: skip
PLUGIN = "sea_pytest_report"
_HERE = Path(__file__).parent


class ExecutionRefused(RuntimeError):
    """Code execution was asked for in a workspace that is not trusted."""

    def __init__(self, root: Path) -> None:
        super().__init__(
            f"refused to run tests in {str(root)!r}: the workspace is not trusted. Trust it in "
            "VS Code (Workspaces: Manage Workspace Trust), pass --workspace on the command line, "
            "or set the sea.trusted setting to true"
        )


@dataclass
class Limits:
    """Resource limits of one sandboxed run (per candidate for the warm evaluator)."""

    timeout_s: float = 60.0
    per_test_timeout_s: float | None = None
    memory_mb: int = 2048
    cpu_s: float = 120.0
    max_processes: int = 64
    max_output_bytes: int = 1_000_000
    max_file_mb: int = 256


@dataclass
class TestOutcome:
    """One test's result; ``path``/``line`` is where it failed inside the workspace."""

    __test__ = False
    nodeid: str
    outcome: Literal["passed", "failed", "error", "skipped"]
    duration: float = 0.0
    message: str = ""
    path: str | None = None
    line: int | None = None
    frames: list[tuple[str, int]] = field(default_factory=list)  # workspace frames, outermost first


@dataclass
class TestRun:
    """The result of running tests once."""

    __test__ = False
    outcomes: dict[str, TestOutcome] = field(default_factory=dict)
    duration: float = 0.0
    timed_out: bool = False
    error: str | None = None
    output_tail: str = ""
    returncode: int | None = None
    coverage: dict[str, dict[str, list[int]]] | None = None  # nodeid -> path -> executed lines

    @property
    def passed(self) -> list[str]:
        return [k for k, o in self.outcomes.items() if o.outcome == "passed"]

    @property
    def failed(self) -> list[str]:
        """Failed and errored node ids."""
        return [k for k, o in self.outcomes.items() if o.outcome in ("failed", "error")]

    @property
    def all_passed(self) -> bool:
        """Something ran, nothing failed, no collection error, crash or timeout."""
        return (
            bool(self.outcomes)
            and not self.failed
            and not self.timed_out
            and self.error is None
            and any(o.outcome == "passed" for o in self.outcomes.values())
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(passed=self.passed, failed=self.failed, all_passed=self.all_passed)
        return d


def run_from_records(
    records: Sequence[dict],
    *,
    duration: float,
    timed_out: bool,
    returncode: int | None,
    output_tail: str = "",
    error: str | None = None,
) -> TestRun:
    """Build a ``TestRun`` from the plugin's JSON records and how the process ended."""
    outcomes: dict[str, TestOutcome] = {}
    coverage: dict[str, dict[str, list[int]]] = {}
    collect_errors = []
    for r in records:
        if r.get("kind") == "collect_error":
            collect_errors.append(
                f"collecting {r.get('nodeid') or 'tests'} failed:\n{r['message']}"
            )
        elif r.get("kind") == "test":
            frames = [(str(p), int(n)) for p, n in r.get("frames") or []]
            path, line = _failing_line(frames, r.get("test_path"), r.get("crash"))
            outcomes[r["nodeid"]] = TestOutcome(
                r["nodeid"], r["outcome"], float(r["duration"]), r["message"], path, line, frames
            )
            if r.get("lines") is not None:
                coverage[r["nodeid"]] = r["lines"]
    if error is None and collect_errors:
        error = "\n".join(collect_errors)
    if error is None and returncode not in (0, 1, 5, None) and not timed_out:
        error = _exit_reason(returncode, output_tail)
    return TestRun(outcomes, duration, timed_out, error, output_tail, returncode, coverage or None)


def _failing_line(frames, test_path, crash) -> tuple[str | None, int | None]:
    if frames:
        in_test = [f for f in frames if f[0] == test_path]
        return (in_test or frames)[-1]
    if crash and crash[0]:
        return crash[0], int(crash[1])
    return None, None


def _exit_reason(code: int, tail: str) -> str:
    reasons = {
        2: "pytest was interrupted",
        3: "pytest hit an internal error",
        4: "pytest was called wrongly (check sea.testCommand)",
        -9: "the test process was killed (memory or process limit)",
        -24: "the tests ran past the CPU time limit (cpu_s)",
        -25: "the tests wrote a file past the size limit (max_file_mb)",
    }
    last = "\n".join(tail.strip().splitlines()[-5:])
    return f"{reasons.get(code, f'the test command exited with {code}')}: {last}".strip()


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
    ) -> None:
        self.root = Path(os.path.realpath(root))
        self.trusted = trusted
        self.limits = limits or Limits()
        self.test_command = test_command
        self.python = python
        # documents open in the editor, unsaved edits included: every copy starts from
        # them, so the tests run the code the user sees (and the agent edits), not the disk
        self.editor_texts: dict[str, str] = dict(editor_texts or {})

    def require_trust(self) -> None:
        if not self.trusted:
            raise ExecutionRefused(self.root)

    # ---- the copy --------------------------------------------------------------------------
    def materialize(self, tmp: Path, replacements: Mapping[str, str | None]) -> tuple[Path, Path]:
        """Copy the workspace to ``tmp/ws`` with the editor's texts and then ``replacements``
        written; plugin to ``tmp/sea``."""
        ws, sea = tmp / "ws", tmp / "sea"
        _copy_tree(self.root, ws)
        sea.mkdir()
        shutil.copyfile(_HERE / "pytest_report.py", sea / f"{PLUGIN}.py")
        shutil.copyfile(_HERE / "sandbox_worker.py", sea / "sea_sandbox_worker.py")
        shutil.copyfile(_HERE / "sandbox_warm.py", sea / "sea_sandbox_warm.py")
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
                argv,
                cwd=str(ws),
                env=self.env(tmp, ws, sea, mark, extra),
                mark=mark,
                timeout_s=self.limits.timeout_s,
                max_processes=self.limits.max_processes,
                max_output_bytes=self.limits.max_output_bytes,
                preexec=self.preexec(),
            )
            logger.debug("sandbox: {} exited {} in {:.2f}s", argv[0], res.returncode, res.duration)
            if not is_pytest:
                return _command_run(self.test_command or "", res)
            records = _read_records(report)
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
        plugin = ["-p", PLUGIN, "-p", "no:cacheprovider", "--rootdir", str(ws)]
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
    ) -> Evaluator:
        """A warm fork-server for many evaluations; use as a context manager."""
        from sea_lsp.sandbox_eval import Evaluator

        self.require_trust()
        return Evaluator(self, check_test_ids(test_ids), base_replacements or {})


def check_test_ids(test_ids: Sequence[str] | None) -> list[str]:
    """Node ids to pass to pytest; options in disguise are refused."""
    ids = list(test_ids or [])
    for t in ids:
        if not isinstance(t, str) or not t or t.startswith("-") or "\x00" in t:
            raise ValueError(f"test id {t!r} is not a pytest node id like tests/test_x.py::test_y")
    return ids


def encode_replacements(
    base: Path, replacements: Mapping[str, str | None]
) -> dict[str, bytes | None]:
    """Workspace-relative path -> bytes to write (keeping each file's encoding and line endings)."""
    fs = WorkspaceFS(base)
    out: dict[str, bytes | None] = {}
    for path, text in replacements.items():
        real = fs.resolve(path)
        rel = real.relative_to(fs.root).as_posix()
        if text is None:
            out[rel] = None
        else:
            old = real.read_bytes() if real.is_file() else None
            out[rel] = encode_text(rel, text, old)
    return out


def write_replacements(ws: Path, replacements: Mapping[str, str | None]) -> None:
    for rel, data in encode_replacements(ws, replacements).items():
        full = ws / rel
        if full.is_symlink() or full.exists():
            full.unlink()
        if data is not None:
            full.parent.mkdir(parents=True, exist_ok=True)
            full.write_bytes(data)


def _copy_tree(src: Path, dst: Path) -> None:
    """Copy a workspace for running: regular files and in-tree symlinks; no VCS, venvs, caches."""
    dst.mkdir(parents=True)
    for dirpath, dirnames, filenames in os.walk(src):
        here = Path(dirpath)
        rel = here.relative_to(src)
        keep = []
        for d in dirnames:
            full = here / d
            if d in SKIP_DIRS or (full / "pyvenv.cfg").exists() or full.is_symlink():
                continue
            keep.append(d)
            (dst / rel / d).mkdir()
        dirnames[:] = keep
        for name in filenames:
            full = here / name
            if full.is_symlink():
                target = Path(os.path.realpath(full))
                if target.is_file() and target.is_relative_to(src):
                    shutil.copyfile(target, dst / rel / name)
                continue
            if full.is_file():
                shutil.copy2(full, dst / rel / name)


def _read_records(report: Path) -> list[dict]:
    records = []
    if report.exists():
        for line in report.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
    return records


def _command_run(command: str, res) -> TestRun:
    ok = res.returncode == 0 and not res.timed_out and res.error is None
    outcome = TestOutcome(
        command, "passed" if ok else "failed", res.duration, "" if ok else res.output_tail[-4000:]
    )
    return TestRun(
        {command: outcome}, res.duration, res.timed_out, res.error, res.output_tail, res.returncode
    )
