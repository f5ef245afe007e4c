"""Daily summaries per sensor and a plain-text report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from readings import Reading


@dataclass(frozen=True)
class DailySummary:
    sensor: str
    day: date
    count: int
    minimum: float
    maximum: float
    mean: float

    @property
    def spread(self) -> float:
        return self.maximum - self.minimum


def summarize(sensor: str, day: date, temps: list[float]) -> DailySummary:
    if not temps:
        raise ValueError("no temperatures to summarize")
    return DailySummary(sensor, day, len(temps), min(temps), max(temps), sum(temps) / len(temps))


def daily_summaries(readings) -> list[DailySummary]:
    """One summary per (sensor, day), sorted by sensor then day."""
    groups: dict[tuple[str, date], list[float]] = {}
    for reading in readings:
        groups.setdefault((reading.sensor, reading.time.date()), []).append(reading.celsius)
    return [summarize(sensor, day, temps) for (sensor, day), temps in sorted(groups.items())]


def coverage(readings, day: date, interval: timedelta) -> float:
    """Fraction of the expected ``interval`` slots of ``day`` that hold a reading."""
    expected = timedelta(days=1) // interval
    if expected == 0:
        return 0.0
    slots = set()
    for reading in readings:
        if reading.time.date() != day:
            continue
        since_midnight = reading.time - reading.time.replace(hour=0, minute=0, second=0, microsecond=0)
        slots.add(since_midnight // interval)
    return len(slots) / expected


def warmest_day(summaries, sensor: str | None = None) -> DailySummary | None:
    best = None
    for summary in summaries:
        if sensor is not None and summary.sensor != sensor:
            continue
        if best is None or summary.mean > best.mean:
            best = summary
    return best


def _convert(celsius: float, unit: str) -> float:
    if unit == "F":
        return Reading("", None, celsius).fahrenheit
    return celsius


def format_report(summaries, unit: str = "C") -> str:
    """A fixed-width table, one line per summary, with a header."""
    unit = unit.upper()
    if unit not in ("C", "F"):
        raise ValueError(f"unknown unit {unit!r}")
    if not summaries:
        return "no readings"
    width = max(len("sensor"), *(len(s.sensor) for s in summaries))
    lines = [f"{'sensor':<{width}}  day         count    min    max   mean"]
    for s in summaries:
        low, high, mean = (_convert(v, unit) for v in (s.minimum, s.maximum, s.mean))
        lines.append(
            f"{s.sensor:<{width}}  {s.day.isoformat()}  {s.count:>5}  {low:5.1f}  {high:5.1f}  {mean:5.1f}"
        )
    return "\n".join(lines)
