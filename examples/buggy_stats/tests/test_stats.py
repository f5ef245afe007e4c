import pytest
from stats_kit import mean, median, moving_average, variance


def test_mean():
    assert mean([1, 2, 3, 4]) == 2.5


def test_mean_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        mean([])


def test_median_odd_and_even():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5


def test_variance():
    assert variance([2, 4, 4, 4, 5, 5, 7, 9]) == 4


def test_moving_average_covers_every_window():
    assert moving_average([1, 2, 3, 4], 2) == [1.5, 2.5, 3.5]


def test_moving_average_whole_sequence():
    assert moving_average([2, 4, 6], 3) == [4]


def test_moving_average_rejects_bad_window():
    with pytest.raises(ValueError):
        moving_average([1, 2], 0)


def test_moving_average_leaves_its_input_alone():
    values = [1, 2, 3]
    moving_average(values, 2)
    assert values == [1, 2, 3]
