import pytest

from matrix import (add, count_islands, determinant, flood_fill, identity, multiply,
                    rotate_clockwise, shape, spiral_order, transpose)


def test_identity():
    assert identity(1) == [[1]]
    assert identity(3) == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert identity(0) == []


def test_shape():
    assert shape([[1, 2, 3], [4, 5, 6]]) == (2, 3)
    assert shape([]) == (0, 0)


def test_add():
    assert add([[1, 2], [3, 4]], [[10, 20], [30, 40]]) == [[11, 22], [33, 44]]
    assert add([[1, 2, 3]], [[1, 1, 1]]) == [[2, 3, 4]]


def test_add_shape_mismatch():
    with pytest.raises(ValueError):
        add([[1, 2]], [[1], [2]])


def test_transpose_rectangular():
    assert transpose([[1, 2, 3], [4, 5, 6]]) == [[1, 4], [2, 5], [3, 6]]
    assert transpose([[7]]) == [[7]]


def test_multiply_square():
    a = [[1, 2], [3, 4]]
    b = [[5, 6], [7, 8]]
    assert multiply(a, b) == [[19, 22], [43, 50]]


def test_multiply_rectangular():
    a = [[1, 2, 3]]           # 1x3
    b = [[1], [2], [3]]       # 3x1
    assert multiply(a, b) == [[14]]
    assert multiply(b, a) == [[1, 2, 3], [2, 4, 6], [3, 6, 9]]


def test_multiply_by_identity():
    a = [[2, 0, 1], [1, 3, 5]]
    assert multiply(a, identity(3)) == a
    assert multiply(identity(2), a) == a


def test_multiply_mismatch():
    with pytest.raises(ValueError):
        multiply([[1, 2]], [[1, 2]])


def test_determinant_small():
    assert determinant([[5]]) == 5
    assert determinant([[1, 2], [3, 4]]) == -2
    assert determinant([]) == 1


def test_determinant_3x3():
    assert determinant([[2, 0, 1], [1, 3, 2], [1, 1, 2]]) == 6
    assert determinant([[6, 1, 1], [4, -2, 5], [2, 8, 7]]) == -306


def test_determinant_4x4():
    m = [[1, 0, 2, -1], [3, 0, 0, 5], [2, 1, 4, -3], [1, 0, 5, 0]]
    assert determinant(m) == 30
    assert determinant(identity(4)) == 1


def test_determinant_not_square():
    with pytest.raises(ValueError):
        determinant([[1, 2, 3], [4, 5, 6]])


def test_rotate_square():
    assert rotate_clockwise([[1, 2], [3, 4]]) == [[3, 1], [4, 2]]


def test_rotate_rectangular():
    assert rotate_clockwise([[1, 2, 3], [4, 5, 6]]) == [[4, 1], [5, 2], [6, 3]]


def test_rotate_four_times_is_identity():
    m = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    r = m
    for _ in range(4):
        r = rotate_clockwise(r)
    assert r == m


def test_spiral_square():
    m = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert spiral_order(m) == [1, 2, 3, 6, 9, 8, 7, 4, 5]


def test_spiral_wide_and_tall():
    assert spiral_order([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]) == \
        [1, 2, 3, 4, 8, 12, 11, 10, 9, 5, 6, 7]
    assert spiral_order([[1], [2], [3]]) == [1, 2, 3]
    assert spiral_order([[1, 2, 3]]) == [1, 2, 3]


def test_spiral_empty():
    assert spiral_order([]) == []
    assert spiral_order([[]]) == []


def test_flood_fill_region():
    grid = [[1, 1, 0],
            [1, 0, 0],
            [1, 1, 1]]
    assert flood_fill(grid, 0, 0, 2) == [[2, 2, 0], [2, 0, 0], [2, 2, 2]]


def test_flood_fill_not_diagonal():
    grid = [[0, 1],
            [1, 0]]
    assert flood_fill(grid, 0, 0, 5) == [[5, 1], [1, 0]]


def test_flood_fill_same_colour():
    grid = [[3, 3], [3, 3]]
    assert flood_fill(grid, 1, 1, 3) == [[3, 3], [3, 3]]


def test_flood_fill_edge_of_grid():
    grid = [[0, 0, 0],
            [0, 1, 1]]
    assert flood_fill(grid, 1, 2, 9) == [[0, 0, 0], [0, 9, 9]]


def test_count_islands():
    grid = [[1, 1, 0, 0, 1],
            [0, 1, 0, 0, 1],
            [0, 0, 1, 0, 0],
            [1, 0, 0, 1, 1]]
    assert count_islands(grid) == 5


def test_count_islands_edge_cases():
    assert count_islands([]) == 0
    assert count_islands([[0, 0], [0, 0]]) == 0
    assert count_islands([[1]]) == 1
    assert count_islands([[1, 1], [1, 1]]) == 1
    assert count_islands([[1, 0, 1, 0, 1]]) == 3


def test_count_islands_snake():
    grid = [[1, 1, 1],
            [0, 0, 1],
            [1, 1, 1]]
    assert count_islands(grid) == 1
