"""The short lightbulb: a few entries, fixes proven by the project's own tests first.

The policy ranks; the sandbox proves. ``code_actions`` logs the whole ranked list as the
offer (learning sees every candidate) and hands the actions to ``shape``, which keeps at
most ``lightbulbMaxEntries`` (5) of them:

- **proven** fixes first: candidates a background test run showed to fix failing tests
  with no regression, titled "✓ fixes N failing tests: …" and ``isPreferred``;
- **precise** ones next (syntax repair, imports, docstrings, new files: checked by
  construction, not guesses);
- the **guesses** (repair mutations, LLM patches) behind one "More SEA suggestions…" entry
  whose command (``sea.moreSuggestions``) lists them for the editor's picker, or hidden
  when ``lightbulbShowGuesses`` is false.

Verification runs in a background thread when the workspace is trusted and tests fail:
after each ``sea.runTests`` the policy's top candidates at each failure's crash site, and
the top guesses of each later code-action request, are tested by the warm evaluator
(failing tests first, then the whole suite for a survivor), within the task budget
(``budget.evaluations`` / ``budget.seconds``) per test run. A proof holds for the exact
texts it was computed on: the open documents' versions are part of its key.
"""

from __future__ import annotations

import hashlib
import threading
import time
import weakref
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from loguru import logger
from lsprotocol import types as lsp

from sea_lsp.agent.ranking import rank
from sea_lsp.sandbox.sandbox import Limits, Sandbox
from sea_lsp.workspace.overlay import Overlay

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sea_lsp.actions.base import Candidate
    from sea_lsp.sandbox.evaluator import Evaluator
    from sea_lsp.sandbox.results import TestRun
    from sea_lsp.server.app import SeaServer
    from sea_lsp.workspace.workspace import Workspace

MORE_TITLE = "More SEA suggestions…"
MORE_COMMAND = "sea.moreSuggestions"
APPLY_COMMAND = "sea.applySuggestion"
GUESS_FAMILIES = ("repair", "llm")  # speculative edits: shown only once proven
VERIFY_TOP = 5  # candidates per crash site / per request the sandbox tries, policy order
MAX_SITES = 3  # crash sites pre-verified after a test run
MAX_REMEMBERED = 200  # offers whose hidden rest ``sea.moreSuggestions`` can still list


def is_guess(candidate: Candidate) -> bool:
    return candidate.kind.split(".", 1)[0] in GUESS_FAMILIES


def proven_title(fixed: int, title: str) -> str:
    return f"✓ fixes {fixed} failing test{'s' if fixed != 1 else ''}: {title}"


_DIGESTS: weakref.WeakKeyDictionary[Any, tuple[int | None, str]] = weakref.WeakKeyDictionary()


def fingerprint(ws: Workspace) -> tuple:
    """The open documents' texts (digests): what a proof was computed on. An undo back to
    the proven text finds the proof again; each document version is hashed once."""
    out = []
    for path in ws.open_paths():
        doc = ws.document(path)
        if doc is None:
            continue
        known = _DIGESTS.get(doc)
        if known is None or known[0] != doc.version or doc.version is None:
            known = (doc.version, hashlib.blake2b(doc.data, digest_size=16).hexdigest())
            _DIGESTS[doc] = known
        out.append((path, known[1]))
    return tuple(out)


@dataclass(frozen=True)
class Proof:
    fixed: int  # failing tests this candidate makes pass
    regressions: int  # passing tests it breaks (a proof has none)
    evaluated_s: float

    @property
    def proven(self) -> bool:
        return self.fixed > 0 and self.regressions == 0


@dataclass
class _Job:
    key: tuple
    fingerprint: tuple
    title: str
    replacements: dict[str, str | None]
    editor_texts: dict[str, str]


@dataclass
class Verifier:
    """Background proofs for one server; every method is safe from any thread."""

    limits: Limits = field(default_factory=Limits)
    root: Any = None
    test_command: str | None = None
    max_evaluations: int = 200
    max_seconds: float = 60.0
    failing: tuple[str, ...] = ()
    proofs: dict[tuple, Proof] = field(default_factory=dict)
    evaluations: int = 0
    started: float = 0.0
    _jobs: deque[_Job] = field(default_factory=deque)
    _seen: set[tuple] = field(default_factory=set)
    _generation: int = 0
    _thread: threading.Thread | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _idle: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._idle.set()

    @property
    def active(self) -> bool:
        return bool(self.failing)

    def begin(self, failing: Sequence[str], ls: SeaServer) -> None:
        """A new test run: earlier proofs and queued work are dropped, the budget restarts."""
        s = ls.state.settings
        with self._lock:
            self._generation += 1
            self.failing = tuple(failing)
            self.proofs.clear()
            self._jobs.clear()
            self._seen.clear()
            self.evaluations, self.started = 0, time.monotonic()
            self.root, self.test_command = ls.state.workspace.root, s.test_command
            self.limits = Limits(
                timeout_s=s.test_timeout_s, per_test_timeout_s=s.test_case_timeout_s
            )
            self.max_evaluations, self.max_seconds = s.budget_evaluations, s.budget_seconds

    def proof(self, key: tuple) -> Proof | None:
        with self._lock:
            return self.proofs.get(key)

    def submit(self, ws: Workspace, candidates: Sequence[Candidate]) -> int:
        """Queue the candidates not yet tried on the current texts; returns how many."""
        if not self.active or not candidates:
            return 0
        fp = fingerprint(ws)
        with self._lock:
            fresh = [(k, c) for c in candidates if (k := (fp, c.key())) not in self._seen]
        if not fresh:  # the usual case on a request: nothing new, nothing copied
            return 0
        snapshot = ws.snapshot()
        editor_texts = snapshot.open_texts()
        queued = 0
        with self._lock:
            # the texts moved on: work queued for older ones would prove nothing shown
            stale = [j for j in self._jobs if j.fingerprint != fp]
            for j in stale:
                self._jobs.remove(j)
                self._seen.discard(j.key)
            for key, c in fresh:
                try:
                    replacements = Overlay(snapshot).apply(c.change).replacements
                except Exception as exc:  # noqa: BLE001 - a candidate that cannot apply is no fix
                    logger.debug("lightbulb: {!r} does not apply: {}", c.title, exc)
                    continue
                self._seen.add(key)
                self._jobs.append(_Job(key, fp, c.title, replacements, editor_texts))
                queued += 1
            if queued and (self._thread is None or not self._thread.is_alive()):
                self._idle.clear()
                self._thread = threading.Thread(
                    target=self._work, name="sea-lightbulb", daemon=True
                )
                self._thread.start()
        return queued

    def wait_idle(self, timeout: float) -> bool:
        """Wait until the queue is drained (tests and benchmarks)."""
        return self._idle.wait(timeout)

    def stop(self, timeout: float = 5.0) -> bool:
        """Drop the queued work and wait up to ``timeout`` s for the thread to finish the job
        in hand and close its warm worker (shutdown: no sandbox process is left behind).
        True when no thread is left."""
        with self._lock:
            self._generation += 1
            self.failing = ()
            self._jobs.clear()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _next(self, generation: int) -> _Job | None:
        with self._lock:
            if generation != self._generation:  # a newer test run: its own thread serves it
                return None
            over = (
                self.evaluations >= self.max_evaluations
                or time.monotonic() - self.started >= self.max_seconds
            )
            if over and self._jobs:
                logger.info("lightbulb: verification budget spent; {} left", len(self._jobs))
                self._jobs.clear()
            return self._jobs.popleft() if self._jobs else None

    def _work(self) -> None:
        generation = self._generation
        evaluator: Evaluator | None = None
        base: tuple | None = None
        try:
            while (job := self._next(generation)) is not None:
                if job.fingerprint != base:  # other texts: a warm worker on those
                    if evaluator is not None:
                        evaluator.close()
                    evaluator, base = self._evaluator(job), job.fingerprint
                self._prove(evaluator, job, generation)
        except Exception as exc:  # noqa: BLE001 - proofs are a bonus; the lightbulb goes on
            logger.opt(exception=exc).warning("lightbulb: background verification stopped")
        finally:
            if evaluator is not None:
                evaluator.close()
            with self._lock:
                self._thread = None
                if self._jobs:  # submitted while closing, or by a newer test run
                    self._thread = threading.Thread(
                        target=self._work, name="sea-lightbulb", daemon=True
                    )
                    self._thread.start()
                else:
                    self._idle.set()

    def _evaluator(self, job: _Job) -> Evaluator:
        sandbox = Sandbox(
            self.root,
            trusted=True,
            limits=self.limits,
            test_command=self.test_command,
            editor_texts=job.editor_texts,
        )
        return sandbox.evaluator()

    def _prove(self, evaluator: Evaluator, job: _Job, generation: int) -> None:
        failing = set(evaluator.baseline.failed)
        if not failing:
            return
        left = self.max_seconds - (time.monotonic() - self.started)
        t0 = time.monotonic()
        run = evaluator.evaluate(job.replacements, max_failures=len(failing), time_left=left)
        fixed = sum(1 for t in failing if t in run.outcomes and run.outcomes[t].outcome == "passed")
        regressions = sum(1 for t in run.failed if t not in failing)
        if run.error is not None or run.timed_out:
            regressions = max(1, regressions)
        proof = Proof(fixed, regressions, time.monotonic() - t0)
        with self._lock:
            if generation == self._generation:
                self.evaluations += 1
                self.proofs[job.key] = proof
        logger.info(
            "lightbulb: {!r} fixes {} of {} failing tests, {} regressions",
            job.title, fixed, len(failing), regressions,
        )  # fmt: skip


@dataclass
class _ServerLightbulb:
    """One server's verifiers (one per workspace folder: its own tests, texts and budget)
    and the entries each recent offer keeps behind "More SEA suggestions…"."""

    verifiers: dict[str, Verifier] = field(default_factory=dict)
    rest: OrderedDict[str, list[int]] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_SERVERS: weakref.WeakKeyDictionary[Any, _ServerLightbulb] = weakref.WeakKeyDictionary()


def _of(ls: SeaServer) -> _ServerLightbulb:
    found = _SERVERS.get(ls)
    if found is None:
        found = _SERVERS[ls] = _ServerLightbulb()
    return found


def stop_all(ls: SeaServer) -> None:
    """Stop every verifier of ``ls`` (on ``shutdown``)."""
    per = _SERVERS.get(ls)
    if per is None:
        return
    with per.lock:
        verifiers = list(per.verifiers.values())
    for v in verifiers:
        if not v.stop():
            logger.warning("lightbulb: a background verification did not stop in time")


def verifier(ls: SeaServer) -> Verifier:
    """The verifier of the workspace folder the current request works in."""
    ws = ls.state.workspace
    root = str(ws.root) if ws is not None else ""
    per = _of(ls)
    with per.lock:
        return per.verifiers.setdefault(root, Verifier())


# --- after a test run ------------------------------------------------------------------------


def crash_sites(run: TestRun, limit: int = MAX_SITES) -> list[tuple[str, int]]:
    """Where the failing tests crashed in the code under test (the innermost workspace frame
    outside the test's own file), most frequent first."""
    counts: dict[tuple[str, int], int] = {}
    for nodeid in run.failed:
        o = run.outcomes[nodeid]
        test_file = nodeid.split("::", 1)[0]
        inner = [f for f in o.frames if f[0] != test_file]
        if inner:
            counts[inner[-1]] = counts.get(inner[-1], 0) + 1
    return sorted(counts, key=lambda s: -counts[s])[:limit]


def after_test_run(ls: SeaServer, run: TestRun, proposer: Any) -> int:
    """Start verifying the policy's top candidates at the failures' crash sites. ``proposer``
    is the code-action module (its ``candidates_for`` and ``state_for``: passed in, not
    imported, as it imports this one). Returns how many were queued."""
    st = ls.state
    v = verifier(ls)
    v.begin(run.failed if st.settings.trusted else (), ls)
    if not v.active:
        return 0
    queued = 0
    for path, line in crash_sites(run):
        try:
            doc = st.workspace.document(path)
            if doc is None or not 0 < line <= doc.index.line_count:
                continue
            start, end = doc.index.line_start(line - 1), doc.index.line_end(line - 1)
            candidates = proposer.candidates_for(ls, path, start, end, [])
            if not candidates:
                continue
            tokens = proposer.state_for(ls, path, start, end, [])
            model = st.models.get() if st.models else None
            ranked = [c for c, _ in rank(model, tokens, candidates)]
        except Exception as exc:  # noqa: BLE001 - a site we cannot read is skipped
            logger.warning("lightbulb: no candidates at {}:{}: {}", path, line, exc)
            continue
        queued += v.submit(st.workspace, ranked[:VERIFY_TOP])
    logger.info("lightbulb: {} candidates queued for verification", queued)
    return queued


# --- shaping the list --------------------------------------------------------------------------


def shape(
    ls: SeaServer, offer_id: str, offered: Sequence[Candidate], actions: list[lsp.CodeAction]
) -> list[lsp.CodeAction]:
    """The lightbulb for a ranked, logged list: proven first (marked, preferred), precise
    ones next, at most ``lightbulbMaxEntries`` in all, the guesses behind "More…"."""
    s = ls.state.settings
    v = verifier(ls)
    proofs: list[Proof | None] = [None] * len(offered)
    if s.trusted and v.active:
        fp = fingerprint(ls.state.workspace)
        proofs = [v.proof((fp, c.key())) for c in offered]
        v.submit(ls.state.workspace, [c for c in offered if is_guess(c)][:VERIFY_TOP])
    for action in actions:
        action.is_preferred = None
    if s.lightbulb_max_entries == 0:  # the whole ranked list, as before: best first, preferred
        order = sorted(range(len(offered)), key=lambda i: (not _proven(proofs[i]), i))
        out = [_mark(actions[i], proofs[i]) for i in order]
        if out and not out[0].is_preferred:
            out[0].is_preferred = True
        return out
    proven = sorted(
        (i for i, p in enumerate(proofs) if _proven(p)), key=lambda i: (-proofs[i].fixed, i)
    )
    precise = [i for i, c in enumerate(offered) if not _proven(proofs[i]) and not is_guess(c)]
    guesses = [i for i, c in enumerate(offered) if not _proven(proofs[i]) and is_guess(c)]
    more = bool(guesses) and s.lightbulb_show_guesses
    visible = (proven + precise)[: max(1, s.lightbulb_max_entries - int(more))]
    rest = [i for i in proven + precise + guesses if i not in visible]
    out = [_mark(actions[i], proofs[i]) for i in visible]
    if more and rest:
        per = _of(ls)
        with per.lock:
            per.rest[offer_id] = rest
            while len(per.rest) > MAX_REMEMBERED:
                per.rest.popitem(last=False)
        out.append(more_action(offer_id, len(rest)))
    return out


def _proven(p: Proof | None) -> bool:
    return p is not None and p.proven


def _mark(action: lsp.CodeAction, proof: Proof | None) -> lsp.CodeAction:
    if _proven(proof):
        action.title = proven_title(proof.fixed, action.title)
        action.is_preferred = True
        if action.command is not None:
            action.command.title = action.title
    return action


def more_action(offer_id: str, count: int) -> lsp.CodeAction:
    title = f"{MORE_TITLE} ({count})"
    return lsp.CodeAction(
        title=title,
        kind=lsp.CodeActionKind.QuickFix,
        command=lsp.Command(title=title, command=MORE_COMMAND, arguments=[{"offer": offer_id}]),
    )


def rest_of(ls: SeaServer, offer_id: str) -> list[dict[str, Any]] | None:
    """The entries "More SEA suggestions…" stands for, as the picker lists them; None for an
    offer this session no longer holds."""
    per = _of(ls)
    pending = ls.state.offers.get(offer_id)
    with per.lock:
        rest = per.rest.get(offer_id)
    if pending is None or rest is None:
        return None
    return [
        {
            "index": i,
            "title": pending.candidates[i].title,
            "kind": pending.candidates[i].kind,
            "guess": is_guess(pending.candidates[i]),
        }
        for i in rest
        if i < len(pending.candidates)
    ]
