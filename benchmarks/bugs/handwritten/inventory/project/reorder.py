"""Reorder points: deciding what to buy and how much."""

from dataclasses import dataclass
from math import ceil

from stock import normalize_sku


@dataclass
class ReorderRule:
    sku: str
    reorder_point: int
    reorder_qty: int
    max_level: int = None
    pack_size: int = 1

    def __post_init__(self):
        self.sku = normalize_sku(self.sku)
        if self.reorder_point < 0 or self.reorder_qty <= 0 or self.pack_size <= 0:
            raise ValueError(f"invalid reorder rule for {self.sku}")
        if self.max_level is not None and self.max_level <= self.reorder_point:
            raise ValueError("max_level must be above the reorder point")


def round_up_to_pack(qty, pack_size):
    if qty <= 0:
        return 0
    return ceil(qty / pack_size) * pack_size


def needs_reorder(level, rule):
    return level <= rule.reorder_point


def order_quantity(level, rule):
    """How much to order for a SKU at the given level (0 when none is needed)."""
    if not needs_reorder(level, rule):
        return 0
    if rule.max_level is not None:
        wanted = rule.max_level - level
    else:
        wanted = rule.reorder_qty
    return round_up_to_pack(wanted, rule.pack_size)


def reorder_report(book, rules, incoming=None):
    """Lines (sku, level, qty) to order, biggest shortfall first.

    The level counted is the available stock (on hand less reserved) plus any
    quantity already on order in ``incoming``.
    """
    incoming = {normalize_sku(sku): qty for sku, qty in (incoming or {}).items()}
    rows = []
    for rule in rules:
        level = book.available(rule.sku) + incoming.get(rule.sku, 0)
        qty = order_quantity(level, rule)
        if qty > 0:
            shortfall = rule.reorder_point - level
            rows.append((shortfall, rule.sku, level, qty))
    rows.sort(key=lambda row: (-row[0], row[1]))
    return [(sku, level, qty) for _, sku, level, qty in rows]


def usage_per_day(movements, sku, days):
    """Average quantity picked per day over a period of ``days`` days."""
    if days <= 0:
        raise ValueError("days must be positive")
    sku = normalize_sku(sku)
    picked = sum(m["qty"] for m in movements if m["kind"] == "pick" and m["sku"] == sku)
    return picked / days


def days_of_cover(level, daily_usage):
    """Whole days the level lasts at the given usage; None when nothing is used."""
    if daily_usage == 0:
        return None
    if level <= 0:
        return 0
    return int(level // daily_usage)


def format_report(lines):
    if not lines:
        return "nothing to reorder"
    width = max(len(sku) for sku, _, _ in lines)
    rows = [f"{'SKU'.ljust(width)}  LEVEL  ORDER"]
    for sku, level, qty in lines:
        rows.append(f"{sku.ljust(width)}  {level:>5}  {qty:>5}")
    return "\n".join(rows)
