import pytest

from cart import FREE_SHIPPING_THRESHOLD, MAX_QUANTITY, SHIPPING_FLAT, Cart, Catalog
from pricing import Coupon, bulk_percent, percent_of


@pytest.fixture
def catalog():
    cat = Catalog()
    cat.add_product("apple", "Apple", 50)
    cat.add_product("book", "Book", 1500, taxable=False)
    cat.add_product("lamp", "Lamp", 3200)
    cat.add_product("pen", "Pen", 199)
    return cat


@pytest.fixture
def cart(catalog):
    return Cart(catalog)


# --- catalog -------------------------------------------------------------


def test_catalog_add_and_get(catalog):
    assert len(catalog) == 4
    assert "lamp" in catalog
    assert catalog.get("lamp") == {"name": "Lamp", "price": 3200, "taxable": True}


def test_catalog_unknown_sku(catalog):
    with pytest.raises(KeyError, match="unknown sku"):
        catalog.get("chair")


@pytest.mark.parametrize(
    "sku, price, message",
    [("", 100, "empty"), ("mug", -1, "negative"), ("pen", 100, "duplicate")],
)
def test_catalog_rejects_bad_products(catalog, sku, price, message):
    with pytest.raises(ValueError, match=message):
        catalog.add_product(sku, "Thing", price)


# --- pricing -------------------------------------------------------------


@pytest.mark.parametrize(
    "quantity, percent",
    [(9, 0), (10, 5), (20, 10), (49, 10), (50, 15)],
)
def test_bulk_percent(quantity, percent):
    assert bulk_percent(quantity) == percent


@pytest.mark.parametrize(
    "amount, percent, expected", [(1000, 8, 80), (199, 8, 16), (150, 5, 8)]
)
def test_percent_of_rounds_half_up(amount, percent, expected):
    assert percent_of(amount, percent) == expected


def test_coupon_validation():
    with pytest.raises(ValueError):
        Coupon("")
    with pytest.raises(ValueError):
        Coupon("BIG", percent=120)
    with pytest.raises(ValueError):
        Coupon("NEG", amount_off=-5)
    with pytest.raises(ValueError, match="not both"):
        Coupon("BOTH", percent=10, amount_off=500)


def test_percent_coupon_discount():
    coupon = Coupon("ten", percent=10)
    assert coupon.code == "TEN"
    assert coupon.discount_for(2500) == 250


def test_fixed_coupon_never_exceeds_subtotal():
    coupon = Coupon("FIVER", amount_off=500)
    assert coupon.discount_for(2000) == 500
    assert coupon.discount_for(300) == 300


def test_coupon_minimum_subtotal():
    coupon = Coupon("MIN", amount_off=500, min_subtotal=3000)
    assert coupon.discount_for(2999) == 0
    assert coupon.discount_for(3000) == 500


def test_coupon_used_up():
    coupon = Coupon("ONCE", percent=10, max_uses=1)
    assert not coupon.used_up()
    coupon.uses = 1
    assert coupon.used_up()
    assert coupon.discount_for(5000) == 0


# --- cart contents -------------------------------------------------------


def test_add_accumulates_quantity(cart):
    assert cart.add("pen") == 1
    assert cart.add("pen", 3) == 4
    assert cart.add("apple", 2) == 2
    assert cart.items == {"pen": 4, "apple": 2}
    assert cart.item_count() == 6


def test_add_unknown_product(cart):
    with pytest.raises(KeyError):
        cart.add("chair")
    assert cart.items == {}


def test_add_rejects_non_positive_quantity(cart):
    with pytest.raises(ValueError):
        cart.add("pen", 0)
    with pytest.raises(ValueError):
        cart.add("pen", -2)


def test_add_over_limit_leaves_cart_unchanged(cart):
    cart.add("pen", MAX_QUANTITY - 1)
    with pytest.raises(ValueError, match="at most"):
        cart.add("pen", 2)
    assert cart.items == {"pen": MAX_QUANTITY - 1}
    assert cart.add("pen") == MAX_QUANTITY


def test_remove_partial_and_all(cart):
    cart.add("pen", 5)
    assert cart.remove("pen", 2) == 3
    assert cart.items["pen"] == 3
    assert cart.remove("pen") == 0
    assert "pen" not in cart.items


def test_remove_more_than_present_drops_line(cart):
    cart.add("apple", 2)
    assert cart.remove("apple", 5) == 0
    assert cart.items == {}


def test_remove_errors(cart):
    with pytest.raises(KeyError):
        cart.remove("pen")
    cart.add("pen")
    with pytest.raises(ValueError):
        cart.remove("pen", 0)


def test_set_quantity(cart):
    cart.add("pen", 5)
    assert cart.set_quantity("pen", 2) == 2
    assert cart.set_quantity("apple", 7) == 7
    assert cart.set_quantity("pen", 0) == 0
    assert cart.items == {"apple": 7}
    assert cart.set_quantity("lamp", 0) == 0
    with pytest.raises(ValueError):
        cart.set_quantity("apple", -1)


# --- totals --------------------------------------------------------------


def test_line_total_with_bulk_discount(cart):
    cart.add("pen", 9)
    assert cart.line_total("pen") == 1791
    cart.add("pen")
    assert cart.line_total("pen") == 1990 - 100
    cart.add("apple", 20)
    assert cart.line_total("apple") == 900


def test_subtotal(cart):
    cart.add("book", 2)
    cart.add("pen", 3)
    assert cart.subtotal() == 3000 + 597


def test_empty_cart_totals(cart):
    assert cart.subtotal() == 0
    assert cart.tax() == 0
    assert cart.shipping() == 0
    assert cart.total() == 0


def test_tax_only_on_taxable_items(cart):
    cart.add("book")
    assert cart.tax() == 0
    cart.add("lamp")
    assert cart.tax() == 256


def test_tax_after_coupon_share(cart):
    cart.add("book", 2)  # 3000, not taxable
    cart.add("lamp")  # 3200, taxable
    cart.apply_coupon(Coupon("OFF", amount_off=620))
    # the lamp carries 3200/6200 of the 620 discount: 320
    assert cart.tax() == percent_of(2880, 8)


@pytest.mark.parametrize(
    "gift_price, expected", [(1799, SHIPPING_FLAT), (1800, 0), (1801, 0)]
)
def test_free_shipping_threshold(cart, gift_price, expected):
    cart.catalog.add_product("gift", "Gift card", gift_price, taxable=False)
    cart.add("lamp")
    cart.add("gift")
    assert cart.subtotal() == FREE_SHIPPING_THRESHOLD - 1800 + gift_price
    assert cart.shipping() == expected


def test_shipping_counts_discount(cart):
    cart.add("lamp")
    cart.add("book", 2)
    assert cart.shipping() == 0
    cart.apply_coupon(Coupon("BIG", amount_off=1500))
    assert cart.shipping() == SHIPPING_FLAT


def test_total(cart):
    cart.add("lamp")
    cart.add("pen", 2)
    # 3200 + 398 = 3598, tax 288, shipping 599
    assert cart.total() == 3598 + 288 + 599


def test_apply_coupon_rules(cart):
    cart.add("pen")
    with pytest.raises(ValueError, match="does not apply"):
        cart.apply_coupon(Coupon("MIN", amount_off=100, min_subtotal=1000))
    cart.apply_coupon(Coupon("TEN", percent=10))
    assert cart.discount() == 20
    with pytest.raises(ValueError, match="already applied"):
        cart.apply_coupon(Coupon("MORE", percent=5))


def test_most_expensive(cart):
    cart.add("pen", 3)
    cart.add("lamp")
    cart.add("apple")
    cart.add("book")
    assert cart.most_expensive(2) == ["lamp", "book"]
    assert cart.most_expensive(0) == []
    assert cart.most_expensive(10) == ["lamp", "book", "pen", "apple"]
    with pytest.raises(ValueError):
        cart.most_expensive(-1)


# --- checkout ------------------------------------------------------------


def test_checkout_receipt(cart):
    cart.add("lamp")
    cart.add("pen", 2)
    receipt = cart.checkout()
    assert receipt["lines"] == ["1. Lamp x1: 3200", "2. Pen x2: 398"]
    assert receipt["subtotal"] == 3598
    assert receipt["discount"] == 0
    assert receipt["tax"] == 288
    assert receipt["shipping"] == 599
    assert receipt["total"] == 3598 + 288 + 599


def test_checkout_empties_cart(cart):
    cart.add("pen")
    cart.apply_coupon(Coupon("TEN", percent=10))
    cart.checkout()
    assert cart.items == {}
    assert cart.coupon is None
    assert cart.total() == 0


def test_checkout_empty_cart(cart):
    with pytest.raises(ValueError, match="empty"):
        cart.checkout()


def test_single_use_coupon_cannot_be_reused(catalog):
    coupon = Coupon("ONCE", percent=10, max_uses=1)
    first = Cart(catalog)
    first.add("lamp")
    first.apply_coupon(coupon)
    assert first.checkout()["discount"] == 320
    assert coupon.uses == 1
    second = Cart(catalog)
    second.add("lamp")
    with pytest.raises(ValueError):
        second.apply_coupon(coupon)
