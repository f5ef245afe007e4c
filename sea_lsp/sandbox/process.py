"""Starting, watching and killing sandboxed processes.

A sandboxed command runs in its own session with resource limits set before exec
(address space, CPU, file size, processes), stdin on /dev/null and a scrubbed environment
carrying a marker. A watchdog thread counts the session's processes (RLIMIT_NPROC is per
user and root ignores it) and kills them all past ``max_processes`` or the wall-clock
timeout; when the command ends, everything in its session and everything carrying the
marker (processes that escaped with ``setsid``) is killed too. Output is read as it comes
and only its last ``max_output_bytes`` are kept.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from loguru import logger

from sea_lsp.sandbox.in_copy.worker import descendants, kill_members, members, start_ticks


@dataclass
class ProcessResult:
    """What a guarded run saw: exit code, output tail, and why it was stopped (if it was)."""

    returncode: int | None
    output_tail: str
    duration: float
    timed_out: bool
    error: str | None
    output_bytes: int


def user_process_count(uid: int) -> int:
    """How many processes ``uid`` owns now (RLIMIT_NPROC counts them all)."""
    n = 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat(f"/proc/{name}").st_uid == uid:
                    n += 1
            except OSError:
                continue
    return n


def preexec_limits(
    memory_mb: int | None, cpu_s: float | None, max_processes: int, file_mb: int
) -> Callable[[], None]:
    """A ``preexec_fn`` setting the resource limits in the child before it execs."""
    uid = os.getuid()
    nproc = max_processes if uid == 0 else user_process_count(uid) + max_processes

    def apply() -> None:
        def lim(kind: int, value: int) -> None:
            soft, hard = resource.getrlimit(kind)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(kind, (value, value if hard == resource.RLIM_INFINITY else hard))

        if memory_mb:
            lim(resource.RLIMIT_AS, int(memory_mb) * 1024 * 1024)
        if cpu_s:
            lim(resource.RLIMIT_CPU, int(cpu_s) + 1)
        lim(resource.RLIMIT_NPROC, nproc)
        lim(resource.RLIMIT_FSIZE, int(file_mb) * 1024 * 1024)
        lim(resource.RLIMIT_CORE, 0)

    return apply


class _Tail:
    """The last ``cap`` bytes of a stream, read on a thread so the child never blocks."""

    def __init__(self, stream, cap: int) -> None:
        self.cap, self.total, self.buf = cap, 0, bytearray()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:
        while True:
            chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
            if not chunk:
                return
            self.total += len(chunk)
            self.buf += chunk
            if len(self.buf) > self.cap:
                del self.buf[: len(self.buf) - self.cap]

    def text(self) -> str:
        text = self.buf.decode("utf-8", errors="replace")
        if self.total > self.cap:
            text = f"[... {self.total - self.cap} earlier bytes of output dropped ...]\n" + text
        return text


def run_guarded(
    argv: Sequence[str],
    cwd: str,
    env: Mapping[str, str],
    mark: str,
    timeout_s: float,
    max_processes: int,
    max_output_bytes: int,
    preexec: Callable[[], None],
    isolated: bool = False,
) -> ProcessResult:
    """Run ``argv`` contained; return when it and everything it started are gone. When
    ``argv`` runs under the jail (``isolated``), every process of its PID namespace is a
    descendant of it (orphans go to the namespace's init), ``setsid`` or not."""
    t0 = time.monotonic()
    try:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=preexec,  # noqa: PLW1509 - limits must be set between fork and exec
            close_fds=True,
        )
    except OSError as exc:
        return ProcessResult(None, "", 0.0, False, f"could not start {argv[0]!r}: {exc}", 0)
    since = start_ticks(proc.pid)
    tail = _Tail(proc.stdout, max_output_bytes)
    timed_out, error = False, None
    deadline = t0 + timeout_s
    while True:
        try:
            proc.wait(timeout=0.05)
            break
        except subprocess.TimeoutExpired:
            pass
        if time.monotonic() > deadline:
            timed_out = True
            error = f"the tests ran past the {timeout_s:g} s timeout and were killed"
            break
        # under the jail: minus its outer process and the namespace's init
        count = len(descendants(proc.pid)) - 1 if isolated else len(members(sid=proc.pid))
        if count > max_processes:
            error = (
                f"the tests started more than {max_processes} processes (max_processes); "
                "all were killed"
            )
            break
    clean = kill_members(sid=proc.pid, mark=mark, since=since, exclude=(os.getpid(),))
    if not clean:
        logger.warning("sandbox: some processes of {} survived SIGKILL", argv[0])
    proc.wait()
    tail.thread.join(timeout=2.0)
    if proc.stdout is not None:
        proc.stdout.close()
    return ProcessResult(
        proc.returncode, tail.text(), time.monotonic() - t0, timed_out, error, tail.total
    )
