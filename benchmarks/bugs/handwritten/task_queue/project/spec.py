"""Read task queues from a small text format, one task a line:

    build priority=2 retries=1 after=fetch,configure
    # comments and blank lines are ignored
"""

from tasks import TaskQueue

KNOWN_OPTIONS = ("priority", "retries", "after")


def parse_line(line):
    """Parse one task line into a dict, or return None for blank and comment lines."""
    line = line.split("#", 1)[0].strip()
    if not line:
        return None
    words = line.split()
    spec = {"name": words[0], "priority": 0, "retries": 0, "after": []}
    for word in words[1:]:
        key, sep, value = word.partition("=")
        if not sep or not value:
            raise ValueError(f"expected key=value, got {word!r}")
        if key not in KNOWN_OPTIONS:
            raise ValueError(f"unknown option {key!r}")
        if key == "after":
            spec["after"] = [dep.strip() for dep in value.split(",") if dep.strip()]
        else:
            try:
                spec[key] = int(value)
            except ValueError:
                raise ValueError(f"{key} must be an integer, got {value!r}") from None
    return spec


def load(text):
    """Build a TaskQueue from text; errors name the offending line number."""
    queue = TaskQueue()
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            spec = parse_line(line)
            if spec is None:
                continue
            queue.add(spec["name"], spec["priority"], spec["after"], spec["retries"])
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
    for task in queue.tasks.values():
        for dep in task.deps:
            if dep not in queue.tasks:
                raise KeyError(f"task {task.name!r} depends on unknown task {dep!r}")
    return queue


def dump(queue):
    """Write a queue back in the text format, in the order the tasks were added."""
    lines = []
    for task in queue.tasks.values():
        parts = [task.name]
        if task.priority:
            parts.append(f"priority={task.priority}")
        if task.max_retries:
            parts.append(f"retries={task.max_retries}")
        if task.deps:
            parts.append("after=" + ",".join(task.deps))
        lines.append(" ".join(parts))
    return "\n".join(lines) + "\n" if lines else ""
