"""Recurring expenses: rent, subscriptions and bills that repeat on a schedule."""

from budget import month_key, parse_month

FREQUENCIES = {"monthly": 1, "quarterly": 3, "yearly": 12}


def add_months(key, n):
    year, month = parse_month(key)
    total = year * 12 + (month - 1) + n
    return month_key(total // 12, total % 12 + 1)


def months_between(start, end):
    """Number of months from start to end (negative if end is earlier)."""
    y1, m1 = parse_month(start)
    y2, m2 = parse_month(end)
    return (y2 - y1) * 12 + (m2 - m1)


def month_range(start, end):
    """Yield every month key from start to end, both included."""
    for offset in range(months_between(start, end) + 1):
        yield add_months(start, offset)


class Recurring:
    def __init__(self, name, category, amount, start, frequency="monthly", end=None, count=None):
        if frequency not in FREQUENCIES:
            raise ValueError(f"unknown frequency: {frequency}")
        if amount <= 0:
            raise ValueError("amount must be positive")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1")
        parse_month(start)
        if end is not None and months_between(start, end) < 0:
            raise ValueError("end is before start")
        self.name = name
        self.category = category
        self.amount = amount
        self.start = start
        self.frequency = frequency
        self.step = FREQUENCIES[frequency]
        self.end = end
        self.count = count

    def is_due(self, month):
        diff = months_between(self.start, month)
        if diff < 0:
            return False
        if self.end is not None and months_between(month, self.end) < 0:
            return False
        if diff % self.step != 0:
            return False
        if self.count is not None and diff // self.step >= self.count:
            return False
        return True

    def occurrences(self, until):
        """Yield the months this expense falls due, from its start up to until."""
        month = self.start
        seen = 0
        while months_between(month, until) >= 0:
            if self.end is not None and months_between(month, self.end) < 0:
                return
            if self.count is not None and seen >= self.count:
                return
            yield month
            seen += 1
            month = add_months(month, self.step)

    def monthly_cost(self):
        return self.amount / self.step


class Schedule:
    def __init__(self):
        self.items = []
        self._applied = set()  # (item name, month) pairs already booked

    def add(self, item):
        if any(existing.name == item.name for existing in self.items):
            raise ValueError(f"duplicate recurring item: {item.name}")
        self.items.append(item)
        return item

    def due_in(self, month):
        return [item for item in self.items if item.is_due(month)]

    def apply(self, budget, month):
        """Record every item due in month into budget; each item is booked once per month."""
        recorded = []
        for item in self.due_in(month):
            key = (item.name, month)
            if key in self._applied:
                continue
            recorded.append(budget.record(item.category, item.amount, month, note=item.name))
            self._applied.add(key)
        return recorded

    def monthly_cost(self):
        """Average cost per month of all items, spread over their period."""
        return round(sum(item.monthly_cost() for item in self.items), 2)

    def forecast(self, start, months):
        """Dict of month -> total due, for `months` consecutive months from start."""
        result = {}
        month = start
        for _ in range(months):
            result[month] = round(sum(item.amount for item in self.due_in(month)), 2)
            month = add_months(month, 1)
        return result
