"""Recording of the transitions a state machine has taken."""

from collections import namedtuple

Entry = namedtuple("Entry", ["step", "source", "event", "target"])


class History:
    """An ordered, optionally bounded log of transitions."""

    def __init__(self, limit=None):
        if limit is not None and limit <= 0:
            raise ValueError("history limit must be positive")
        self.limit = limit
        self._entries = []
        self._step = 0

    def __len__(self):
        return len(self._entries)

    def __iter__(self):
        return iter(self._entries)

    def record(self, source, event, target):
        self._step += 1
        entry = Entry(self._step, source, event, target)
        self._entries.append(entry)
        if self.limit is not None and len(self._entries) > self.limit:
            del self._entries[0]
        return entry

    def pop(self):
        """Remove and return the newest entry, or None when empty."""
        if not self._entries:
            return None
        return self._entries.pop()

    def clear(self):
        self._entries.clear()
        self._step = 0

    def last(self, n=1):
        if n <= 0:
            return []
        return self._entries[-n:]

    def events(self):
        return [entry.event for entry in self._entries]

    def path(self):
        """States visited in order, starting from the first recorded source."""
        if not self._entries:
            return []
        states = [self._entries[0].source]
        for entry in self._entries:
            states.append(entry.target)
        return states

    def count_visits(self, state):
        return sum(1 for entry in self._entries if entry.target == state)

    def transitions_from(self, state):
        for entry in self._entries:
            if entry.source == state:
                yield entry

    def self_loops(self):
        return [entry for entry in self._entries if entry.source == entry.target]

    def format(self):
        lines = []
        for entry in self._entries:
            lines.append(f"{entry.step}: {entry.source} --{entry.event}--> {entry.target}")
        return "\n".join(lines)
