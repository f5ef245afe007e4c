"""Calendar arithmetic on (year, month, day) tuples, proleptic Gregorian calendar."""

MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year, month):
    if not 1 <= month <= 12:
        raise ValueError(f"bad month: {month}")
    if month == 2 and is_leap(year):
        return 29
    return MONTH_DAYS[month - 1]


def is_valid(date):
    year, month, day = date
    return year >= 1 and 1 <= month <= 12 and 1 <= day <= days_in_month(year, month)


def parse_date(text):
    """Parse 'YYYY-MM-DD' into a tuple; raise ValueError if malformed or not a real date."""
    parts = text.strip().split("-")
    if len(parts) != 3 or [len(p) for p in parts] != [4, 2, 2]:
        raise ValueError(f"expected YYYY-MM-DD, got {text!r}")
    if not all(p.isdigit() for p in parts):
        raise ValueError(f"expected digits in {text!r}")
    date = (int(parts[0]), int(parts[1]), int(parts[2]))
    if not is_valid(date):
        raise ValueError(f"no such date: {text!r}")
    return date


def format_date(date):
    year, month, day = date
    return f"{year:04d}-{month:02d}-{day:02d}"


def day_of_year(date):
    year, month, day = date
    return sum(days_in_month(year, m) for m in range(1, month)) + day


def to_ordinal(date):
    """Day number with 0001-01-01 as day 1."""
    year = date[0]
    prev = year - 1
    return prev * 365 + prev // 4 - prev // 100 + prev // 400 + day_of_year(date)


def days_between(start, end):
    """Signed number of days from start to end."""
    return to_ordinal(end) - to_ordinal(start)


def add_days(date, n):
    year, month, day = date
    day += n
    while day > days_in_month(year, month):
        day -= days_in_month(year, month)
        month += 1
        if month > 12:
            month = 1
            year += 1
    while day < 1:
        month -= 1
        if month < 1:
            month = 12
            year -= 1
        day += days_in_month(year, month)
    return (year, month, day)


def day_of_week(date):
    """0 = Monday ... 6 = Sunday, by Zeller's congruence."""
    year, month, day = date
    if month < 3:
        month += 12
        year -= 1
    k = year % 100
    j = year // 100
    h = (day + 13 * (month + 1) // 5 + k + k // 4 + j // 4 + 5 * j) % 7
    # Zeller gives 0 = Saturday; shift so that 0 = Monday.
    return (h + 5) % 7


def weekday_name(date):
    return WEEKDAYS[day_of_week(date)]


def weeks_in_year(year):
    jan1 = day_of_week((year, 1, 1))
    if jan1 == 3 or (jan1 == 2 and is_leap(year)):
        return 53
    return 52


def iso_week(date):
    """(ISO year, ISO week number) of a date."""
    year = date[0]
    week = (day_of_year(date) - day_of_week(date) + 9) // 7
    if week < 1:
        return (year - 1, weeks_in_year(year - 1))
    if week > weeks_in_year(year):
        return (year + 1, 1)
    return (year, week)
