"""Tracks, durations and tracklist parsing."""

from dataclasses import dataclass, field


def parse_duration(text):
    """Parse "m:ss", "h:mm:ss" or a plain number of seconds into seconds."""
    if text is None:
        raise ValueError("duration is required")
    text = text.strip()
    if not text:
        raise ValueError("empty duration")
    parts = text.split(":")
    if len(parts) > 3:
        raise ValueError(f"bad duration: {text!r}")
    total = 0
    for i, part in enumerate(parts):
        if not part.isdigit():
            raise ValueError(f"bad duration: {text!r}")
        value = int(part)
        if i > 0 and value >= 60:
            raise ValueError(f"field out of range in {text!r}")
        total = total * 60 + value
    return total


def format_duration(seconds):
    """Format seconds as "m:ss", or "h:mm:ss" from one hour up."""
    if seconds < 0:
        raise ValueError("negative duration")
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


@dataclass
class Track:
    title: str
    artist: str
    seconds: int
    album: str = ""
    tags: set = field(default_factory=set)

    @classmethod
    def from_line(cls, line):
        """Build a track from a line like "Artist - Title (3:45)"."""
        line = line.strip()
        if not line.endswith(")") or " (" not in line:
            raise ValueError(f"missing duration in {line!r}")
        head, _, duration = line.rpartition(" (")
        seconds = parse_duration(duration[:-1])
        artist, sep, title = head.partition(" - ")
        if not sep or not artist.strip() or not title.strip():
            raise ValueError(f"expected 'Artist - Title' in {line!r}")
        return cls(title=title.strip(), artist=artist.strip(), seconds=seconds)

    @property
    def length(self):
        return format_duration(self.seconds)

    def key(self):
        """Identity used for de-duplication and play counts (case-insensitive)."""
        return (self.artist.lower(), self.title.lower())

    def __str__(self):
        return f"{self.artist} - {self.title} ({self.length})"


def total_duration(tracks):
    return sum(track.seconds for track in tracks)


def parse_tracklist(text):
    """Parse one track per line, skipping blank lines and "#" comments."""
    tracks = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            tracks.append(Track.from_line(line))
        except ValueError as exc:
            raise ValueError(f"line {lineno}: {exc}") from None
    return tracks


def find_tracks(tracks, query):
    """Tracks whose title or artist contains the query (case-insensitive)."""
    needle = (query or "").strip().lower()
    if not needle:
        return list(tracks)
    return [t for t in tracks if needle in t.title.lower() or needle in t.artist.lower()]


def group_by_artist(tracks):
    groups = {}
    for track in tracks:
        groups.setdefault(track.artist, []).append(track)
    return groups


def dedupe(tracks):
    """Drop repeated tracks (same artist and title), keeping the first."""
    seen = set()
    unique = []
    for track in tracks:
        key = track.key()
        if key in seen:
            continue
        seen.add(key)
        unique.append(track)
    return unique


def fill_to_duration(tracks, limit_seconds):
    """Greedily take tracks in order that still fit within the time limit."""
    chosen = []
    used = 0
    for track in tracks:
        if used + track.seconds <= limit_seconds:
            chosen.append(track)
            used += track.seconds
    return chosen
