"""Events and a simple calendar of them (naive datetimes, minute resolution)."""

from datetime import datetime, time, timedelta


class Event:
    def __init__(self, title, start, end, location=None):
        if not title or not title.strip():
            raise ValueError("event title must not be empty")
        if end <= start:
            raise ValueError(f"event {title!r} must end after it starts")
        self.title = title.strip()
        self.start = start
        self.end = end
        self.location = location

    @property
    def duration(self):
        return self.end - self.start

    def minutes(self):
        return int(self.duration.total_seconds() // 60)

    def overlaps(self, other):
        """True when the two events share some time; touching ends do not count."""
        return self.start < other.end and other.start < self.end

    def occurs_on(self, day):
        day_start = datetime.combine(day, time.min)
        day_end = day_start + timedelta(days=1)
        return self.start < day_end and self.end > day_start

    def __repr__(self):
        return f"Event({self.title!r}, {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M})"


class Calendar:
    def __init__(self):
        self.events = []  # kept sorted by start time

    def add(self, event, allow_overlap=False):
        if not allow_overlap:
            for other in self.events:
                if other.overlaps(event):
                    raise ValueError(f"{event.title!r} conflicts with {other.title!r}")
        index = 0
        while index < len(self.events) and self.events[index].start <= event.start:
            index += 1
        self.events.insert(index, event)
        return event

    def remove(self, title):
        """Remove the first event with this title and return it."""
        for index, event in enumerate(self.events):
            if event.title == title:
                return self.events.pop(index)
        raise KeyError(f"no event titled {title!r}")

    def on_day(self, day):
        return [e for e in self.events if e.occurs_on(day)]

    def between(self, start, end):
        """Events that overlap the half-open interval [start, end)."""
        if end < start:
            raise ValueError("end must not be before start")
        return [e for e in self.events if e.start < end and e.end > start]

    def next_event(self, now):
        """The first event starting at or after `now`, or None."""
        for event in self.events:
            if event.start >= now:
                return event
        return None

    def conflicts(self):
        """Pairs of titles of overlapping events, in calendar order."""
        pairs = []
        for i, first in enumerate(self.events):
            for second in self.events[i + 1:]:
                if second.start >= first.end:
                    break
                pairs.append((first.title, second.title))
        return pairs

    def busy_intervals(self, day):
        """Merged (start, end) intervals of the day's events, clipped to that day."""
        day_start = datetime.combine(day, time.min)
        day_end = day_start + timedelta(days=1)
        merged = []
        for event in self.on_day(day):
            start = max(event.start, day_start)
            end = min(event.end, day_end)
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def busy_minutes(self, day):
        total = 0
        for start, end in self.busy_intervals(day):
            total += int((end - start).total_seconds() // 60)
        return total

    def free_slots(self, day, opens=time(9), closes=time(17), min_minutes=30):
        """Gaps of at least min_minutes between opens and closes on `day`."""
        if closes <= opens:
            raise ValueError("closing time must be after opening time")
        cursor = datetime.combine(day, opens)
        limit = datetime.combine(day, closes)
        slots = []
        for start, end in self.busy_intervals(day):
            if start > cursor:
                gap_end = min(start, limit)
                if gap_end - cursor >= timedelta(minutes=min_minutes):
                    slots.append((cursor, gap_end))
            cursor = max(cursor, end)
            if cursor >= limit:
                break
        if limit - cursor >= timedelta(minutes=min_minutes):
            slots.append((cursor, limit))
        return slots
