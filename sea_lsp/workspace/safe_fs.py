"""Every write, create, rename and delete sea-lsp makes goes through ``WorkspaceFS``.

Paths are resolved to real paths (symlinks included) and refused unless they lie strictly
inside the workspace root and outside ``.git/``; special files (devices, FIFOs, sockets)
are refused. The operation itself then walks from the root one directory descriptor at a
time (``O_NOFOLLOW``) and acts with ``dir_fd=``, so a directory swapped for a symlink after
the check fails instead of redirecting a write outside the root. Writes are atomic (a short
random temp name in the same directory, fsync, ``os.replace``) and
keep the file's line endings, encoding (UTF-8 BOM, PEP 263 coding cookie) and permissions.
``apply`` validates a whole ``Change`` in memory before touching the disk, so a refused path
or a bad edit writes nothing. (``sea_lsp.server.edits`` turns a ``Change`` into an LSP edit.)
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sea_lsp.workspace.changes import Change, ChangeError, apply_edits

_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_BOM = codecs.BOM_UTF8
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
TMP_PREFIX, TMP_SUFFIX = ".sea-", ".tmp"  # temporary files: ".sea-<12 hex>.tmp", 21 bytes


class UnsafePathError(ValueError):
    """A path sea-lsp refuses to write: outside the workspace, inside .git, or a special file."""

    def __init__(self, path: str, why: str, root: Path) -> None:
        super().__init__(
            f"refused to touch {path!r}: {why}. sea-lsp only writes inside the workspace "
            f"root {str(root)!r} (and never under .git/)"
        )
        self.path = path
        self.why = why


def _encoding_of(data: bytes, is_python: bool) -> str:
    """The codec a file's bytes are written in: utf-8-sig with a BOM, a coding cookie, else utf-8."""
    if data.startswith(_BOM):
        return "utf-8-sig"
    if is_python:
        for line in data.splitlines()[:2]:
            m = _COOKIE.match(line)
            if m:
                try:
                    return codecs.lookup(m.group(1).decode("ascii")).name
                except (LookupError, UnicodeDecodeError):
                    return "utf-8"
    return "utf-8"


def decode_file(data: bytes, path: str) -> str:
    """Text of a file's bytes (BOM stripped, line endings kept as they are)."""
    enc = _encoding_of(data, path.endswith((".py", ".pyi")))
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not valid {enc} text ({exc.reason}); not editing it") from exc


class WorkspaceFS:
    """Safe file operations confined to one workspace root."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(os.path.realpath(root))
        if not self.root.is_dir():
            raise NotADirectoryError(f"workspace root {str(root)!r} is not a directory")

    # ---- paths -------------------------------------------------------------------------
    def resolve(self, path: str) -> Path:
        """The real path of ``path`` (workspace-relative or absolute), or ``UnsafePathError``."""
        p = self._lexical(path)
        real = self._realpath(path, p)
        self._check(path, real)
        return real

    def _realpath(self, path: str, p: Path) -> Path:
        try:
            return Path(os.path.realpath(p))
        except OSError as exc:  # a component changed between realpath's lstat and readlink
            raise UnsafePathError(
                path,
                f"it cannot be resolved ({exc.strerror}): is something changing it?",
                self.root,
            ) from exc

    def _lexical(self, path: str) -> Path:
        """``path`` with its directory resolved but its last component kept (a symlink stays one)."""
        if not isinstance(path, str) or not path or "\x00" in path:
            raise UnsafePathError(str(path), "empty path or NUL byte", self.root)
        p = Path(path)
        if not p.is_absolute():
            p = self.root / p
        parent = self._realpath(path, p.parent)
        if p.name in ("", ".", ".."):
            return self._realpath(path, p)
        lexical = parent / p.name
        self._check(path, lexical)
        return lexical

    def _check(self, path: str, real: Path) -> None:
        try:
            rel = real.relative_to(self.root)
        except ValueError:
            why = "it resolves outside the workspace"
            if Path(path).is_absolute():
                why = "it is an absolute path outside the workspace"
            elif ".." in Path(path).parts:
                why = "its '..' components escape the workspace"
            else:
                why = f"it resolves (through a symlink) to {str(real)!r}, outside the workspace"
            raise UnsafePathError(path, why, self.root) from None
        if not rel.parts:
            raise UnsafePathError(path, "it is the workspace root itself", self.root)
        if ".git" in rel.parts:
            raise UnsafePathError(path, "it lies inside a .git directory", self.root)
        try:
            mode = os.stat(real).st_mode
        except FileNotFoundError:
            return
        except OSError as exc:
            raise UnsafePathError(
                path, f"it cannot be inspected ({exc.strerror})", self.root
            ) from exc
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            raise UnsafePathError(path, "it is a device, FIFO or socket", self.root)

    def relative(self, path: str) -> str:
        """The workspace-relative POSIX form of a safe path."""
        return self.resolve(path).relative_to(self.root).as_posix()

    # ---- single operations ----------------------------------------------------------------
    def read_text(self, path: str) -> str:
        """Text of a file in the workspace (BOM stripped, line endings kept)."""
        real = self.resolve(path)
        with self._parent_fd(path, real) as dfd:
            data = _read_at(dfd, real.name, path, self.root)
        if data is None:
            raise FileNotFoundError(f"cannot read {path!r}: it does not exist")
        return decode_file(data, path)

    def write_text(self, path: str, text: str) -> Path:
        """Atomically replace ``path``'s text, keeping its line endings, encoding and mode."""
        real = self.resolve(path)
        with self._parent_fd(path, real) as dfd:
            self._write_at(dfd, real.name, path, text)
        return real

    def create(self, path: str, content: str = "", overwrite: bool = False) -> Path:
        """Create a file (and its parent directories, inside the root)."""
        real = self.resolve(path)
        with self._parent_fd(path, real, make=True) as dfd:
            if _lstat_at(dfd, real.name) is not None and not overwrite:
                raise FileExistsError(f"cannot create {path!r}: it exists (pass overwrite=True)")
            self._write_at(dfd, real.name, path, content)
        return real

    def rename(self, src: str, dst: str, overwrite: bool = False) -> Path:
        """Move a file inside the workspace."""
        s, d = self._lexical(src), self.resolve(dst)
        self.resolve(src)
        with self._parent_fd(src, s) as sfd:
            if _lstat_at(sfd, s.name) is None:
                raise FileNotFoundError(f"cannot rename {src!r}: it does not exist")
            with self._parent_fd(dst, d, make=True) as dfd:
                if _lstat_at(dfd, d.name) is not None and not overwrite:
                    raise FileExistsError(f"cannot rename {src!r} to {dst!r}: the target exists")
                os.replace(s.name, d.name, src_dir_fd=sfd, dst_dir_fd=dfd)
                _fsync_dir(dfd)
            _fsync_dir(sfd)
        return d

    def delete(self, path: str) -> None:
        """Delete a file (a symlink itself, not its target) or an empty directory."""
        p = self._lexical(path)
        self.resolve(path)
        with self._parent_fd(path, p) as dfd:
            st = _lstat_at(dfd, p.name)
            if st is None:
                raise FileNotFoundError(f"cannot delete {path!r}: it does not exist")
            if stat.S_ISDIR(st.st_mode):
                try:
                    os.rmdir(p.name, dir_fd=dfd)
                except OSError as exc:
                    raise IsADirectoryError(
                        f"cannot delete {path!r}: it is a non-empty directory; delete its "
                        "files first"
                    ) from exc
            else:
                os.unlink(p.name, dir_fd=dfd)
            _fsync_dir(dfd)

    # ---- descriptor walk ----------------------------------------------------------------------
    @contextmanager
    def _parent_fd(self, path: str, target: Path, make: bool = False) -> Iterator[int]:
        """A descriptor of ``target``'s directory, opened one component at a time from the
        root with ``O_NOFOLLOW``: a directory swapped for a symlink after ``path`` was checked
        fails here instead of redirecting the operation. ``make`` creates missing directories."""
        parts = target.relative_to(self.root).parts[:-1]
        fd = os.open(self.root, _DIR_FLAGS)
        try:
            for i, name in enumerate(parts):
                try:
                    if make:
                        with suppress(FileExistsError):
                            os.mkdir(name, dir_fd=fd)
                    nxt = os.open(name, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=fd)
                except OSError as exc:
                    where = "/".join(parts[: i + 1])
                    raise self._walk_error(path, where, fd, name, exc) from exc
                os.close(fd)
                fd = nxt
            yield fd
        finally:
            os.close(fd)

    def _walk_error(self, path: str, where: str, fd: int, name: str, exc: OSError) -> Exception:
        st = _lstat_at(fd, name)
        now_a_dir = st is not None and stat.S_ISDIR(st.st_mode)
        if (
            exc.errno == errno.ELOOP
            or (st is not None and stat.S_ISLNK(st.st_mode))
            or (exc.errno == errno.ENOTDIR and now_a_dir)  # swapped back since the open
        ):
            return UnsafePathError(
                path,
                f"its directory {where!r} is a symlink (or was swapped for one after the path "
                "was checked) and sea-lsp does not follow it; check what replaces it and retry",
                self.root,
            )
        if isinstance(exc, FileNotFoundError) or st is None:
            return FileNotFoundError(
                f"cannot reach {path!r}: its directory {where!r} does not exist (or vanished "
                "while writing); create it first or retry"
            )
        if not now_a_dir:
            return NotADirectoryError(f"cannot reach {path!r}: {where!r} is not a directory")
        return OSError(exc.errno, f"cannot open directory {where!r} of {path!r}: {exc.strerror}")

    def _write_at(self, dfd: int, name: str, path: str, text: str) -> None:
        st = _lstat_at(dfd, name)
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(f"cannot write text to {path!r}: it is a directory")
        if st is not None and stat.S_ISLNK(st.st_mode):  # swapped in after the check
            raise UnsafePathError(
                path, "it became a symlink after it was checked; retry the write", self.root
            )
        old = _read_at(dfd, name, path, self.root) if st is not None else None
        mode = stat.S_IMODE(st.st_mode) if st is not None else None
        _atomic_write_at(dfd, name, encode_text(path, text, old), mode)

    # ---- whole changes ----------------------------------------------------------------------
    def apply(self, change: Change) -> list[str]:
        """Apply file operations then text edits; validate all of it first. Returns touched paths."""
        for p in change.paths:
            self.resolve(p)
        state: dict[str, str | None] = {}

        def current(p: str) -> str | None:
            key = self.relative(p)
            if key not in state:
                real = self.resolve(p)
                state[key] = self.read_text(p) if real.is_file() else None
            return state[key]

        for op in change.file_ops:
            key = self.relative(op.path)
            if op.kind == "create":
                if current(op.path) is not None and not op.overwrite:
                    raise FileExistsError(f"cannot create {op.path!r}: it exists")
                state[key] = op.content or ""
            elif op.kind == "rename":
                if not op.new_path:
                    raise ChangeError(f"rename of {op.path!r} has no new_path")
                text = current(op.path)
                if text is None:
                    raise FileNotFoundError(f"cannot rename {op.path!r}: it does not exist")
                if current(op.new_path) is not None and not op.overwrite:
                    raise FileExistsError(f"cannot rename to {op.new_path!r}: it exists")
                state[key], state[self.relative(op.new_path)] = None, text
            elif op.kind == "delete":
                if current(op.path) is None and not self.resolve(op.path).is_dir():
                    raise FileNotFoundError(f"cannot delete {op.path!r}: it does not exist")
                state[key] = None
            else:
                raise ChangeError(f"unknown file operation {op.kind!r} on {op.path!r}")
        edited: dict[str, str] = {}
        by_path: dict[str, list] = {}
        for e in change.edits:
            by_path.setdefault(self.relative(e.path), []).append(e)
        for key, edits in by_path.items():
            text = current(key)
            if text is None:
                raise FileNotFoundError(f"cannot edit {key!r}: it does not exist")
            edited[key] = apply_edits(text, edits)
        # Everything validated: now touch the disk.
        for op in change.file_ops:
            if op.kind == "create":
                self.create(op.path, op.content or "", overwrite=op.overwrite)
            elif op.kind == "rename":
                self.rename(op.path, op.new_path or "", overwrite=op.overwrite)
            else:
                self.delete(op.path)
        for key, text in edited.items():
            self.write_text(key, text)
        return sorted({self.relative(p) for p in change.paths})


def encode_text(path: str, text: str, old: bytes | None) -> bytes:
    """Bytes of ``text`` for ``path`` in the encoding and line endings of its ``old`` bytes."""
    if old is None:
        return text.encode("utf-8")
    if b"\r\n" in old:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    enc = _encoding_of(old, path.endswith((".py", ".pyi")))
    if enc == "utf-8-sig":
        text = text.removeprefix("\ufeff")
    try:
        return text.encode(enc)
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"cannot write {path!r}: its encoding {enc} cannot hold {text[exc.start : exc.end]!r}; "
            "change the file's coding cookie to utf-8"
        ) from exc


def _lstat_at(dfd: int, name: str) -> os.stat_result | None:
    """``lstat`` of ``name`` in the directory ``dfd``, or None when it does not exist."""
    try:
        return os.stat(name, dir_fd=dfd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _read_at(dfd: int, name: str, path: str, root: Path) -> bytes | None:
    """Bytes of the regular file ``name`` in ``dfd`` (never through a symlink), or None."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dfd)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as f:
        kind = os.fstat(f.fileno()).st_mode
        if stat.S_ISDIR(kind):
            raise IsADirectoryError(f"cannot read {path!r}: it is a directory")
        if not stat.S_ISREG(kind):
            raise UnsafePathError(path, "it is not a regular file", root)
        return f.read()


def _atomic_write_at(dfd: int, name: str, data: bytes, mode: int | None) -> None:
    """Write ``name`` in ``dfd`` atomically: a short random temporary name (it fits in 255
    bytes whatever ``name``'s length), fsync, ``os.replace``, fsync of the directory."""
    if mode is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    while True:
        tmp = f"{TMP_PREFIX}{secrets.token_hex(6)}{TMP_SUFFIX}"
        try:
            fd = os.open(tmp, flags, 0o600, dir_fd=dfd)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp, dir_fd=dfd)
        raise
    _fsync_dir(dfd)


def _fsync_dir(dfd: int) -> None:
    with suppress(OSError):
        os.fsync(dfd)
