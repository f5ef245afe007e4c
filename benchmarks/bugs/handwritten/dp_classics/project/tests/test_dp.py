import pytest

from dp import (
    coin_change_ways,
    edit_distance,
    grid_paths,
    knapsack,
    lis_length,
    longest_common_substring,
    max_gold_path,
    max_subarray,
    min_coins,
)


def test_edit_distance_classic():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("flaw", "lawn") == 2
    assert edit_distance("intention", "execution") == 5


def test_edit_distance_empty():
    assert edit_distance("", "") == 0
    assert edit_distance("abc", "") == 3
    assert edit_distance("", "abcd") == 4


def test_edit_distance_equal_and_single():
    assert edit_distance("same", "same") == 0
    assert edit_distance("a", "b") == 1


def test_lis_length():
    assert lis_length([10, 9, 2, 5, 3, 7, 101, 18]) == 4
    assert lis_length([0, 1, 0, 3, 2, 3]) == 4


def test_lis_strictly_increasing():
    assert lis_length([7, 7, 7, 7]) == 1
    assert lis_length([1, 2, 2, 3]) == 3


def test_lis_edge_cases():
    assert lis_length([]) == 0
    assert lis_length([5]) == 1
    assert lis_length([5, 4, 3, 2, 1]) == 1


def test_knapsack():
    items = [(1, 1), (3, 4), (4, 5), (5, 7)]
    assert knapsack(items, 7) == 9
    assert knapsack(items, 0) == 0


def test_knapsack_each_item_once():
    assert knapsack([(2, 3)], 10) == 3
    assert knapsack([(5, 10), (4, 40), (6, 30), (3, 50)], 10) == 90


def test_knapsack_exact_fit_and_too_heavy():
    assert knapsack([(4, 7), (6, 6)], 10) == 13
    assert knapsack([(11, 100)], 10) == 0


def test_coin_change_ways():
    assert coin_change_ways([1, 2, 5], 5) == 4
    assert coin_change_ways([2], 3) == 0
    assert coin_change_ways([10], 10) == 1
    assert coin_change_ways([1, 2, 3], 0) == 1


def test_coin_change_ways_order_does_not_matter():
    assert coin_change_ways([1, 2], 4) == 3


def test_min_coins():
    assert min_coins([1, 2, 5], 11) == 3
    assert min_coins([1, 3, 4], 6) == 2
    assert min_coins([2], 3) == -1
    assert min_coins([7], 0) == 0


def test_min_coins_exact_coin():
    assert min_coins([3, 5], 5) == 1
    assert min_coins([5, 3], 9) == 3


def test_longest_common_substring():
    assert longest_common_substring("xabcdey", "zzabcdq") == "abcd"
    assert longest_common_substring("programming", "gaming") == "ming"


def test_longest_common_substring_none_and_whole():
    assert longest_common_substring("abc", "xyz") == ""
    assert longest_common_substring("", "abc") == ""
    assert longest_common_substring("abc", "abc") == "abc"


def test_longest_common_substring_at_start_and_end():
    assert longest_common_substring("abxyz", "abq") == "ab"
    assert longest_common_substring("qqqend", "theend") == "end"


def test_max_subarray():
    assert max_subarray([-2, 1, -3, 4, -1, 2, 1, -5, 4]) == 6
    assert max_subarray([5, -1, 5]) == 9


def test_max_subarray_all_negative_and_single():
    assert max_subarray([-3, -1, -2]) == -1
    assert max_subarray([-7]) == -7
    assert max_subarray([4]) == 4


def test_max_subarray_empty():
    with pytest.raises(ValueError):
        max_subarray([])


def test_grid_paths_open():
    assert grid_paths(["...", "...", "..."]) == 6
    assert grid_paths(["."]) == 1
    assert grid_paths(["....."]) == 1


def test_grid_paths_obstacles():
    assert grid_paths(["...", ".#.", "..."]) == 2
    assert grid_paths([".#", "#."]) == 0
    assert grid_paths(["..#", "...", "#.."]) == 4
    assert grid_paths([".#.", "..."]) == 1


def test_grid_paths_blocked_corners_and_empty():
    assert grid_paths(["#.", ".."]) == 0
    assert grid_paths(["..", ".#"]) == 0
    assert grid_paths([]) == 0


def test_max_gold_path():
    grid = [[1, 3, 1], [1, 5, 1], [4, 2, 1]]
    assert max_gold_path(grid) == 12
    assert max_gold_path([[5]]) == 5


def test_max_gold_path_single_row_and_column():
    assert max_gold_path([[1, 2, 3]]) == 6
    assert max_gold_path([[1], [2], [3]]) == 6
