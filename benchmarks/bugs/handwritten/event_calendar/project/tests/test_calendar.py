from datetime import date, datetime, time, timedelta

import pytest

from events import Calendar, Event
from recurrence import add_months, expand, format_duration, occurrences, parse_duration

DAY = date(2024, 3, 14)


def at(hour, minute=0, day=DAY):
    return datetime.combine(day, time(hour, minute))


def ev(title, start_hour, end_hour, day=DAY):
    return Event(title, at(start_hour, day=day), at(end_hour, day=day))


@pytest.fixture
def cal():
    c = Calendar()
    c.add(ev("standup", 9, 10))
    c.add(ev("lunch", 12, 13))
    c.add(Event("review", at(14, 30), at(16)))
    return c


# --- events --------------------------------------------------------------


def test_event_basics():
    e = Event("  planning ", at(10), at(11, 30), location="room 4")
    assert e.title == "planning"
    assert e.duration == timedelta(minutes=90)
    assert e.minutes() == 90
    assert e.location == "room 4"


@pytest.mark.parametrize("title, start, end", [("   ", 9, 10), ("x", 10, 10), ("x", 11, 10)])
def test_event_validation(title, start, end):
    with pytest.raises(ValueError):
        Event(title, at(start), at(end))


def test_overlaps():
    a = ev("a", 9, 11)
    assert a.overlaps(ev("b", 10, 12))
    assert a.overlaps(ev("c", 8, 9 + 1))
    assert a.overlaps(Event("inside", at(9, 30), at(10)))
    assert not a.overlaps(ev("after", 11, 12))
    assert not a.overlaps(ev("before", 7, 9))


def test_occurs_on_spans_midnight():
    late = Event("party", at(22), at(2, day=DAY + timedelta(days=1)))
    assert late.occurs_on(DAY)
    assert late.occurs_on(DAY + timedelta(days=1))
    assert not late.occurs_on(DAY + timedelta(days=2))
    ends_at_midnight = Event("shift", at(16), at(0, day=DAY + timedelta(days=1)))
    assert not ends_at_midnight.occurs_on(DAY + timedelta(days=1))


# --- calendar ------------------------------------------------------------


def test_add_keeps_events_sorted():
    c = Calendar()
    c.add(ev("c", 15, 16))
    c.add(ev("a", 9, 10))
    c.add(ev("b", 11, 12))
    assert [e.title for e in c.events] == ["a", "b", "c"]


def test_add_same_start_keeps_insertion_order():
    c = Calendar()
    c.add(ev("first", 9, 10))
    c.add(ev("second", 9, 11), allow_overlap=True)
    c.add(ev("early", 8, 9))
    assert [e.title for e in c.events] == ["early", "first", "second"]


def test_add_rejects_conflicts(cal):
    with pytest.raises(ValueError, match="conflicts with 'lunch'"):
        cal.add(Event("call", at(12, 30), at(13, 30)))
    assert len(cal.events) == 3
    cal.add(ev("back to back", 13, 14))
    assert len(cal.events) == 4


def test_remove(cal):
    removed = cal.remove("lunch")
    assert removed.title == "lunch"
    assert [e.title for e in cal.events] == ["standup", "review"]
    with pytest.raises(KeyError):
        cal.remove("lunch")


def test_on_day(cal):
    tomorrow = DAY + timedelta(days=1)
    cal.add(ev("offsite", 9, 17, day=tomorrow))
    assert [e.title for e in cal.on_day(DAY)] == ["standup", "lunch", "review"]
    assert [e.title for e in cal.on_day(tomorrow)] == ["offsite"]
    assert cal.on_day(DAY - timedelta(days=1)) == []


def test_between(cal):
    assert [e.title for e in cal.between(at(9, 30), at(12))] == ["standup"]
    assert [e.title for e in cal.between(at(10), at(15))] == ["lunch", "review"]
    assert cal.between(at(16), at(20)) == []
    with pytest.raises(ValueError):
        cal.between(at(12), at(11))


def test_next_event(cal):
    assert cal.next_event(at(8)).title == "standup"
    assert cal.next_event(at(12)).title == "lunch"
    assert cal.next_event(at(12, 1)).title == "review"
    assert cal.next_event(at(15)) is None


def test_conflicts():
    c = Calendar()
    c.add(ev("a", 9, 12))
    c.add(ev("b", 10, 11), allow_overlap=True)
    c.add(ev("c", 11, 13), allow_overlap=True)
    c.add(ev("d", 13, 14))
    assert c.conflicts() == [("a", "b"), ("a", "c")]


def test_no_conflicts(cal):
    assert cal.conflicts() == []


def test_busy_intervals_merge_overlaps():
    c = Calendar()
    c.add(ev("a", 9, 11))
    c.add(ev("b", 10, 12), allow_overlap=True)
    c.add(ev("c", 12, 13))
    c.add(ev("d", 15, 16))
    assert c.busy_intervals(DAY) == [(at(9), at(13)), (at(15), at(16))]
    assert c.busy_minutes(DAY) == 5 * 60


def test_busy_minutes_clips_to_day():
    c = Calendar()
    c.add(Event("night", at(22), at(3, day=DAY + timedelta(days=1))))
    assert c.busy_minutes(DAY) == 120
    assert c.busy_minutes(DAY + timedelta(days=1)) == 180


def test_free_slots(cal):
    assert cal.free_slots(DAY) == [
        (at(10), at(12)),
        (at(13), at(14, 30)),
        (at(16), at(17)),
    ]


def test_free_slots_minimum_length(cal):
    slots = cal.free_slots(DAY, min_minutes=90)
    assert slots == [(at(10), at(12)), (at(13), at(14, 30))]


def test_free_slots_empty_day():
    assert Calendar().free_slots(DAY, opens=time(8), closes=time(12)) == [(at(8), at(12))]


def test_free_slots_busy_past_closing():
    c = Calendar()
    c.add(ev("long", 15, 19))
    c.add(ev("later", 20, 21))
    assert c.free_slots(DAY) == [(at(9), at(15))]
    with pytest.raises(ValueError):
        c.free_slots(DAY, opens=time(17), closes=time(9))


# --- recurrence ----------------------------------------------------------


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (datetime(2024, 1, 31), 1, datetime(2024, 2, 29)),
        (datetime(2024, 11, 30), 3, datetime(2025, 2, 28)),
        (datetime(2024, 12, 5), 1, datetime(2025, 1, 5)),
        (datetime(2024, 3, 31), -1, datetime(2024, 2, 29)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_occurrences_daily_count():
    start = at(9)
    assert occurrences(start, "daily", count=3) == [
        start, start + timedelta(days=1), start + timedelta(days=2)
    ]


def test_occurrences_weekly_until_is_inclusive():
    start = at(9)
    until = start + timedelta(weeks=4)
    result = occurrences(start, "weekly", until=until, interval=2)
    assert result == [start, start + timedelta(weeks=2), until]


def test_occurrences_monthly_from_month_end():
    result = occurrences(datetime(2024, 1, 31, 18), "monthly", count=4)
    assert [m.date() for m in result] == [
        date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)
    ]


def test_occurrences_count_and_until():
    result = occurrences(at(9), "daily", count=10, until=at(9) + timedelta(days=2, hours=1))
    assert len(result) == 3


@pytest.mark.parametrize(
    "kwargs", [{"freq": "yearly", "count": 2}, {"freq": "daily"}, {"freq": "daily", "count": 2, "interval": 0}]
)
def test_occurrences_errors(kwargs):
    with pytest.raises(ValueError):
        occurrences(at(9), **kwargs)


def test_expand_keeps_duration():
    series = expand(Event("gym", at(18), at(19, 15), "club"), "weekly", count=3)
    assert [e.start for e in series] == [at(18) + timedelta(weeks=k) for k in range(3)]
    assert all(e.duration == timedelta(minutes=75) for e in series)
    assert all(e.location == "club" for e in series)


@pytest.mark.parametrize(
    "text, minutes",
    [("45m", 45), ("1h30m", 90), ("1d 2h 5m", 1565), ("10M", 10)],
)
def test_parse_duration(text, minutes):
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "1h30", "1h2h", "30m1x"])
def test_parse_duration_errors(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_format_duration():
    assert format_duration(timedelta(minutes=1565)) == "1d 2h 5m"
    assert format_duration(timedelta(hours=3)) == "3h"
    assert format_duration(timedelta(0)) == "0m"
    assert parse_duration(format_duration(timedelta(minutes=1500))) == timedelta(minutes=1500)
    with pytest.raises(ValueError):
        format_duration(timedelta(minutes=-5))
