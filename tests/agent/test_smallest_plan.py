"""A solved plan loses the steps it does not need (``search.smallest_plan``): a fix the
search found below a decoy is shown and applied without the decoy."""

from __future__ import annotations

from pathlib import Path

from sea_lsp.actions.base import Candidate
from sea_lsp.agent.environment import SEState, SoftwareEngineeringEnv
from sea_lsp.agent.search import smallest_plan, without_step
from sea_lsp.agent.task import Task
from sea_lsp.workspace.changes import Change, FileOp, TextEdit
from sea_lsp.workspace.overlay import Overlay
from sea_lsp.workspace.workspace import Workspace

SOURCE = (
    "def submit(self, doc):\n"  # 0
    "    job = self.serial\n"  # 22
    "    self.jobs.append(job)\n"  # 44
    "    return job\n"  # 70
    "\n"
    "def pending(self):\n"  # 86
    "    return [a for a, _ in self.jobs]\n"  # 104
)


def edit(title: str, start: int, end: int, text: str, path: str = "m.py") -> Candidate:
    return Candidate(
        kind="repair.test", title=title, change=Change((TextEdit(path, start, end, text),))
    )


def at(text: str, what: str, after: bool = False) -> int:
    i = text.index(what)
    return i + len(what) if after else i


# a decoy late in the file first, then the fix earlier in it (offsets of the text it saw)
DECOY = edit("swap", at(SOURCE, "[a for a, _"), at(SOURCE, "[a for a, _") + 10, "[a for _, a")
FIX = edit("count", at(SOURCE, "self.serial\n", True), at(SOURCE, "self.serial\n", True),
           "    self.serial += 1\n")  # fmt: skip


def test_a_step_is_dropped_only_where_the_later_steps_edits_stay_true() -> None:
    assert without_step((DECOY, FIX), 0) == [FIX]  # the fix edits before the decoy's text
    assert without_step((DECOY, FIX), 1) == [DECOY]  # nothing after the last step
    # a later step after the dropped one's text would need its offsets moved: not dropped
    fixed = SOURCE.replace("self.serial\n", "self.serial\n    self.serial += 1\n")
    after = edit("late", at(fixed, "return job"), at(fixed, "return job"), "x = 1\n    ")
    assert without_step((FIX, after), 0) is None
    assert without_step((FIX, after), 1) == [FIX]
    # another file's steps stay as they are
    other = edit("other", 0, 0, "# x\n", path="n.py")
    assert without_step((FIX, other), 0) == [other]
    created = Candidate("files.create", "new", Change((), (FileOp("create", "t.py", content=""),)))
    assert without_step((created, FIX), 0) is None and without_step((FIX, created), 0) is None


def _env(tmp_path: Path) -> tuple[SoftwareEngineeringEnv, SEState]:
    (tmp_path / "m.py").write_text(SOURCE)
    root = SEState(overlay=Overlay(Workspace(tmp_path)), level=0.0)

    def scorer(state: SEState) -> float:  # the "tests": the count moves, pending is intact
        text = state.overlay.read_text("m.py") or ""
        state.solved = "self.serial += 1\n" in text
        return 1.0 if state.solved else 0.0

    env = SoftwareEngineeringEnv(Task(kind="repair", text="fix"), trusted=False, scorer=scorer)
    return env, root


def test_a_plan_found_below_a_decoy_loses_the_decoy(tmp_path: Path) -> None:
    env, root = _env(tmp_path)
    plan = env.transition(env.transition(root, DECOY), FIX)
    env.reward_function(plan)
    assert plan.solved and env.evaluations == 1
    best = smallest_plan(env, root, plan, budget=200)
    assert [s.title for s in best.steps] == ["count"]
    assert best.overlay.read_text("m.py") == SOURCE.replace(
        "self.serial\n", "self.serial\n    self.serial += 1\n"
    )
    assert env.evaluations == 2  # one try: dropping the decoy
    # no budget left: the plan stays as found
    env2, root2 = _env(tmp_path)
    plan2 = env2.transition(env2.transition(root2, DECOY), FIX)
    env2.reward_function(plan2)
    assert smallest_plan(env2, root2, plan2, budget=1) is plan2


def test_a_plan_that_needs_every_step_stays_whole(tmp_path: Path) -> None:
    env, root = _env(tmp_path)
    # the "tests" need both: the count and a second edit (made on the text after the count)
    fixed = SOURCE.replace("self.serial\n", "self.serial\n    self.serial += 1\n")
    both = edit("also", at(fixed, "return job"), at(fixed, "return job") + 10, "return [job]")

    def scorer(state: SEState) -> float:
        text = state.overlay.read_text("m.py") or ""
        state.solved = "self.serial += 1\n" in text and "return [job]" in text
        return 1.0 if state.solved else 0.0

    env.scorer = scorer
    plan = env.transition(env.transition(root, FIX), both)
    env.reward_function(plan)
    assert plan.solved
    assert plan.overlay.read_text("m.py") == fixed.replace("return job", "return [job]")
    assert smallest_plan(env, root, plan, budget=200) is plan
    # the count alone was tried and fails; the other edit alone would need its offsets
    # moved (it comes after the count's line): not tried
    assert env.evaluations == 2


def test_three_steps_lose_two_decoys_one_at_a_time(tmp_path: Path) -> None:
    env, root = _env(tmp_path)
    # decoys: one late in the file (first), one in another file (last); the fix between
    other = edit("note", 0, 0, "# note\n", path="n.py")
    (tmp_path / "n.py").write_text("x = 1\n")
    plan = root
    for step in (DECOY, FIX, other):
        plan = env.transition(plan, step)
    env.reward_function(plan)
    best = smallest_plan(env, root, plan, budget=200)
    assert [s.title for s in best.steps] == ["count"]
    assert best.overlay.read_text("n.py") == "x = 1\n"
    # the plan; without the decoy (passes); then the note alone (fails); the fix alone
    assert env.evaluations == 4


def test_the_offer_records_the_root_candidate_of_a_shrunk_plans_first_step() -> None:
    from types import SimpleNamespace

    from sea_lsp.agent.search import _root_offer

    root_fix = edit(
        "count", FIX.change.edits[0].start, FIX.change.edits[0].end, "    self.serial += 1\n"
    )
    result = SimpleNamespace(
        root=SimpleNamespace(
            actions=[DECOY, root_fix],
            children=[SimpleNamespace(visits=9), SimpleNamespace(visits=1)],
        )
    )
    env = SimpleNamespace(
        observe=lambda state, offered: SimpleNamespace(state_tokens=[], candidate_tokens=[])
    )
    shrunk = SimpleNamespace(steps=(FIX,))  # a copy made below the decoy, not the root's
    offer = _root_offer(env, result, None, shrunk)
    assert offer["titles"][0] == "count" and offer["chosen"] == 0
    elsewhere = SimpleNamespace(steps=(edit("x", 1, 1, "y"),))  # no root candidate like it
    assert _root_offer(env, result, None, elsewhere)["chosen"] is None
