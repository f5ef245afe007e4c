"""A discrete-time job scheduler built on PriorityQueue.

Jobs have a priority (lower runs first), a duration in ticks and optional
dependencies on other jobs.  A job becomes ready once all of its
dependencies have finished; ready jobs are started on free workers in
priority order at the beginning of each tick.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from heap import PriorityQueue


@dataclass
class Job:
    name: str
    priority: int
    duration: int
    submitted: int = 0
    deps: tuple = ()
    started: int | None = None
    finished: int | None = None
    cancelled: bool = False
    tags: set = field(default_factory=set)

    @property
    def wait_time(self):
        if self.started is None:
            return None
        return self.started - self.submitted

    @property
    def state(self):
        if self.cancelled:
            return "cancelled"
        if self.finished is not None:
            return "done"
        if self.started is not None:
            return "running"
        return "pending"


class Scheduler:
    def __init__(self, workers=1):
        if workers < 1:
            raise ValueError("need at least one worker")
        self.workers = workers
        self.clock = 0
        self.completed = []
        self.events = []
        self._jobs = {}
        self._ready = PriorityQueue()
        self._blocked = {}  # job name -> names of unfinished dependencies
        self._running = []

    def __getitem__(self, name):
        return self._jobs[name]

    def submit(self, name, priority=0, duration=1, deps=(), tags=()):
        if name in self._jobs:
            raise ValueError(f"duplicate job {name!r}")
        if duration <= 0:
            raise ValueError("duration must be positive")
        for dep in deps:
            if dep not in self._jobs:
                raise KeyError(f"unknown dependency {dep!r}")
            if self._jobs[dep].cancelled:
                raise ValueError(f"dependency {dep!r} was cancelled")
        job = Job(name, priority, duration, submitted=self.clock, deps=tuple(deps), tags=set(tags))
        self._jobs[name] = job
        waiting = {dep for dep in deps if self._jobs[dep].finished is None}
        if waiting:
            self._blocked[name] = waiting
        else:
            self._ready.push(name, priority)
        self._record("submit", name)
        return job

    def cancel(self, name):
        """Cancel a job that has not started, and every job waiting on it."""
        job = self._jobs[name]
        if job.started is not None:
            raise ValueError(f"job {name!r} has already started")
        if job.cancelled:
            return []
        job.cancelled = True
        self._ready.discard(name)
        self._blocked.pop(name, None)
        self._record("cancel", name)
        cancelled = [name]
        for other in list(self._blocked):
            if other in self._blocked and name in self._blocked[other]:
                cancelled.extend(self.cancel(other))
        return cancelled

    def reprioritize(self, name, priority):
        job = self._jobs[name]
        job.priority = priority
        if name in self._ready:
            self._ready.update(name, priority)

    def boost(self, name, amount=1):
        """Make a ready or blocked job more urgent by lowering its priority."""
        if amount < 0:
            raise ValueError("amount must not be negative")
        job = self._jobs[name]
        job.priority -= amount
        if name in self._ready:
            self._ready.decrease_key(name, job.priority)

    def pending(self):
        """Names of jobs that are ready, in the order they would start."""
        return [name for name, _ in self._ready.items()]

    def blocked(self):
        return sorted(self._blocked)

    def tick(self):
        """Start what can start, then advance the clock by one unit."""
        self._start_ready()
        self.clock += 1
        self._finish_due()

    def run(self, max_ticks=10_000):
        ticks = 0
        while self._ready or self._running:
            if ticks >= max_ticks:
                raise RuntimeError("scheduler did not finish")
            self.tick()
            ticks += 1
        return list(self.completed)

    def stats(self):
        finished = [self._jobs[name] for name in self.completed]
        if not finished:
            return {"completed": 0, "avg_wait": 0.0, "max_wait": 0, "makespan": 0}
        waits = [job.wait_time for job in finished]
        return {
            "completed": len(finished),
            "avg_wait": sum(waits) / len(waits),
            "max_wait": max(waits),
            "makespan": max(job.finished for job in finished),
        }

    def timeline(self):
        """Yield (name, start, end) for finished jobs, by start time."""
        finished = [self._jobs[name] for name in self.completed]
        for job in sorted(finished, key=lambda j: (j.started, j.name)):
            yield job.name, job.started, job.finished

    # -- internals ---------------------------------------------------------

    def _record(self, kind, name):
        self.events.append((self.clock, kind, name))

    def _start_ready(self):
        while self._ready and len(self._running) < self.workers:
            name, _ = self._ready.pop()
            job = self._jobs[name]
            job.started = self.clock
            self._running.append(job)
            self._record("start", name)

    def _finish_due(self):
        due = [job for job in self._running if job.started + job.duration <= self.clock]
        due.sort(key=lambda job: job.name)
        for job in due:
            self._running.remove(job)
            job.finished = self.clock
            self.completed.append(job.name)
            self._record("finish", job.name)
            self._release(job.name)

    def _release(self, name):
        for other in list(self._blocked):
            waiting = self._blocked[other]
            waiting.discard(name)
            if not waiting:
                del self._blocked[other]
                self._ready.push(other, self._jobs[other].priority)


def render_gantt(rows, width=None):
    """Draw (name, start, end) rows as a text chart, one line per job."""
    rows = list(rows)
    if not rows:
        return ""
    label = max(len(name) for name, _, _ in rows)
    end = max(stop for _, _, stop in rows)
    if width is not None:
        end = min(end, width)
    lines = []
    for name, start, stop in rows:
        bar = "." * start + "#" * (stop - start)
        lines.append(f"{name.ljust(label)} |{bar[:end].ljust(end, '.')}|")
    return "\n".join(lines)
