from datetime import date, datetime, timedelta

import pytest

from analysis import AlertMonitor, Gap, find_gaps, rolling_average, rolling_by_time, scan
from readings import ParseError, Reading, TemperatureLog, parse_line, parse_log, parse_temperature, to_celsius
from summary import coverage, daily_summaries, format_report, summarize, warmest_day


def at(hour, minute=0, day=1):
    return datetime(2024, 3, day, hour, minute)


def r(hour, celsius, sensor="a", minute=0, day=1):
    return Reading(sensor, at(hour, minute, day), celsius)


LOG = """\
# greenhouse and shed, March
2024-03-01T08:00 greenhouse 18.5
2024-03-01T09:00 greenhouse 21.0
2024-03-01T08:30 shed 50F   # converted
2024-03-02T07:00 greenhouse 16.0C

2024-03-01T10:00 greenhouse 23.5
"""


# ---------------------------------------------------------------- readings


@pytest.mark.parametrize(
    "text, expected",
    [("21.5", 21.5), ("21.5C", 21.5), ("-3c", -3.0), ("212F", 100.0), ("32f", 0.0), (" 0 ", 0.0), ("-40F", -40.0)],
)
def test_parse_temperature(text, expected):
    assert parse_temperature(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "warm", "F", "12K"])
def test_parse_temperature_rejects(text):
    with pytest.raises(ValueError):
        parse_temperature(text)


def test_fahrenheit_round_trip():
    reading = Reading("a", at(0), 37.0)
    assert reading.fahrenheit == pytest.approx(98.6)
    assert to_celsius(reading.fahrenheit) == pytest.approx(37.0)


def test_parse_line():
    assert parse_line("2024-03-01T10:15 shed 4.5") == Reading("shed", at(10, 15), 4.5)


@pytest.mark.parametrize(
    "line, message",
    [
        ("2024-03-01T10:15 shed", "expected 3 fields, got 2"),
        ("2024-03-01T10:15 shed 4 extra", "expected 3 fields, got 4"),
        ("yesterday shed 4.5", "bad timestamp"),
        ("2024-03-01T10:15 shed hot", "bad temperature"),
    ],
)
def test_parse_line_errors(line, message):
    with pytest.raises(ParseError) as info:
        parse_line(line, 7)
    assert message in str(info.value)
    assert info.value.line_no == 7


def test_parse_log_sorts_and_skips_comments():
    readings, errors = parse_log(LOG)
    assert errors == []
    assert [x.time for x in readings] == sorted(x.time for x in readings)
    assert len(readings) == 5
    assert readings[1] == Reading("shed", at(8, 30), pytest.approx(10.0))


def test_parse_log_strict_raises_with_line_number():
    with pytest.raises(ParseError) as info:
        parse_log("2024-03-01T08:00 a 1\n\nbroken line\n")
    assert info.value.line_no == 3


def test_parse_log_lenient_collects_errors():
    readings, errors = parse_log("2024-03-01T08:00 a 1\nbad\n2024-03-01T09:00 a x\n2024-03-01T10:00 a 3\n", strict=False)
    assert [x.celsius for x in readings] == [1.0, 3.0]
    assert [e.line_no for e in errors] == [2, 3]


def test_parse_empty_log():
    assert parse_log("") == ([], [])


def test_log_keeps_series_in_time_order():
    log = TemperatureLog([r(10, 3.0), r(8, 1.0), r(9, 2.0), r(7, 5.0, sensor="b")])
    assert [x.celsius for x in log.series("a")] == [1.0, 2.0, 3.0]
    assert log.sensors() == ["a", "b"]
    assert len(log) == 4


def test_log_equal_times_keep_insertion_order():
    log = TemperatureLog([r(8, 1.0), r(8, 2.0)])
    assert [x.celsius for x in log.series("a")] == [1.0, 2.0]


def test_log_latest():
    log = TemperatureLog([r(10, 3.0), r(8, 1.0)])
    assert log.latest("a").celsius == 3.0
    assert log.latest("missing") is None


def test_log_between_is_half_open():
    log = TemperatureLog([r(h, float(h)) for h in range(6, 12)])
    assert [x.celsius for x in log.between("a", at(7), at(10))] == [7.0, 8.0, 9.0]
    assert log.between("a", at(12), at(13)) == []
    assert log.between("nobody", at(0), at(23)) == []


def test_log_series_is_a_copy():
    log = TemperatureLog([r(8, 1.0)])
    log.series("a").clear()
    assert len(log.series("a")) == 1


def test_log_remove_sensor():
    log = TemperatureLog([r(8, 1.0), r(9, 2.0), r(8, 5.0, sensor="b")])
    assert log.remove_sensor("a") == 2
    assert len(log) == 1
    assert log.sensors() == ["b"]
    assert log.remove_sensor("a") == 0
    assert log.between("a", at(0), at(23)) == []


# ---------------------------------------------------------------- analysis


@pytest.mark.parametrize(
    "values, window, expected",
    [
        ([1, 2, 3, 4, 5], 2, [1.5, 2.5, 3.5, 4.5]),
        ([1, 2, 3, 4, 5], 3, [2.0, 3.0, 4.0]),
        ([4, 8], 1, [4.0, 8.0]),
        ([1, 2], 3, []),
        ([], 2, []),
        ([10, 20, 30], 3, [20.0]),
    ],
)
def test_rolling_average(values, window, expected):
    assert list(rolling_average(values, window)) == pytest.approx(expected)


@pytest.mark.parametrize("window", [0, -2])
def test_rolling_average_bad_window(window):
    with pytest.raises(ValueError):
        list(rolling_average([1, 2], window))


def test_rolling_average_is_lazy():
    values = iter([2.0, 4.0, 6.0])
    averages = rolling_average(values, 2)
    assert next(averages) == 3.0


def test_rolling_by_time():
    readings = [r(8, 10.0), r(9, 20.0), r(10, 30.0), r(13, 40.0)]
    result = rolling_by_time(readings, timedelta(hours=2))
    assert [t for t, _ in result] == [at(8), at(9), at(10), at(13)]
    assert [m for _, m in result] == pytest.approx([10.0, 15.0, 25.0, 40.0])


def test_rolling_by_time_empty():
    assert rolling_by_time([], timedelta(hours=1)) == []


def test_find_gaps():
    readings = [r(8, 1), r(9, 1), r(12, 1), r(13, 1), r(15, 1)]
    gaps = find_gaps(readings, timedelta(hours=1))
    assert gaps == [Gap(at(9), at(12)), Gap(at(13), at(15))]
    assert gaps[0].duration == timedelta(hours=3)


def test_find_gaps_exact_interval_is_not_a_gap():
    readings = [r(8, 1), r(9, 1), r(10, 1)]
    assert find_gaps(readings, timedelta(hours=1)) == []


@pytest.mark.parametrize("readings", [[], [r(8, 1)]])
def test_find_gaps_too_few_readings(readings):
    assert find_gaps(readings, timedelta(minutes=5)) == []


@pytest.mark.parametrize(
    "hours, interval_min, missing",
    [(3, 60, 2), (1, 60, 0), (2, 30, 3), (1.5, 60, 0)],
)
def test_gap_missing(hours, interval_min, missing):
    gap = Gap(at(0), at(0) + timedelta(hours=hours))
    assert gap.missing(timedelta(minutes=interval_min)) == missing


def test_alert_high_run():
    readings = [r(8, 20), r(9, 31), r(10, 35), r(11, 33), r(12, 25)]
    alerts = scan(readings, high=30)
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert.kind, alert.start, alert.end, alert.peak, alert.count) == ("high", at(9), at(12), 35, 3)


def test_alert_low_peak_is_minimum():
    alerts = scan([r(8, 2), r(9, -1), r(10, -4), r(11, 0)], low=1)
    assert [(a.kind, a.peak, a.count) for a in alerts] == [("low", -4, 3)]


def test_alert_threshold_itself_is_not_an_alert():
    assert scan([r(8, 30), r(9, 0)], low=0, high=30) == []


def test_alert_switching_kinds_closes_run():
    alerts = scan([r(8, 40), r(9, -10), r(10, 20)], low=0, high=30)
    assert [(a.kind, a.start, a.end) for a in alerts] == [("high", at(8), at(9)), ("low", at(9), at(10))]


def test_alert_min_count_filters_short_runs():
    readings = [r(8, 40), r(9, 20), r(10, 41), r(11, 42), r(12, 20)]
    alerts = scan(readings, high=30, min_count=2)
    assert [(a.start, a.count, a.peak) for a in alerts] == [(at(10), 2, 42)]


def test_alert_open_run_ends_at_last_reading():
    alerts = scan([r(8, 20), r(9, 40), r(10, 45)], high=30)
    assert [(a.start, a.end) for a in alerts] == [(at(9), at(10))]


def test_alerts_are_per_sensor():
    monitor = AlertMonitor(high=30)
    for reading in [r(8, 40, "a"), r(8, 35, "b"), r(9, 20, "a"), r(10, 36, "b")]:
        monitor.feed(reading)
    assert [(a.sensor, a.end) for a in monitor.alerts] == [("a", at(9))]
    alerts = monitor.finish()
    assert [(a.sensor, a.count, a.peak) for a in alerts] == [("a", 1, 40), ("b", 2, 36)]
    assert monitor.active == {}


def test_alert_monitor_rejects_bad_thresholds():
    with pytest.raises(ValueError):
        AlertMonitor(low=10, high=10)


def test_classify_without_thresholds():
    assert AlertMonitor().classify(1000) is None


# ---------------------------------------------------------------- summaries


def test_summarize():
    s = summarize("a", date(2024, 3, 1), [1.0, 5.0, 3.0])
    assert (s.count, s.minimum, s.maximum, s.mean, s.spread) == (3, 1.0, 5.0, 3.0, 4.0)


def test_summarize_empty():
    with pytest.raises(ValueError):
        summarize("a", date(2024, 3, 1), [])


def test_daily_summaries():
    readings, _ = parse_log(LOG)
    summaries = daily_summaries(readings)
    assert [(s.sensor, s.day, s.count) for s in summaries] == [
        ("greenhouse", date(2024, 3, 1), 3),
        ("greenhouse", date(2024, 3, 2), 1),
        ("shed", date(2024, 3, 1), 1),
    ]
    assert summaries[0].mean == pytest.approx(21.0)
    assert summaries[0].minimum == 18.5
    assert summaries[0].maximum == 23.5


def test_daily_summaries_empty():
    assert daily_summaries([]) == []


@pytest.mark.parametrize(
    "hours, expected",
    [([0, 6, 12, 18], 1.0), ([0, 1, 2, 3, 4, 5], 0.25), ([], 0.0), ([23], 0.25), ([0, 5, 23], 0.5)],
)
def test_coverage_six_hour_slots(hours, expected):
    readings = [r(h, 1.0) for h in hours] + [r(5, 1.0, day=2)]
    assert coverage(readings, date(2024, 3, 1), timedelta(hours=6)) == pytest.approx(expected)


def test_coverage_counts_each_slot_once():
    readings = [r(10, 1.0, minute=m) for m in (0, 15, 30, 45)] + [r(11, 1.0)]
    assert coverage(readings, date(2024, 3, 1), timedelta(hours=1)) == pytest.approx(2 / 24)


def test_coverage_interval_longer_than_day():
    assert coverage([r(1, 1.0)], date(2024, 3, 1), timedelta(days=2)) == 0.0


def test_warmest_day():
    summaries = [
        summarize("a", date(2024, 3, 1), [10.0]),
        summarize("b", date(2024, 3, 1), [30.0]),
        summarize("a", date(2024, 3, 2), [12.0]),
        summarize("a", date(2024, 3, 3), [12.0]),
    ]
    assert warmest_day(summaries).sensor == "b"
    assert warmest_day(summaries, "a").day == date(2024, 3, 2)
    assert warmest_day(summaries, "c") is None
    assert warmest_day([]) is None


def test_format_report():
    summaries = [
        summarize("greenhouse", date(2024, 3, 1), [18.5, 23.5]),
        summarize("shed", date(2024, 3, 1), [-2.0]),
    ]
    assert format_report(summaries).splitlines() == [
        "sensor      day         count    min    max   mean",
        "greenhouse  2024-03-01      2   18.5   23.5   21.0",
        "shed        2024-03-01      1   -2.0   -2.0   -2.0",
    ]


def test_format_report_fahrenheit():
    report = format_report([summarize("a", date(2024, 3, 1), [0.0, 100.0])], unit="f")
    assert report.splitlines()[1] == "a       2024-03-01      2   32.0  212.0  122.0"


def test_format_report_empty_and_bad_unit():
    assert format_report([]) == "no readings"
    with pytest.raises(ValueError):
        format_report([], unit="K")
