"""``sea.accept``, ``sea.reject``, ``sea.status`` and ``sea.train``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

from loguru import logger

from sea_lsp.paths import logs_dir
from sea_lsp.server.args import bad, optional_int, optional_str, required_str
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
        proc = subprocess.Popen(
            [sys.executable, "-m", "sea_lsp", "train"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=str(ls.state.workspace.root) if ls.state.workspace else None,
            env=env,
            start_new_session=True,
        )
    ls.state.train_process = proc
    ls.state.train_log = str(log)
    logger.info("started sea-lsp train (pid {}), log {}", proc.pid, log)
    return {"started": True, "pid": proc.pid, "log": str(log)}
