"""Workspace listing, ignore rules, open documents, URIs and bad input."""

from __future__ import annotations

import os

import pytest

from sea_lsp.actions.base import WorkspaceView
from sea_lsp.workspace.workspace import OutsideWorkspaceError, Workspace


def write(root, rel, data: bytes | str = "x = 1\n"):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return p


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "proj"
    write(root, "pkg/mod.py")
    write(root, "pkg/gen/out.py")
    write(root, "pkg/.gitignore", "gen/\n")
    write(root, ".gitignore", "*.log\n!keep.log\nsecret/\n")
    write(root, "app.log", "noise")
    write(root, "keep.log", "kept")
    write(root, "secret/key.py")
    write(root, ".git/config", "[core]")
    write(root, "env/pyvenv.cfg", "home = /usr")
    write(root, "env/lib/site.py")
    write(root, ".venv/lib/x.py")
    write(root, "node_modules/a/index.js", "1")
    write(root, "pkg/__pycache__/mod.cpython-312.pyc", b"\0\1")
    write(root, "build/lib/b.py")
    write(root, "image.png", b"\x89PNG\0\0\0")
    return root


def test_files_honour_ignore_rules(project):
    ws = Workspace(project)
    assert isinstance(ws, WorkspaceView)
    assert ws.files() == [".gitignore", "keep.log", "pkg/.gitignore", "pkg/mod.py"]


def test_symlink_loop_and_escaping_symlinks_are_skipped(project, tmp_path):
    outside = write(tmp_path, "outside/secret.py")
    os.symlink(project, project / "pkg" / "loop")
    os.symlink(outside, project / "escape.py")
    os.symlink(outside.parent, project / "escape_dir")
    os.symlink(project / "pkg" / "mod.py", project / "alias.py")
    ws = Workspace(project)
    files = ws.files()
    assert "alias.py" in files
    assert not any(f.startswith(("pkg/loop", "escape")) for f in files)
    assert ws.document("escape.py") is None  # never read through a link out of the root
    assert ws.read_text("alias.py") == "x = 1\n"


def test_bad_files_are_skipped_with_none(project):
    write(project, "latin1.py", "café = 1\n".encode("latin-1"))
    write(project, "nul.py", b"x = 1\0\n")
    big = project / "big.py"
    with open(big, "wb") as fh:  # sparse 50 MB file: instant to create
        fh.truncate(50 * 1024 * 1024)
    ws = Workspace(project)
    assert ws.document("latin1.py") is None
    assert ws.read_text("nul.py") is None
    assert ws.tree("big.py") is None
    assert "big.py" not in ws.files() and "nul.py" not in ws.files()
    assert "latin1.py" in ws.files()  # text-looking; refused only when read
    assert ws.document("missing.py") is None
    assert ws.document("../outside.py") is None


def test_file_deleted_between_listing_and_reading(project):
    ws = Workspace(project)
    assert "pkg/mod.py" in ws.files()
    (project / "pkg" / "mod.py").unlink()
    assert ws.document("pkg/mod.py") is None


def test_disk_cache_follows_mtime_and_size(project):
    ws = Workspace(project)
    assert ws.read_text("pkg/mod.py") == "x = 1\n"
    doc = ws.document("pkg/mod.py")
    assert ws.document("pkg/mod.py") is doc
    write(project, "pkg/mod.py", "x = 22\n")
    assert ws.read_text("pkg/mod.py") == "x = 22\n"


def test_open_documents_win_and_changes_apply(project):
    ws = Workspace(project)
    ws.open("pkg/mod.py", "x = 1\ny = 2\n", 1)
    ws.change("pkg/mod.py", [((1, 4, 1, 5), "3"), {"range": None, "text": "z = 😀\n"}], 2)
    ws.change("pkg/mod.py", [((0, 4, 0, 6), "'ok'")], 3)  # utf-16: the emoji is 2 units
    assert ws.read_text("pkg/mod.py") == "z = 'ok'\n"
    assert ws.document("pkg/mod.py").version == 3
    ws.change("pkg/mod.py", [((0, 5, 0, 1), "bad")], 4)  # reversed range: logged, skipped
    assert ws.read_text("pkg/mod.py") == "z = 'ok'\n"
    ws.open("new.py", "a = 1\n")
    assert "new.py" in ws.files()
    ws.close("pkg/mod.py")
    assert ws.read_text("pkg/mod.py") == "x = 1\n"
    assert ws.change("never_opened.py", [(None, "")]) is None


def test_uris_round_trip_and_refuse_outside(project):
    ws = Workspace(project)
    uri = ws.uri_for("pkg/my file#1.py")
    assert uri.startswith("file://") and "my%20file%231.py" in uri
    assert ws.path_from_uri(uri) == "pkg/my file#1.py"
    with pytest.raises(OutsideWorkspaceError):
        ws.path_from_uri((project.parent / "other.py").as_uri())
    with pytest.raises(OutsideWorkspaceError):
        ws.path_from_uri("untitled:Untitled-1")
    with pytest.raises(OutsideWorkspaceError):
        ws.uri_for("../x.py")


def test_listing_is_cached_until_forget(project):
    ws = Workspace(project)
    assert "later.py" not in ws.files()
    write(project, "later.py")
    ws.forget()
    assert "later.py" in ws.files()
