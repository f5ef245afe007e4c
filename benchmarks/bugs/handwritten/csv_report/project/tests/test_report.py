import pytest

from report import (average, averages, format_report, histogram, letter_grade, load_scores,
                    median, parse_line, render_histogram, top_n)

CSV = """name,hw1,hw2,exam
Alice,90,95,100
Bob,70,80,
"Carter, Jr.",60,65,70
Dana,,,
"""


def test_parse_plain():
    assert parse_line("a,b,c") == ["a", "b", "c"]


def test_parse_single_field_and_empty():
    assert parse_line("abc") == ["abc"]
    assert parse_line("") == [""]
    assert parse_line("a,,b,") == ["a", "", "b", ""]


def test_parse_quoted_comma():
    assert parse_line('"Smith, J",12') == ["Smith, J", "12"]


def test_parse_escaped_quote():
    assert parse_line('"say ""hi""",x') == ['say "hi"', "x"]
    assert parse_line('""""') == ['"']


def test_parse_unterminated():
    with pytest.raises(ValueError):
        parse_line('"oops,1')


def test_load_scores():
    scores = load_scores(CSV)
    assert scores == {
        "Alice": [90.0, 95.0, 100.0],
        "Bob": [70.0, 80.0],
        "Carter, Jr.": [60.0, 65.0, 70.0],
        "Dana": [],
    }


def test_load_scores_skips_blank_lines_and_merges_repeats():
    text = "name,s\n\nEve,50\n   \nEve,70\n"
    assert load_scores(text) == {"Eve": [50.0, 70.0]}


def test_load_scores_header_only():
    assert load_scores("name,a,b\n") == {}
    assert load_scores("") == {}


def test_average():
    assert average([1, 2, 3, 4]) == 2.5
    assert average([7]) == 7
    assert average([]) == 0.0


def test_letter_grade_boundaries():
    assert letter_grade(100) == "A"
    assert letter_grade(90) == "A"
    assert letter_grade(89.99) == "B"
    assert letter_grade(80) == "B"
    assert letter_grade(70) == "C"
    assert letter_grade(60) == "D"
    assert letter_grade(59.9) == "F"
    assert letter_grade(0) == "F"


def test_averages_of_csv():
    avgs = averages(load_scores(CSV))
    assert avgs["Alice"] == pytest.approx(95.0)
    assert avgs["Bob"] == pytest.approx(75.0)
    assert avgs["Carter, Jr."] == pytest.approx(65.0)
    assert avgs["Dana"] == 0.0


def test_top_n():
    avgs = {"a": 70.0, "b": 90.0, "c": 80.0}
    assert top_n(avgs, 2) == [("b", 90.0), ("c", 80.0)]
    assert top_n(avgs, 1) == [("b", 90.0)]


def test_top_n_ties_and_overflow():
    avgs = {"zed": 80.0, "amy": 80.0, "bo": 60.0}
    assert top_n(avgs, 10) == [("amy", 80.0), ("zed", 80.0), ("bo", 60.0)]
    assert top_n(avgs, 0) == []


def test_median_odd_and_even():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    assert median([5]) == 5
    assert median([1, 9]) == 5


def test_median_does_not_modify_input():
    data = [3, 1, 2]
    median(data)
    assert data == [3, 1, 2]


def test_median_empty():
    with pytest.raises(ValueError):
        median([])


def test_histogram():
    avgs = {"a": 95, "b": 91, "c": 85, "d": 40}
    assert histogram(avgs) == {"A": 2, "B": 1, "C": 0, "D": 0, "F": 1}


def test_histogram_empty():
    assert histogram({}) == {"A": 0, "B": 0, "C": 0, "D": 0, "F": 0}


def test_render_histogram():
    text = render_histogram({"A": 2, "B": 0, "C": 1, "D": 0, "F": 3})
    assert text == "A: **\nB: \nC: *\nD: \nF: ***"


def test_format_report():
    out = format_report({"Bob": 75.0, "Alice": 95.25})
    assert out.splitlines() == [
        "Name  |   Avg | Grade",
        "---------------------",
        "Alice |  95.2 | A",
        "Bob   |  75.0 | C",
    ]


def test_format_report_short_names():
    out = format_report({"Al": 59.96})
    assert out.splitlines() == [
        "Name |   Avg | Grade",
        "--------------------",
        "Al   |  60.0 | F",
    ]


def test_format_report_empty():
    assert format_report({}) == "Name |   Avg | Grade\n--------------------"
