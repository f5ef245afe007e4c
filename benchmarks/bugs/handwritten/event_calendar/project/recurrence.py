"""Repeating events: daily, weekly or monthly series, plus a duration parser."""

import calendar
import re
from datetime import timedelta

from events import Event

FREQUENCIES = ("daily", "weekly", "monthly")
_DURATION = re.compile(r"(\d+)([dhm])")
_UNIT_MINUTES = {"d": 24 * 60, "h": 60, "m": 1}


def add_months(moment, months):
    """Same day and time `months` later, clamped to the end of a shorter month."""
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def occurrences(start, freq, count=None, until=None, interval=1):
    """Start times of a series; stops after `count` items or after `until` (inclusive)."""
    if freq not in FREQUENCIES:
        raise ValueError(f"unknown frequency {freq!r}")
    if interval < 1:
        raise ValueError("interval must be at least 1")
    if count is None and until is None:
        raise ValueError("give count or until, or the series never ends")
    result = []
    n = 0
    while count is None or n < count:
        if freq == "daily":
            moment = start + timedelta(days=n * interval)
        elif freq == "weekly":
            moment = start + timedelta(weeks=n * interval)
        else:
            moment = add_months(start, n * interval)
        if until is not None and moment > until:
            break
        result.append(moment)
        n += 1
    return result


def expand(event, freq, **kwargs):
    """Copies of `event`, one per occurrence, each with the event's duration."""
    return [
        Event(event.title, moment, moment + event.duration, event.location)
        for moment in occurrences(event.start, freq, **kwargs)
    ]


def parse_duration(text):
    """'1h30m' -> timedelta(minutes=90); units d, h and m, each at most once."""
    text = text.replace(" ", "").lower()
    if not text:
        raise ValueError("empty duration")
    total = 0
    seen = set()
    position = 0
    for match in _DURATION.finditer(text):
        if match.start() != position:
            raise ValueError(f"cannot parse duration {text!r}")
        amount, unit = match.groups()
        if unit in seen:
            raise ValueError(f"unit {unit!r} given twice in {text!r}")
        seen.add(unit)
        total += int(amount) * _UNIT_MINUTES[unit]
        position = match.end()
    if position != len(text):
        raise ValueError(f"cannot parse duration {text!r}")
    return timedelta(minutes=total)


def format_duration(delta):
    """timedelta -> '1d 2h 5m', leaving out zero parts; '0m' for zero."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 0:
        raise ValueError("negative duration")
    parts = []
    for unit in ("d", "h", "m"):
        amount, minutes = divmod(minutes, _UNIT_MINUTES[unit])
        if amount:
            parts.append(f"{amount}{unit}")
    return " ".join(parts) or "0m"
