import pytest

from gradebook import GradeBook
from stats import histogram, mean, median


@pytest.fixture
def book():
    gb = GradeBook({"hw": 0.4, "exam": 0.6})
    for name in ["hw1", "hw2", "hw3"]:
        gb.add_assignment(name, "hw", 10)
    gb.add_assignment("midterm", "exam", 50)
    gb.add_assignment("final", "exam", 100)
    for student in ["ann", "bob", "cy"]:
        gb.add_student(student)
    return gb


def test_mean():
    assert mean([1, 2, 3, 4]) == 2.5
    with pytest.raises(ValueError):
        mean([])


@pytest.mark.parametrize("values, expected", [
    ([5], 5),
    ([3, 1, 2], 2),
    ([4, 1, 3, 2], 2.5),
    ([10, 0], 5),
])
def test_median(values, expected):
    assert median(values) == expected


def test_median_empty():
    with pytest.raises(ValueError):
        median([])


def test_histogram():
    assert histogram([0, 9.5, 10, 55, 99, 100]) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    assert histogram([], width=25) == [0, 0, 0, 0]
    assert histogram([24, 25, 100], width=25) == [1, 1, 0, 1]


def test_histogram_errors():
    with pytest.raises(ValueError):
        histogram([101])
    with pytest.raises(ValueError):
        histogram([-1])
    with pytest.raises(ValueError):
        histogram([1], width=0)


@pytest.mark.parametrize("weights", [{}, {"hw": 0.5}, {"hw": 0.7, "exam": 0.4}])
def test_bad_weights(weights):
    with pytest.raises(ValueError):
        GradeBook(weights)


def test_weights_with_float_rounding():
    gb = GradeBook({"a": 0.7, "b": 0.2, "c": 0.1})  # sums to 0.9999999999999999
    assert set(gb.weights) == {"a", "b", "c"}


def test_add_assignment_validation(book):
    with pytest.raises(KeyError, match="unknown category"):
        book.add_assignment("lab1", "lab", 10)
    with pytest.raises(ValueError, match="already exists"):
        book.add_assignment("hw1", "hw", 10)
    with pytest.raises(ValueError, match="positive"):
        book.add_assignment("hw4", "hw", 0)


def test_duplicate_student(book):
    with pytest.raises(ValueError, match="already enrolled"):
        book.add_student("ann")
    assert book.students == ["ann", "bob", "cy"]


def test_record_validation(book):
    with pytest.raises(KeyError, match="unknown student"):
        book.record("zed", "hw1", 5)
    with pytest.raises(KeyError, match="unknown assignment"):
        book.record("ann", "hw9", 5)
    with pytest.raises(ValueError, match="outside"):
        book.record("ann", "hw1", 11)
    with pytest.raises(ValueError, match="outside"):
        book.record("ann", "hw1", -1)
    book.record("ann", "hw1", 10)
    book.record("ann", "hw2", 0)
    assert book.scores["ann"] == {"hw1": 10, "hw2": 0}


def test_record_overwrites(book):
    book.record("ann", "hw1", 4)
    book.record("ann", "hw1", 9)
    assert book.category_percent("ann", "hw") == 90


def test_category_percent_uses_fractions(book):
    book.record("ann", "midterm", 50)
    book.record("ann", "final", 50)
    assert book.category_percent("ann", "exam") == 75
    assert book.category_percent("ann", "hw") is None


def test_drop_lowest(book):
    book.set_drop_lowest("hw", 1)
    book.record("ann", "hw1", 2)
    book.record("ann", "hw2", 8)
    book.record("ann", "hw3", 10)
    assert book.category_percent("ann", "hw") == 90


def test_drop_lowest_keeps_at_least_one(book):
    book.set_drop_lowest("hw", 5)
    book.record("ann", "hw1", 7)
    assert book.category_percent("ann", "hw") == 70
    book.record("ann", "hw2", 3)
    assert book.category_percent("ann", "hw") == 70


def test_set_drop_lowest_validation(book):
    with pytest.raises(KeyError):
        book.set_drop_lowest("lab", 1)
    with pytest.raises(ValueError):
        book.set_drop_lowest("hw", -1)


def test_final_percent_weighted(book):
    book.record("ann", "hw1", 10)
    book.record("ann", "hw2", 5)
    book.record("ann", "final", 80)
    # hw 75%, exam 80% -> 0.4*75 + 0.6*80
    assert book.final_percent("ann") == 78.0


def test_final_percent_rescales_missing_categories(book):
    book.record("bob", "hw1", 7)
    assert book.final_percent("bob") == 70.0
    assert book.final_percent("cy") is None
    with pytest.raises(KeyError):
        book.final_percent("zed")


def test_final_percent_rounded(book):
    book.record("ann", "hw1", 1)
    book.record("ann", "hw2", 1)
    book.record("ann", "hw3", 0)
    assert book.final_percent("ann") == 6.67


@pytest.mark.parametrize("points, letter", [
    (10, "A"), (9, "A"), (8.99, "B"), (8, "B"), (7, "C"), (6, "D"), (5.99, "F"), (0, "F"),
])
def test_letter(book, points, letter):
    book.record("ann", "hw1", points)
    assert book.letter("ann") == letter


def test_letter_without_grades(book):
    assert book.letter("ann") is None


def test_ranking_with_ties(book):
    book.add_student("dee")
    book.record("ann", "hw1", 8)
    book.record("bob", "hw1", 9)
    book.record("cy", "hw1", 8)
    book.record("dee", "hw1", 5)
    assert book.ranking() == [
        (1, "bob", 90.0),
        (2, "ann", 80.0),
        (2, "cy", 80.0),
        (4, "dee", 50.0),
    ]


def test_ranking_skips_ungraded(book):
    book.record("cy", "hw2", 10)
    assert book.ranking() == [(1, "cy", 100.0)]


def test_assignment_summary(book):
    book.record("ann", "final", 90)
    book.record("bob", "final", 60)
    book.record("cy", "final", 78)
    assert book.assignment_summary("final") == {
        "count": 3, "mean": 76, "median": 78, "low": 60, "high": 90,
    }
    assert book.assignment_summary("midterm") == {"count": 0}
    with pytest.raises(KeyError):
        book.assignment_summary("quiz")


def test_missing(book):
    for name in ["hw1", "hw2", "hw3", "midterm", "final"]:
        book.record("ann", name, 5)
    book.record("bob", "hw2", 5)
    book.record("bob", "final", 5)
    result = book.missing()
    assert "ann" not in result
    assert result["bob"] == ["hw1", "hw3", "midterm"]
    assert result["cy"] == ["final", "hw1", "hw2", "hw3", "midterm"]
