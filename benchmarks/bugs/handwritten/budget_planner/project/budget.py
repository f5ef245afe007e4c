"""Monthly budgets per category, with optional carry-over of unspent money."""

from dataclasses import dataclass


def month_key(year, month):
    """Return the canonical 'YYYY-MM' key for a year and month."""
    if not 1 <= month <= 12:
        raise ValueError(f"invalid month: {month}")
    return f"{year:04d}-{month:02d}"


def parse_month(key):
    """Split a 'YYYY-MM' key into (year, month), validating it."""
    try:
        year_text, month_text = key.split("-")
        year, month = int(year_text), int(month_text)
    except (AttributeError, ValueError):
        raise ValueError(f"invalid month key: {key!r}") from None
    month_key(year, month)
    return year, month


def next_month(key):
    year, month = parse_month(key)
    if month == 12:
        return month_key(year + 1, 1)
    return month_key(year, month + 1)


def previous_month(key):
    year, month = parse_month(key)
    if month == 1:
        return month_key(year - 1, 12)
    return month_key(year, month - 1)


@dataclass
class Expense:
    category: str
    amount: float
    month: str
    note: str = ""


class Category:
    def __init__(self, name, limit, carry_over=False):
        if limit < 0:
            raise ValueError("limit must not be negative")
        self.name = name
        self.limit = limit
        self.carry_over = carry_over

    def __repr__(self):
        return f"Category({self.name!r}, {self.limit!r}, carry_over={self.carry_over})"


class Budget:
    def __init__(self):
        self.categories = {}
        self.expenses = []
        self._carried = {}  # (category, month) -> amount carried into that month

    @staticmethod
    def _key(name):
        return name.strip().lower()

    def add_category(self, name, limit, carry_over=False):
        key = self._key(name)
        if not key:
            raise ValueError("category name must not be empty")
        if key in self.categories:
            raise ValueError(f"duplicate category: {name}")
        self.categories[key] = Category(key, limit, carry_over)
        return self.categories[key]

    def category(self, name):
        try:
            return self.categories[self._key(name)]
        except KeyError:
            raise KeyError(f"unknown category: {name}") from None

    def set_limit(self, name, limit):
        if limit < 0:
            raise ValueError("limit must not be negative")
        self.category(name).limit = limit

    def record(self, category, amount, month, note=""):
        cat = self.category(category)
        if amount <= 0:
            raise ValueError("amount must be positive")
        parse_month(month)
        expense = Expense(cat.name, round(amount, 2), month, note)
        self.expenses.append(expense)
        return expense

    def remove(self, expense):
        """Remove one recorded expense; return True if it was found."""
        for i, existing in enumerate(self.expenses):
            if existing is expense:
                del self.expenses[i]
                return True
        return False

    def expenses_for(self, category, month):
        name = self.category(category).name
        return [e for e in self.expenses if e.category == name and e.month == month]

    def spent(self, category, month):
        return round(sum(e.amount for e in self.expenses_for(category, month)), 2)

    def carried_into(self, category, month):
        return self._carried.get((self.category(category).name, month), 0.0)

    def available(self, category, month):
        cat = self.category(category)
        return round(cat.limit + self.carried_into(cat.name, month), 2)

    def remaining(self, category, month):
        return round(self.available(category, month) - self.spent(category, month), 2)

    def is_over(self, category, month):
        return self.remaining(category, month) < 0

    def close_month(self, month):
        """Carry what is left in carry-over categories into the next month.

        A deficit is carried as well, so overspending shrinks next month's budget.
        Returns a dict of category name -> amount carried.
        """
        target = next_month(month)
        carried = {}
        for name, cat in self.categories.items():
            if not cat.carry_over:
                continue
            left = self.remaining(name, month)
            if left == 0:
                self._carried.pop((name, target), None)
                continue
            self._carried[(name, target)] = left
            carried[name] = left
        return carried
