import pytest

from pathparse import (
    Descendant,
    Index,
    Key,
    PathSyntaxError,
    Slice,
    Wildcard,
    format_location,
    format_path,
    parse_path,
)
from pathquery import (
    PathNotFound,
    delete,
    exists,
    find,
    get,
    query,
    query_paths,
    set_value,
    slice_indices,
)
from pathtools import count, diff, first, flatten, group_by, iter_leaves, pluck, unflatten


@pytest.fixture
def store():
    return {
        "store": {
            "name": "Corner Books",
            "books": [
                {"title": "Dune", "price": 9.5, "tags": ["scifi", "classic"]},
                {"title": "Emma", "price": 4.0, "tags": ["romance"]},
                {"title": "Ubik", "price": 7.25, "tags": []},
            ],
            "bicycle": {"color": "red", "price": 120},
        },
        "owner name": "Ann",
    }


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "text, steps",
    [
        ("$", []),
        ("", []),
        ("a", [Key("a")]),
        ("$.a.b", [Key("a"), Key("b")]),
        ("a.b-c_d", [Key("a"), Key("b-c_d")]),
        ("$[0]", [Index(0)]),
        ("items[-1]", [Key("items"), Index(-1)]),
        ("items[*]", [Key("items"), Wildcard()]),
        ("$.*", [Wildcard()]),
        ("$['a b']", [Key("a b")]),
        ('$["x.y"]', [Key("x.y")]),
        ("$..price", [Descendant("price")]),
        ("  $.a  ", [Key("a")]),
    ],
)
def test_parse_path(text, steps):
    assert parse_path(text) == steps


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[1:3]", Slice(1, 3)),
        ("[:2]", Slice(None, 2)),
        ("[2:]", Slice(2, None)),
        ("[:]", Slice()),
        ("[::2]", Slice(None, None, 2)),
        ("[-2:]", Slice(-2, None)),
        ("[::-1]", Slice(None, None, -1)),
        ("[1:-1:2]", Slice(1, -1, 2)),
    ],
)
def test_parse_slices(text, expected):
    assert parse_path(text) == [expected]


def test_parse_quoted_key_with_escapes():
    assert parse_path(r"$['it\'s']") == [Key("it's")]
    assert parse_path(r"$['back\\slash']") == [Key("back\\slash")]


@pytest.mark.parametrize(
    "text",
    ["$.", "$[", "$[1", "$['abc", "$[abc]", "$.a b", "$[::0]", "$[]", "$.a..", "$[-]"],
)
def test_parse_errors(text):
    with pytest.raises(PathSyntaxError):
        parse_path(text)


def test_parse_error_reports_position():
    with pytest.raises(PathSyntaxError) as info:
        parse_path("$.a?b")
    assert info.value.position == 3


def test_parse_rejects_non_string():
    with pytest.raises(TypeError):
        parse_path(["a"])


@pytest.mark.parametrize(
    "text",
    ["$", "$.a.b", "$[0]", "$.items[-1]", "$[*]", "$['a b']", "$[1:3]", "$[::-1]", "$[2:]", "$..x", "$['it\\'s']"],
)
def test_format_round_trip(text):
    assert format_path(parse_path(text)) == text


def test_format_location():
    assert format_location(("store", "books", 0, "title")) == "$.store.books[0].title"
    assert format_location(()) == "$"
    assert format_location(("a b", 2)) == "$['a b'][2]"


# ---------------------------------------------------------------- slices


@pytest.mark.parametrize(
    "sl",
    [
        Slice(),
        Slice(1, 3),
        Slice(None, -1),
        Slice(-2, None),
        Slice(-10, 10),
        Slice(3, 1),
        Slice(None, None, 2),
        Slice(1, None, 3),
        Slice(None, None, -1),
        Slice(4, 1, -1),
        Slice(-1, -4, -2),
        Slice(10, None, -1),
        Slice(None, -10, -1),
    ],
)
@pytest.mark.parametrize("length", [0, 1, 5])
def test_slice_indices_match_python(sl, length):
    items = list(range(length))
    assert [items[i] for i in slice_indices(sl, length)] == items[sl.start:sl.stop:sl.step]


# ---------------------------------------------------------------- queries


def test_query_simple_keys(store):
    assert query(store, "$.store.name") == ["Corner Books"]
    assert query(store, "store.bicycle.color") == ["red"]


def test_query_root(store):
    assert query(store, "$") == [store]


def test_query_index_and_negative_index(store):
    assert query(store, "$.store.books[0].title") == ["Dune"]
    assert query(store, "$.store.books[-1].title") == ["Ubik"]


def test_query_index_out_of_range(store):
    assert query(store, "$.store.books[3]") == []
    assert query(store, "$.store.books[-4]") == []


def test_query_wildcard_list(store):
    assert query(store, "$.store.books[*].title") == ["Dune", "Emma", "Ubik"]


def test_query_wildcard_dict(store):
    assert query(store, "$.store.bicycle.*") == ["red", 120]


def test_query_slice(store):
    assert query(store, "$.store.books[1:].title") == ["Emma", "Ubik"]
    assert query(store, "$.store.books[::-1].price") == [7.25, 4.0, 9.5]


def test_query_descendant(store):
    assert query(store, "$..price") == [9.5, 4.0, 7.25, 120]


def test_query_descendant_finds_nested_lists():
    data = {"id": 0, "a": [{"id": 1, "kids": [{"id": 2}]}, {"id": 3}]}
    assert query(data, "$..id") == [0, 1, 2, 3]


def test_query_quoted_key(store):
    assert query(store, "$['owner name']") == ["Ann"]


def test_query_missing_and_wrong_types(store):
    assert query(store, "$.nope.deeper") == []
    assert query(store, "$.store.name[0]") == []
    assert query(store, "$.store.books.title") == []


def test_query_paths(store):
    assert query_paths(store, "$.store.books[*].tags[0]") == [
        "$.store.books[0].tags[0]",
        "$.store.books[1].tags[0]",
    ]


def test_find_accepts_parsed_steps(store):
    assert find(store, [Key("store"), Key("name")]) == [(("store", "name"), "Corner Books")]


def test_exists(store):
    assert exists(store, "$.store.bicycle")
    assert not exists(store, "$.store.car")
    assert exists({"a": None}, "$.a")


# ---------------------------------------------------------------- get / set / delete


def test_get_value(store):
    assert get(store, "$.store.books[1].price") == 4.0


def test_get_missing_raises(store):
    with pytest.raises(PathNotFound):
        get(store, "$.store.books[9]")


def test_get_default(store):
    assert get(store, "$.store.car", "none") == "none"
    assert get(store, "$.store.car", None) is None


def test_get_rejects_multi_value_path(store):
    with pytest.raises(ValueError):
        get(store, "$.store.books[*]")


def test_set_value_existing(store):
    set_value(store, "$.store.books[0].price", 11)
    assert store["store"]["books"][0]["price"] == 11


def test_set_value_negative_index():
    data = {"xs": [1, 2, 3]}
    set_value(data, "$.xs[-1]", 30)
    assert data == {"xs": [1, 2, 30]}


def test_set_value_missing_without_create():
    with pytest.raises(PathNotFound):
        set_value({}, "$.a.b", 1)


def test_set_value_creates_containers():
    data = {}
    set_value(data, "$.a.b[0].c", 1, create=True)
    assert data == {"a": {"b": [{"c": 1}]}}


def test_set_value_appends_with_create():
    data = {"xs": [1]}
    set_value(data, "$.xs[1]", 2, create=True)
    assert data == {"xs": [1, 2]}
    with pytest.raises(PathNotFound):
        set_value(data, "$.xs[5]", 9, create=True)


def test_set_value_root_is_rejected():
    with pytest.raises(ValueError):
        set_value({}, "$", 1)


def test_delete_key_and_items():
    data = {"a": 1, "xs": [0, 1, 2, 3, 4]}
    assert delete(data, "$.xs[1:4]") == 3
    assert data == {"a": 1, "xs": [0, 4]}
    assert delete(data, "$.a") == 1
    assert data == {"xs": [0, 4]}


def test_delete_nothing():
    data = {"a": 1}
    assert delete(data, "$.b") == 0
    assert data == {"a": 1}


# ---------------------------------------------------------------- tools


def test_iter_leaves_includes_empty_containers(store):
    leaves = dict(iter_leaves(store["store"]["books"][2]))
    assert leaves == {("title",): "Ubik", ("price",): 7.25, ("tags",): []}


def test_flatten(store):
    flat = flatten(store)
    assert flat["$.store.books[0].tags[1]"] == "classic"
    assert flat["$['owner name']"] == "Ann"
    assert len(flat) == 14


def test_flatten_scalar_root():
    assert flatten(5) == {"$": 5}


def test_unflatten_round_trip(store):
    assert unflatten(flatten(store)) == store


def test_pluck_and_group_by():
    people = [
        {"name": "a", "team": {"id": 1}},
        {"name": "b"},
        {"name": "c", "team": {"id": 1}},
    ]
    assert pluck(people, "$.team.id") == [1, None, 1]
    assert pluck(people, "$.team.id", 0) == [1, 0, 1]
    groups = group_by(people, "team.id")
    assert [p["name"] for p in groups[1]] == ["a", "c"]
    assert [p["name"] for p in groups[None]] == ["b"]


def test_count_and_first(store):
    assert count(store, "$..title") == 3
    assert count(store, "$.store.books[*].tags[*]") == 3
    assert first(store, "$..color") == "red"
    assert first(store, "$..weight", "n/a") == "n/a"


def test_diff():
    old = {"a": 1, "b": {"c": [1, 2]}, "gone": True}
    new = {"a": 1, "b": {"c": [1, 3, 4]}, "new": "x"}
    assert diff(old, new) == {
        "$.b.c[1]": (2, 3),
        "$.b.c[2]": (None, 4),
        "$.gone": (True, None),
        "$.new": (None, "x"),
    }


def test_diff_equal_documents(store):
    assert diff(store, store) == {}
