"""Textbook dynamic-programming problems."""

import bisect


def edit_distance(a, b):
    """Levenshtein distance (insert, delete, substitute each cost 1)."""
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        prev = cur
    return prev[len(b)]


def lis_length(seq):
    """Length of the longest strictly increasing subsequence (patience sorting)."""
    tails = []
    for x in seq:
        pos = bisect.bisect_left(tails, x)
        if pos == len(tails):
            tails.append(x)
        else:
            tails[pos] = x
    return len(tails)


def knapsack(items, capacity):
    """Best total value of a subset of (weight, value) items within capacity (0/1 knapsack)."""
    best = [0] * (capacity + 1)
    for weight, value in items:
        for cap in range(capacity, weight - 1, -1):
            best[cap] = max(best[cap], best[cap - weight] + value)
    return best[capacity]


def coin_change_ways(coins, amount):
    """Number of multisets of coins summing to amount (order does not matter)."""
    ways = [1] + [0] * amount
    for coin in coins:
        for total in range(coin, amount + 1):
            ways[total] += ways[total - coin]
    return ways[amount]


def min_coins(coins, amount):
    """Fewest coins summing to amount, or -1 if it cannot be made."""
    INF = float("inf")
    fewest = [0] + [INF] * amount
    for total in range(1, amount + 1):
        for coin in coins:
            if coin <= total and fewest[total - coin] + 1 < fewest[total]:
                fewest[total] = fewest[total - coin] + 1
    return -1 if fewest[amount] == INF else fewest[amount]


def longest_common_substring(a, b):
    """The longest string occurring contiguously in both a and b (the first such in a)."""
    best_len, best_end = 0, 0
    prev = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best_len:
                    best_len, best_end = cur[j], i
        prev = cur
    return a[best_end - best_len:best_end]


def max_subarray(nums):
    """Largest sum of a non-empty contiguous slice (Kadane); raises ValueError if empty."""
    if not nums:
        raise ValueError("empty sequence")
    best = current = nums[0]
    for x in nums[1:]:
        current = max(x, current + x)
        best = max(best, current)
    return best


def grid_paths(grid):
    """Number of right/down paths from the top-left to the bottom-right cell.

    grid is a list of strings; '#' marks an obstacle.
    """
    if not grid or not grid[0]:
        return 0
    rows, cols = len(grid), len(grid[0])
    paths = [[0] * cols for _ in range(rows)]
    for r in range(rows):
        for c in range(cols):
            if grid[r][c] == "#":
                continue
            if r == 0 and c == 0:
                paths[r][c] = 1
                continue
            from_above = paths[r - 1][c] if r > 0 else 0
            from_left = paths[r][c - 1] if c > 0 else 0
            paths[r][c] = from_above + from_left
    return paths[rows - 1][cols - 1]


def max_gold_path(grid):
    """Walk from the top-left to the bottom-right moving right/down; most gold collectable.

    grid is a rectangular list of lists of non-negative ints.
    """
    rows, cols = len(grid), len(grid[0])
    best = [[0] * cols for _ in range(rows)]
    r = 0
    while r < rows:
        for c in range(cols):
            if r == 0 and c == 0:
                before = 0
            elif r == 0:
                before = best[r][c - 1]
            elif c == 0:
                before = best[r - 1][c]
            else:
                before = max(best[r - 1][c], best[r][c - 1])
            best[r][c] = before + grid[r][c]
        r += 1
    return best[rows - 1][cols - 1]
