"""WorkspaceFS: refused paths write nothing; writes keep line endings, encoding and mode."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

from sea_lsp.workspace.changes import Change, ChangeError, FileOp, TextEdit
from sea_lsp.workspace.safe_fs import TMP_PREFIX, UnsafePathError, WorkspaceFS


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "mod.py").write_text("x = 1\n")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]\n")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("../../etc/passwd", "'..'"),
        ("/etc/passwd", "absolute path outside"),
        (".git/config", ".git"),
        ("pkg/../.git/config", ".git"),
        ("", "empty"),
        (".", "workspace root itself"),
    ],
)
def test_escapes_are_refused_with_a_clear_message(ws: Path, path: str, why: str) -> None:
    fs = WorkspaceFS(ws)
    before = snapshot(ws)
    with pytest.raises(UnsafePathError) as err:
        fs.write_text(path, "pwned\n")
    msg = str(err.value)
    assert why in msg and "only writes inside the workspace root" in msg
    assert snapshot(ws) == before


def test_symlink_out_of_the_workspace_is_refused(ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (ws / "escape").symlink_to("/")
    (ws / "out").symlink_to(outside)
    fs = WorkspaceFS(ws)
    for path in ("escape/etc/passwd", "out/new.py"):
        with pytest.raises(UnsafePathError, match="symlink"):
            fs.create(path, "x")
    assert list(outside.iterdir()) == []


def test_symlink_inside_the_workspace_writes_the_target(ws: Path) -> None:
    (ws / "link.py").symlink_to("pkg/mod.py")
    WorkspaceFS(ws).write_text("link.py", "x = 2\n")
    assert (ws / "pkg" / "mod.py").read_text() == "x = 2\n"
    assert (ws / "link.py").is_symlink()


def test_fifo_is_refused(ws: Path) -> None:
    os.mkfifo(ws / "pipe")
    with pytest.raises(UnsafePathError, match="FIFO"):
        WorkspaceFS(ws).write_text("pipe", "x")


def test_write_keeps_crlf_bom_and_mode(ws: Path) -> None:
    f = ws / "win.py"
    f.write_bytes(b"\xef\xbb\xbfa = 1\r\nb = 2\r\n")
    f.chmod(0o750)
    fs = WorkspaceFS(ws)
    text = fs.read_text("win.py")
    assert text == "a = 1\r\nb = 2\r\n"
    fs.write_text("win.py", "a = 1\nb = 3\nc = 'é'\n")
    assert f.read_bytes() == "\ufeffa = 1\r\nb = 3\r\nc = 'é'\r\n".encode()
    assert stat.S_IMODE(f.stat().st_mode) == 0o750
    assert not [p for p in ws.iterdir() if p.name.startswith(TMP_PREFIX)]


def test_write_keeps_a_coding_cookie(ws: Path) -> None:
    f = ws / "old.py"
    f.write_bytes("# -*- coding: latin-1 -*-\ns = 'é'\n".encode("latin-1"))
    fs = WorkspaceFS(ws)
    fs.write_text("old.py", fs.read_text("old.py").replace("é", "ü"))
    assert f.read_bytes() == "# -*- coding: latin-1 -*-\ns = 'ü'\n".encode("latin-1")
    with pytest.raises(ValueError, match="coding cookie"):
        fs.write_text("old.py", "# -*- coding: latin-1 -*-\ns = '€'\n")


def test_create_rename_delete(ws: Path) -> None:
    fs = WorkspaceFS(ws)
    fs.create("new/deep/a.py", "a = 1\n")
    assert (ws / "new/deep/a.py").read_text() == "a = 1\n"
    with pytest.raises(FileExistsError):
        fs.create("new/deep/a.py", "again")
    fs.rename("new/deep/a.py", "new/b.py")
    assert not (ws / "new/deep/a.py").exists() and (ws / "new/b.py").exists()
    with pytest.raises(FileExistsError):
        fs.rename("new/b.py", "pkg/mod.py")
    with pytest.raises(UnsafePathError):
        fs.rename("new/b.py", "../b.py")
    fs.delete("new/b.py")
    assert not (ws / "new/b.py").exists()
    with pytest.raises(IsADirectoryError, match="non-empty"):
        fs.delete("pkg")


def test_apply_validates_everything_before_writing(ws: Path) -> None:
    fs = WorkspaceFS(ws)
    before = snapshot(ws)
    bad = Change(
        edits=(TextEdit("pkg/mod.py", 0, 1, "y"),),
        file_ops=(
            FileOp("create", "ok.py", content="1"),
            FileOp("create", "../evil.py", content=""),
        ),
    )
    with pytest.raises(UnsafePathError):
        fs.apply(bad)
    overlapping = Change(
        edits=(TextEdit("pkg/mod.py", 0, 3, "a"), TextEdit("pkg/mod.py", 2, 4, "b"))
    )
    with pytest.raises(ChangeError):
        fs.apply(overlapping)
    assert snapshot(ws) == before


def test_apply_runs_ops_then_edits(ws: Path) -> None:
    fs = WorkspaceFS(ws)
    change = Change(
        edits=(TextEdit("pkg/renamed.py", 4, 5, "42"), TextEdit("tests/test_x.py", 0, 0, "# t\n")),
        file_ops=(
            FileOp("rename", "pkg/mod.py", new_path="pkg/renamed.py"),
            FileOp("create", "tests/test_x.py", content="def test(): pass\n"),
        ),
    )
    touched = fs.apply(change)
    assert (ws / "pkg/renamed.py").read_text() == "x = 42\n"
    assert (ws / "tests/test_x.py").read_text() == "# t\ndef test(): pass\n"
    assert "pkg/mod.py" in touched and not (ws / "pkg/mod.py").exists()


def test_a_255_byte_name_is_written(ws: Path) -> None:
    name = "a" * 252 + ".py"  # the longest legal name: the temp name must not grow from it
    fs = WorkspaceFS(ws)
    fs.create(f"pkg/{name}", "x = 1\n")
    fs.write_text(f"pkg/{name}", "x = 2\n")
    assert (ws / "pkg" / name).read_text() == "x = 2\n"
    long_dir = "d" * 255
    fs.create(f"{long_dir}/{name}", "y = 1\n")
    fs.rename(f"{long_dir}/{name}", f"pkg/{'b' * 252}.py")
    assert (ws / "pkg" / f"{'b' * 252}.py").read_text() == "y = 1\n"
    assert not [p for p in (ws / "pkg").iterdir() if p.name.startswith(TMP_PREFIX)]


def test_a_symlinked_directory_component_is_refused(ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.py").write_text("keep\n")
    (ws / "pkg" / "out").symlink_to(outside)
    fs = WorkspaceFS(ws)
    attempts = [
        lambda: fs.create("pkg/out/new.py", "x"),
        lambda: fs.write_text("pkg/out/victim.py", "pwned"),
        lambda: fs.rename("pkg/mod.py", "pkg/out/mod.py"),
        lambda: fs.rename("pkg/out/victim.py", "pkg/v.py"),
        lambda: fs.delete("pkg/out/victim.py"),
    ]
    for attempt in attempts:
        with pytest.raises(UnsafePathError, match="symlink"):
            attempt()
    assert sorted(p.name for p in outside.iterdir()) == ["victim.py"]
    assert (outside / "victim.py").read_text() == "keep\n"


def test_a_directory_swapped_after_the_check_is_not_followed(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    fs = WorkspaceFS(ws)
    checked = fs.resolve

    def check_then_swap(path: str) -> Path:
        real = checked(path)  # the path is checked while pkg is a real directory ...
        if (ws / "pkg").is_dir() and not (ws / "pkg").is_symlink():
            (ws / "pkg").rename(tmp_path / "aside")  # ... then swapped for a symlink out
            (ws / "pkg").symlink_to(outside)
        return real

    monkeypatch.setattr(fs, "resolve", check_then_swap)
    with pytest.raises(UnsafePathError, match="'pkg' is a symlink"):
        fs.write_text("pkg/mod.py", "pwned\n")
    assert list(outside.iterdir()) == []


def test_swapping_a_directory_during_writes_never_writes_outside(ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    sub, aside = ws / "pkg", tmp_path / "aside"
    fs = WorkspaceFS(ws)
    stop = threading.Event()
    swaps = 0

    def swapper() -> None:
        nonlocal swaps
        while not stop.is_set():
            sub.rename(aside)
            sub.symlink_to(outside)
            sub.unlink()
            aside.rename(sub)
            swaps += 1
            time.sleep(0)  # let the writer run

    thread = threading.Thread(target=swapper)
    thread.start()
    written = refused = 0
    try:
        for i in range(3000):
            try:
                fs.write_text(f"pkg/f{i % 7}.py", f"x = {i}\n")
                written += 1
            except (UnsafePathError, FileNotFoundError):
                refused += 1  # the swap was seen: refused, never followed
    finally:
        stop.set()
        thread.join()
    assert list(outside.iterdir()) == []
    assert swaps > 0 and written > 0 and written + refused == 3000
