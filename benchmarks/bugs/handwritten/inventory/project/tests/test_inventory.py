import pytest

from reorder import (
    ReorderRule,
    days_of_cover,
    format_report,
    needs_reorder,
    order_quantity,
    reorder_report,
    round_up_to_pack,
    usage_per_day,
)
from reservations import FULFILLED, OPEN, RELEASED, ReservationBook
from stock import InsufficientStock, StockError, Warehouse, normalize_sku, parse_location


@pytest.fixture
def wh():
    w = Warehouse("main")
    w.add_location("A-01-1", capacity=100)
    w.add_location("A-01-2", capacity=50)
    w.add_location("B-02-1")
    return w


@pytest.fixture
def stocked(wh):
    wh.receive("bolt", 40, "A-01-1")
    wh.receive("bolt", 25, "B-02-1")
    wh.receive("nut", 10, "A-01-2")
    return wh


# --- helpers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [("abc-1", "ABC-1"), ("  x9 ", "X9"), ("red widget", "RED-WIDGET"), ("Q", "Q")],
)
def test_normalize_sku(raw, expected):
    assert normalize_sku(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_normalize_sku_rejects_empty(raw):
    with pytest.raises(ValueError):
        normalize_sku(raw)


@pytest.mark.parametrize(
    "code, expected",
    [("A-01-1", ("A", 1, 1)), ("b-12-3", ("B", 12, 3)), (" C-07-0 ", ("C", 7, 0))],
)
def test_parse_location(code, expected):
    assert parse_location(code) == expected


@pytest.mark.parametrize("code", ["A-1-1", "AA-01-1", "A-01", "A-01-12", "", "1-01-1"])
def test_parse_location_rejects(code):
    with pytest.raises(ValueError):
        parse_location(code)


# --- warehouse ---------------------------------------------------------------


def test_add_location_validates(wh):
    with pytest.raises(StockError):
        wh.add_location("a-01-1")
    with pytest.raises(ValueError):
        wh.add_location("Z-99-9", capacity=-1)
    with pytest.raises(ValueError):
        wh.add_location("nowhere")


def test_locations_sorted_by_code_parts(wh):
    wh.add_location("A-10-1")
    wh.add_location("A-02-1")
    assert wh.locations() == ["A-01-1", "A-01-2", "A-02-1", "A-10-1", "B-02-1"]


def test_receive_and_on_hand(stocked):
    assert stocked.on_hand("bolt") == 65
    assert stocked.on_hand("BOLT", "a-01-1") == 40
    assert stocked.on_hand("bolt", "A-01-2") == 0
    assert stocked.on_hand("washer") == 0


def test_receive_accumulates(wh):
    wh.receive("bolt", 5, "A-01-1")
    wh.receive("bolt", 7, "A-01-1")
    assert wh.on_hand("bolt", "A-01-1") == 12


@pytest.mark.parametrize("qty", [0, -3, 2.5, None])
def test_receive_rejects_bad_quantity(wh, qty):
    with pytest.raises(ValueError):
        wh.receive("bolt", qty, "A-01-1")


def test_receive_unknown_location(wh):
    with pytest.raises(StockError):
        wh.receive("bolt", 1, "C-01-1")


def test_capacity_enforced(wh):
    wh.receive("bolt", 30, "A-01-2")
    wh.receive("nut", 20, "A-01-2")
    assert wh.free_space("A-01-2") == 0
    with pytest.raises(StockError):
        wh.receive("nut", 1, "A-01-2")


def test_free_space_unlimited_location(stocked):
    assert stocked.free_space("B-02-1") is None
    assert stocked.used("B-02-1") == 25
    assert stocked.free_space("A-01-1") == 60


def test_remove_partial_and_all(stocked):
    stocked.remove("bolt", 15, "A-01-1")
    assert stocked.on_hand("bolt", "A-01-1") == 25
    stocked.remove("bolt", 25, "A-01-1")
    assert stocked.on_hand("bolt", "A-01-1") == 0
    assert stocked.where("bolt") == [("B-02-1", 25)]


def test_remove_more_than_held(stocked):
    with pytest.raises(InsufficientStock) as info:
        stocked.remove("nut", 11, "A-01-2")
    assert info.value.available == 10
    assert info.value.wanted == 11
    assert stocked.on_hand("nut") == 10


def test_where_orders_fullest_first(wh):
    wh.receive("gear", 5, "B-02-1")
    wh.receive("gear", 9, "A-01-2")
    wh.receive("gear", 5, "A-01-1")
    assert wh.where("gear") == [("A-01-2", 9), ("A-01-1", 5), ("B-02-1", 5)]
    assert wh.where("missing") == []


def test_transfer_moves_stock(stocked):
    stocked.transfer("bolt", 10, "A-01-1", "A-01-2")
    assert stocked.on_hand("bolt", "A-01-1") == 30
    assert stocked.on_hand("bolt", "A-01-2") == 10
    assert stocked.on_hand("bolt") == 65


def test_transfer_everything_empties_source(stocked):
    stocked.transfer("nut", 10, "A-01-2", "B-02-1")
    assert stocked.where("nut") == [("B-02-1", 10)]
    assert stocked.used("A-01-2") == 0


def test_transfer_errors(stocked):
    with pytest.raises(StockError):
        stocked.transfer("bolt", 1, "A-01-1", "a-01-1")
    with pytest.raises(InsufficientStock):
        stocked.transfer("bolt", 41, "A-01-1", "B-02-1")
    with pytest.raises(StockError):
        stocked.transfer("bolt", 41, "A-01-1", "A-01-2")
    assert stocked.on_hand("bolt", "A-01-1") == 40


def test_transfer_respects_destination_capacity(stocked):
    stocked.transfer("bolt", 40, "A-01-1", "A-01-2")
    assert stocked.free_space("A-01-2") == 0
    with pytest.raises(StockError):
        stocked.transfer("bolt", 1, "B-02-1", "A-01-2")


def test_pick_takes_from_fullest_first(stocked):
    picks = stocked.pick("bolt", 50)
    assert picks == [("A-01-1", 40), ("B-02-1", 10)]
    assert stocked.on_hand("bolt") == 15


def test_pick_exact_single_location(stocked):
    assert stocked.pick("nut", 10) == [("A-01-2", 10)]
    assert stocked.on_hand("nut") == 0


def test_pick_too_much(stocked):
    with pytest.raises(InsufficientStock):
        stocked.pick("bolt", 66)
    assert stocked.on_hand("bolt") == 65


def test_movements_log(wh):
    wh.receive("bolt", 10, "A-01-1")
    wh.transfer("bolt", 4, "A-01-1", "B-02-1")
    wh.pick("bolt", 6)
    kinds = [(m["kind"], m["qty"], m["from"], m["to"]) for m in wh.movements]
    assert kinds == [
        ("receive", 10, None, "A-01-1"),
        ("transfer", 4, "A-01-1", "B-02-1"),
        ("pick", 6, "A-01-1", None),
    ]


# --- reservations ------------------------------------------------------------


def test_reserve_reduces_available(stocked):
    book = ReservationBook(stocked)
    res = book.reserve("bolt", 20, "order-1")
    assert res.id == "R0001"
    assert res.status == OPEN
    assert book.reserved("bolt") == 20
    assert book.available("bolt") == 45
    assert stocked.on_hand("bolt") == 65


def test_reservation_ids_increase():
    book = ReservationBook(Warehouse("x"), prefix="RES-")
    book.warehouse.add_location("A-01-1")
    book.warehouse.receive("a", 10, "A-01-1")
    ids = [book.reserve("a", 1, f"o{i}").id for i in range(3)]
    assert ids == ["RES-0001", "RES-0002", "RES-0003"]


def test_reserve_up_to_available(stocked):
    book = ReservationBook(stocked)
    book.reserve("nut", 6, "o1")
    book.reserve("nut", 4, "o2")
    assert book.available("nut") == 0
    with pytest.raises(InsufficientStock):
        book.reserve("nut", 1, "o3")


@pytest.mark.parametrize("qty", [0, -2])
def test_reserve_rejects_non_positive(stocked, qty):
    with pytest.raises(ValueError):
        ReservationBook(stocked).reserve("bolt", qty, "o1")


def test_release_frees_stock(stocked):
    book = ReservationBook(stocked)
    res = book.reserve("nut", 10, "o1")
    book.release(res.id)
    assert res.status == RELEASED
    assert book.available("nut") == 10
    with pytest.raises(StockError):
        book.release(res.id)


def test_get_unknown_reservation(stocked):
    with pytest.raises(StockError):
        ReservationBook(stocked).get("R9999")


@pytest.mark.parametrize("by, left, status", [(0, 8, OPEN), (3, 5, OPEN), (8, 0, RELEASED)])
def test_shrink(stocked, by, left, status):
    book = ReservationBook(stocked)
    res = book.reserve("bolt", 8, "o1")
    book.shrink(res.id, by)
    assert res.qty == left
    assert res.status == status
    assert book.reserved("bolt") == (left if status == OPEN else 0)


@pytest.mark.parametrize("by", [-1, 9])
def test_shrink_rejects_bad_amount(stocked, by):
    book = ReservationBook(stocked)
    res = book.reserve("bolt", 8, "o1")
    with pytest.raises(ValueError):
        book.shrink(res.id, by)


def test_fulfil_picks_stock(stocked):
    book = ReservationBook(stocked)
    res = book.reserve("bolt", 45, "o1")
    book.fulfil(res.id)
    assert res.status == FULFILLED
    assert res.picks == [("A-01-1", 40), ("B-02-1", 5)]
    assert stocked.on_hand("bolt") == 20
    assert book.reserved("bolt") == 0
    assert book.available("bolt") == 20
    with pytest.raises(StockError):
        book.fulfil(res.id)


def test_release_order(stocked):
    book = ReservationBook(stocked)
    book.reserve("bolt", 5, "o1")
    book.reserve("nut", 2, "o1")
    keep = book.reserve("bolt", 3, "o2")
    done = book.reserve("nut", 1, "o1")
    book.fulfil(done.id)
    assert book.release_order("o1") == 2
    assert book.release_order("o1") == 0
    assert [r.id for r in book.open_reservations()] == [keep.id]


def test_summary(stocked):
    book = ReservationBook(stocked)
    assert book.summary() == {}
    book.reserve("nut", 2, "o1")
    book.reserve("bolt", 5, "o1")
    book.reserve("bolt", 1, "o2")
    assert book.summary() == {"BOLT": 6, "NUT": 2}
    assert list(book.summary()) == ["BOLT", "NUT"]


# --- reorder -----------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(reorder_point=-1, reorder_qty=5),
        dict(reorder_point=5, reorder_qty=0),
        dict(reorder_point=5, reorder_qty=5, pack_size=0),
        dict(reorder_point=5, reorder_qty=5, max_level=5),
    ],
)
def test_rule_validation(kwargs):
    with pytest.raises(ValueError):
        ReorderRule("bolt", **kwargs)


@pytest.mark.parametrize("qty, pack, expected", [(0, 6, 0), (-4, 6, 0), (1, 6, 6), (6, 6, 6), (7, 6, 12), (5, 1, 5)])
def test_round_up_to_pack(qty, pack, expected):
    assert round_up_to_pack(qty, pack) == expected


@pytest.mark.parametrize("level, expected", [(0, True), (10, True), (11, False), (-3, True)])
def test_needs_reorder(level, expected):
    assert needs_reorder(level, ReorderRule("x", reorder_point=10, reorder_qty=20)) is expected


@pytest.mark.parametrize(
    "level, rule, expected",
    [
        (11, ReorderRule("x", 10, 20), 0),
        (10, ReorderRule("x", 10, 20), 20),
        (4, ReorderRule("x", 10, 20, max_level=30), 26),
        (4, ReorderRule("x", 10, 20, max_level=30, pack_size=12), 36),
        (9, ReorderRule("x", 10, 25, pack_size=10), 30),
    ],
)
def test_order_quantity(level, rule, expected):
    assert order_quantity(level, rule) == expected


def test_reorder_report(stocked):
    book = ReservationBook(stocked)
    book.reserve("bolt", 60, "o1")
    rules = [
        ReorderRule("bolt", reorder_point=10, reorder_qty=50),
        ReorderRule("nut", reorder_point=20, reorder_qty=100, max_level=80),
        ReorderRule("washer", reorder_point=0, reorder_qty=10),
        ReorderRule("gear", reorder_point=5, reorder_qty=5),
    ]
    lines = reorder_report(book, rules, incoming={"gear": 10})
    assert lines == [("NUT", 10, 70), ("BOLT", 5, 50), ("WASHER", 0, 10)]


def test_reorder_report_empty(stocked):
    book = ReservationBook(stocked)
    assert reorder_report(book, [ReorderRule("bolt", 10, 5)]) == []
    assert reorder_report(book, []) == []


def test_usage_per_day(wh):
    wh.receive("bolt", 30, "A-01-1")
    wh.pick("bolt", 12)
    wh.pick("bolt", 3)
    wh.remove("bolt", 5, "A-01-1")
    assert usage_per_day(wh.movements, "bolt", 5) == 3
    assert usage_per_day(wh.movements, "nut", 5) == 0
    with pytest.raises(ValueError):
        usage_per_day(wh.movements, "bolt", 0)


@pytest.mark.parametrize(
    "level, usage, expected",
    [(30, 3, 10), (31, 3, 10), (29, 3, 9), (0, 2, 0), (-5, 2, 0), (10, 0, None), (5, 2.5, 2)],
)
def test_days_of_cover(level, usage, expected):
    assert days_of_cover(level, usage) == expected


def test_format_report():
    text = format_report([("NUT", 10, 70), ("WASHER", 0, 10)])
    assert text.splitlines() == [
        "SKU     LEVEL  ORDER",
        "NUT        10     70",
        "WASHER      0     10",
    ]
    assert format_report([]) == "nothing to reorder"
