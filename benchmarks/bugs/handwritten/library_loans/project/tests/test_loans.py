from datetime import date, timedelta

import pytest

from fees import MAX_FEE, days_late, format_cents, late_fee
from loans import Library, LibraryError, Member

DAY0 = date(2024, 3, 1)


@pytest.fixture
def lib():
    lib = Library()
    lib.add_item("b1", "Dune")
    lib.add_item("b2", "Emma")
    lib.add_item("d1", "Alien", kind="dvd")
    lib.add_member("m1", "Ann", limit=2)
    lib.add_member("m2", "Bob")
    return lib


def test_days_late():
    assert days_late(DAY0, DAY0) == 0
    assert days_late(DAY0, DAY0 - timedelta(days=4)) == 0
    assert days_late(DAY0, DAY0 + timedelta(days=5)) == 5


@pytest.mark.parametrize("kind, late, fee", [
    ("book", 0, 0),
    ("book", 2, 0),
    ("book", 3, 75),
    ("dvd", 3, 300),
    ("magazine", 10, 100),
    ("dvd", 30, MAX_FEE),
])
def test_late_fee(kind, late, fee):
    assert late_fee(kind, DAY0, DAY0 + timedelta(days=late)) == fee


def test_late_fee_unknown_kind():
    with pytest.raises(ValueError, match="unknown item kind"):
        late_fee("vinyl", DAY0, DAY0)


@pytest.mark.parametrize("cents, text", [(0, "$0.00"), (5, "$0.05"), (1234, "$12.34"), (-250, "-$2.50")])
def test_format_cents(cents, text):
    assert format_cents(cents) == text


def test_duplicates_rejected(lib):
    with pytest.raises(ValueError, match="duplicate item"):
        lib.add_item("b1", "Other")
    with pytest.raises(ValueError, match="duplicate member"):
        lib.add_member("m1", "Other")


def test_bad_kind_and_limit():
    with pytest.raises(ValueError):
        Library().add_item("x", "X", kind="vinyl")
    with pytest.raises(ValueError):
        Member("m", "M", limit=0)
    assert Member("m", "M", limit=1).limit == 1


def test_checkout_sets_due_date(lib):
    assert lib.checkout("b1", "m1", DAY0) == DAY0 + timedelta(days=21)
    assert lib.checkout("d1", "m2", DAY0) == DAY0 + timedelta(days=7)
    assert not lib.items["b1"].available
    assert lib.members["m1"].loans == ["b1"]


def test_unknown_ids(lib):
    with pytest.raises(KeyError, match="no item"):
        lib.checkout("zz", "m1", DAY0)
    with pytest.raises(KeyError, match="no member"):
        lib.checkout("b1", "zz", DAY0)


def test_cannot_checkout_loaned_item(lib):
    lib.checkout("b1", "m1", DAY0)
    with pytest.raises(LibraryError, match="already on loan"):
        lib.checkout("b1", "m2", DAY0)


def test_loan_limit(lib):
    lib.checkout("b1", "m1", DAY0)
    assert lib.can_borrow("m1")
    lib.checkout("b2", "m1", DAY0)
    assert not lib.can_borrow("m1")
    with pytest.raises(LibraryError, match="may not borrow"):
        lib.checkout("d1", "m1", DAY0)


def test_checkin_on_time(lib):
    lib.checkout("b1", "m1", DAY0)
    assert lib.checkin("b1", DAY0 + timedelta(days=21)) == 0
    assert lib.items["b1"].available
    assert lib.items["b1"].due is None
    assert lib.members["m1"].loans == []


def test_checkin_late_charges_fee(lib):
    lib.checkout("d1", "m2", DAY0)
    assert lib.checkin("d1", DAY0 + timedelta(days=11)) == 400
    assert lib.members["m2"].fees == 400


def test_checkin_not_on_loan(lib):
    with pytest.raises(LibraryError, match="not on loan"):
        lib.checkin("b1", DAY0)


def test_fees_block_borrowing(lib):
    lib.checkout("d1", "m2", DAY0)
    lib.checkin("d1", DAY0 + timedelta(days=12))  # 5 days late: 500
    assert not lib.can_borrow("m2")
    assert lib.pay("m2", 1) == 499
    assert lib.can_borrow("m2")


def test_pay_validation(lib):
    lib.checkout("d1", "m2", DAY0)
    lib.checkin("d1", DAY0 + timedelta(days=10))
    with pytest.raises(ValueError, match="positive"):
        lib.pay("m2", 0)
    with pytest.raises(ValueError, match="exceeds"):
        lib.pay("m2", 301)
    assert lib.pay("m2", 300) == 0


def test_renew_extends_from_due_date(lib):
    lib.checkout("b1", "m1", DAY0)
    due = lib.renew("b1", DAY0 + timedelta(days=5))
    assert due == DAY0 + timedelta(days=42)
    assert lib.items["b1"].renewals == 1


def test_renew_limit_and_reset_on_new_loan(lib):
    lib.checkout("d1", "m1", DAY0)
    lib.renew("d1", DAY0)
    lib.renew("d1", DAY0)
    with pytest.raises(LibraryError, match="renewed too often"):
        lib.renew("d1", DAY0)
    lib.checkin("d1", DAY0 + timedelta(days=1))
    lib.checkout("d1", "m2", DAY0 + timedelta(days=1))
    assert lib.renew("d1", DAY0 + timedelta(days=1)) == DAY0 + timedelta(days=15)


def test_renew_on_due_date_allowed_but_not_after(lib):
    lib.checkout("d1", "m1", DAY0)
    due = DAY0 + timedelta(days=7)
    assert lib.renew("d1", due) == due + timedelta(days=7)
    with pytest.raises(LibraryError, match="overdue"):
        lib.renew("d1", due + timedelta(days=8))


def test_renew_refused_with_holds(lib):
    lib.checkout("b1", "m1", DAY0)
    lib.place_hold("b1", "m2")
    with pytest.raises(LibraryError, match="holds"):
        lib.renew("b1", DAY0)


def test_renew_not_on_loan(lib):
    with pytest.raises(LibraryError, match="not on loan"):
        lib.renew("b2", DAY0)


def test_hold_queue_positions(lib):
    lib.add_member("m3", "Cy")
    lib.checkout("b1", "m1", DAY0)
    assert lib.place_hold("b1", "m2") == 1
    assert lib.place_hold("b1", "m3") == 2
    with pytest.raises(LibraryError, match="already hold"):
        lib.place_hold("b1", "m2")
    with pytest.raises(LibraryError, match="already have"):
        lib.place_hold("b1", "m1")


def test_held_item_goes_to_first_in_queue(lib):
    lib.add_member("m3", "Cy")
    lib.checkout("b1", "m1", DAY0)
    lib.place_hold("b1", "m2")
    lib.place_hold("b1", "m3")
    lib.checkin("b1", DAY0 + timedelta(days=3))
    with pytest.raises(LibraryError, match="held for another"):
        lib.checkout("b1", "m3", DAY0 + timedelta(days=3))
    lib.checkout("b1", "m2", DAY0 + timedelta(days=3))
    assert list(lib.items["b1"].holds) == ["m3"]


def test_cancel_hold(lib):
    lib.place_hold("b1", "m2")
    assert lib.cancel_hold("b1", "m2") is True
    assert lib.cancel_hold("b1", "m2") is False
    lib.checkout("b1", "m1", DAY0)


def test_overdue_sorted_worst_first(lib):
    lib.checkout("b1", "m1", DAY0)
    lib.checkout("d1", "m2", DAY0)
    lib.checkout("b2", "m2", DAY0 + timedelta(days=10))
    today = DAY0 + timedelta(days=31)
    assert lib.overdue(today) == [(24, "d1", "m2"), (10, "b1", "m1")]
    assert lib.overdue(DAY0 + timedelta(days=7)) == []


def test_overdue_ties_by_item_id(lib):
    lib.checkout("b2", "m1", DAY0)
    lib.checkout("b1", "m2", DAY0)
    assert lib.overdue(DAY0 + timedelta(days=22)) == [(1, "b1", "m2"), (1, "b2", "m1")]


def test_history_most_recent_first_without_repeats(lib):
    day = DAY0
    for item_id in ["b1", "b2", "b1", "d1"]:
        lib.checkout(item_id, "m2", day)
        lib.checkin(item_id, day)
        day += timedelta(days=1)
    lib.checkout("b2", "m1", day)
    assert lib.history("m2") == ["Alien", "Dune", "Emma"]
    assert lib.history("m2", limit=2) == ["Alien", "Dune"]
    assert lib.history("m1") == ["Emma"]
    with pytest.raises(KeyError):
        lib.history("nobody")
