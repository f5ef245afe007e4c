"""Reserving stock for orders before it is picked."""

from stock import InsufficientStock, StockError, normalize_sku

OPEN, FULFILLED, RELEASED = "open", "fulfilled", "released"


class Reservation:
    def __init__(self, rid, sku, qty, order):
        self.id = rid
        self.sku = sku
        self.qty = qty
        self.order = order
        self.status = OPEN
        self.picks = []

    def __repr__(self):
        return f"Reservation({self.id}, {self.sku} x{self.qty}, {self.status})"


class ReservationBook:
    def __init__(self, warehouse, prefix="R"):
        self.warehouse = warehouse
        self.prefix = prefix
        self._reservations = {}
        self._next = 1

    def _new_id(self):
        rid = f"{self.prefix}{self._next:04d}"
        self._next += 1
        return rid

    def get(self, rid):
        try:
            return self._reservations[rid]
        except KeyError:
            raise StockError(f"no reservation {rid!r}") from None

    def open_reservations(self, sku=None):
        sku = normalize_sku(sku) if sku is not None else None
        for res in self._reservations.values():
            if res.status == OPEN and (sku is None or res.sku == sku):
                yield res

    def reserved(self, sku):
        return sum(res.qty for res in self.open_reservations(sku))

    def available(self, sku):
        return self.warehouse.on_hand(sku) - self.reserved(sku)

    def reserve(self, sku, qty, order):
        sku = normalize_sku(sku)
        if qty <= 0:
            raise ValueError("quantity must be positive")
        free = self.available(sku)
        if qty > free:
            raise InsufficientStock(sku, qty, free)
        res = Reservation(self._new_id(), sku, qty, order)
        self._reservations[res.id] = res
        return res

    def _open(self, rid):
        res = self.get(rid)
        if res.status != OPEN:
            raise StockError(f"reservation {rid} is {res.status}")
        return res

    def release(self, rid):
        res = self._open(rid)
        res.status = RELEASED
        return res

    def shrink(self, rid, qty):
        """Reduce an open reservation; shrinking to zero releases it."""
        res = self._open(rid)
        if qty < 0 or qty > res.qty:
            raise ValueError(f"cannot shrink {res.qty} by {qty}")
        res.qty -= qty
        if res.qty == 0:
            res.status = RELEASED
        return res

    def fulfil(self, rid):
        res = self._open(rid)
        res.picks = self.warehouse.pick(res.sku, res.qty)
        res.status = FULFILLED
        return res

    def release_order(self, order):
        released = 0
        for res in list(self._reservations.values()):
            if res.order == order and res.status == OPEN:
                res.status = RELEASED
                released += 1
        return released

    def summary(self):
        """Open quantity per SKU, as a dict sorted by SKU."""
        totals = {}
        for res in self.open_reservations():
            totals[res.sku] = totals.get(res.sku, 0) + res.qty
        return dict(sorted(totals.items()))
