"""Classic sorting and searching routines."""

import heapq


def insertion_sort(items):
    """Sort the list in place and return it."""
    for i in range(1, len(items)):
        current = items[i]
        j = i - 1
        while j >= 0 and items[j] > current:
            items[j + 1] = items[j]
            j -= 1
        items[j + 1] = current
    return items


def merge(left, right):
    """Merge two sorted lists into a new sorted list (stable: ties come from left first)."""
    result = []
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            result.append(left[i])
            i += 1
        else:
            result.append(right[j])
            j += 1
    result.extend(left[i:])
    result.extend(right[j:])
    return result


def merge_sort(items, key=None):
    """Return a new sorted list; the input is left untouched. Stable."""
    if key is not None:
        decorated = [(key(x), i, x) for i, x in enumerate(items)]
        return [x for _, _, x in merge_sort(decorated)]
    if len(items) <= 1:
        return list(items)
    mid = len(items) // 2
    return merge(merge_sort(items[:mid]), merge_sort(items[mid:]))


def _partition(items, lo, hi):
    """Lomuto partition of items[lo..hi] around items[hi]; returns the pivot's final index."""
    pivot = items[hi]
    store = lo
    for i in range(lo, hi):
        if items[i] < pivot:
            items[i], items[store] = items[store], items[i]
            store += 1
    items[store], items[hi] = items[hi], items[store]
    return store


def quicksort(items, lo=0, hi=None):
    """Sort the list in place with quicksort and return it."""
    if hi is None:
        hi = len(items) - 1
    if lo < hi:
        p = _partition(items, lo, hi)
        quicksort(items, lo, p - 1)
        quicksort(items, p + 1, hi)
    return items


def counting_sort(values):
    """Sort a list of integers (negatives allowed) into a new list."""
    if not values:
        return []
    low, high = min(values), max(values)
    counts = [0] * (high - low + 1)
    for v in values:
        counts[v - low] += 1
    result = []
    for offset, count in enumerate(counts):
        result.extend([offset + low] * count)
    return result


def binary_search_leftmost(items, target):
    """Index of the first element >= target in the sorted list (len(items) if none)."""
    lo, hi = 0, len(items)
    while lo < hi:
        mid = (lo + hi) // 2
        if items[mid] < target:
            lo = mid + 1
        else:
            hi = mid
    return lo


def index_of(items, target):
    """Index of the first occurrence of target in the sorted list, or -1."""
    i = binary_search_leftmost(items, target)
    if i < len(items) and items[i] == target:
        return i
    return -1


def kth_smallest(items, k):
    """The k-th smallest element (k counts from 1) by quickselect. The input is not modified."""
    if not 1 <= k <= len(items):
        raise IndexError("k out of range")
    work = list(items)
    lo, hi = 0, len(work) - 1
    target = k - 1
    while True:
        p = _partition(work, lo, hi)
        if p == target:
            return work[p]
        if p < target:
            lo = p + 1
        else:
            hi = p - 1


def merge_k_sorted(lists):
    """Merge any number of sorted lists into one sorted list."""
    heap = []
    for which, lst in enumerate(lists):
        if lst:
            heap.append((lst[0], which, 0))
    heapq.heapify(heap)
    result = []
    while heap:
        value, which, pos = heapq.heappop(heap)
        result.append(value)
        if pos + 1 < len(lists[which]):
            heapq.heappush(heap, (lists[which][pos + 1], which, pos + 1))
    return result
