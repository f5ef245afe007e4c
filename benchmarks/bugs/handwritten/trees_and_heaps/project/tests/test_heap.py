import random

import pytest

from heap import MinHeap, heapsort


def test_push_pop_order():
    h = MinHeap()
    for v in [5, 3, 8, 1, 9, 2]:
        h.push(v)
        assert h.is_valid()
    assert h.peek() == 1
    assert [h.pop() for _ in range(6)] == [1, 2, 3, 5, 8, 9]
    assert len(h) == 0


def test_pop_empty():
    with pytest.raises(IndexError):
        MinHeap().pop()
    with pytest.raises(IndexError):
        MinHeap().peek()


def test_single_element():
    h = MinHeap()
    h.push(42)
    assert h.pop() == 42
    assert len(h) == 0


def test_duplicates():
    h = MinHeap()
    for v in [2, 2, 1, 1, 2]:
        h.push(v)
    assert [h.pop() for _ in range(5)] == [1, 1, 2, 2, 2]


def test_heapify_is_valid():
    h = MinHeap.heapify([9, 8, 7, 6, 5, 4, 3, 2, 1])
    assert h.is_valid()
    assert h.peek() == 1
    assert len(h) == 9


def test_heapify_does_not_alias_input():
    data = [3, 1, 2]
    h = MinHeap.heapify(data)
    h.pop()
    assert data == [3, 1, 2]


def test_heapify_small():
    assert MinHeap.heapify([]).is_valid()
    h = MinHeap.heapify([2, 1])
    assert h.pop() == 1 and h.pop() == 2


def test_interleaved_operations():
    h = MinHeap.heapify([10, 4, 7])
    assert h.pop() == 4
    h.push(1)
    h.push(8)
    assert h.pop() == 1
    assert h.pop() == 7
    assert h.is_valid()


def test_heapsort():
    assert heapsort([]) == []
    assert heapsort([1]) == [1]
    assert heapsort([3, 1, 2]) == [1, 2, 3]
    assert heapsort([5, -1, 5, 0, -1]) == [-1, -1, 0, 5, 5]


def test_heapsort_random():
    rng = random.Random(3)
    for size in (2, 7, 50, 201):
        data = [rng.randint(-100, 100) for _ in range(size)]
        assert heapsort(data) == sorted(data)
