"""``ServerState`` with several folders: the current request's folder decides the
workspace, symbols, settings, test diagnostics and which offers a change supersedes."""

from __future__ import annotations

from pathlib import Path

from sea_lsp.server.state import PendingOffer, ServerState


def two_folders(tmp_path: Path):
    st = ServerState()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    return st, st.folders.add(tmp_path / "a"), st.folders.add(tmp_path / "b")


def test_the_current_folder_decides_workspace_settings_and_diagnostics(tmp_path: Path) -> None:
    st, a, b = two_folders(tmp_path)
    b.settings = st.base_settings.merged({"trusted": True})
    assert st.workspace is a.workspace and st.symbols is a.symbols  # the primary folder
    assert st.settings.trusted is False
    with st.active(b):
        assert st.workspace is b.workspace and st.symbols is b.symbols
        assert st.settings.trusted is True
        st.test_diagnostics_paths = {"test_b.py"}
    with st.active(a):
        assert st.test_diagnostics_paths == set()
    assert b.test_diagnostics_paths == {"test_b.py"}
    assert st.workspace_for((tmp_path / "b" / "m.py").as_uri()) is b.workspace
    st.settings = st.base_settings.merged({"maxFileBytes": 10})  # sets the session's
    assert st.base_settings.max_file_bytes == 10 and b.settings.max_file_bytes != 10


def test_a_change_supersedes_offers_of_its_own_folder_only(tmp_path: Path) -> None:
    st, a, b = two_folders(tmp_path)
    with st.active(a):
        st.remember(PendingOffer("in-a", "m.py", 1, []))
    with st.active(b):
        st.remember(PendingOffer("in-b", "m.py", 1, []))
        st.mark_stale("m.py", 2)
    assert st.offers["in-b"].stale_since is not None
    assert st.offers["in-a"].stale_since is None
    assert st.offer_folders == {"in-a": a, "in-b": b}
