"""Every write, create, rename and delete sea-lsp makes goes through ``WorkspaceFS``.

Paths are resolved to real paths (symlinks included) and refused unless they lie strictly
inside the workspace root and outside ``.git/``; special files (devices, FIFOs, sockets)
are refused. Writes are atomic (temp file in the same directory, fsync, ``os.replace``) and
keep the file's line endings, encoding (UTF-8 BOM, PEP 263 coding cookie) and permissions.
``apply`` validates a whole ``Change`` in memory before touching the disk, so a refused path
or a bad edit writes nothing. (``sea_lsp.server.edits`` turns a ``Change`` into an LSP edit.)
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import tempfile
from pathlib import Path

from sea_lsp.workspace.changes import Change, ChangeError, apply_edits

_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_BOM = codecs.BOM_UTF8


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
        real = Path(os.path.realpath(p))
        self._check(path, real)
        return real

    def _lexical(self, path: str) -> Path:
        """``path`` with its directory resolved but its last component kept (a symlink stays one)."""
        if not isinstance(path, str) or not path or "\x00" in path:
            raise UnsafePathError(str(path), "empty path or NUL byte", self.root)
        p = Path(path)
        if not p.is_absolute():
            p = self.root / p
        parent = Path(os.path.realpath(p.parent))
        if p.name in ("", ".", ".."):
            return Path(os.path.realpath(p))
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
        return decode_file(self.resolve(path).read_bytes(), path)

    def write_text(self, path: str, text: str) -> Path:
        """Atomically replace ``path``'s text, keeping its line endings, encoding and mode."""
        real = self.resolve(path)
        if real.is_dir():
            raise IsADirectoryError(f"cannot write text to {path!r}: it is a directory")
        old = real.read_bytes() if real.exists() else None
        mode = stat.S_IMODE(real.stat().st_mode) if old is not None else None
        _atomic_write(real, encode_text(path, text, old), mode)
        return real

    def create(self, path: str, content: str = "", overwrite: bool = False) -> Path:
        """Create a file (and its parent directories, inside the root)."""
        real = self.resolve(path)
        if real.exists() and not overwrite:
            raise FileExistsError(f"cannot create {path!r}: it exists (pass overwrite=True)")
        real.parent.mkdir(parents=True, exist_ok=True)
        return self.write_text(path, content)

    def rename(self, src: str, dst: str, overwrite: bool = False) -> Path:
        """Move a file inside the workspace."""
        s, d = self._lexical(src), self.resolve(dst)
        if not os.path.lexists(s):
            raise FileNotFoundError(f"cannot rename {src!r}: it does not exist")
        self.resolve(src)
        if os.path.lexists(d) and not overwrite:
            raise FileExistsError(f"cannot rename {src!r} to {dst!r}: the target exists")
        d.parent.mkdir(parents=True, exist_ok=True)
        os.replace(s, d)
        return d

    def delete(self, path: str) -> None:
        """Delete a file (a symlink itself, not its target) or an empty directory."""
        p = self._lexical(path)
        self.resolve(path)
        if p.is_symlink() or p.is_file():
            p.unlink()
        elif p.is_dir():
            try:
                p.rmdir()
            except OSError as exc:
                raise IsADirectoryError(
                    f"cannot delete {path!r}: it is a non-empty directory; delete its files first"
                ) from exc
        else:
            raise FileNotFoundError(f"cannot delete {path!r}: it does not exist")

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


def _atomic_write(real: Path, data: bytes, mode: int | None) -> None:
    fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".sea-tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    try:
        dfd = os.open(real.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
