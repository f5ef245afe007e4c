"""``FolderSet``: which folder serves a file, single-file roots, adding and removing."""

from __future__ import annotations

from pathlib import Path

from sea_lsp.workspace.folders import FolderSet, path_of_uri, project_root_for


def test_single_file_root_is_the_nearest_marker_else_the_files_directory(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "pkg" / "deep").mkdir(parents=True)
    (project / "setup.cfg").write_text("[metadata]\n")
    assert project_root_for(project / "pkg" / "deep" / "m.py") == project
    (project / "pkg" / ".git").mkdir()
    assert project_root_for(project / "pkg" / "deep" / "m.py") == project / "pkg"
    loose = tmp_path / "loose"
    loose.mkdir()
    assert project_root_for(loose / "intervals.py") in (loose, *loose.parents)
    # no marker anywhere above the tmp directory (pytest's tmp has none): its own directory
    if not any((p / m).exists() for p in loose.parents for m in (".git", "pyproject.toml")):
        assert project_root_for(loose / "intervals.py") == loose


def test_a_marker_in_the_home_directory_makes_no_project(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".git").mkdir(parents=True)  # a dotfiles repository
    (home / "scratch").mkdir()
    assert project_root_for(home / "scratch" / "x.py", home=home) == home / "scratch"
    assert project_root_for(home / "x.py", home=home) == home  # a file in ~ itself


def test_a_file_belongs_to_the_deepest_folder(tmp_path: Path) -> None:
    outer, inner = tmp_path / "outer", tmp_path / "outer" / "inner"
    inner.mkdir(parents=True)
    folders = FolderSet()
    folders.add(outer)
    folders.add(inner)
    assert folders.for_path(inner / "a.py").root == inner.resolve()
    assert folders.for_path(outer / "b.py").root == outer.resolve()
    assert folders.for_path(tmp_path / "outer2" / "c.py") is None  # a prefix is not a parent
    assert folders.primary.root == outer.resolve()


def test_a_loose_file_gets_a_single_file_folder_once(tmp_path: Path) -> None:
    (tmp_path / "served").mkdir()
    loose = tmp_path / "scratch"
    loose.mkdir()
    (loose / "pyproject.toml").write_text("")
    folders = FolderSet()
    folders.add(tmp_path / "served")
    uri = (loose / "sub" / "x.py").as_uri()
    folder = folders.for_uri(uri)
    assert folder.single_file and folder.root == loose.resolve()
    assert folders.for_uri((loose / "y.py").as_uri()) is folder
    assert len(folders) == 2 and folders.primary.root == (tmp_path / "served").resolve()
    assert folders.for_uri("untitled:Untitled-1") is None
    assert path_of_uri("https://example.com/x.py") is None
    # the client later names it as a workspace folder: it is one
    assert folders.add(loose) is folder and not folder.single_file


def test_a_removed_folder_stays_while_documents_are_open(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    folders = FolderSet()
    folder = folders.add(root)
    folder.workspace.open("m.py", "x = 1\n", 1)
    assert folders.remove(root) is folder and folder.single_file
    assert folders.for_path(root / "m.py") is folder
    folder.workspace.close("m.py")
    folders.remove(root)
    assert len(folders) == 0 and folders.for_path(root / "m.py") is None
