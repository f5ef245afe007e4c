"""Rolling averages, gap detection and threshold alerts over reading series."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta


def rolling_average(values, window: int):
    """Yield the mean of each full window of ``window`` consecutive values."""
    if window <= 0:
        raise ValueError("window must be positive")
    recent: deque = deque()
    total = 0.0
    for value in values:
        recent.append(value)
        total += value
        if len(recent) > window:
            total -= recent.popleft()
        if len(recent) == window:
            yield total / window


def rolling_by_time(readings, span: timedelta) -> list[tuple[datetime, float]]:
    """For each reading, the mean of the readings in ``(time - span, time]``."""
    result = []
    recent: deque = deque()
    total = 0.0
    for reading in readings:
        recent.append(reading)
        total += reading.celsius
        while recent[0].time <= reading.time - span:
            total -= recent.popleft().celsius
        result.append((reading.time, total / len(recent)))
    return result


@dataclass(frozen=True)
class Gap:
    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def missing(self, interval: timedelta) -> int:
        """How many readings at ``interval`` spacing fell into the gap."""
        return max(0, int(self.duration / interval) - 1)


def find_gaps(readings, max_interval: timedelta) -> list[Gap]:
    """Gaps between consecutive readings that are longer than ``max_interval``."""
    gaps = []
    for prev, cur in zip(readings, readings[1:]):
        if cur.time - prev.time > max_interval:
            gaps.append(Gap(prev.time, cur.time))
    return gaps


@dataclass
class Alert:
    sensor: str
    kind: str
    start: datetime
    end: datetime
    peak: float
    count: int


@dataclass
class _Episode:
    kind: str
    start: datetime
    last: datetime
    peak: float
    count: int = 0


class AlertMonitor:
    """Turns a stream of readings into alerts for runs outside ``[low, high]``.

    A run shorter than ``min_count`` readings is ignored as noise.
    """

    def __init__(self, low: float | None = None, high: float | None = None, min_count: int = 1):
        if low is not None and high is not None and low >= high:
            raise ValueError("low must be below high")
        self.low = low
        self.high = high
        self.min_count = min_count
        self.active: dict[str, _Episode] = {}
        self.alerts: list[Alert] = []

    def classify(self, celsius: float) -> str | None:
        if self.high is not None and celsius > self.high:
            return "high"
        if self.low is not None and celsius < self.low:
            return "low"
        return None

    def feed(self, reading) -> None:
        kind = self.classify(reading.celsius)
        episode = self.active.get(reading.sensor)
        if episode is not None and episode.kind != kind:
            self._close(reading.sensor, reading.time)
            episode = None
        if kind is None:
            return
        if episode is None:
            episode = _Episode(kind, reading.time, reading.time, reading.celsius)
            self.active[reading.sensor] = episode
        elif kind == "high":
            episode.peak = max(episode.peak, reading.celsius)
        else:
            episode.peak = min(episode.peak, reading.celsius)
        episode.last = reading.time
        episode.count += 1

    def _close(self, sensor: str, end: datetime) -> None:
        episode = self.active.pop(sensor)
        if episode.count >= self.min_count:
            self.alerts.append(
                Alert(sensor, episode.kind, episode.start, end, episode.peak, episode.count)
            )

    def finish(self) -> list[Alert]:
        """Close every open run (ending at its last reading) and return all alerts."""
        for sensor in list(self.active):
            self._close(sensor, self.active[sensor].last)
        return self.alerts


def scan(readings, low=None, high=None, min_count=1) -> list[Alert]:
    monitor = AlertMonitor(low, high, min_count)
    for reading in readings:
        monitor.feed(reading)
    return monitor.finish()
