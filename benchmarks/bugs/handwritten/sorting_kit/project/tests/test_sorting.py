import random

import pytest
from sorting import (
    binary_search_leftmost,
    counting_sort,
    index_of,
    insertion_sort,
    kth_smallest,
    merge,
    merge_k_sorted,
    merge_sort,
    quicksort,
)

CASES = [
    [],
    [1],
    [2, 1],
    [3, 1, 2],
    [5, 4, 3, 2, 1],
    [1, 2, 3, 4, 5],
    [4, 1, 4, 2, 1, 4],
    [0, -3, 7, -3, 2, 9, -1],
]


def shuffled(seed, n=40, lo=-20, hi=20):
    rng = random.Random(seed)
    return [rng.randint(lo, hi) for _ in range(n)]


@pytest.mark.parametrize("data", CASES)
def test_insertion_sort(data):
    assert insertion_sort(list(data)) == sorted(data)


def test_insertion_sort_random():
    data = shuffled(1)
    assert insertion_sort(list(data)) == sorted(data)


def test_merge_basic():
    assert merge([1, 4, 9], [2, 3, 10, 11]) == [1, 2, 3, 4, 9, 10, 11]


def test_merge_with_empty():
    assert merge([], [1, 2]) == [1, 2]
    assert merge([3], []) == [3]


@pytest.mark.parametrize("data", CASES)
def test_merge_sort(data):
    assert merge_sort(data) == sorted(data)


def test_merge_sort_returns_new_list():
    data = [3, 1, 2]
    out = merge_sort(data)
    assert data == [3, 1, 2]
    assert out == [1, 2, 3]
    single = [7]
    assert merge_sort(single) is not single


def test_merge_sort_is_stable():
    words = ["bb", "f", "ee", "a", "cc", "d"]
    assert merge_sort(words, key=len) == ["f", "a", "d", "bb", "ee", "cc"]


@pytest.mark.parametrize("data", CASES)
def test_quicksort(data):
    assert quicksort(list(data)) == sorted(data)


def test_quicksort_random():
    for seed in range(5):
        data = shuffled(seed)
        assert quicksort(list(data)) == sorted(data)


def test_counting_sort():
    assert counting_sort([3, -1, 2, -1, 0, 3]) == [-1, -1, 0, 2, 3, 3]


def test_counting_sort_empty_and_single():
    assert counting_sort([]) == []
    assert counting_sort([5]) == [5]


def test_counting_sort_random():
    data = shuffled(7)
    assert counting_sort(data) == sorted(data)


def test_binary_search_leftmost_duplicates():
    items = [1, 2, 2, 2, 5, 7]
    assert binary_search_leftmost(items, 2) == 1
    assert binary_search_leftmost(items, 3) == 4
    assert binary_search_leftmost(items, 0) == 0
    assert binary_search_leftmost(items, 8) == 6


def test_binary_search_leftmost_empty():
    assert binary_search_leftmost([], 4) == 0


def test_index_of():
    items = [1, 3, 3, 8, 10]
    assert index_of(items, 3) == 1
    assert index_of(items, 10) == 4
    assert index_of(items, 1) == 0
    assert index_of(items, 4) == -1
    assert index_of(items, 11) == -1
    assert index_of([], 1) == -1


def test_kth_smallest():
    data = [7, 2, 9, 4, 1, 8]
    assert [kth_smallest(data, k) for k in range(1, 7)] == [1, 2, 4, 7, 8, 9]
    assert data == [7, 2, 9, 4, 1, 8]


def test_kth_smallest_duplicates():
    data = [5, 1, 5, 1, 3]
    assert [kth_smallest(data, k) for k in range(1, 6)] == [1, 1, 3, 5, 5]


def test_kth_smallest_single():
    assert kth_smallest([42], 1) == 42


def test_kth_smallest_out_of_range():
    with pytest.raises(IndexError):
        kth_smallest([1, 2, 3], 0)
    with pytest.raises(IndexError):
        kth_smallest([1, 2, 3], 4)


def test_merge_k_sorted():
    lists = [[1, 4, 7], [2, 5, 8], [0, 3, 6, 9]]
    assert merge_k_sorted(lists) == list(range(10))


def test_merge_k_sorted_with_empties():
    assert merge_k_sorted([[], [2, 2], [], [1, 3]]) == [1, 2, 2, 3]
    assert merge_k_sorted([]) == []
    assert merge_k_sorted([[], []]) == []


def test_merge_k_sorted_single_list():
    assert merge_k_sorted([[1, 2, 3]]) == [1, 2, 3]
