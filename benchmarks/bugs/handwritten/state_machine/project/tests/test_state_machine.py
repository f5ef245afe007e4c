import pytest

from history import History
from machine import (
    ANY,
    GuardRejected,
    InvalidTransition,
    MachineError,
    State,
    StateMachine,
)
from table import build_machine, parse_table, parse_transition, strip_comment, to_dot


def make_player():
    m = StateMachine("stopped", states=["playing", "paused"])
    m.add_transition("play", ["stopped", "paused"], "playing")
    m.add_transition("pause", "playing", "paused")
    m.add_transition("stop", ["playing", "paused"], "stopped")
    return m


# --- History -----------------------------------------------------------------


def test_history_records_steps_in_order():
    h = History()
    h.record("a", "go", "b")
    h.record("b", "go", "c")
    assert [e.step for e in h] == [1, 2]
    assert h.events() == ["go", "go"]
    assert len(h) == 2


def test_history_limit_drops_oldest():
    h = History(limit=2)
    for i in range(4):
        h.record(f"s{i}", "e", f"s{i + 1}")
    assert len(h) == 2
    assert [e.source for e in h] == ["s2", "s3"]
    assert h.last()[0].step == 4


@pytest.mark.parametrize("limit", [0, -1])
def test_history_rejects_non_positive_limit(limit):
    with pytest.raises(ValueError):
        History(limit=limit)


def test_history_path_and_visits():
    h = History()
    h.record("a", "x", "b")
    h.record("b", "y", "a")
    h.record("a", "x", "b")
    assert h.path() == ["a", "b", "a", "b"]
    assert h.count_visits("b") == 2
    assert h.count_visits("a") == 1
    assert h.count_visits("zzz") == 0


def test_history_empty_path_and_pop():
    h = History()
    assert h.path() == []
    assert h.pop() is None
    assert h.format() == ""


@pytest.mark.parametrize("n, expected", [(0, []), (1, ["c"]), (2, ["b", "c"]), (5, ["a", "b", "c"])])
def test_history_last(n, expected):
    h = History()
    for target in "abc":
        h.record("s", "e", target)
    assert [e.target for e in h.last(n)] == expected


def test_history_clear_restarts_steps():
    h = History()
    h.record("a", "e", "b")
    h.clear()
    assert len(h) == 0
    assert h.record("a", "e", "b").step == 1


def test_history_transitions_from_and_self_loops():
    h = History()
    h.record("a", "e1", "b")
    h.record("b", "tick", "b")
    h.record("a", "e2", "c")
    assert [e.event for e in h.transitions_from("a")] == ["e1", "e2"]
    assert [e.event for e in h.self_loops()] == ["tick"]


def test_history_format():
    h = History()
    h.record("idle", "start", "running")
    h.record("running", "stop", "idle")
    assert h.format() == "1: idle --start--> running\n2: running --stop--> idle"


# --- State -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", None])
def test_state_rejects_blank_name(name):
    with pytest.raises(ValueError):
        State(name)


def test_state_hooks_run_in_order():
    calls = []
    s = State("s", on_enter=[lambda c: calls.append("e1"), lambda c: calls.append("e2")],
              on_exit=[lambda c: calls.append("x")])
    s.enter({})
    s.exit({})
    assert calls == ["e1", "e2", "x"]


# --- StateMachine ------------------------------------------------------------


def test_initial_state_is_added_automatically():
    m = StateMachine("idle")
    assert m.current == "idle"
    assert "idle" in m.states


def test_duplicate_state_rejected():
    m = StateMachine("a", states=["b"])
    with pytest.raises(MachineError):
        m.add_state("b")


@pytest.mark.parametrize("source, target", [("nope", "stopped"), ("stopped", "nope")])
def test_add_transition_unknown_states(source, target):
    m = make_player()
    with pytest.raises(MachineError):
        m.add_transition("x", source, target)


def test_add_transition_with_many_sources_creates_one_each():
    m = StateMachine("a", states=["b", "c"])
    created = m.add_transition("go", ["a", "b"], "c")
    assert [t.source for t in created] == ["a", "b"]


@pytest.mark.parametrize(
    "events, expected",
    [
        ([], "stopped"),
        (["play"], "playing"),
        (["play", "pause"], "paused"),
        (["play", "pause", "play"], "playing"),
        (["play", "stop"], "stopped"),
    ],
)
def test_fire_sequences(events, expected):
    m = make_player()
    for e in events:
        assert m.fire(e) == m.current
    assert m.current == expected
    assert m.transition_count == len(events)


def test_fire_unknown_event_raises():
    m = make_player()
    with pytest.raises(InvalidTransition):
        m.fire("pause")
    assert m.current == "stopped"


def test_guard_rejects_and_allows():
    m = StateMachine("locked", states=["open"], context={"coins": 0})
    m.add_transition("push", "locked", "open", guard=lambda c: c["coins"] > 0)
    assert not m.can_fire("push")
    with pytest.raises(GuardRejected):
        m.fire("push")
    m.context["coins"] = 1
    assert m.can_fire("push")
    assert m.fire("push") == "open"


def test_priority_decides_between_transitions():
    m = StateMachine("a", states=["low", "high"])
    m.add_transition("go", "a", "low", priority=1)
    m.add_transition("go", "a", "high", priority=5)
    assert m.fire("go") == "high"


def test_equal_priority_keeps_definition_order():
    m = StateMachine("a", states=["first", "second"])
    m.add_transition("go", "a", "first")
    m.add_transition("go", "a", "second")
    assert m.fire("go") == "first"


def test_guard_falls_through_to_next_candidate():
    m = StateMachine("a", states=["vip", "normal"], context={"vip": False})
    m.add_transition("enter", "a", "vip", guard=lambda c: c["vip"], priority=10)
    m.add_transition("enter", "a", "normal")
    assert m.fire("enter") == "normal"


def test_wildcard_source_matches_any_state():
    m = make_player()
    m.add_state("error")
    m.add_transition("fail", ANY, "error")
    m.fire("play")
    assert m.fire("fail") == "error"


def test_hooks_and_action_order():
    calls = []
    m = StateMachine("a")
    m.add_state("b", on_enter=[lambda c: calls.append("enter b")])
    m.states["a"].on_exit.append(lambda c: calls.append("exit a"))
    m.add_transition("go", "a", "b", action=lambda c, d: calls.append(f"action {d['n']}"))
    m.fire("go", n=3)
    assert calls == ["exit a", "action 3", "enter b"]


def test_self_transition_runs_exit_and_enter():
    calls = []
    m = StateMachine("a")
    m.states["a"].on_enter.append(lambda c: calls.append("enter"))
    m.states["a"].on_exit.append(lambda c: calls.append("exit"))
    m.add_transition("again", "a", "a")
    m.fire("again")
    assert calls == ["exit", "enter"]
    assert m.transition_count == 1


def test_internal_transition_runs_action_only():
    calls = []
    m = StateMachine("a", context={"ticks": 0})
    m.states["a"].on_exit.append(lambda c: calls.append("exit"))

    def tick(ctx, data):
        ctx["ticks"] += data.get("by", 1)

    m.add_transition("tick", "a", None, action=tick)
    m.fire("tick")
    m.fire("tick", by=4)
    assert m.context["ticks"] == 5
    assert calls == []
    assert m.current == "a"
    assert m.transition_count == 0
    assert len(m.history) == 2


def test_listener_notified():
    seen = []
    m = make_player()
    m.subscribe(lambda *args: seen.append(args))
    m.fire("play")
    m.fire("pause")
    assert seen == [("stopped", "play", "playing"), ("playing", "pause", "paused")]


def test_final_state_blocks_further_events():
    m = StateMachine("a")
    m.add_state("done", final=True)
    m.add_transition("finish", "a", "done")
    m.add_transition("restart", "done", "a")
    m.fire("finish")
    assert m.is_finished
    with pytest.raises(MachineError):
        m.fire("restart")


def test_available_events_sorted_and_guarded():
    m = make_player()
    m.add_transition("eject", "stopped", "stopped", guard=lambda c: c.get("disc"))
    assert m.available_events() == ["play"]
    m.context["disc"] = True
    assert m.available_events() == ["eject", "play"]
    m.fire("play")
    assert m.available_events() == ["pause", "stop"]


def test_history_is_recorded_by_machine():
    m = make_player()
    m.fire("play")
    m.fire("pause")
    m.fire("stop")
    assert m.history.path() == ["stopped", "playing", "paused", "stopped"]
    assert m.history.events() == ["play", "pause", "stop"]


def test_undo_restores_previous_state():
    m = make_player()
    m.fire("play")
    m.fire("pause")
    assert m.undo() == "playing"
    assert m.transition_count == 1
    assert m.undo() == "stopped"
    assert m.transition_count == 0
    with pytest.raises(MachineError):
        m.undo()


def test_undo_of_internal_transition_keeps_count():
    m = StateMachine("a", states=["b"])
    m.add_transition("go", "a", "b")
    m.add_transition("noop", "b", None)
    m.fire("go")
    m.fire("noop")
    assert m.undo() == "b"
    assert m.transition_count == 1


def test_reset_clears_everything():
    m = make_player()
    m.fire("play")
    m.fire("pause")
    m.reset()
    assert m.current == "stopped"
    assert len(m.history) == 0
    assert m.transition_count == 0


def test_history_limit_on_machine():
    m = StateMachine("a", states=["b"], history_limit=3)
    m.add_transition("flip", "a", "b")
    m.add_transition("flip", "b", "a")
    for _ in range(5):
        m.fire("flip")
    assert len(m.history) == 3
    assert m.transition_count == 5


def test_reachable_states():
    m = StateMachine("a", states=["b", "c", "d", "island"])
    m.add_transition("x", "a", "b")
    m.add_transition("y", "b", "c")
    m.add_transition("z", "c", "a")
    m.add_transition("w", "island", "d")
    m.add_transition("t", "b", None)
    assert m.reachable() == {"a", "b", "c"}
    assert m.reachable("island") == {"island", "d"}
    assert m.reachable("d") == {"d"}


# --- table -------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ("a b # note", "a b"),
        ("# only comment", ""),
        ("  plain  ", "plain"),
        ("", ""),
    ],
)
def test_strip_comment(line, expected):
    assert strip_comment(line) == expected


@pytest.mark.parametrize(
    "line, sources, event, guard, target",
    [
        ("idle -- start --> running", ["idle"], "start", None, "running"),
        ("a, b -- stop --> done", ["a", "b"], "stop", None, "done"),
        ("run -- tick [ready] --> run", ["run"], "tick", "ready", "run"),
        ("x--go-->y", ["x"], "go", None, "y"),
        ("x -- go [ ] --> y", ["x"], "go", None, "y"),
    ],
)
def test_parse_transition(line, sources, event, guard, target):
    parsed = parse_transition(line)
    assert parsed == {"sources": sources, "event": event, "guard": guard, "target": target}


@pytest.mark.parametrize("line", ["idle running", "idle --> running", "a -- [g] --> b", "a --  --> b"])
def test_parse_transition_rejects_bad_lines(line):
    with pytest.raises(ValueError):
        parse_transition(line)


TABLE = """
# a tiny order workflow
initial: new
final: shipped, cancelled

new -- pay [funded] --> paid
paid -- ship --> shipped
new, paid -- cancel --> cancelled
"""


def test_parse_table():
    spec = parse_table(TABLE)
    assert spec["initial"] == "new"
    assert spec["final"] == ["shipped", "cancelled"]
    assert [t["event"] for t in spec["transitions"]] == ["pay", "ship", "cancel"]


def test_parse_table_defaults_initial_to_first_source():
    spec = parse_table("b -- go --> c\nc -- back --> b")
    assert spec["initial"] == "b"


def test_parse_table_errors():
    with pytest.raises(ValueError):
        parse_table("# nothing here\n\n")
    with pytest.raises(ValueError, match="line 2"):
        parse_table("a -- go --> b\nbroken line")


def test_build_machine_runs_workflow():
    m = build_machine(TABLE, guards={"funded": lambda c: c.get("balance", 0) >= 10},
                      context={"balance": 5})
    assert set(m.states) == {"new", "paid", "shipped", "cancelled"}
    with pytest.raises(GuardRejected):
        m.fire("pay")
    m.context["balance"] = 10
    m.fire("pay")
    m.fire("ship")
    assert m.is_finished
    assert m.history.path() == ["new", "paid", "shipped"]


def test_build_machine_unknown_guard():
    with pytest.raises(MachineError):
        build_machine("a -- go [missing] --> b")


def test_build_machine_with_wildcard():
    m = build_machine("initial: a\na -- go --> b\n* -- panic --> err")
    assert "*" not in m.states
    m.fire("go")
    assert m.fire("panic") == "err"


def test_to_dot():
    m = build_machine(TABLE, guards={"funded": lambda c: True})
    dot = to_dot(m, name="orders")
    lines = dot.splitlines()
    assert lines[0] == "digraph orders {"
    assert lines[-1] == "}"
    assert '  "shipped" [shape=doublecircle];' in lines
    assert '  "new" [shape=circle];' in lines
    assert '  "new" -> "paid" [label="pay [guarded]"];' in lines
    assert '  "paid" -> "cancelled" [label="cancel"];' in lines


def test_to_dot_skips_internal_transitions():
    m = StateMachine("a")
    m.add_transition("tick", "a", None)
    assert "->" not in to_dot(m)
