"""A playlist with a play queue, seeded shuffle, repeat modes and history."""

import random
from collections import deque

from track import format_duration, total_duration

REPEAT_OFF = "off"
REPEAT_ONE = "one"
REPEAT_ALL = "all"
REPEAT_MODES = (REPEAT_OFF, REPEAT_ONE, REPEAT_ALL)


class Playlist:
    def __init__(self, name, tracks=None, history_size=50):
        self.name = name
        self.tracks = list(tracks or [])
        self.order = list(range(len(self.tracks)))
        self.position = -1  # slot in self.order; -1 before the first track
        self.repeat = REPEAT_OFF
        self.shuffled = False
        self.queue = deque()
        self.now_playing = None
        self.history = []
        self.history_size = history_size
        self.play_counts = {}

    def __len__(self):
        return len(self.tracks)

    # -- editing -----------------------------------------------------------

    def add(self, track):
        self.tracks.append(track)
        self.order.append(len(self.tracks) - 1)

    def remove(self, index):
        """Remove the track at ``index`` (original order) and return it."""
        if not 0 <= index < len(self.tracks):
            raise IndexError(f"no track at {index}")
        track = self.tracks.pop(index)
        slot = self.order.index(index)
        del self.order[slot]
        self.order = [i - 1 if i > index else i for i in self.order]
        if slot <= self.position:
            self.position -= 1
        self.queue = deque(t for t in self.queue if t is not track)
        return track

    def enqueue(self, track, front=False):
        """Queue a track to play before the rest of the playlist."""
        if front:
            self.queue.appendleft(track)
        else:
            self.queue.append(track)

    # -- modes -------------------------------------------------------------

    def set_repeat(self, mode):
        if mode not in REPEAT_MODES:
            raise ValueError(f"unknown repeat mode {mode!r}")
        self.repeat = mode

    def cycle_repeat(self):
        i = REPEAT_MODES.index(self.repeat)
        self.repeat = REPEAT_MODES[(i + 1) % len(REPEAT_MODES)]
        return self.repeat

    def current_index(self):
        if 0 <= self.position < len(self.order):
            return self.order[self.position]
        return None

    def shuffle(self, seed=None):
        """Shuffle the play order; the current track stays current."""
        rng = random.Random(seed)
        current = self.current_index()
        rest = [i for i in range(len(self.tracks)) if i != current]
        rng.shuffle(rest)
        if current is None:
            self.order = rest
            self.position = -1
        else:
            self.order = [current] + rest
            self.position = 0
        self.shuffled = True

    def unshuffle(self):
        current = self.current_index()
        self.order = list(range(len(self.tracks)))
        self.position = -1 if current is None else current
        self.shuffled = False

    # -- playback ----------------------------------------------------------

    def _advance(self):
        """Step to the next slot of the order and return its track index."""
        if not self.order:
            return None
        if self.repeat == REPEAT_ONE and 0 <= self.position < len(self.order):
            return self.order[self.position]
        nxt = self.position + 1
        if nxt >= len(self.order):
            if self.repeat != REPEAT_ALL:
                self.position = len(self.order)
                return None
            nxt = 0
        self.position = nxt
        return self.order[nxt]

    def _record(self, track):
        self.now_playing = track
        self.history.append(track)
        if len(self.history) > self.history_size:
            del self.history[0]
        key = track.key()
        self.play_counts[key] = self.play_counts.get(key, 0) + 1

    def next(self):
        """Play the next track (queued tracks first); None at the end."""
        if self.queue:
            track = self.queue.popleft()
        else:
            index = self._advance()
            if index is None:
                self.now_playing = None
                return None
            track = self.tracks[index]
        self._record(track)
        return track

    def previous(self):
        """Step back one slot in the play order; None at the start."""
        if not self.order or self.position <= 0:
            return None
        self.position = min(self.position, len(self.order)) - 1
        track = self.tracks[self.order[self.position]]
        self._record(track)
        return track

    def jump_to(self, index):
        """Play the track at ``index`` (original order) right away."""
        if not 0 <= index < len(self.tracks):
            raise IndexError(f"no track at {index}")
        self.position = self.order.index(index)
        track = self.tracks[index]
        self._record(track)
        return track

    def reset(self):
        """Stop playback and rewind to before the first track."""
        self.position = -1
        self.now_playing = None
        self.queue.clear()

    # -- reporting ---------------------------------------------------------

    def upcoming(self, limit=None):
        """Yield the tracks that will play next: the queue, then the order."""
        pending = list(self.queue)
        pending.extend(self.tracks[i] for i in self.order[self.position + 1:])
        for count, track in enumerate(pending):
            if limit is not None and count >= limit:
                return
            yield track

    def remaining_seconds(self):
        return total_duration(self.upcoming())

    def total_seconds(self):
        return total_duration(self.tracks)

    def recent(self, n=5):
        """The last ``n`` played tracks, most recent first."""
        if n <= 0:
            return []
        return list(reversed(self.history[-n:]))

    def most_played(self, n=3):
        ranked = sorted(self.play_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked[:n]

    def summary(self):
        count = len(self.tracks)
        noun = "track" if count == 1 else "tracks"
        return f"{self.name}: {count} {noun}, {format_duration(self.total_seconds())}"
