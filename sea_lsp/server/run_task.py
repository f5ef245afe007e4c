"""``sea.runTask`` and ``sea.fixFailingTests``: the agent works in a worker thread with
progress and cancellation; its result is previewed (Apply / Show diff / Reject) and only
applied through ``workspace/applyEdit`` when the user says so."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from loguru import logger
from lsprotocol import types as lsp

from sea_lsp.paths import data_dir
from sea_lsp.server.args import bad, optional_str, require_trusted, required_str
from sea_lsp.server.documents import workspace_path
from sea_lsp.server.edits import workspace_edit
from sea_lsp.server.progress import Progress
from sea_lsp.server.status import notify_status
from sea_lsp.workspace.changes import ChangeError

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer

APPLY, SHOW_DIFF, REJECT = "Apply", "Show diff", "Reject"
MODEL_WAIT_S = 120.0


def _focus(ls: SeaServer, arg: dict[str, Any]) -> tuple[str | None, tuple[int, int] | None]:
    uri = optional_str(arg, "uri")
    if uri is None:
        return None, None
    ws = ls.state.workspace
    path = workspace_path(ls, uri)
    rng = arg.get("range")
    if rng is None:
        return path, None
    try:
        start, end = rng["start"], rng["end"]
        doc = ws.document(path)
        enc = ls.state.position_encoding
        a = doc.index.position_to_byte(int(start["line"]), int(start["character"]), enc)
        b = doc.index.position_to_byte(int(end["line"]), int(end["character"]), enc)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise bad(f"argument 'range' must be an LSP Range of an open document: {exc}") from exc
    return path, (a, min(max(a, b), len(doc.data)))


async def fix_failing_tests(ls: SeaServer, arg: dict[str, Any]) -> dict[str, Any]:
    require_trusted(ls, "run the tests to fix them")
    return await _run(ls, "fix the failing tests", arg)


async def run_task(ls: SeaServer, arg: dict[str, Any]) -> dict[str, Any]:
    return await _run(ls, required_str(arg, "text"), arg)


async def _run(ls: SeaServer, text: str, arg: dict[str, Any]) -> dict[str, Any]:
    st = ls.state
    import sea_lsp.agent.search as agent  # torch and the search load on first use

    if st.task_running:
        raise ls.user_error("a sea-lsp task is already running; wait for it or cancel it")
    focus_path, focus_range = _focus(ls, arg)
    try:
        task = agent.assign_task(
            text, st.workspace, settings=st.settings, focus_path=focus_path, focus_range=focus_range
        )
    except agent.TaskError as exc:
        raise ls.user_error(str(exc)) from exc
    st.task_running = True
    notify_status(ls)
    try:
        async with Progress(ls, f"sea: {text}") as progress:
            model = await _loaded_model(ls, progress)
            # the agent reads a frozen snapshot: didChange keeps editing the live documents
            # on this thread while the search walks and reparses trees in the worker
            snapshot = st.workspace.snapshot()
            result = await asyncio.to_thread(
                agent.execute_task,
                task,
                snapshot,
                settings=st.settings,
                model=model,
                progress=_reporter(progress),
                cancel=progress.cancel,
            )
    except Exception as exc:
        from sea_lsp.sandbox.sandbox import ExecutionRefused

        # the project cannot be worked on as it is (its tests do not even collect on the
        # text in the editor, ...): the user reads why, the server goes on
        if isinstance(exc, (ExecutionRefused, agent.TaskError)):
            raise ls.user_error(str(exc)) from exc
        raise
    finally:
        st.task_running = False
        notify_status(ls)
    if progress.cancel.is_set():
        return _answer(result, summary="cancelled: " + result.summary)
    if result.change.is_empty():
        ls.show(f"sea: {result.summary}")
        return _answer(result)
    return await _offer(ls, text, focus_path, result, model, snapshot)


async def _loaded_model(ls: SeaServer, progress: Progress) -> Any:
    """The current model, once it has loaded (waiting up to ``MODEL_WAIT_S``); None without one."""
    models = ls.state.models
    if models is not None and not models.ready:
        progress(0, "loading the model")
        await asyncio.to_thread(models.wait, MODEL_WAIT_S)
    return models.get() if models else None


def _reporter(progress: Progress) -> Callable[[Any], None]:
    """The agent's progress callback: evaluations spent out of the budget, as a percentage."""

    def report(p: Any) -> None:
        done = 100.0 * p.evaluations / max(1, p.budget)
        progress(done, p.message or f"{p.evaluations}/{p.budget} evaluations")

    return report


def _answer(result: Any, summary: str | None = None, offer: str | None = None) -> dict[str, Any]:
    return {
        "solved": bool(result.solved),
        "summary": result.summary if summary is None else summary,
        "applied": False,
        "offer": offer,
    }


async def _offer(
    ls: SeaServer, text: str, focus_path: str | None, result: Any, model: Any, snapshot: Any
) -> dict[str, Any]:
    """Record the result as an offer and preview it; applied only if the user says so."""
    offer_id = _record(ls, text, focus_path, result, model)
    out = _answer(result, offer=offer_id)
    read = {path: snapshot.read_text(path) for path in result.change.paths}
    out["applied"] = await preview(ls, offer_id, result, read)
    return out


def changed_since(ls: SeaServer, read: dict[str, str | None]) -> list[str]:
    """The files whose text is no longer the one the task read (edited while it ran or
    while its preview was open): its edits' offsets would land in the wrong places."""
    ws = ls.state.workspace
    return sorted(path for path, text in read.items() if ws.read_text(path) != text)


def _record(ls: SeaServer, text: str, path: str | None, result: Any, model: Any) -> str | None:
    """Log the task result as an offer: the proposal among the alternatives the search weighed."""
    from sea_lsp.feedback.task_offers import record_task

    st = ls.state
    if st.feedback is None:
        return None
    try:
        offer_id, index = record_task(
            st.feedback,
            str(st.workspace.root),
            path,
            result,
            str(getattr(model, "version", "unranked")),
        )
    except Exception as exc:  # noqa: BLE001 - keep serving without feedback
        ls.show_once(str(exc))
        return None
    st.task_choice[offer_id] = index
    return offer_id


async def preview(
    ls: SeaServer, offer_id: str | None, result: Any, read: dict[str, str | None] | None = None
) -> bool:
    """Ask Apply / Show diff / Reject until the user decides; True when applied. ``read``
    holds the texts the result was computed on: Apply refuses once one of them changed."""
    actions = [lsp.MessageActionItem(title=t) for t in (APPLY, SHOW_DIFF, REJECT)]
    verdict = (
        "verified by the tests"
        if getattr(result, "verified_by_tests", False)
        else ("done, not verified by tests" if result.solved else "not verified")
    )
    message = f"sea ({verdict}): {result.summary}"
    while True:
        choice = await ls.window_show_message_request_async(
            lsp.ShowMessageRequestParams(
                type=lsp.MessageType.Info, message=message, actions=actions
            )
        )
        title = choice.title if choice is not None else None
        if title == SHOW_DIFF:
            await _show_diff(ls, offer_id, result.diff)
            continue
        if title == APPLY:
            stale = changed_since(ls, read or {})
            if stale:
                ls.show(
                    f"sea: not applied: {', '.join(stale)} changed after the task read "
                    "it; run the task again on the current text",
                    warning=True,
                )
                if offer_id:
                    ls.state.record("record_superseded", offer_id)
                return False
            try:  # what the tests verified is what the editor gets, byte for byte
                result.check_applies(ls.state.workspace.read_text)
            except ChangeError as exc:
                ls.show(f"sea: {exc}", warning=True)
                return False
            edit = workspace_edit(ls, result.change)
            answer = await ls.workspace_apply_edit_async(
                lsp.ApplyWorkspaceEditParams(edit=edit, label=f"sea: {result.summary}")
            )
            if answer is not None and answer.applied:
                if offer_id:
                    ls.state.record("record_accept", offer_id, ls.state.task_choice[offer_id])
                return True
            reason = getattr(answer, "failure_reason", None) or "the editor refused the edit"
            ls.show(f"sea: could not apply the change: {reason}", warning=True)
            return False
        if offer_id:
            if title == REJECT:
                index = ls.state.task_choice[offer_id]
                ls.state.record("record_reject", offer_id, index, "rejected in preview")
            else:
                ls.state.record("record_superseded", offer_id)
        return False


async def _show_diff(ls: SeaServer, offer_id: str | None, diff: str) -> None:
    directory = data_dir() / "diffs"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{offer_id or time.strftime('%Y%m%d-%H%M%S')}.diff"
    path.write_text(diff, encoding="utf-8")
    if not ls.state.supports_show_document:
        ls.show(f"sea: the diff is in {path}")
        return
    try:
        await ls.window_show_document_async(
            lsp.ShowDocumentParams(uri=path.as_uri(), take_focus=True)
        )
    except Exception as exc:  # noqa: BLE001 - the client may not support it after all
        logger.info("showDocument failed: {}", exc)
        ls.show(f"sea: the diff is in {path}")
