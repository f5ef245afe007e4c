"""A binary min-heap priority queue that supports changing and removing entries."""

from __future__ import annotations

from itertools import count


class EmptyQueueError(IndexError):
    """Raised when popping or peeking an empty queue."""


class PriorityQueue:
    """Min-priority queue of hashable items.

    Every item is queued at most once.  Entries with equal priority come out
    in the order they were pushed.
    """

    def __init__(self, items=None):
        self._heap = []  # entries are [priority, seq, item]
        self._index = {}  # item -> position of its entry in _heap
        self._counter = count()
        if items:
            for item, priority in items:
                self.push(item, priority)

    def __len__(self):
        return len(self._heap)

    def __bool__(self):
        return bool(self._heap)

    def __contains__(self, item):
        return item in self._index

    def __repr__(self):
        return f"PriorityQueue({self.items()!r})"

    def priority(self, item):
        """Current priority of a queued item (KeyError if absent)."""
        return self._heap[self._index[item]][0]

    def push(self, item, priority):
        if item in self._index:
            raise KeyError(f"{item!r} is already queued")
        entry = [priority, next(self._counter), item]
        self._heap.append(entry)
        self._index[item] = len(self._heap) - 1
        self._sift_up(len(self._heap) - 1)

    def peek(self):
        if not self._heap:
            raise EmptyQueueError("peek from an empty queue")
        priority, _, item = self._heap[0]
        return item, priority

    def pop(self):
        if not self._heap:
            raise EmptyQueueError("pop from an empty queue")
        priority, _, item = self._heap[0]
        self._remove_at(0)
        return item, priority

    def remove(self, item):
        """Remove a queued item and return its priority."""
        pos = self._index.get(item)
        if pos is None:
            raise KeyError(item)
        priority = self._heap[pos][0]
        self._remove_at(pos)
        return priority

    def discard(self, item):
        """Remove item if it is queued; report whether it was."""
        if item not in self._index:
            return False
        self.remove(item)
        return True

    def decrease_key(self, item, priority):
        pos = self._index[item]
        entry = self._heap[pos]
        if priority > entry[0]:
            raise ValueError(f"new priority {priority} is greater than current {entry[0]}")
        entry[0] = priority
        self._sift_up(pos)

    def update(self, item, priority):
        """Set the priority of item, pushing it if it is not queued yet."""
        pos = self._index.get(item)
        if pos is None:
            self.push(item, priority)
            return
        entry = self._heap[pos]
        old = entry[0]
        entry[0] = priority
        if priority < old:
            self._sift_up(pos)
        elif priority > old:
            self._sift_down(pos)

    def pop_many(self, n):
        """Pop up to n entries, smallest first."""
        result = []
        while self._heap and len(result) < n:
            result.append(self.pop())
        return result

    def drain(self):
        """Yield (item, priority) pairs until the queue is empty."""
        while self._heap:
            yield self.pop()

    def items(self):
        """(item, priority) pairs in pop order, leaving the queue unchanged."""
        return [(item, priority) for priority, _, item in sorted(self._heap)]

    def is_valid(self):
        """Check the heap property and the position index (for debugging)."""
        for pos in range(1, len(self._heap)):
            if self._less(pos, (pos - 1) // 2):
                return False
        if len(self._index) != len(self._heap):
            return False
        return all(self._index[entry[2]] == pos for pos, entry in enumerate(self._heap))

    # -- internals ---------------------------------------------------------

    def _less(self, i, j):
        a, b = self._heap[i], self._heap[j]
        return (a[0], a[1]) < (b[0], b[1])

    def _swap(self, i, j):
        heap = self._heap
        heap[i], heap[j] = heap[j], heap[i]
        self._index[heap[i][2]] = i
        self._index[heap[j][2]] = j

    def _sift_up(self, pos):
        while pos > 0:
            parent = (pos - 1) // 2
            if not self._less(pos, parent):
                break
            self._swap(pos, parent)
            pos = parent

    def _sift_down(self, pos):
        size = len(self._heap)
        while True:
            smallest = pos
            for child in (2 * pos + 1, 2 * pos + 2):
                if child < size and self._less(child, smallest):
                    smallest = child
            if smallest == pos:
                return
            self._swap(pos, smallest)
            pos = smallest

    def _remove_at(self, pos):
        entry = self._heap[pos]
        del self._index[entry[2]]
        last = self._heap.pop()
        if pos < len(self._heap):
            self._heap[pos] = last
            self._index[last[2]] = pos
            self._sift_down(pos)
            self._sift_up(pos)


def k_smallest(values, k, key=None):
    """The k smallest values in ascending order (stable for equal keys)."""
    values = list(values)
    if k <= 0 or not values:
        return []
    queue = PriorityQueue()
    for i, value in enumerate(values):
        queue.push(i, value if key is None else key(value))
    return [values[i] for i, _ in queue.pop_many(k)]
