import pytest

from playlist import REPEAT_ALL, REPEAT_OFF, REPEAT_ONE, Playlist
from track import (
    Track,
    dedupe,
    fill_to_duration,
    find_tracks,
    format_duration,
    group_by_artist,
    parse_duration,
    parse_tracklist,
    total_duration,
)


def make_tracks(n=4):
    return [Track(f"Song {i}", f"Artist {i % 2}", 60 * (i + 1)) for i in range(n)]


def titles(tracks):
    return [t.title for t in tracks]


# -- durations -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0", 0),
        ("45", 45),
        ("3:05", 185),
        ("10:00", 600),
        ("1:02:03", 3723),
        ("  4:20 ", 260),
    ],
)
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", [None, "", "   ", "3:60", "1:2:3:4", "a:10", "-1:00", "3:"])
def test_parse_duration_rejects_bad_input(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    "seconds, expected",
    [(0, "0:00"), (59, "0:59"), (60, "1:00"), (185, "3:05"), (3599, "59:59"), (3600, "1:00:00"), (3723, "1:02:03")],
)
def test_format_duration(seconds, expected):
    assert format_duration(seconds) == expected


def test_format_duration_negative():
    with pytest.raises(ValueError):
        format_duration(-1)


def test_parse_and_format_round_trip():
    for text in ["0:07", "12:34", "2:00:00"]:
        assert format_duration(parse_duration(text)) == text


# -- tracks ----------------------------------------------------------------


def test_track_from_line():
    track = Track.from_line("  The Band - A Song - Live (4:05)  ")
    assert track.artist == "The Band"
    assert track.title == "A Song - Live"
    assert track.seconds == 245
    assert str(track) == "The Band - A Song - Live (4:05)"


def test_track_title_with_parentheses():
    track = Track.from_line("Artist - Song (Remix) (3:00)")
    assert track.title == "Song (Remix)"
    assert track.seconds == 180


@pytest.mark.parametrize("line", ["Artist - Song", "Artist Song (3:00)", " - Song (3:00)", "Artist - (3:00)"])
def test_track_from_line_rejects(line):
    with pytest.raises(ValueError):
        Track.from_line(line)


def test_track_key_is_case_insensitive():
    assert Track("Song", "ABBA", 100).key() == Track("SONG", "abba", 90).key()


def test_parse_tracklist_skips_blank_and_comments():
    text = "# my mix\n\nA - One (1:00)\n   \nB - Two (2:30)\n# end\n"
    tracks = parse_tracklist(text)
    assert titles(tracks) == ["One", "Two"]
    assert total_duration(tracks) == 210


def test_parse_tracklist_reports_line_number():
    with pytest.raises(ValueError, match="line 3"):
        parse_tracklist("A - One (1:00)\n\nbroken line\n")


def test_parse_tracklist_empty():
    assert parse_tracklist("") == []


def test_find_tracks():
    tracks = [Track("Yellow", "Coldplay", 260), Track("Clocks", "Coldplay", 300), Track("Hello", "Adele", 295)]
    assert titles(find_tracks(tracks, "COLD")) == ["Yellow", "Clocks"]
    assert titles(find_tracks(tracks, "ello")) == ["Yellow", "Hello"]
    assert find_tracks(tracks, "zzz") == []


@pytest.mark.parametrize("query", [None, "", "   "])
def test_find_tracks_empty_query_returns_all(query):
    tracks = make_tracks(3)
    assert find_tracks(tracks, query) == tracks


def test_group_by_artist():
    groups = group_by_artist(make_tracks(5))
    assert sorted(groups) == ["Artist 0", "Artist 1"]
    assert titles(groups["Artist 0"]) == ["Song 0", "Song 2", "Song 4"]
    assert titles(groups["Artist 1"]) == ["Song 1", "Song 3"]


def test_dedupe_keeps_first():
    a = Track("One", "X", 10)
    b = Track("one", "x", 20)
    c = Track("Two", "X", 30)
    assert dedupe([a, b, c, a]) == [a, c]
    assert dedupe([a, b, c, a])[0].seconds == 10


def test_fill_to_duration():
    tracks = [Track("a", "x", 100), Track("b", "x", 300), Track("c", "x", 150), Track("d", "x", 50)]
    assert titles(fill_to_duration(tracks, 300)) == ["a", "c", "d"]
    assert titles(fill_to_duration(tracks, 400)) == ["a", "b"]
    assert fill_to_duration(tracks, 0) == []


# -- playlist basics -------------------------------------------------------


def test_empty_playlist():
    pl = Playlist("Empty")
    assert len(pl) == 0
    assert pl.next() is None
    assert pl.previous() is None
    assert list(pl.upcoming()) == []
    assert pl.summary() == "Empty: 0 tracks, 0:00"


def test_plays_in_order_then_stops():
    pl = Playlist("Mix", make_tracks(3))
    assert titles([pl.next(), pl.next(), pl.next()]) == ["Song 0", "Song 1", "Song 2"]
    assert pl.next() is None
    assert pl.now_playing is None
    assert pl.next() is None


def test_repeat_all_wraps_around():
    pl = Playlist("Mix", make_tracks(2))
    pl.set_repeat(REPEAT_ALL)
    assert titles([pl.next() for _ in range(5)]) == ["Song 0", "Song 1", "Song 0", "Song 1", "Song 0"]


def test_repeat_one_repeats_current():
    pl = Playlist("Mix", make_tracks(3))
    pl.next()
    pl.next()
    pl.set_repeat(REPEAT_ONE)
    assert titles([pl.next(), pl.next()]) == ["Song 1", "Song 1"]
    pl.set_repeat(REPEAT_OFF)
    assert pl.next().title == "Song 2"


def test_repeat_one_before_start_plays_first():
    pl = Playlist("Mix", make_tracks(3))
    pl.set_repeat(REPEAT_ONE)
    assert titles([pl.next(), pl.next()]) == ["Song 0", "Song 0"]


def test_set_repeat_rejects_unknown():
    pl = Playlist("Mix")
    with pytest.raises(ValueError):
        pl.set_repeat("sometimes")
    assert pl.repeat == REPEAT_OFF


def test_cycle_repeat():
    pl = Playlist("Mix")
    assert [pl.cycle_repeat() for _ in range(4)] == [REPEAT_ONE, REPEAT_ALL, REPEAT_OFF, REPEAT_ONE]


def test_previous_steps_back():
    pl = Playlist("Mix", make_tracks(3))
    pl.next()
    pl.next()
    pl.next()
    assert pl.previous().title == "Song 1"
    assert pl.previous().title == "Song 0"
    assert pl.previous() is None
    assert pl.next().title == "Song 1"


def test_previous_after_end_returns_last():
    pl = Playlist("Mix", make_tracks(2))
    pl.next()
    pl.next()
    assert pl.next() is None
    assert pl.previous().title == "Song 1"


def test_jump_to():
    pl = Playlist("Mix", make_tracks(4))
    assert pl.jump_to(2).title == "Song 2"
    assert pl.current_index() == 2
    assert pl.next().title == "Song 3"
    with pytest.raises(IndexError):
        pl.jump_to(4)


def test_reset_rewinds():
    pl = Playlist("Mix", make_tracks(3))
    pl.next()
    pl.next()
    pl.enqueue(Track("Extra", "Z", 10))
    pl.reset()
    assert pl.now_playing is None
    assert pl.current_index() is None
    assert pl.next().title == "Song 0"


# -- queue -----------------------------------------------------------------


def test_queue_plays_before_order():
    pl = Playlist("Mix", make_tracks(3))
    pl.next()
    extra = Track("Extra", "Z", 10)
    pl.enqueue(extra)
    assert pl.next() is extra
    assert pl.next().title == "Song 1"


def test_enqueue_front():
    pl = Playlist("Mix", make_tracks(2))
    a, b = Track("A", "Z", 10), Track("B", "Z", 10)
    pl.enqueue(a)
    pl.enqueue(b, front=True)
    assert titles([pl.next(), pl.next(), pl.next()]) == ["B", "A", "Song 0"]


def test_queue_plays_even_with_repeat_one():
    pl = Playlist("Mix", make_tracks(2))
    pl.next()
    pl.set_repeat(REPEAT_ONE)
    pl.enqueue(Track("Extra", "Z", 10))
    assert titles([pl.next(), pl.next()]) == ["Extra", "Song 0"]


# -- editing ---------------------------------------------------------------


def test_add_track_goes_to_end():
    pl = Playlist("Mix", make_tracks(2))
    pl.add(Track("New", "Z", 30))
    assert len(pl) == 3
    assert titles(pl.upcoming()) == ["Song 0", "Song 1", "New"]


def test_remove_before_current_keeps_current():
    pl = Playlist("Mix", make_tracks(4))
    pl.jump_to(2)
    removed = pl.remove(0)
    assert removed.title == "Song 0"
    assert pl.tracks[pl.current_index()].title == "Song 2"
    assert pl.next().title == "Song 3"


def test_remove_current_continues_with_following():
    pl = Playlist("Mix", make_tracks(4))
    pl.jump_to(1)
    pl.remove(1)
    assert pl.next().title == "Song 2"


def test_remove_after_current():
    pl = Playlist("Mix", make_tracks(4))
    pl.jump_to(1)
    pl.remove(2)
    assert titles(pl.upcoming()) == ["Song 3"]
    assert pl.order == [0, 1, 2]


def test_remove_drops_track_from_queue():
    tracks = make_tracks(3)
    pl = Playlist("Mix", tracks)
    pl.enqueue(tracks[1])
    pl.remove(1)
    assert titles(pl.upcoming()) == ["Song 0", "Song 2"]


def test_remove_while_shuffled():
    pl = Playlist("Mix", make_tracks(6))
    pl.shuffle(seed=5)
    pl.next()
    pl.next()
    current = pl.now_playing
    first = pl.history[0]
    ahead = list(pl.upcoming())
    pl.remove(pl.tracks.index(ahead[0]))
    pl.remove(pl.tracks.index(first))
    assert len(pl) == 4
    assert pl.tracks[pl.current_index()] is current
    assert list(pl.upcoming()) == ahead[1:]


def test_remove_out_of_range():
    pl = Playlist("Mix", make_tracks(2))
    with pytest.raises(IndexError):
        pl.remove(2)
    with pytest.raises(IndexError):
        pl.remove(-1)


# -- shuffle ---------------------------------------------------------------


def test_shuffle_is_reproducible_with_seed():
    a = Playlist("A", make_tracks(8))
    b = Playlist("B", make_tracks(8))
    a.shuffle(seed=42)
    b.shuffle(seed=42)
    assert a.order == b.order
    assert sorted(a.order) == list(range(8))
    assert a.shuffled


def test_shuffle_plays_every_track_once():
    pl = Playlist("Mix", make_tracks(6))
    pl.shuffle(seed=7)
    played = [pl.next() for _ in range(6)]
    assert sorted(titles(played)) == sorted(titles(pl.tracks))
    assert pl.next() is None


def test_shuffle_keeps_current_track_first():
    pl = Playlist("Mix", make_tracks(6))
    pl.jump_to(3)
    pl.shuffle(seed=1)
    assert pl.current_index() == 3
    assert pl.order[0] == 3
    rest = [pl.next() for _ in range(5)]
    assert "Song 3" not in titles(rest)
    assert pl.next() is None


def test_unshuffle_restores_order_and_position():
    pl = Playlist("Mix", make_tracks(5))
    pl.shuffle(seed=3)
    pl.next()
    pl.next()
    current = pl.current_index()
    pl.unshuffle()
    assert pl.order == [0, 1, 2, 3, 4]
    assert pl.current_index() == current
    assert not pl.shuffled


# -- history and reporting -------------------------------------------------


def test_history_is_bounded():
    pl = Playlist("Mix", make_tracks(3), history_size=4)
    pl.set_repeat(REPEAT_ALL)
    for _ in range(7):
        pl.next()
    assert len(pl.history) == 4
    assert titles(pl.history) == ["Song 0", "Song 1", "Song 2", "Song 0"]


@pytest.mark.parametrize("n, expected", [(0, []), (1, ["Song 2"]), (2, ["Song 2", "Song 1"]), (10, ["Song 2", "Song 1", "Song 0"])])
def test_recent(n, expected):
    pl = Playlist("Mix", make_tracks(3))
    for _ in range(3):
        pl.next()
    assert titles(pl.recent(n)) == expected


def test_most_played():
    pl = Playlist("Mix", make_tracks(3))
    pl.jump_to(2)
    pl.jump_to(2)
    pl.jump_to(0)
    pl.jump_to(2)
    pl.jump_to(1)
    pl.jump_to(1)
    assert pl.most_played(2) == [(("artist 0", "song 2"), 3), (("artist 1", "song 1"), 2)]
    assert len(pl.most_played()) == 3


def test_upcoming_with_limit_and_queue():
    pl = Playlist("Mix", make_tracks(4))
    pl.next()
    pl.enqueue(Track("Extra", "Z", 10))
    assert titles(pl.upcoming()) == ["Extra", "Song 1", "Song 2", "Song 3"]
    assert titles(pl.upcoming(limit=2)) == ["Extra", "Song 1"]
    assert list(pl.upcoming(limit=0)) == []


def test_remaining_and_total_seconds():
    pl = Playlist("Mix", make_tracks(4))  # 60 + 120 + 180 + 240
    assert pl.total_seconds() == 600
    assert pl.remaining_seconds() == 600
    pl.next()
    pl.next()
    assert pl.remaining_seconds() == 420
    pl.enqueue(Track("Extra", "Z", 30))
    assert pl.remaining_seconds() == 450


@pytest.mark.parametrize(
    "count, expected",
    [(1, "Road: 1 track, 1:00"), (2, "Road: 2 tracks, 3:00"), (8, "Road: 8 tracks, 36:00")],
)
def test_summary(count, expected):
    assert Playlist("Road", make_tracks(count)).summary() == expected


def test_summary_over_an_hour():
    pl = Playlist("Long", [Track("Epic", "Z", 3000), Track("Coda", "Z", 725)])
    assert pl.summary() == "Long: 2 tracks, 1:02:05"
