"""Checking command arguments: each command takes one object; wrong shapes get a clear
InvalidParams error instead of a crash."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcInvalidParams

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer


def bad(message: str) -> JsonRpcInvalidParams:
    return JsonRpcInvalidParams.of(ValueError(message))


def one_object(command: str, args: tuple[Any, ...]) -> dict[str, Any]:
    """The single object argument of ``command`` (``{}`` when none was sent)."""
    if not args or (len(args) == 1 and args[0] is None):
        return {}
    if len(args) != 1 or not isinstance(args[0], dict):
        raise bad(
            f"{command} takes one object argument, e.g. {command} {{...}}; got {list(args)!r}"
        )
    return args[0]


def optional_str(arg: dict[str, Any], key: str) -> str | None:
    value = arg.get(key)
    if value is not None and not isinstance(value, str):
        raise bad(f"argument {key!r} must be a string, got {value!r}")
    return value


def required_str(arg: dict[str, Any], key: str) -> str:
    value = optional_str(arg, key)
    if not value:
        raise bad(f"argument {key!r} (a string) is required")
    return value


def optional_int(arg: dict[str, Any], key: str) -> int | None:
    value = arg.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise bad(f"argument {key!r} must be an integer, got {value!r}")
    return value


def require_trusted(ls: SeaServer, what: str) -> None:
    """Refuse execution in an untrusted workspace (with a message the user sees)."""
    if not ls.state.settings.trusted:
        message = (
            f"sea-lsp will not {what}: this workspace is not trusted. Trust the workspace "
            "(VS Code: Manage Workspace Trust) or set sea.trusted to true."
        )
        ls.show(message, warning=True)
        raise ls.user_error(message)
