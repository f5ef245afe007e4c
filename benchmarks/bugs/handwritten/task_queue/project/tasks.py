"""A small in-memory task queue with priorities, dependencies and retries."""

PENDING = "pending"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
BLOCKED = "blocked"
CANCELLED = "cancelled"
STATUSES = (PENDING, RUNNING, DONE, FAILED, BLOCKED, CANCELLED)


class Task:
    def __init__(self, name, priority=0, deps=(), max_retries=0):
        self.name = name
        self.priority = priority
        self.deps = list(deps)
        self.max_retries = max_retries
        self.attempts = 0
        self.status = PENDING

    def __repr__(self):
        return f"Task({self.name!r}, priority={self.priority}, status={self.status!r})"


class TaskQueue:
    def __init__(self):
        self.tasks = {}
        self._order = {}  # name -> position in which it was added
        self.log = []  # (event, task name)

    def add(self, name, priority=0, deps=(), max_retries=0):
        if not name:
            raise ValueError("task name must not be empty")
        if name in self.tasks:
            raise ValueError(f"task {name!r} already exists")
        if name in deps:
            raise ValueError(f"task {name!r} cannot depend on itself")
        if max_retries < 0:
            raise ValueError("max_retries must not be negative")
        task = Task(name, priority, deps, max_retries)
        self.tasks[name] = task
        self._order[name] = len(self._order)
        return task

    def get(self, name):
        if name not in self.tasks:
            raise KeyError(f"no task named {name!r}")
        return self.tasks[name]

    def _deps_done(self, task):
        for dep in task.deps:
            if dep not in self.tasks:
                raise KeyError(f"task {task.name!r} depends on unknown task {dep!r}")
            if self.tasks[dep].status != DONE:
                return False
        return True

    def ready(self):
        """Pending tasks whose dependencies are done: highest priority first, then FIFO."""
        found = [t for t in self.tasks.values() if t.status == PENDING and self._deps_done(t)]
        found.sort(key=lambda t: (-t.priority, self._order[t.name]))
        return found

    def next_task(self):
        """Start the next ready task and return it, or None when nothing is ready."""
        ready = self.ready()
        if not ready:
            return None
        task = ready[0]
        task.status = RUNNING
        task.attempts += 1
        self.log.append(("start", task.name))
        return task

    def _finish(self, name):
        task = self.get(name)
        if task.status != RUNNING:
            raise ValueError(f"task {name!r} is not running")
        return task

    def complete(self, name):
        task = self._finish(name)
        task.status = DONE
        self.log.append(("done", name))

    def fail(self, name):
        """Record a failed attempt: retry while attempts remain, else give up."""
        task = self._finish(name)
        if task.attempts <= task.max_retries:
            task.status = PENDING
            self.log.append(("retry", name))
        else:
            task.status = FAILED
            self.log.append(("failed", name))
            self._block_dependents(name)

    def cancel(self, name):
        task = self.get(name)
        if task.status != PENDING:
            raise ValueError(f"only pending tasks can be cancelled, {name!r} is {task.status}")
        task.status = CANCELLED
        self.log.append(("cancelled", name))
        self._block_dependents(name)

    def _block_dependents(self, name):
        """Mark every pending task that (indirectly) needs `name` as blocked."""
        stack = [name]
        while stack:
            current = stack.pop()
            for task in self.tasks.values():
                if current in task.deps and task.status == PENDING:
                    task.status = BLOCKED
                    stack.append(task.name)

    def dependents(self, name):
        """Names of the tasks that directly depend on `name`, in the order added."""
        self.get(name)
        return [t.name for t in self.tasks.values() if name in t.deps]

    def find_cycle(self):
        """A list of names forming a dependency cycle (first name repeated at the end), or None."""
        state = {}  # name -> "visiting" | "done"

        def visit(name, path):
            state[name] = "visiting"
            path.append(name)
            for dep in self.tasks[name].deps:
                if dep not in self.tasks:
                    continue
                if state.get(dep) == "visiting":
                    return path[path.index(dep):] + [dep]
                if dep not in state:
                    cycle = visit(dep, path)
                    if cycle:
                        return cycle
            path.pop()
            state[name] = "done"
            return None

        for name in self.tasks:
            if name not in state:
                cycle = visit(name, [])
                if cycle:
                    return cycle
        return None

    def stats(self):
        counts = {status: 0 for status in STATUSES}
        for task in self.tasks.values():
            counts[task.status] += 1
        return counts

    def run_all(self, worker, limit=1000):
        """Run tasks with worker(task) until nothing is ready; an exception fails the attempt.

        Returns the names of the completed tasks in the order they finished.
        """
        cycle = self.find_cycle()
        if cycle:
            raise ValueError("dependency cycle: " + " -> ".join(cycle))
        finished = []
        steps = 0
        while steps < limit:
            task = self.next_task()
            if task is None:
                break
            steps += 1
            try:
                worker(task)
            except Exception:
                self.fail(task.name)
            else:
                self.complete(task.name)
                finished.append(task.name)
        return finished
