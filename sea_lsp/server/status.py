"""``sea.status`` and the ``sea/status`` notification: what a status bar shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sea_lsp import __version__
from sea_lsp.sandbox import isolation

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer

STATUS_NOTIFICATION = "sea/status"


def status(ls: SeaServer) -> dict[str, Any]:
    """The payload of ``sea.status`` and ``sea/status``."""
    st = ls.state
    counts = {"offers": 0, "accepted": 0}
    if st.feedback is not None:
        try:
            stats = st.feedback.stats()
            counts = {"offers": stats["offers"], "accepted": stats["accepted"]}
        except Exception:  # noqa: BLE001 - a status bar must not fail on a locked database
            pass
    models = st.models
    loaded = models.loaded if models else None
    return {
        "version": __version__,
        "modelVersion": models.version if models else None,
        "modelReady": bool(models and models.ready),
        # where the model came from (explicit, published, default, untrained) and, when a
        # checkpoint was passed over, why
        "modelSource": loaded.source if loaded else None,
        "modelMessages": list(loaded.messages) if loaded else [],
        "trusted": st.settings.trusted,
        "sandbox": isolation.describe(),  # OS isolation of test runs, or why not
        "taskRunning": st.task_running,
        "feedbackDb": str(st.feedback.path) if st.feedback else st.feedback_error,
        **counts,
    }


def notify_status(ls: SeaServer) -> None:
    """Send ``sea/status`` (safe from any thread)."""
    ls.call_in_loop(lambda: ls.protocol.notify(STATUS_NOTIFICATION, status(ls)))
