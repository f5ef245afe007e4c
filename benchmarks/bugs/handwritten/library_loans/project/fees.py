"""Late-fee rules for the library. Amounts are integers in cents."""

DAILY_FEE = {"book": 25, "dvd": 100, "magazine": 10}
GRACE_DAYS = 2
MAX_FEE = 2000


def days_late(due, returned):
    """Whole days between the due date and the return date (0 if on time)."""
    delta = (returned - due).days
    return max(delta, 0)


def late_fee(kind, due, returned):
    """Fee for returning an item of ``kind`` late.

    Nothing is charged within the grace period; after it, every late day
    (counted from the due date) costs the daily fee, capped at MAX_FEE.
    """
    if kind not in DAILY_FEE:
        raise ValueError(f"unknown item kind {kind!r}")
    late = days_late(due, returned)
    if late <= GRACE_DAYS:
        return 0
    return min(late * DAILY_FEE[kind], MAX_FEE)


def format_cents(amount):
    """1234 -> '$12.34'; negative amounts get a leading minus sign."""
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    return f"{sign}${amount // 100}.{amount % 100:02d}"
