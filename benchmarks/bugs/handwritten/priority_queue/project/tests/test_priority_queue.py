import random

import pytest

from heap import EmptyQueueError, PriorityQueue, k_smallest
from scheduler import Job, Scheduler, render_gantt


# -- PriorityQueue --------------------------------------------------------


def test_empty_queue():
    q = PriorityQueue()
    assert len(q) == 0
    assert not q
    assert q.items() == []
    assert issubclass(EmptyQueueError, IndexError)


@pytest.mark.parametrize("method", ["pop", "peek"])
def test_empty_pop_and_peek_raise(method):
    q = PriorityQueue()
    with pytest.raises(EmptyQueueError):
        getattr(q, method)()


def test_push_and_pop_in_priority_order():
    q = PriorityQueue()
    for item, prio in [("c", 3), ("a", 1), ("d", 4), ("b", 2)]:
        q.push(item, prio)
    assert [q.pop() for _ in range(4)] == [("a", 1), ("b", 2), ("c", 3), ("d", 4)]
    assert not q


def test_constructor_accepts_pairs_and_peek_does_not_remove():
    q = PriorityQueue([("x", 5), ("y", 1)])
    assert q.peek() == ("y", 1)
    assert q.peek() == ("y", 1)
    assert len(q) == 2


def test_equal_priorities_are_fifo():
    q = PriorityQueue()
    for name in "abcdef":
        q.push(name, 0)
    assert [item for item, _ in q.drain()] == list("abcdef")


def test_contains_and_priority():
    q = PriorityQueue([("a", 7)])
    with pytest.raises(KeyError):
        q.push("a", 2)
    assert "a" in q
    assert "b" not in q
    assert q.priority("a") == 7
    q.pop()
    assert "a" not in q


def test_remove_returns_priority():
    q = PriorityQueue([("a", 1), ("b", 2), ("c", 3)])
    assert q.remove("b") == 2
    assert "b" not in q
    assert [item for item, _ in q.drain()] == ["a", "c"]


def test_remove_missing_raises():
    with pytest.raises(KeyError):
        PriorityQueue().remove("nope")


def test_remove_last_entry():
    q = PriorityQueue([("a", 1), ("b", 2)])
    q.remove("b")
    assert q.items() == [("a", 1)]
    assert q.is_valid()


def test_remove_keeps_heap_valid_when_moved_entry_is_small():
    # Removing a leaf in one subtree moves the last leaf of the other subtree
    # into its place; that entry can be smaller than its new parent.
    q = PriorityQueue()
    for item, prio in [("r", 0), ("a", 10), ("b", 1), ("a1", 11), ("a2", 12), ("b1", 2)]:
        q.push(item, prio)
    q.remove("a1")
    assert q.is_valid()
    assert [p for _, p in q.drain()] == [0, 1, 2, 10, 12]


def test_discard():
    q = PriorityQueue([("a", 1), ("b", 2)])
    assert q.discard("z") is False
    assert q.discard("a") is True
    assert q.items() == [("b", 2)]


def test_decrease_key_moves_item_to_front():
    q = PriorityQueue([("a", 1), ("b", 5), ("c", 9)])
    q.decrease_key("c", 0)
    assert q.peek() == ("c", 0)
    assert q.is_valid()


def test_decrease_key_to_same_priority_is_allowed():
    q = PriorityQueue([("a", 3)])
    q.decrease_key("a", 3)
    assert q.priority("a") == 3


def test_decrease_key_rejects_increase():
    q = PriorityQueue([("a", 3)])
    with pytest.raises(ValueError):
        q.decrease_key("a", 4)
    assert q.priority("a") == 3


@pytest.mark.parametrize(
    "item, new, expected_order",
    [
        ("d", 0, ["d", "a", "b", "c"]),
        ("a", 10, ["b", "c", "d", "a"]),
        ("b", 2, ["a", "b", "c", "d"]),
        ("e", 2.5, ["a", "b", "e", "c", "d"]),
    ],
)
def test_update(item, new, expected_order):
    q = PriorityQueue([("a", 1), ("b", 2), ("c", 3), ("d", 4)])
    q.update(item, new)
    assert q.is_valid()
    assert [i for i, _ in q.drain()] == expected_order


def test_pop_many():
    q = PriorityQueue([(n, n) for n in [5, 3, 8, 1]])
    assert q.pop_many(2) == [(1, 1), (3, 3)]
    assert q.pop_many(10) == [(5, 5), (8, 8)]
    assert q.pop_many(3) == []


def test_items_does_not_modify():
    q = PriorityQueue([("b", 2), ("a", 1), ("c", 2)])
    assert q.items() == [("a", 1), ("b", 2), ("c", 2)]
    assert len(q) == 3
    assert "PriorityQueue" in repr(q)


def test_random_operations_match_reference():
    rng = random.Random(1234)
    q = PriorityQueue()
    reference = {}
    for step in range(600):
        op = rng.random()
        if op < 0.45 or not reference:
            item = step
            prio = rng.randint(0, 50)
            q.push(item, prio)
            reference[item] = prio
        elif op < 0.6:
            item = rng.choice(sorted(reference))
            assert q.remove(item) == reference.pop(item)
        elif op < 0.75:
            item = rng.choice(sorted(reference))
            new = rng.randint(0, 50)
            q.update(item, new)
            reference[item] = new
        else:
            item, prio = q.pop()
            assert prio == min(reference.values())
            assert reference.pop(item) == prio
        assert q.is_valid()
        assert len(q) == len(reference)


@pytest.mark.parametrize(
    "values, k, expected",
    [
        ([5, 1, 4, 2, 3], 3, [1, 2, 3]),
        ([5, 1, 4], 10, [1, 4, 5]),
        ([], 3, []),
    ],
)
def test_k_smallest(values, k, expected):
    assert k_smallest(values, k) == expected


def test_k_smallest_with_key_and_generator():
    words = (w for w in ["pear", "fig", "banana", "kiwi"])
    assert k_smallest(words, 2, key=len) == ["fig", "pear"]


# -- Scheduler -----------------------------------------------------------


def test_scheduler_requires_worker():
    with pytest.raises(ValueError):
        Scheduler(workers=0)


def test_jobs_run_in_priority_order():
    s = Scheduler()
    s.submit("low", priority=5)
    s.submit("high", priority=1)
    s.submit("mid", priority=3)
    assert s.pending() == ["high", "mid", "low"]
    assert s.run() == ["high", "mid", "low"]


def test_job_times_single_worker():
    s = Scheduler()
    s.submit("a", priority=1, duration=2)
    s.submit("b", priority=2, duration=3)
    s.run()
    assert (s["a"].started, s["a"].finished) == (0, 2)
    assert (s["b"].started, s["b"].finished) == (2, 5)
    assert s["b"].wait_time == 2
    assert s.clock == 5


def test_multiple_workers_run_in_parallel():
    s = Scheduler(workers=2)
    s.submit("a", duration=3)
    s.submit("b", duration=1)
    s.submit("c", duration=1)
    s.run()
    assert s["a"].started == 0 and s["b"].started == 0
    assert s["c"].started == 1
    assert s.stats()["makespan"] == 3


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"duration": 0}, ValueError),
        ({"deps": ["ghost"]}, KeyError),
    ],
)
def test_submit_rejects_bad_input(kwargs, error):
    s = Scheduler()
    s.submit("existing")
    with pytest.raises(error):
        s.submit("job", **kwargs)
    with pytest.raises(ValueError):
        s.submit("existing")


def test_dependencies_block_until_finished():
    s = Scheduler(workers=2)
    s.submit("build", priority=5, duration=2)
    s.submit("test", priority=0, deps=["build"])
    assert s.pending() == ["build"]
    assert s.blocked() == ["test"]
    s.run()
    assert s.completed == ["build", "test"]
    assert s["test"].started == 2
    assert s.blocked() == []


def test_dependency_on_finished_job_is_ready_immediately():
    s = Scheduler()
    s.submit("a")
    s.run()
    s.submit("b", deps=["a"])
    assert s.pending() == ["b"]
    assert s.blocked() == []


def test_job_with_two_dependencies_waits_for_both():
    s = Scheduler(workers=2)
    s.submit("x", duration=1)
    s.submit("y", duration=3)
    s.submit("z", deps=["x", "y"])
    s.tick()
    s.tick()
    assert s.blocked() == ["z"]
    s.run()
    assert s["z"].started == 3


def test_cancel_cascades_to_dependents():
    s = Scheduler()
    s.submit("a", duration=2)
    s.submit("b", deps=["a"])
    s.submit("c", deps=["b"])
    s.submit("d")
    assert s.cancel("a") == ["a", "b", "c"]
    assert s["c"].state == "cancelled"
    assert s.blocked() == []
    assert s.run() == ["d"]


def test_cancel_started_job_raises():
    s = Scheduler()
    s.submit("a", duration=3)
    s.tick()
    assert s["a"].state == "running"
    with pytest.raises(ValueError):
        s.cancel("a")


def test_cancel_twice_and_depend_on_cancelled():
    s = Scheduler()
    s.submit("a")
    s.cancel("a")
    assert s.cancel("a") == []
    with pytest.raises(ValueError):
        s.submit("b", deps=["a"])


def test_reprioritize_ready_and_blocked_jobs():
    s = Scheduler()
    s.submit("a", priority=1)
    s.submit("b", priority=2)
    s.submit("gate", priority=9)
    s.submit("c", priority=3, deps=["gate"])
    s.reprioritize("b", 0)
    s.reprioritize("a", 4)
    s.reprioritize("c", -1)
    assert s.pending() == ["b", "a", "gate"]
    assert s.run() == ["b", "a", "gate", "c"]
    assert s["c"].priority == -1


def test_boost_lowers_priority():
    s = Scheduler()
    s.submit("a", priority=2)
    s.submit("b", priority=4)
    s.boost("b", 3)
    assert s["b"].priority == 1
    assert s.pending() == ["b", "a"]
    with pytest.raises(ValueError):
        s.boost("a", -1)


def test_events_are_recorded():
    s = Scheduler()
    s.submit("a", duration=1)
    s.run()
    assert s.events == [(0, "submit", "a"), (0, "start", "a"), (1, "finish", "a")]


def test_stats_empty_and_filled():
    s = Scheduler()
    assert s.stats() == {"completed": 0, "avg_wait": 0.0, "max_wait": 0, "makespan": 0}
    s.submit("a", duration=2)
    s.submit("b", duration=2)
    s.submit("c", duration=1)
    s.run()
    assert s.stats() == {"completed": 3, "avg_wait": 2.0, "max_wait": 4, "makespan": 5}


def test_run_gives_up_after_max_ticks():
    s = Scheduler()
    s.submit("long", duration=50)
    with pytest.raises(RuntimeError):
        s.run(max_ticks=10)


def test_job_state_and_wait_time_defaults():
    job = Job("j", priority=0, duration=1)
    assert job.state == "pending"
    assert job.wait_time is None


def test_timeline_sorted_by_start():
    s = Scheduler(workers=2)
    s.submit("b", duration=2)
    s.submit("a", duration=1)
    s.submit("c", duration=1)
    s.run()
    assert list(s.timeline()) == [("a", 0, 1), ("b", 0, 2), ("c", 1, 2)]


@pytest.mark.parametrize(
    "rows, width, expected",
    [
        ([], None, ""),
        ([("a", 0, 2), ("bb", 1, 3)], None, "a  |##.|\nbb |.##|"),
        ([("a", 0, 4)], 2, "a |##|"),
    ],
)
def test_render_gantt(rows, width, expected):
    assert render_gantt(rows, width) == expected
