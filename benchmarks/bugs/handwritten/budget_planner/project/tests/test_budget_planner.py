import pytest

from budget import Budget, month_key, next_month, parse_month, previous_month
from recurring import Recurring, Schedule, add_months, month_range, months_between
from report import (
    average_spend,
    format_report,
    month_summary,
    overspent,
    spending_by_month,
    top_expenses,
    totals,
    usage_percent,
)


@pytest.fixture
def budget():
    b = Budget()
    b.add_category("Groceries", 400)
    b.add_category("Rent", 1200)
    b.add_category("Fun", 100, carry_over=True)
    return b


# --- months -------------------------------------------------------------

@pytest.mark.parametrize("year, month, expected", [
    (2024, 1, "2024-01"),
    (999, 12, "0999-12"),
])
def test_month_key(year, month, expected):
    assert month_key(year, month) == expected


@pytest.mark.parametrize("month", [0, 13])
def test_month_key_rejects_bad_month(month):
    with pytest.raises(ValueError):
        month_key(2024, month)


@pytest.mark.parametrize("key", ["2024", "2024-13", None])
def test_parse_month_rejects_garbage(key):
    with pytest.raises(ValueError):
        parse_month(key)


@pytest.mark.parametrize("key, after", [
    ("2024-01", "2024-02"),
    ("2024-12", "2025-01"),
])
def test_next_and_previous_month(key, after):
    assert next_month(key) == after
    assert previous_month(after) == key


@pytest.mark.parametrize("start, n, expected", [
    ("2024-11", 3, "2025-02"),
    ("2024-12", 12, "2025-12"),
    ("2024-03", -3, "2023-12"),
])
def test_add_months(start, n, expected):
    assert add_months(start, n) == expected


def test_months_between():
    assert months_between("2024-01", "2024-01") == 0
    assert months_between("2023-11", "2024-02") == 3
    assert months_between("2024-02", "2023-11") == -3


def test_month_range_is_inclusive():
    assert list(month_range("2024-11", "2025-02")) == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert list(month_range("2024-05", "2024-05")) == ["2024-05"]
    assert list(month_range("2024-05", "2024-04")) == []


# --- budget ---------------------------------------------------------------

def test_category_names_are_normalised(budget):
    assert budget.category("  GROCERIES ").name == "groceries"
    with pytest.raises(ValueError):
        budget.add_category("groceries ", 10)


def test_add_category_validation():
    b = Budget()
    with pytest.raises(ValueError):
        b.add_category("   ", 10)
    with pytest.raises(ValueError):
        b.add_category("x", -1)
    assert b.add_category("zero", 0).limit == 0


def test_unknown_category_raises(budget):
    with pytest.raises(KeyError):
        budget.category("travel")
    with pytest.raises(KeyError):
        budget.record("travel", 10, "2024-01")


def test_record_and_spent(budget):
    budget.record("groceries", 50.255, "2024-01")
    budget.record("Groceries", 20, "2024-01", note="market")
    budget.record("groceries", 99, "2024-02")
    assert budget.spent("groceries", "2024-01") == 70.26
    assert budget.spent("groceries", "2024-02") == 99
    assert budget.spent("rent", "2024-01") == 0
    assert len(budget.expenses) == 3


def test_record_validation(budget):
    for amount in (0, -5):
        with pytest.raises(ValueError):
            budget.record("groceries", amount, "2024-01")
    with pytest.raises(ValueError):
        budget.record("groceries", 5, "January")
    assert budget.expenses == []


def test_remaining_and_is_over(budget):
    budget.record("fun", 60, "2024-01")
    assert budget.remaining("fun", "2024-01") == 40
    assert not budget.is_over("fun", "2024-01")
    budget.record("fun", 40, "2024-01")
    assert budget.remaining("fun", "2024-01") == 0
    assert not budget.is_over("fun", "2024-01")
    budget.record("fun", 0.01, "2024-01")
    assert budget.is_over("fun", "2024-01")


def test_remove_expense(budget):
    first = budget.record("rent", 1200, "2024-01")
    second = budget.record("rent", 1200, "2024-01")
    assert budget.remove(first) is True
    assert budget.expenses == [second]
    assert budget.remove(first) is False
    assert budget.spent("rent", "2024-01") == 1200


def test_set_limit(budget):
    budget.set_limit("rent", 1300)
    assert budget.available("rent", "2024-01") == 1300
    with pytest.raises(ValueError):
        budget.set_limit("rent", -1)


def test_close_month_carries_leftover(budget):
    budget.record("fun", 30, "2024-01")
    carried = budget.close_month("2024-01")
    assert carried == {"fun": 70}
    assert budget.carried_into("fun", "2024-02") == 70
    assert budget.available("fun", "2024-02") == 170
    assert budget.available("groceries", "2024-02") == 400


def test_close_month_carries_deficit(budget):
    budget.record("fun", 130, "2024-01")
    assert budget.close_month("2024-01") == {"fun": -30}
    assert budget.available("fun", "2024-02") == 70


def test_close_month_chains(budget):
    budget.close_month("2024-01")
    budget.record("fun", 50, "2024-02")
    budget.close_month("2024-02")
    assert budget.available("fun", "2024-03") == 250


def test_close_month_twice_does_not_double(budget):
    budget.close_month("2024-12")
    budget.close_month("2024-12")
    assert budget.available("fun", "2025-01") == 200


def test_close_month_skips_zero_and_clears_stale(budget):
    budget.close_month("2024-01")
    budget.record("fun", 100, "2024-01")
    assert budget.close_month("2024-01") == {}
    assert budget.carried_into("fun", "2024-02") == 0.0


# --- recurring ---------------------------------------------------------------

def test_recurring_validation():
    with pytest.raises(ValueError):
        Recurring("x", "rent", 10, "2024-01", frequency="weekly")
    with pytest.raises(ValueError):
        Recurring("x", "rent", 0, "2024-01")
    with pytest.raises(ValueError):
        Recurring("x", "rent", 10, "2024-05", end="2024-04")
    with pytest.raises(ValueError):
        Recurring("x", "rent", 10, "2024-05", count=0)


@pytest.mark.parametrize("month, due", [
    ("2023-12", False),
    ("2024-01", True),
    ("2024-02", False),
    ("2024-07", True),
    ("2024-10", False),
])
def test_quarterly_is_due_with_end(month, due):
    item = Recurring("insurance", "rent", 90, "2024-01", frequency="quarterly", end="2024-07")
    assert item.is_due(month) is due


def test_is_due_respects_count():
    item = Recurring("gym", "fun", 30, "2024-01", count=3)
    assert [item.is_due(m) for m in month_range("2024-01", "2024-04")] == [True, True, True, False]


def test_occurrences_monthly():
    item = Recurring("rent", "rent", 1200, "2024-11")
    assert list(item.occurrences("2025-02")) == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert list(item.occurrences("2024-10")) == []


def test_occurrences_limited_by_end_and_count():
    by_end = Recurring("a", "fun", 5, "2024-01", end="2024-03")
    assert list(by_end.occurrences("2024-12")) == ["2024-01", "2024-02", "2024-03"]
    by_count = Recurring("b", "fun", 5, "2024-01", frequency="yearly", count=2)
    assert list(by_count.occurrences("2030-01")) == ["2024-01", "2025-01"]


def test_schedule_rejects_duplicate_names():
    s = Schedule()
    s.add(Recurring("rent", "rent", 1200, "2024-01"))
    with pytest.raises(ValueError):
        s.add(Recurring("rent", "rent", 1000, "2024-01"))


def test_schedule_apply_books_once(budget):
    s = Schedule()
    s.add(Recurring("flat", "rent", 1200, "2024-01"))
    s.add(Recurring("streaming", "fun", 12.99, "2024-01"))
    s.add(Recurring("insurance", "rent", 90, "2024-02", frequency="quarterly"))
    booked = s.apply(budget, "2024-01")
    assert [e.note for e in booked] == ["flat", "streaming"]
    assert s.apply(budget, "2024-01") == []
    assert budget.spent("rent", "2024-01") == 1200
    assert budget.spent("fun", "2024-01") == 12.99
    s.apply(budget, "2024-02")
    assert budget.spent("rent", "2024-02") == 1290


def test_schedule_monthly_cost():
    s = Schedule()
    assert s.monthly_cost() == 0
    s.add(Recurring("rent", "rent", 1200, "2024-01"))
    s.add(Recurring("insurance", "rent", 90, "2024-01", frequency="quarterly"))
    s.add(Recurring("domain", "fun", 24, "2024-01", frequency="yearly"))
    assert s.monthly_cost() == 1232


def test_schedule_forecast():
    s = Schedule()
    s.add(Recurring("rent", "rent", 1000, "2024-01"))
    s.add(Recurring("insurance", "rent", 90, "2024-02", frequency="quarterly"))
    assert s.forecast("2024-01", 4) == {
        "2024-01": 1000, "2024-02": 1090, "2024-03": 1000, "2024-04": 1000,
    }
    assert s.forecast("2024-01", 0) == {}


# --- reports ---------------------------------------------------------------------

@pytest.mark.parametrize("spent, limit, expected", [
    (50, 200, 25.0),
    (1, 3, 33.3),
    (0, 0, 0.0),
    (10, 0, None),
])
def test_usage_percent(spent, limit, expected):
    assert usage_percent(spent, limit) == expected


def test_month_summary_and_totals(budget):
    budget.record("groceries", 100, "2024-01")
    budget.record("fun", 120, "2024-01")
    rows = month_summary(budget, "2024-01")
    assert [r["category"] for r in rows] == ["fun", "groceries", "rent"]
    assert rows[0] == {"category": "fun", "available": 100, "spent": 120,
                       "remaining": -20, "percent": 120.0}
    assert rows[1]["percent"] == 25.0
    assert totals(rows) == {"available": 1700, "spent": 220, "remaining": 1480}
    assert totals([]) == {"available": 0, "spent": 0, "remaining": 0}


def test_overspent(budget):
    assert overspent(budget, "2024-01") == []
    budget.record("rent", 1300, "2024-01")
    budget.record("fun", 100, "2024-01")
    assert overspent(budget, "2024-01") == ["rent"]


def test_top_expenses(budget):
    budget.record("groceries", 40, "2024-01")
    budget.record("rent", 1200, "2024-01")
    budget.record("fun", 40, "2024-01")
    budget.record("groceries", 5, "2024-01")
    budget.record("rent", 5000, "2024-02")
    top = top_expenses(budget, "2024-01")
    assert [(e.category, e.amount) for e in top] == [("rent", 1200), ("fun", 40), ("groceries", 40)]
    assert len(top_expenses(budget, "2024-01", n=10)) == 4
    assert top_expenses(budget, "2023-01") == []


def test_spending_by_month(budget):
    budget.record("groceries", 10.1, "2024-01")
    budget.record("fun", 20.2, "2024-01")
    budget.record("rent", 1200, "2024-03")
    budget.record("rent", 1200, "2024-05")
    assert spending_by_month(budget, "2024-01", "2024-04") == {
        "2024-01": 30.3, "2024-02": 0.0, "2024-03": 1200, "2024-04": 0.0,
    }


def test_average_spend(budget):
    budget.record("groceries", 300, "2024-01")
    budget.record("groceries", 100, "2024-03")
    assert average_spend(budget, "groceries", "2024-01", "2024-04") == 100
    assert average_spend(budget, "groceries", "2024-03", "2024-03") == 100
    assert average_spend(budget, "groceries", "2024-05", "2024-01") == 0.0


def test_format_report(budget):
    budget.record("groceries", 100, "2024-01")
    budget.record("fun", 120.5, "2024-01")
    text = format_report(budget, "2024-01", width=30)
    lines = text.split("\n")
    assert lines[0] == "======= Budget 2024-01 ======="
    assert lines[1:] == [
        "Fun          120.50 / 100.00 !",
        "Groceries      100.00 / 400.00",
        "Rent            0.00 / 1200.00",
        "-" * 30,
        "Total         220.50 / 1700.00",
    ]
    assert all(len(line) == 30 for line in lines)
