"""Price rules for the shopping cart: bulk discounts and coupons. Amounts are cents."""

# (minimum quantity, percent off the line), largest quantity first
BULK_TIERS = [(50, 15), (20, 10), (10, 5)]


def bulk_percent(quantity):
    """Percent taken off a line of `quantity` identical items."""
    for min_quantity, percent in BULK_TIERS:
        if quantity >= min_quantity:
            return percent
    return 0


def percent_of(amount, percent):
    """`percent` % of `amount`, rounded half up to whole cents."""
    return (amount * percent + 50) // 100


class Coupon:
    def __init__(self, code, percent=0, amount_off=0, min_subtotal=0, max_uses=None):
        if not code:
            raise ValueError("coupon code must not be empty")
        if not 0 <= percent <= 100:
            raise ValueError(f"percent must be between 0 and 100, got {percent}")
        if amount_off < 0:
            raise ValueError(f"amount_off must not be negative, got {amount_off}")
        if percent and amount_off:
            raise ValueError("a coupon is either a percentage or a fixed amount, not both")
        self.code = code.upper()
        self.percent = percent
        self.amount_off = amount_off
        self.min_subtotal = min_subtotal
        self.max_uses = max_uses
        self.uses = 0

    def used_up(self):
        return self.max_uses is not None and self.uses >= self.max_uses

    def applies_to(self, subtotal):
        if self.used_up():
            return False
        return subtotal >= self.min_subtotal

    def discount_for(self, subtotal):
        """Money taken off `subtotal`; never more than the subtotal itself."""
        if not self.applies_to(subtotal):
            return 0
        if self.percent:
            return percent_of(subtotal, self.percent)
        return min(self.amount_off, subtotal)
