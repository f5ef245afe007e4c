"""Run a command in new user, mount, PID (and network) namespaces under a Landlock ruleset.

Usage: ``python -I -S jail.py CONFIG_JSON -- ARGV...`` where the config is
``{"writable": [dirs], "network": bool, "max_processes": int}``.

Copied next to the sandbox copy (``sea_sandbox_jail``) and run with the project's own
interpreter, so it imports only the standard library. The kernel interfaces are reached
through ``ctypes``: Python 3.11 has no ``os.unshare``, and the ``landlock`` PyPI package
(a pre-release, 1.0.0.dev5) would have to be installed into whatever interpreter runs the
user's tests, which is the user's, not ours. A C extension of our own would need a
compiler on every install. The syscalls are four and stable (Landlock's numbers are the
same on every architecture that uses the generic table: x86_64, aarch64, riscv).

Steps:
1. ``unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID [| CLONE_NEWNET])``; map our uid and
   gid to themselves; make every mount private (nothing propagates back).
2. Fork: the child is PID 1 of the new PID namespace ("init"). It dies with this process
   (``PR_SET_PDEATHSIG``), mounts a fresh ``/proc`` (only the namespace's processes are
   visible: no ancestor's cmdline or environ), a private tmpfs on ``/dev/shm``, brings the
   loopback interface up in the empty network namespace, and restricts itself with Landlock:
   writes are allowed beneath the ``writable`` directories and to a few character devices
   (``/dev/null``...), nowhere else; reads are unchanged. A Landlock domain also forbids
   ``mount``/``umount``, so the fresh ``/proc`` cannot be lifted to reveal the host's.
3. Init forks the command, reaps every orphan, and kills the whole namespace (by exiting)
   when the command ends or the namespace holds more than ``max_processes`` processes.
   The kernel then SIGKILLs every process left in it, ``setsid`` daemons included.

A step that fails exits with status 125 and one line on stderr that starts with
``sea-jail:`` and names what the kernel refused, so the caller can fall back or refuse.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import select
import signal
import socket
import struct
import sys

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x20000, 0x10000000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 0x4000, 0x40000
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
LANDLOCK_CREATE_RULESET_VERSION, LANDLOCK_RULE_PATH_BENEATH = 1, 1
WRITE_FILE, TRUNCATE, REFER = 1 << 1, 1 << 14, 1 << 13
WRITE_RIGHTS = sum(1 << b for b in (1, 4, 5, 6, 7, 8, 9, 10, 11, 12))  # write, remove, make*
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/tty")
FAILED = 125

_libc = ctypes.CDLL(None, use_errno=True)


class JailError(Exception):
    """A kernel feature the jail needs was refused."""


def _check(result: int, what: str) -> int:
    if result < 0:
        err = ctypes.get_errno()
        raise JailError(f"{what}: {os.strerror(err)} (errno {errno.errorcode.get(err, err)})")
    return result


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def enter_namespaces(network: bool) -> None:
    """Step 1: new namespaces, the uid/gid maps, private mounts."""
    uid, gid = os.getuid(), os.getgid()
    flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | (0 if network else CLONE_NEWNET)
    _check(_libc.unshare(flags), "user/mount/PID/network namespaces (unshare)")
    try:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    except OSError as exc:
        raise JailError(f"user namespace id maps: {exc}") from exc
    _check(_libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "private mounts")


def fresh_mounts() -> None:
    """In PID 1 of the new namespace: a /proc of its own, a private /dev/shm."""
    flags = MS_NOSUID | MS_NODEV | MS_NOEXEC
    _check(_libc.mount(b"proc", b"/proc", b"proc", flags, None), "a fresh /proc")
    if os.path.isdir("/dev/shm"):  # best effort: without it /dev/shm is simply not writable
        _libc.mount(b"tmpfs", b"/dev/shm", b"tmpfs", MS_NOSUID | MS_NODEV, b"size=64m")


def loopback_up() -> None:
    """Tests may listen on 127.0.0.1 between themselves; nothing else is reachable."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            req = fcntl.ioctl(s, siocgifflags, struct.pack("16sH14x", b"lo", 0))
            flags = struct.unpack("16sH14x", req)[1] | iff_up
            fcntl.ioctl(s, siocsifflags, struct.pack("16sH14x", b"lo", flags))
    except OSError:
        pass  # tests that need the loopback fail with a clear socket error


def landlock_abi() -> int:
    """The kernel's Landlock ABI version (0 when Landlock is missing or disabled)."""
    _libc.syscall.restype = ctypes.c_long
    version = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, 0, LANDLOCK_CREATE_RULESET_VERSION)
    return max(0, int(version))


def _add_path_rule(ruleset: int, path: str, access: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # a path that does not exist needs no rule
    try:
        attr = ctypes.create_string_buffer(struct.pack("<Qi", access, fd), 12)
        _check(
            _libc.syscall(SYS_LANDLOCK_ADD_RULE, ruleset, LANDLOCK_RULE_PATH_BENEATH, attr, 0),
            f"Landlock rule for {path}",
        )
    finally:
        os.close(fd)


def restrict_writes(writable: list[str]) -> int:
    """Landlock: writes only beneath ``writable`` and to a few devices; returns the ABI."""
    abi = landlock_abi()
    if abi < 1:
        raise JailError("Landlock is not available in this kernel (or disabled at boot)")
    handled = WRITE_RIGHTS | (REFER if abi >= 2 else 0) | (TRUNCATE if abi >= 3 else 0)
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    attr = ctypes.create_string_buffer(struct.pack("<QQQ", handled, 0, scoped)[:size], size)
    ruleset = _check(_libc.syscall(SYS_LANDLOCK_CREATE_RULESET, attr, size, 0), "Landlock ruleset")
    try:
        for path in writable:
            _add_path_rule(ruleset, path, handled)
        for dev in DEVICES:
            _add_path_rule(ruleset, dev, handled & (WRITE_FILE | TRUNCATE))
        _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
        _check(_libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0), "Landlock restrict_self")
    finally:
        os.close(ruleset)
    return abi


def _open_fds() -> list[int]:
    return sorted(int(n) for n in os.listdir("/proc/self/fd"))


def _close_fds_except(keep: set[int], fds: list[int] | None = None) -> None:
    for fd in _open_fds() if fds is None else fds:
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _processes() -> int:
    return sum(1 for n in os.listdir("/proc") if n.isdigit())


def _reap_all() -> dict[int, int]:
    done = {}
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return done
        if pid == 0:
            return done
        done[pid] = status


def run_init(cfg: dict, argv: list[str], status_w: int, alive_r: int) -> int:
    """Step 2 and 3, as PID 1 of the namespace; returns the command's wait status."""
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "parent-death signal")
    if select.select([alive_r], [], [], 0)[0]:  # the outer process died before the line above
        os._exit(FAILED)
    fresh_mounts()
    if not cfg.get("network"):
        loopback_up()
    restrict_writes([str(p) for p in cfg["writable"]])
    child = os.fork()
    if child == 0:
        os.close(status_w)
        os.close(alive_r)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        try:
            os.execvp(argv[0], argv)
        except OSError as exc:
            sys.stderr.write(f"sea-jail: could not start {argv[0]!r}: {exc}\n")
            os._exit(127)
    max_processes = int(cfg.get("max_processes") or 0)
    pidfd = os.pidfd_open(child)
    _close_fds_except({status_w, alive_r, pidfd})  # the command's pipes are the command's
    while True:
        select.select([pidfd], [], [], 0.1)
        done = _reap_all()
        if child in done:
            return done[child]
        if max_processes and _processes() > max_processes + 1:
            sys.stderr.write(
                f"sea-jail: more than {max_processes} processes (max_processes); all killed\n"
            )
            return 137 << 8


def _outer(cfg: dict, argv: list[str]) -> int:
    """The process the caller started: enter the namespaces, fork init, relay its status."""
    enter_namespaces(bool(cfg.get("network")))
    status_r, status_w = os.pipe()
    alive_r, alive_w = os.pipe()
    fds = _open_fds()  # before init mounts its /proc, where this process has no entry
    pid = os.fork()
    if pid == 0:
        os.close(status_r)
        os.close(alive_w)
        code = FAILED
        try:
            status = run_init(cfg, argv, status_w, alive_r)
            os.write(status_w, b"%d\n" % status)
            code = os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else FAILED
        except JailError as exc:
            sys.stderr.write(f"sea-jail: {exc}\n")
        finally:
            os._exit(code)  # as PID 1: the kernel kills everything left in the namespace
    os.close(status_w)
    os.close(alive_r)
    _close_fds_except({status_r, alive_w}, fds)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _, init_status = os.waitpid(pid, 0)
    raw = os.read(status_r, 64).strip()
    if not raw:
        return os.waitstatus_to_exitcode(init_status) if os.WIFEXITED(init_status) else FAILED
    status = int(raw)
    if os.WIFSIGNALED(status):  # report it as the caller would see the command's own death
        sig = os.WTERMSIG(status)
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    return os.waitstatus_to_exitcode(status)


def main(args: list[str]) -> int:
    if len(args) < 3 or args[1] != "--":
        sys.stderr.write("usage: jail.py CONFIG_JSON -- ARGV...\n")
        return 2
    try:
        return _outer(json.loads(args[0]), args[2:])
    except JailError as exc:
        sys.stderr.write(f"sea-jail: {exc}\n")
        return FAILED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
