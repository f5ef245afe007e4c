"""Sensor readings: parsing log lines and keeping per-sensor series in time order.

A log line looks like ``2024-03-01T10:00 greenhouse 21.5`` (Celsius by default;
``70F`` or ``21.5C`` give the unit explicitly). ``#`` starts a comment.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime


class ParseError(ValueError):
    def __init__(self, line_no: int, message: str):
        super().__init__(f"line {line_no}: {message}")
        self.line_no = line_no


@dataclass(frozen=True)
class Reading:
    sensor: str
    time: datetime
    celsius: float

    @property
    def fahrenheit(self) -> float:
        return self.celsius * 9 / 5 + 32


def to_celsius(fahrenheit: float) -> float:
    return (fahrenheit - 32) * 5 / 9


def parse_temperature(text: str) -> float:
    text = text.strip()
    unit = text[-1:].upper()
    if unit == "F":
        return to_celsius(float(text[:-1]))
    if unit == "C":
        return float(text[:-1])
    return float(text)


def parse_line(line: str, line_no: int = 1) -> Reading:
    parts = line.split()
    if len(parts) != 3:
        raise ParseError(line_no, f"expected 3 fields, got {len(parts)}")
    stamp, sensor, temp = parts
    try:
        time = datetime.fromisoformat(stamp)
    except ValueError:
        raise ParseError(line_no, f"bad timestamp {stamp!r}") from None
    try:
        celsius = parse_temperature(temp)
    except ValueError:
        raise ParseError(line_no, f"bad temperature {temp!r}") from None
    return Reading(sensor, time, celsius)


def parse_log(text: str, strict: bool = True):
    """Parse a whole log. Returns ``(readings, errors)``, readings sorted by time.

    With ``strict`` the first bad line raises; otherwise bad lines are collected.
    """
    readings, errors = [], []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            readings.append(parse_line(line, line_no))
        except ParseError as exc:
            if strict:
                raise
            errors.append(exc)
    readings.sort(key=lambda r: r.time)
    return readings, errors


class TemperatureLog:
    """Readings grouped by sensor, each series kept in time order."""

    def __init__(self, readings=()):
        self._series: dict[str, list[Reading]] = {}
        self._times: dict[str, list[datetime]] = {}
        self.count = 0
        for reading in readings:
            self.add(reading)

    def add(self, reading: Reading) -> None:
        series = self._series.setdefault(reading.sensor, [])
        times = self._times.setdefault(reading.sensor, [])
        pos = bisect.bisect_right(times, reading.time)
        series.insert(pos, reading)
        times.insert(pos, reading.time)
        self.count += 1

    def sensors(self) -> list[str]:
        return sorted(self._series)

    def series(self, sensor: str) -> list[Reading]:
        return list(self._series.get(sensor, []))

    def latest(self, sensor: str) -> Reading | None:
        series = self._series.get(sensor)
        return series[-1] if series else None

    def between(self, sensor: str, start: datetime, end: datetime) -> list[Reading]:
        """Readings of ``sensor`` with ``start <= time < end``."""
        times = self._times.get(sensor, [])
        lo = bisect.bisect_left(times, start)
        hi = bisect.bisect_left(times, end)
        return self._series.get(sensor, [])[lo:hi]

    def remove_sensor(self, sensor: str) -> int:
        removed = self._series.pop(sensor, [])
        self._times.pop(sensor, None)
        self.count -= len(removed)
        return len(removed)

    def __len__(self) -> int:
        return self.count
