"""The sandbox settings (``sandbox.require``, ``sandbox.network``) and ``sea-lsp doctor``."""

from __future__ import annotations

import pytest

from sea_lsp.cli.main import main
from sea_lsp.config import Settings, SettingsError
from sea_lsp.sandbox import isolation
from sea_lsp.server.lifecycle import apply_sandbox_settings


@pytest.fixture(autouse=True)
def _restore_policy():
    before = isolation.current_policy()
    yield
    isolation.set_policy(before.require, before.network)


def test_settings_reach_the_sandbox_policy(monkeypatch) -> None:
    s = Settings().merged({"trusted": True, "sandbox": {"require": True, "network": True}})
    assert (s.sandbox_require, s.sandbox_network) == (True, True)
    with pytest.raises(SettingsError, match="sea.sandbox.require must be true or false"):
        Settings().merged({"sandbox": {"require": "yes"}})
    monkeypatch.setattr(isolation, "support", lambda: isolation.Support(True, "test"))
    assert apply_sandbox_settings(s) is None
    assert isolation.current_policy() == isolation.Policy(require=True, network=True)
    monkeypatch.setattr(isolation, "support", lambda: isolation.Support(False, "no userns"))
    message = apply_sandbox_settings(Settings().merged({"trusted": True}))
    assert message is not None and "OFF (no userns)" in message and "doctor" in message
    assert apply_sandbox_settings(Settings()) is None  # untrusted: nothing will run


def test_doctor_says_what_the_sandbox_does(capsys, monkeypatch) -> None:
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "sandbox isolation: " in out and "Landlock ABI" in out
    monkeypatch.setattr(isolation, "support", lambda: isolation.Support(False, "no userns"))
    isolation.set_policy(require=True, network=False)
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "OFF (no userns); runs are refused (sandbox.require)" in out
    assert "tests will NOT run" in out
