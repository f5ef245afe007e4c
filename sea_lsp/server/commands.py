"""``sea.accept``, ``sea.reject``, ``sea.status``, ``sea.train``, and the lightbulb's
``sea.moreSuggestions`` / ``sea.applySuggestion``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

from loguru import logger
from lsprotocol import types as lsp

from sea_lsp.paths import logs_dir
from sea_lsp.server import lightbulb
from sea_lsp.server.args import bad, optional_int, optional_str, required_str
from sea_lsp.server.edits import workspace_edit
from sea_lsp.server.status import notify_status, status

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer


def _decide(ls: SeaServer, what: str, offer_id: str, *args: Any) -> dict[str, Any]:
    pending = ls.state.offers.get(offer_id)
    if pending is not None:
        pending.decided = True
    if offer_id.startswith("unrecorded-"):
        return {"recorded": False, "reason": ls.state.feedback_error or "offer was not recorded"}
    if ls.state.feedback is None:
        return {"recorded": False, "reason": ls.state.feedback_error or "no feedback database"}
    try:
        getattr(ls.state.feedback, what)(offer_id, *args)
    except KeyError as exc:
        raise bad(f"unknown offer {offer_id!r}; it may come from another sea-lsp session") from exc
    except IndexError as exc:
        raise bad(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - FeedbackError and sqlite trouble: keep serving
        logger.error("recording {} failed: {}", what, exc)
        ls.show_once(str(exc))
        return {"recorded": False, "reason": str(exc)}
    notify_status(ls)
    return {"recorded": True}


def accept(ls: SeaServer, arg: dict[str, Any]) -> dict[str, Any]:
    """The client applied a code action's edit; this is the acceptance."""
    offer_id = required_str(arg, "offer")
    index = optional_int(arg, "index")
    if index is None:
        raise bad("sea.accept needs an integer 'index'")
    return _decide(ls, "record_accept", offer_id, index)


def reject(ls: SeaServer, arg: dict[str, Any]) -> dict[str, Any]:
    offer_id = required_str(arg, "offer")
    index = optional_int(arg, "index")
    reason = optional_str(arg, "reason") or ""
    return _decide(ls, "record_reject", offer_id, index, reason)


def sea_status(ls: SeaServer, arg: dict[str, Any]) -> dict[str, Any]:
    return status(ls)


def train(ls: SeaServer, arg: dict[str, Any]) -> dict[str, Any]:
    """Start ``sea-lsp train`` in the background; its output goes to a log in the data dir."""
    running = ls.state.train_process
    if running is not None and running.poll() is None:
        return {
            "started": False,
            "pid": running.pid,
            "log": ls.state.train_log,
            "reason": "running",
        }
    directory = logs_dir()
    directory.mkdir(parents=True, exist_ok=True)
    log = directory / f"train-{time.strftime('%Y%m%d-%H%M%S')}.log"
    env = dict(os.environ)
    with log.open("ab") as out:
        # -I (no PYTHON* variables, no user site, no script or working directory on
        # sys.path) and a working directory outside the workspace: a workspace's own
        # `loguru.py` or `torch/` is never imported in place of ours, trusted or not
        proc = subprocess.Popen(
            [sys.executable, "-I", "-m", "sea_lsp", "train"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=str(directory),
            env=env,
            start_new_session=True,
        )
    ls.state.train_process = proc
    ls.state.train_log = str(log)
    logger.info("started sea-lsp train (pid {}), log {}", proc.pid, log)
    return {"started": True, "pid": proc.pid, "log": str(log)}


MAX_PICK = 9  # entries a generic client's message-request picker shows


async def more_suggestions(ls: SeaServer, arg: dict[str, Any]) -> dict[str, Any]:
    """What "More SEA suggestions…" stands for. VS Code and Neovim call it with
    ``list: true`` and show their own picker; a client that runs the entry itself is asked
    with a message request, and the chosen one is applied as ``sea.applySuggestion``."""
    offer_id = required_str(arg, "offer")
    items = lightbulb.rest_of(ls, offer_id)
    if items is None:
        raise bad("these suggestions are out of date; request code actions again")
    out: dict[str, Any] = {"offer": offer_id, "items": items}
    if arg.get("list") is True or not items:
        return out
    titles = [item["title"] for item in items[:MAX_PICK]]
    choice = await ls.window_show_message_request_async(
        lsp.ShowMessageRequestParams(
            type=lsp.MessageType.Info,
            message="sea: more suggestions (not verified by the tests)",
            actions=[lsp.MessageActionItem(title=t) for t in titles],
        )
    )
    if choice is None or choice.title not in titles:
        return {**out, "applied": False}
    index = items[titles.index(choice.title)]["index"]
    return {**out, **await apply_suggestion(ls, {"offer": offer_id, "index": index})}


async def apply_suggestion(ls: SeaServer, arg: dict[str, Any]) -> dict[str, Any]:
    """Apply entry ``index`` of an offer (picked from "More SEA suggestions…") through
    ``workspace/applyEdit``; once the editor applied it, it is recorded as the acceptance."""
    offer_id = required_str(arg, "offer")
    index = optional_int(arg, "index")
    pending = ls.state.offers.get(offer_id)
    if pending is None or index is None or not 0 <= index < len(pending.candidates):
        raise bad("this suggestion is out of date; request code actions again")
    ws = ls.state.workspace
    doc = ws.document(pending.path) if pending.path else None
    if pending.path is not None and (doc is None or doc.version != pending.version):
        raise bad(
            "the document changed after this suggestion was offered; request code actions again"
        )
    candidate = pending.candidates[index]
    answer = await ls.workspace_apply_edit_async(
        lsp.ApplyWorkspaceEditParams(
            edit=workspace_edit(ls, candidate.change), label=f"sea: {candidate.title}"
        )
    )
    if answer is None or not answer.applied:
        reason = getattr(answer, "failure_reason", None) or "the editor refused the edit"
        return {"applied": False, "recorded": False, "reason": reason}
    return {"applied": True, **_decide(ls, "record_accept", offer_id, index)}
