"""Stock levels per SKU and storage location in a warehouse."""

import re

LOCATION_PATTERN = re.compile(r"^([A-Z])-(\d{2})-(\d)$")


class StockError(Exception):
    """Base class for stock problems."""


class InsufficientStock(StockError):
    def __init__(self, sku, wanted, available):
        super().__init__(f"{sku}: wanted {wanted}, only {available} available")
        self.sku = sku
        self.wanted = wanted
        self.available = available


def normalize_sku(sku):
    if sku is None:
        raise ValueError("sku is required")
    cleaned = sku.strip().upper().replace(" ", "-")
    if not cleaned:
        raise ValueError("sku is required")
    return cleaned


def parse_location(code):
    """Split a location code like ``B-07-2`` into (aisle, rack, shelf)."""
    match = LOCATION_PATTERN.match(code.strip().upper())
    if match is None:
        raise ValueError(f"bad location code {code!r}")
    aisle, rack, shelf = match.groups()
    return aisle, int(rack), int(shelf)


def _check_quantity(qty):
    if not isinstance(qty, int) or qty <= 0:
        raise ValueError(f"quantity must be a positive integer, got {qty!r}")


class Warehouse:
    def __init__(self, name):
        self.name = name
        self._stock = {}
        self._capacity = {}
        self.movements = []

    def add_location(self, code, capacity=None):
        parse_location(code)
        code = code.strip().upper()
        if code in self._stock:
            raise StockError(f"location {code} already exists")
        if capacity is not None and capacity < 0:
            raise ValueError("capacity must not be negative")
        self._stock[code] = {}
        self._capacity[code] = capacity

    def _bin(self, location):
        code = location.strip().upper()
        if code not in self._stock:
            raise StockError(f"unknown location {location!r}")
        return code, self._stock[code]

    def locations(self):
        return sorted(self._stock, key=parse_location)

    def used(self, location):
        _, bin_ = self._bin(location)
        return sum(bin_.values())

    def free_space(self, location):
        code, _ = self._bin(location)
        capacity = self._capacity[code]
        if capacity is None:
            return None
        return capacity - self.used(code)

    def _log(self, kind, sku, qty, source=None, dest=None):
        self.movements.append({"kind": kind, "sku": sku, "qty": qty,
                               "from": source, "to": dest})

    def receive(self, sku, qty, location):
        sku = normalize_sku(sku)
        _check_quantity(qty)
        code, bin_ = self._bin(location)
        space = self.free_space(code)
        if space is not None and qty > space:
            raise StockError(f"location {code} has room for {space}, not {qty}")
        bin_[sku] = bin_.get(sku, 0) + qty
        self._log("receive", sku, qty, dest=code)

    def remove(self, sku, qty, location, kind="remove"):
        sku = normalize_sku(sku)
        _check_quantity(qty)
        code, bin_ = self._bin(location)
        have = bin_.get(sku, 0)
        if qty > have:
            raise InsufficientStock(sku, qty, have)
        if have == qty:
            del bin_[sku]
        else:
            bin_[sku] = have - qty
        self._log(kind, sku, qty, source=code)

    def on_hand(self, sku, location=None):
        sku = normalize_sku(sku)
        if location is not None:
            return self._bin(location)[1].get(sku, 0)
        return sum(bin_.get(sku, 0) for bin_ in self._stock.values())

    def where(self, sku):
        """(location, qty) pairs holding the SKU, fullest first, ties by location."""
        sku = normalize_sku(sku)
        found = [(code, bin_[sku]) for code, bin_ in self._stock.items() if sku in bin_]
        found.sort(key=lambda pair: (-pair[1], parse_location(pair[0])))
        return found

    def transfer(self, sku, qty, source, dest):
        sku = normalize_sku(sku)
        _check_quantity(qty)
        src, _ = self._bin(source)
        dst, dest_bin = self._bin(dest)
        if src == dst:
            raise StockError("source and destination are the same")
        have = self.on_hand(sku, src)
        if qty > have:
            raise InsufficientStock(sku, qty, have)
        space = self.free_space(dst)
        if space is not None and qty > space:
            raise StockError(f"location {dst} has room for {space}, not {qty}")
        self._stock[src][sku] = have - qty
        if self._stock[src][sku] == 0:
            del self._stock[src][sku]
        dest_bin[sku] = dest_bin.get(sku, 0) + qty
        self._log("transfer", sku, qty, source=src, dest=dst)

    def pick(self, sku, qty):
        """Take qty of a SKU from the fullest locations first; returns the picks."""
        sku = normalize_sku(sku)
        _check_quantity(qty)
        total = self.on_hand(sku)
        if qty > total:
            raise InsufficientStock(sku, qty, total)
        picks = []
        remaining = qty
        for code, have in self.where(sku):
            if remaining == 0:
                break
            take = min(have, remaining)
            self.remove(sku, take, code, kind="pick")
            picks.append((code, take))
            remaining -= take
        return picks
