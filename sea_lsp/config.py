"""User settings, shared by the server (initializationOptions, ``workspace/configuration``)
and the command line. Unknown keys are ignored; wrong types raise ``SettingsError``
with the name of the setting and what it expects."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any


class SettingsError(ValueError):
    """A setting has the wrong type or value; the message names it and says what is expected."""


@dataclass(frozen=True)
class LLMSettings:
    base_url: str | None = None  # e.g. http://127.0.0.1:11434/v1 ; None = off
    model: str = ""
    api_key_env: str = "SEA_LLM_API_KEY"  # name of the environment variable holding the key
    timeout_s: float = 30.0
    max_proposals: int = 3

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.model)


@dataclass(frozen=True)
class Settings:
    trusted: bool = False  # may the agent run code (tests) in a sandbox copy of the workspace?
    budget_evaluations: int = 200  # test evaluations per task
    budget_seconds: float = 60.0  # wall-clock seconds per task
    test_command: str | None = None  # None = pytest
    test_timeout_s: float = 60.0  # one whole test run
    test_case_timeout_s: float = 5.0  # one test: past it, the test fails as a hang
    max_file_bytes: int = 1_000_000
    feedback_path: str | None = None  # None = the XDG data dir
    store_source_text: bool = False
    checkpoint: str | None = None  # None = newest published, else the embedded default
    log_level: str = "INFO"
    llm: LLMSettings = field(default_factory=LLMSettings)
    lightbulb_max_entries: int = 5  # code actions shown (0: the whole ranked list, as before)
    lightbulb_show_guesses: bool = True  # unverified guesses behind "More SEA suggestions…"
    sandbox_require: bool = False  # refuse to run tests where the OS cannot isolate them
    sandbox_network: bool = False  # let isolated tests reach the network
    code_action_deadline_ms: float = 50.0  # answer with what is ready by then (0: wait for all)
    # a code action on a document changed less than this ago answers from the last answer,
    # carried to the new text; the new version's work waits for this long a pause (0: never)
    typing_idle_ms: float = 300.0
    # How a task's search orders its candidates: "fl" (fault localisation and edit-family
    # priors), "learned" (that order re-scored by the ranking fitted on the repair benchmark's
    # train bugs, ``repair_rank``) or "policy" (the learned policy). fl is the default because
    # it fixes more of the repair benchmark's held-out bugs than the policy does
    # (benchmarks/README.md).
    search_ranking: str = "fl"

    def merged(self, raw: dict[str, Any] | None) -> Settings:
        """A copy with the camelCase or snake_case keys of ``raw`` applied (LSP clients send camelCase)."""
        if not raw:
            return self
        if not isinstance(raw, dict):
            raise SettingsError(f"sea settings must be an object, got {type(raw).__name__}")
        changes: dict[str, Any] = {}
        known = {f.name: f for f in fields(self)}
        for key, value in raw.items():
            name = _snake(key)
            if name == "budget" and isinstance(value, dict):
                for k, v in value.items():
                    sub = {"evaluations": "budget_evaluations", "seconds": "budget_seconds"}.get(k)
                    if sub:
                        changes[sub] = _coerce(sub, v, type(getattr(self, sub)))
                continue
            if name == "sandbox" and isinstance(value, dict):  # sandbox.require, sandbox.network
                for k, v in value.items():
                    sub = {"require": "sandbox_require", "network": "sandbox_network"}.get(k)
                    if sub:
                        changes[sub] = _coerce(f"sandbox.{k}", v, bool)
                continue
            if name not in known or value is None and name not in _NULLABLE:
                continue
            if name == "llm":
                changes["llm"] = _merge_llm(self.llm, value)
                continue
            current = getattr(self, name)
            expected = type(current) if current is not None else str
            changes[name] = None if value is None else _coerce(name, value, expected)
            if name == "search_ranking" and value not in SEARCH_RANKINGS:
                raise SettingsError(
                    f"setting sea.searchRanking must be one of {', '.join(SEARCH_RANKINGS)}, "
                    f"got {value!r}"
                )
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_NULLABLE = {"test_command", "feedback_path", "checkpoint"}
SEARCH_RANKINGS = ("fl", "learned", "policy")


def _snake(key: str) -> str:
    out = []
    for ch in key:
        if ch.isupper():
            out.append("_" + ch.lower())
        else:
            out.append(ch)
    return "".join(out)


def _coerce(name: str, value: Any, expected: type) -> Any:
    if expected is bool:
        if isinstance(value, bool):
            return value
        raise SettingsError(f"setting sea.{name} must be true or false, got {value!r}")
    if expected in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SettingsError(f"setting sea.{name} must be a number, got {value!r}")
        if value < 0:
            raise SettingsError(f"setting sea.{name} must not be negative, got {value!r}")
        return expected(value)
    if expected is str:
        if not isinstance(value, str):
            raise SettingsError(f"setting sea.{name} must be a string, got {value!r}")
        return value
    return value


def _merge_llm(current: LLMSettings, value: Any) -> LLMSettings:
    if not isinstance(value, dict):
        raise SettingsError("setting sea.llm must be an object with baseUrl, model, apiKeyEnv")
    changes: dict[str, Any] = {}
    for key, v in value.items():
        name = _snake(key)
        if name not in {f.name for f in fields(LLMSettings)}:
            continue
        if name == "base_url" and v in (None, ""):
            changes[name] = None
            continue
        expected = type(getattr(LLMSettings(), name)) if name != "base_url" else str
        changes[name] = _coerce(f"llm.{name}", v, expected)
    return replace(current, **changes)
