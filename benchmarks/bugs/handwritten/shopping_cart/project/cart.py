"""A small shopping cart over a product catalog. Prices are integers in cents."""

from pricing import bulk_percent, percent_of

TAX_RATE_PERCENT = 8
FREE_SHIPPING_THRESHOLD = 5000
SHIPPING_FLAT = 599
MAX_QUANTITY = 99


class Catalog:
    def __init__(self):
        self._products = {}

    def add_product(self, sku, name, price, taxable=True):
        if not sku:
            raise ValueError("sku must not be empty")
        if price < 0:
            raise ValueError(f"price must not be negative, got {price}")
        if sku in self._products:
            raise ValueError(f"duplicate sku {sku!r}")
        self._products[sku] = {"name": name, "price": price, "taxable": taxable}

    def get(self, sku):
        try:
            return self._products[sku]
        except KeyError:
            raise KeyError(f"unknown sku {sku!r}") from None

    def __contains__(self, sku):
        return sku in self._products

    def __len__(self):
        return len(self._products)


class Cart:
    def __init__(self, catalog):
        self.catalog = catalog
        self.items = {}  # sku -> quantity, in the order first added
        self.coupon = None

    def add(self, sku, quantity=1):
        """Add `quantity` of a product and return the new quantity of that line."""
        if quantity <= 0:
            raise ValueError(f"quantity must be positive, got {quantity}")
        self.catalog.get(sku)
        new_quantity = self.items.get(sku, 0) + quantity
        if new_quantity > MAX_QUANTITY:
            raise ValueError(f"at most {MAX_QUANTITY} of one product per order")
        self.items[sku] = new_quantity
        return new_quantity

    def remove(self, sku, quantity=None):
        """Take `quantity` (default: all) of a product out; return what is left."""
        if sku not in self.items:
            raise KeyError(f"{sku!r} is not in the cart")
        if quantity is not None and quantity <= 0:
            raise ValueError(f"quantity must be positive, got {quantity}")
        if quantity is None or quantity >= self.items[sku]:
            del self.items[sku]
            return 0
        self.items[sku] -= quantity
        return self.items[sku]

    def set_quantity(self, sku, quantity):
        if quantity < 0:
            raise ValueError(f"quantity must not be negative, got {quantity}")
        if quantity == 0:
            if sku in self.items:
                self.remove(sku)
            return 0
        self.items.pop(sku, None)
        return self.add(sku, quantity)

    def item_count(self):
        return sum(self.items.values())

    def line_total(self, sku):
        quantity = self.items[sku]
        gross = self.catalog.get(sku)["price"] * quantity
        return gross - percent_of(gross, bulk_percent(quantity))

    def subtotal(self):
        return sum(self.line_total(sku) for sku in self.items)

    def apply_coupon(self, coupon):
        if self.coupon is not None:
            raise ValueError(f"coupon {self.coupon.code} is already applied")
        if not coupon.applies_to(self.subtotal()):
            raise ValueError(f"coupon {coupon.code} does not apply to this cart")
        self.coupon = coupon

    def discount(self):
        if self.coupon is None:
            return 0
        return self.coupon.discount_for(self.subtotal())

    def tax(self):
        """Tax on the taxable lines, after their share of the coupon discount."""
        subtotal = self.subtotal()
        if subtotal == 0:
            return 0
        taxable = 0
        for sku in self.items:
            if self.catalog.get(sku)["taxable"]:
                taxable += self.line_total(sku)
        taxable -= self.discount() * taxable // subtotal
        return percent_of(taxable, TAX_RATE_PERCENT)

    def shipping(self):
        if not self.items:
            return 0
        if self.subtotal() - self.discount() >= FREE_SHIPPING_THRESHOLD:
            return 0
        return SHIPPING_FLAT

    def total(self):
        return self.subtotal() - self.discount() + self.tax() + self.shipping()

    def most_expensive(self, n):
        """The skus of the `n` most expensive lines, dearest first."""
        if n < 0:
            raise ValueError("n must not be negative")
        ranked = sorted(self.items, key=self.line_total, reverse=True)
        return ranked[:n]

    def checkout(self):
        """Return a receipt and empty the cart; the coupon counts as used."""
        if not self.items:
            raise ValueError("cannot check out an empty cart")
        lines = []
        for number, sku in enumerate(self.items, start=1):
            name = self.catalog.get(sku)["name"]
            lines.append(f"{number}. {name} x{self.items[sku]}: {self.line_total(sku)}")
        receipt = {
            "lines": lines,
            "subtotal": self.subtotal(),
            "discount": self.discount(),
            "tax": self.tax(),
            "shipping": self.shipping(),
            "total": self.total(),
        }
        if self.coupon is not None:
            self.coupon.uses += 1
        self.items = {}
        self.coupon = None
        return receipt
