import datetime

import pytest

from dates import (add_days, day_of_week, day_of_year, days_between, days_in_month, format_date,
                   is_leap, is_valid, iso_week, parse_date, to_ordinal, weekday_name,
                   weeks_in_year)


def test_leap_years():
    assert is_leap(2024)
    assert is_leap(2000)
    assert is_leap(1600)
    assert not is_leap(2023)
    assert not is_leap(1900)
    assert not is_leap(2100)


def test_days_in_month():
    assert days_in_month(2023, 1) == 31
    assert days_in_month(2023, 2) == 28
    assert days_in_month(2024, 2) == 29
    assert days_in_month(2023, 4) == 30
    assert days_in_month(2023, 12) == 31


def test_days_in_month_bad_month():
    with pytest.raises(ValueError):
        days_in_month(2023, 0)
    with pytest.raises(ValueError):
        days_in_month(2023, 13)


def test_is_valid():
    assert is_valid((2024, 2, 29))
    assert not is_valid((2023, 2, 29))
    assert is_valid((2023, 12, 31))
    assert not is_valid((2023, 4, 31))
    assert not is_valid((2023, 1, 0))
    assert not is_valid((2023, 13, 1))
    assert not is_valid((0, 1, 1))


def test_parse_and_format():
    assert parse_date("2024-03-09") == (2024, 3, 9)
    assert parse_date(" 1999-12-31\n") == (1999, 12, 31)
    assert format_date((7, 3, 9)) == "0007-03-09"
    assert format_date(parse_date("2020-02-29")) == "2020-02-29"


@pytest.mark.parametrize("text", ["2024-3-09", "2024/03/09", "24-03-09", "2024-03-0x",
                                  "2023-02-29", "2024-00-10", "", "2024-03-09-01"])
def test_parse_rejects(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_day_of_year():
    assert day_of_year((2023, 1, 1)) == 1
    assert day_of_year((2023, 2, 1)) == 32
    assert day_of_year((2023, 12, 31)) == 365
    assert day_of_year((2024, 12, 31)) == 366
    assert day_of_year((2024, 3, 1)) == 61


def test_to_ordinal_matches_datetime():
    for d in [(1, 1, 1), (1900, 3, 1), (2000, 2, 29), (2024, 12, 31)]:
        assert to_ordinal(d) == datetime.date(*d).toordinal()


def test_days_between():
    assert days_between((2024, 1, 1), (2024, 1, 1)) == 0
    assert days_between((2024, 1, 1), (2025, 1, 1)) == 366
    assert days_between((2023, 1, 1), (2024, 1, 1)) == 365
    assert days_between((2024, 3, 1), (2024, 2, 28)) == -2


def test_add_days_within_month():
    assert add_days((2024, 5, 10), 0) == (2024, 5, 10)
    assert add_days((2024, 5, 10), 5) == (2024, 5, 15)


def test_add_days_across_boundaries():
    assert add_days((2023, 12, 31), 1) == (2024, 1, 1)
    assert add_days((2024, 2, 28), 1) == (2024, 2, 29)
    assert add_days((2023, 2, 28), 1) == (2023, 3, 1)
    assert add_days((2024, 1, 31), 30) == (2024, 3, 1)


def test_add_days_negative():
    assert add_days((2024, 1, 1), -1) == (2023, 12, 31)
    assert add_days((2024, 3, 1), -1) == (2024, 2, 29)
    assert add_days((2024, 3, 10), -10) == (2024, 2, 29)


def test_add_days_matches_datetime():
    start = datetime.date(2019, 6, 15)
    for n in (-800, -365, -31, 45, 400, 1000):
        expected = start + datetime.timedelta(days=n)
        assert add_days((2019, 6, 15), n) == (expected.year, expected.month, expected.day)
        assert days_between((2019, 6, 15), add_days((2019, 6, 15), n)) == n


def test_day_of_week_known():
    assert day_of_week((2024, 1, 1)) == 0
    assert weekday_name((2000, 1, 1)) == "Saturday"
    assert weekday_name((1969, 7, 20)) == "Sunday"
    assert weekday_name((2024, 2, 29)) == "Thursday"


def test_day_of_week_matches_datetime():
    d = datetime.date(2023, 12, 20)
    for _ in range(60):
        assert day_of_week((d.year, d.month, d.day)) == d.weekday()
        d += datetime.timedelta(days=1)


def test_weeks_in_year():
    assert weeks_in_year(2020) == 53
    assert weeks_in_year(2015) == 53
    assert weeks_in_year(2021) == 52
    assert weeks_in_year(2024) == 52


@pytest.mark.parametrize("date", [(2024, 1, 1), (2021, 1, 3), (2021, 1, 4), (2020, 12, 31),
                                  (2019, 12, 30), (2026, 6, 15), (2015, 12, 31), (2016, 1, 3),
                                  (2027, 1, 1), (2024, 12, 30)])
def test_iso_week_matches_datetime(date):
    iso = datetime.date(*date).isocalendar()
    assert iso_week(date) == (iso[0], iso[1])
