"""Summaries and printable reports over a Budget."""

from recurring import month_range


def usage_percent(spent, limit):
    """Share of the limit used, in percent; None when there is no limit to compare with."""
    if limit <= 0:
        return 0.0 if spent == 0 else None
    return round(spent / limit * 100, 1)


def month_summary(budget, month):
    rows = []
    for name in sorted(budget.categories):
        available = budget.available(name, month)
        spent = budget.spent(name, month)
        rows.append({
            "category": name,
            "available": available,
            "spent": spent,
            "remaining": round(available - spent, 2),
            "percent": usage_percent(spent, available),
        })
    return rows


def totals(rows):
    total = {"available": 0.0, "spent": 0.0, "remaining": 0.0}
    for row in rows:
        for key in total:
            total[key] += row[key]
    return {key: round(value, 2) for key, value in total.items()}


def overspent(budget, month):
    return [row["category"] for row in month_summary(budget, month) if row["remaining"] < 0]


def top_expenses(budget, month, n=3):
    """The n largest expenses of a month, largest first (ties by category name)."""
    items = [e for e in budget.expenses if e.month == month]
    items.sort(key=lambda e: (-e.amount, e.category))
    return items[:n]


def spending_by_month(budget, start, end):
    """Dict of month -> total spent for every month from start to end (zero when nothing was spent)."""
    result = {month: 0.0 for month in month_range(start, end)}
    for expense in budget.expenses:
        if expense.month in result:
            result[expense.month] = round(result[expense.month] + expense.amount, 2)
    return result


def average_spend(budget, category, start, end):
    months = list(month_range(start, end))
    if not months:
        return 0.0
    total = sum(budget.spent(category, month) for month in months)
    return round(total / len(months), 2)


def format_report(budget, month, width=40):
    rows = month_summary(budget, month)
    lines = [f" Budget {month} ".center(width, "=")]
    for row in rows:
        amounts = f"{row['spent']:.2f} / {row['available']:.2f}"
        if row["remaining"] < 0:
            amounts += " !"
        label = row["category"].capitalize()
        lines.append(label.ljust(width - len(amounts)) + amounts)
    total = totals(rows)
    amounts = f"{total['spent']:.2f} / {total['available']:.2f}"
    lines.append("-" * width)
    lines.append("Total".ljust(width - len(amounts)) + amounts)
    return "\n".join(lines)
