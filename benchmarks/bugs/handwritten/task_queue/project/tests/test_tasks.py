import pytest

from spec import dump, load, parse_line
from tasks import BLOCKED, CANCELLED, DONE, FAILED, PENDING, RUNNING, TaskQueue


@pytest.fixture
def queue():
    return TaskQueue()


# --- adding tasks --------------------------------------------------------


def test_add_and_get(queue):
    task = queue.add("build", priority=2, deps=["fetch"], max_retries=1)
    assert queue.get("build") is task
    assert task.deps == ["fetch"]
    assert task.status == PENDING
    assert task.attempts == 0


@pytest.mark.parametrize(
    "name, deps, retries, message",
    [
        ("", (), 0, "empty"),
        ("build", (), 0, "already exists"),
        ("loop", ("loop",), 0, "itself"),
        ("test", (), -1, "max_retries"),
    ],
)
def test_add_rejects_bad_tasks(queue, name, deps, retries, message):
    queue.add("build")
    with pytest.raises(ValueError, match=message):
        queue.add(name, deps=deps, max_retries=retries)


def test_get_unknown(queue):
    with pytest.raises(KeyError):
        queue.get("nothing")


# --- ordering ------------------------------------------------------------


def test_ready_orders_by_priority_then_fifo(queue):
    queue.add("a", priority=1)
    queue.add("b", priority=5)
    queue.add("c", priority=1)
    queue.add("d")
    assert [t.name for t in queue.ready()] == ["b", "a", "c", "d"]


def test_ready_waits_for_dependencies(queue):
    queue.add("fetch")
    queue.add("build", priority=10, deps=["fetch"])
    assert [t.name for t in queue.ready()] == ["fetch"]
    queue.next_task()
    assert queue.ready() == []
    queue.complete("fetch")
    assert [t.name for t in queue.ready()] == ["build"]


def test_ready_needs_all_dependencies(queue):
    queue.add("a")
    queue.add("b")
    queue.add("c", deps=["a", "b"])
    queue.next_task()
    queue.complete("a")
    assert [t.name for t in queue.ready()] == ["b"]


def test_unknown_dependency_is_reported(queue):
    queue.add("build", deps=["fetch"])
    with pytest.raises(KeyError, match="unknown task 'fetch'"):
        queue.ready()


def test_next_task_starts_task(queue):
    queue.add("a")
    task = queue.next_task()
    assert task.name == "a"
    assert task.status == RUNNING
    assert task.attempts == 1
    assert queue.next_task() is None


def test_next_task_on_empty_queue(queue):
    assert queue.next_task() is None


# --- finishing -----------------------------------------------------------


def test_complete(queue):
    queue.add("a")
    queue.next_task()
    queue.complete("a")
    assert queue.get("a").status == DONE
    assert queue.log == [("start", "a"), ("done", "a")]


def test_cannot_finish_task_that_is_not_running(queue):
    queue.add("a")
    with pytest.raises(ValueError, match="not running"):
        queue.complete("a")
    with pytest.raises(ValueError, match="not running"):
        queue.fail("a")


def test_fail_without_retries(queue):
    queue.add("a")
    queue.next_task()
    queue.fail("a")
    assert queue.get("a").status == FAILED


def test_fail_retries_until_exhausted(queue):
    queue.add("a", max_retries=2)
    for _ in range(2):
        queue.next_task()
        queue.fail("a")
        assert queue.get("a").status == PENDING
    queue.next_task()
    queue.fail("a")
    task = queue.get("a")
    assert task.status == FAILED
    assert task.attempts == 3
    assert [event for event, _ in queue.log].count("retry") == 2


def test_failure_blocks_dependents_transitively(queue):
    queue.add("fetch")
    queue.add("build", deps=["fetch"])
    queue.add("test", deps=["build"])
    queue.add("docs")
    queue.next_task()
    queue.fail("fetch")
    assert queue.get("build").status == BLOCKED
    assert queue.get("test").status == BLOCKED
    assert queue.get("docs").status == PENDING


def test_cancel(queue):
    queue.add("a")
    queue.add("b", deps=["a"])
    queue.cancel("a")
    assert queue.get("a").status == CANCELLED
    assert queue.get("b").status == BLOCKED
    assert queue.ready() == []
    with pytest.raises(ValueError, match="only pending"):
        queue.cancel("a")


def test_dependents(queue):
    queue.add("a")
    queue.add("b", deps=["a"])
    queue.add("c")
    queue.add("d", deps=["c", "a"])
    assert queue.dependents("a") == ["b", "d"]
    assert queue.dependents("b") == []
    with pytest.raises(KeyError):
        queue.dependents("zzz")


# --- cycles, stats, running ----------------------------------------------


def test_find_cycle_none(queue):
    queue.add("a")
    queue.add("b", deps=["a"])
    queue.add("c", deps=["a", "b"])
    assert queue.find_cycle() is None


def test_find_cycle(queue):
    queue.add("a", deps=["c"])
    queue.add("b", deps=["a"])
    queue.add("c", deps=["b"])
    queue.add("d")
    assert queue.find_cycle() == ["a", "c", "b", "a"]


def test_find_cycle_after_shared_dependency(queue):
    queue.add("base")
    queue.add("x", deps=["base"])
    queue.add("y", deps=["base", "z"])
    queue.add("z", deps=["y"])
    assert queue.find_cycle() == ["y", "z", "y"]


def test_stats(queue):
    queue.add("a")
    queue.add("b")
    queue.add("c", deps=["a"])
    queue.next_task()
    assert queue.stats() == {
        PENDING: 2, RUNNING: 1, DONE: 0, FAILED: 0, BLOCKED: 0, CANCELLED: 0,
    }


def test_run_all_in_dependency_order(queue):
    queue.add("test", priority=9, deps=["build"])
    queue.add("fetch")
    queue.add("build", deps=["fetch"])
    queue.add("lint", priority=1)
    seen = []
    finished = queue.run_all(lambda task: seen.append(task.name))
    assert finished == ["lint", "fetch", "build", "test"]
    assert seen == finished


def test_run_all_retries_flaky_worker(queue):
    queue.add("flaky", max_retries=2)
    queue.add("after", deps=["flaky"])
    calls = []

    def worker(task):
        calls.append(task.name)
        if task.name == "flaky" and task.attempts < 3:
            raise RuntimeError("boom")

    assert queue.run_all(worker) == ["flaky", "after"]
    assert calls == ["flaky", "flaky", "flaky", "after"]


def test_run_all_stops_after_failure(queue):
    queue.add("a")
    queue.add("b", deps=["a"])
    queue.add("c")

    def worker(task):
        if task.name == "a":
            raise RuntimeError("nope")

    assert queue.run_all(worker) == ["c"]
    assert queue.stats()[BLOCKED] == 1
    assert queue.stats()[FAILED] == 1


def test_run_all_rejects_cycles(queue):
    queue.add("a", deps=["b"])
    queue.add("b", deps=["a"])
    with pytest.raises(ValueError, match="cycle: a -> b -> a"):
        queue.run_all(lambda task: None)


def test_run_all_limit(queue):
    for name in "abcde":
        queue.add(name)
    assert queue.run_all(lambda task: None, limit=3) == ["a", "b", "c"]
    assert queue.stats()[PENDING] == 2


# --- text format ---------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ("build", {"name": "build", "priority": 0, "retries": 0, "after": []}),
        (
            "  build priority=2 retries=1 after=fetch, ",
            {"name": "build", "priority": 2, "retries": 1, "after": ["fetch"]},
        ),
        (
            "test after=build,lint  # slow",
            {"name": "test", "priority": 0, "retries": 0, "after": ["build", "lint"]},
        ),
        ("# just a comment", None),
    ],
)
def test_parse_line(line, expected):
    assert parse_line(line) == expected


@pytest.mark.parametrize(
    "line, message",
    [
        ("build priority", "key=value"),
        ("build priority=", "key=value"),
        ("build colour=red", "unknown option"),
        ("build retries=two", "integer"),
    ],
)
def test_parse_line_errors(line, message):
    with pytest.raises(ValueError, match=message):
        parse_line(line)


def test_load():
    queue = load("fetch\n\n# build stuff\nbuild priority=3 after=fetch retries=2\n")
    assert list(queue.tasks) == ["fetch", "build"]
    build = queue.get("build")
    assert (build.priority, build.max_retries, build.deps) == (3, 2, ["fetch"])


def test_load_reports_line_number():
    with pytest.raises(ValueError, match="line 3: .*already exists"):
        load("a\nb\na\n")


def test_load_unknown_dependency():
    with pytest.raises(KeyError, match="unknown task 'c'"):
        load("a\nb after=a,c\n")


def test_dump_round_trip():
    text = "fetch\nbuild priority=3 retries=2 after=fetch\ntest after=build,fetch\n"
    assert dump(load(text)) == text
    assert dump(TaskQueue()) == ""
