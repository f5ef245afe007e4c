"""A binary min-heap stored in a list, and heapsort built on it."""


class MinHeap:
    def __init__(self):
        self._items = []

    def __len__(self):
        return len(self._items)

    @classmethod
    def heapify(cls, values):
        heap = cls()
        heap._items = list(values)
        for i in range(len(heap._items) // 2 - 1, -1, -1):
            heap._sift_down(i)
        return heap

    def peek(self):
        if not self._items:
            raise IndexError("peek at empty heap")
        return self._items[0]

    def push(self, value):
        self._items.append(value)
        self._sift_up(len(self._items) - 1)

    def pop(self):
        if not self._items:
            raise IndexError("pop from empty heap")
        items = self._items
        top = items[0]
        last = items.pop()
        if items:
            items[0] = last
            self._sift_down(0)
        return top

    def _sift_up(self, i):
        items = self._items
        while i > 0:
            parent = (i - 1) // 2
            if items[i] >= items[parent]:
                break
            items[i], items[parent] = items[parent], items[i]
            i = parent

    def _sift_down(self, i):
        items = self._items
        n = len(items)
        while True:
            smallest = i
            left, right = 2 * i + 1, 2 * i + 2
            if left < n and items[left] < items[smallest]:
                smallest = left
            if right < n and items[right] < items[smallest]:
                smallest = right
            if smallest == i:
                return
            items[i], items[smallest] = items[smallest], items[i]
            i = smallest

    def is_valid(self):
        items = self._items
        return all(items[(i - 1) // 2] <= items[i] for i in range(1, len(items)))


def heapsort(values):
    """Return a new ascending list."""
    heap = MinHeap.heapify(values)
    return [heap.pop() for _ in range(len(heap))]
