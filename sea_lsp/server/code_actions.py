"""``textDocument/codeAction`` and ``codeAction/resolve``: generate candidates for the
requested range, rank them with the policy, log the list as an offer, return best first."""

from __future__ import annotations

import math
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from loguru import logger
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams

from sea_lsp.actions.base import ActionContext, Candidate, dedupe
from sea_lsp.agent.ranking import one_thread, rank
from sea_lsp.feedback.store import Offer
from sea_lsp.server import bursts, lightbulb
from sea_lsp.server.bursts import Answer
from sea_lsp.server.documents import open_document, too_big
from sea_lsp.server.edits import workspace_edit
from sea_lsp.server.state import PendingOffer

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer

MAX_OFFERED = 20
# Generators cheap enough for a code-action request (the tests generator runs the sandbox).
CHEAP_GENERATORS = {"syntax", "imports", "repair", "docs", "files"}
ACCEPT_COMMAND = "sea.accept"


def _lsp_kind(candidate: Candidate) -> str:
    kind = candidate.lsp_kind or "quickfix"
    if kind in ("quickfix", "refactor.rewrite") or kind.startswith("source.sea."):
        return kind
    return "quickfix"


def _renormalised(log_probs: list[float | None]) -> list[float] | None:
    """The policy's log-probs over the offered (capped) set."""
    if not log_probs or any(lp is None for lp in log_probs):
        return None
    values = [float(lp) for lp in log_probs if lp is not None]
    top = max(values)
    norm = top + math.log(sum(math.exp(v - top) for v in values))
    return [v - norm for v in values]


def state_for(ls: SeaServer, path: str, start: int, end: int, diagnostics: list[str]) -> list[int]:
    """The encoded state of a range of an open document."""
    from sea_lsp.encoding.encoder import StateInput, encode_state

    return encode_state(
        StateInput(
            view=ls.state.workspace,
            task="",
            focus_path=path,
            focus_start=start,
            focus_end=end,
            diagnostics=diagnostics,
            failing_tests=(),
        )
    )


def candidates_for(
    ls: SeaServer,
    path: str,
    start: int,
    end: int,
    diagnostics: list[str],
    deadline: float | None = None,
) -> list[Candidate]:
    """Cheap candidates for a range of an open document, encoded. With ``deadline`` (a
    ``time.perf_counter()`` value) the generators still to run once it has passed are left
    for the next request on the same version and range (see ``_Partial``)."""
    return gather(ls, path, start, end, diagnostics, deadline)[0]


def gather(
    ls: SeaServer,
    path: str,
    start: int,
    end: int,
    diagnostics: list[str],
    deadline: float | None = None,
    generators: set[str] = CHEAP_GENERATORS,
) -> tuple[list[Candidate], bool]:
    """``candidates_for`` (from ``generators``), and whether every generator has run
    (False: some wait for the next call on the same version and range)."""
    from sea_lsp.actions.registry import generate_until
    from sea_lsp.encoding.encoder import encode_candidates

    st = ls.state
    ctx = ActionContext(
        view=st.workspace,
        focus_path=path,
        focus_start=start,
        focus_end=end,
        diagnostics=diagnostics,
        symbols=st.symbols,
        trusted=st.settings.trusted,
        editor=True,
        deadline=deadline,
    )
    doc = st.workspace.document(path)
    key = (path, doc.version if doc else None, start, end, tuple(diagnostics), st.settings.trusted)
    key += (tuple(sorted(generators)),)
    before = _PARTIAL.pop(id(ls), None) if deadline is not None else None
    same = before is not None and before.key == key and before.document is doc
    ready, first = (before.candidates, before.resume) if same and before else ([], 0)
    produced, resume = generate_until(ctx, generators, first, deadline, len(ready))
    fresh = [
        c
        for c in produced
        if not c.change.is_empty() and (st.settings.trusted or not c.needs_execution)
    ]
    encode_candidates(fresh, st.workspace)
    candidates = dedupe([*ready, *fresh])
    if resume is not None:
        _PARTIAL[id(ls)] = _Partial(key, doc, candidates, resume)
        logger.debug("code actions for {}: deadline passed; generator {} on waits", path, resume)
    return candidates, resume is None


@dataclass
class _Partial:
    """A code-action request's work cut short by its deadline: what was ready and the
    generator to go on from. The next request for the same document version, range and
    diagnostics goes on from there; any other request drops it."""

    key: tuple
    document: Any  # the open document itself: another server's (tests) never matches
    candidates: list[Candidate]
    resume: int


_PARTIAL: dict[int, _Partial] = {}  # per server (its id): the latest request only


def _deadline(ls: SeaServer) -> float | None:
    ms = ls.state.settings.code_action_deadline_ms
    return time.perf_counter() + ms / 1e3 if ms > 0 else None


def code_action(ls: SeaServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    st = ls.state
    deadline = _deadline(ls)
    path, doc = open_document(ls, params.text_document.uri)
    if too_big(ls, path, doc):
        return []
    enc = st.position_encoding
    rng = params.range
    start = doc.index.position_to_byte(rng.start.line, rng.start.character, enc)
    end = doc.index.position_to_byte(rng.end.line, rng.end.character, enc)
    if end < start:
        raise JsonRpcInvalidParams.of(ValueError("the code action range ends before it starts"))
    diagnostics = [d.message for d in params.context.diagnostics or []]
    wanted = [str(k) for k in params.context.only] if params.context.only else []
    key = (tuple(diagnostics), tuple(wanted), st.settings.trusted)
    # while the user types, the last answer carried to the new text (``bursts``)
    model = st.models.get() if st.models else None
    idle_s = st.settings.typing_idle_ms / 1e3
    answer = bursts.answer_for(ls, path, doc, start, end, key, idle_s, model)
    if (
        answer is None
        and _automatic(params)
        and bursts.typing(bursts.burst_of(ls, path, doc), idle_s)
    ):
        # the editor's own lightbulb request while the user types at a new place: the work
        # waits for the pause (``idle``); a request the user invoked does it now
        return []
    if answer is None:
        answer = fresh_answer(ls, path, start, end, key, deadline)
    if not answer.ranked:
        return []
    return _offered(ls, path, doc, answer)


def _automatic(params: lsp.CodeActionParams) -> bool:
    """True for a request the editor made by itself (its lightbulb), not one the user asked
    for (LSP 3.17 ``CodeActionTriggerKind``; a client that does not say counts as asked)."""
    return params.context.trigger_kind == lsp.CodeActionTriggerKind.Automatic


def fresh_answer(
    ls: SeaServer, path: str, start: int, end: int, key: tuple, deadline: float | None
) -> Answer:
    """Run the generators and the policy for a range of the current text (``key``: the
    request's diagnostics, wanted kinds and trust), and keep the answer as the document's
    base for the requests that come while the user types."""
    candidates, done = gather(ls, path, start, end, list(key[0]), deadline)
    return ranked_answer(ls, path, start, end, key, candidates, done)


def ranked_answer(
    ls: SeaServer,
    path: str,
    start: int,
    end: int,
    key: tuple,
    candidates: list[Candidate],
    done: bool,
) -> Answer:
    """``candidates`` of the wanted kinds ranked by the policy, kept as the base (``done``:
    no generator waits for a later request)."""
    diagnostics, wanted = list(key[0]), key[1]
    if wanted:
        candidates = [c for c in candidates if any(_lsp_kind(c).startswith(w) for w in wanted)]
    answer = Answer([])
    if candidates:
        state_tokens = state_for(ls, path, start, end, diagnostics)
        model = ls.state.models.get() if ls.state.models else None
        if model is None:
            logger.info("model still loading: {} code actions offered unranked", len(candidates))
        answer = Answer(_ranked(model, state_tokens, candidates), list(state_tokens), model)
    doc = ls.state.workspace.document(path)
    if doc is not None:
        bursts.keep(ls, path, doc, start, end, key, answer, done)
    return answer


def _offered(ls: SeaServer, path: str, doc: Any, answer: Answer) -> list[lsp.CodeAction]:
    """The answer's best ``MAX_OFFERED``, logged as an offer and shaped for the lightbulb.
    An answer carried through typing is not logged: its encoded state, candidate tokens and
    log-probabilities are those of an earlier version, which the feedback log would pair
    with this version (its actions still work; a decision on them is not recorded)."""
    st = ls.state
    ranked = answer.ranked[:MAX_OFFERED]
    offered = [c for c, _ in ranked]
    if answer.carried:
        offer_id = _local_id()
    else:
        offer_id = _record(ls, _offer(ls, path, doc, answer, ranked))
    st.remember(PendingOffer(offer_id, path, doc.version, offered, source_text=doc.text))
    actions = [_to_code_action(ls, offer_id, i, c) for i, c in enumerate(offered)]
    # an offer logs the whole list; the lightbulb shows proven fixes first, guesses behind More
    return lightbulb.shape(ls, offer_id, offered, actions)


def _offer(ls: SeaServer, path: str, doc: Any, answer: Answer, ranked: bursts.Ranked) -> Offer:
    st = ls.state
    offered = [c for c, _ in ranked]
    model = answer.model
    return Offer(
        workspace_root=str(st.workspace.root),
        document=path,
        state_tokens=list(answer.state_tokens),
        candidate_tokens=[list(c.tokens) for c in offered],
        kinds=[c.kind for c in offered],
        model_version=str(model.version) if model is not None else "unranked",
        vocab_version=_vocab_version(),
        log_probs=_renormalised([lp for _, lp in ranked]),
        titles=[c.title for c in offered],
        source_text=doc.text,
        document_version=doc.version,
    )


_RANK_MEMO: OrderedDict[tuple, tuple[Any, list[float | None]]] = OrderedDict()
_RANK_MEMO_SIZE = 64


def _ranked(
    model: Any, state_tokens: list[int], candidates: list[Candidate]
) -> list[tuple[Candidate, float | None]]:
    """``rank``, remembered per (model, state, candidate set): editors ask again for the same
    range on every cursor pause, and the answer cannot change while those are equal."""
    if model is None:
        return rank(model, state_tokens, candidates)
    one_thread()
    key = (id(model), tuple(state_tokens), tuple(tuple(c.tokens) for c in candidates))
    hit = _RANK_MEMO.get(key)
    if hit is not None and hit[0] is model and len(hit[1]) == len(candidates):
        _RANK_MEMO.move_to_end(key)
        scores = hit[1]
        order = sorted(range(len(candidates)), key=lambda i: -(scores[i] or 0.0))
        return [(candidates[i], scores[i]) for i in order]
    ranked = rank(model, state_tokens, candidates)
    if ranked and ranked[0][1] is not None:
        index = {id(c): i for i, c in enumerate(candidates)}
        found: list[float | None] = [None] * len(candidates)
        for c, lp in ranked:
            found[index[id(c)]] = lp
        _RANK_MEMO[key] = (model, found)
        while len(_RANK_MEMO) > _RANK_MEMO_SIZE:
            _RANK_MEMO.popitem(last=False)
    return ranked


def _vocab_version() -> str:
    from sea_lsp.encoding.vocab import VOCAB_VERSION

    return VOCAB_VERSION


def _record(ls: SeaServer, offer: Offer) -> str:
    """Log the offer; if the store is unusable the actions still go out with a local id."""
    st = ls.state
    if st.feedback is not None:
        try:
            return st.feedback.record_offer(offer)
        except Exception as exc:  # noqa: BLE001 - feedback must never block code actions
            logger.error("could not record an offer: {}", exc)
            ls.show_once(str(exc))
    return _local_id()


def _local_id() -> str:
    """The id of an offer not in the feedback log (``sea.accept`` answers "not recorded")."""
    return "unrecorded-" + uuid.uuid4().hex


def _to_code_action(ls: SeaServer, offer_id: str, index: int, c: Candidate) -> lsp.CodeAction:
    command = lsp.Command(
        title=c.title, command=ACCEPT_COMMAND, arguments=[{"offer": offer_id, "index": index}]
    )
    action = lsp.CodeAction(
        title=c.title,
        kind=_lsp_kind(c),
        is_preferred=index == 0 or None,
        command=command,
    )
    if c.expensive or ls.state.resolves_edits:
        action.data = {"offer": offer_id, "index": index}
    else:
        action.edit = workspace_edit(ls, c.change)
    return action


def resolve(ls: SeaServer, action: lsp.CodeAction) -> lsp.CodeAction:
    """Fill in the edit of an action offered without one (an expensive one, or every one
    for a client that resolves edits). Not an acceptance: clients resolve on hover too.

    The edit is computed against the text the action was offered for; once that document
    has changed, the action is refused as out of date rather than answered with an edit
    meant for other text."""
    data: Any = action.data
    if not isinstance(data, dict) or not isinstance(data.get("offer"), str):
        return action
    pending = ls.state.offers.get(data["offer"])
    index = data.get("index")
    if pending is None or not isinstance(index, int) or not 0 <= index < len(pending.candidates):
        raise JsonRpcInvalidParams.of(
            ValueError("this code action is out of date; request code actions again")
        )
    ws = ls.state.workspace
    doc = ws.document(pending.path) if ws is not None and pending.path else None
    if pending.path is not None and (doc is None or doc.version != pending.version):
        raise JsonRpcInvalidParams.of(
            ValueError(
                "the document changed after this code action was offered; "
                "request code actions again"
            )
        )
    action.edit = workspace_edit(ls, pending.candidates[index].change)
    return action
