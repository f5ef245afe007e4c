import math

import pytest

from bitset import BitSet, popcount
from bloom import BloomFilter, hash_pair, optimal_hash_count, optimal_size


# -- helpers ---------------------------------------------------------------


@pytest.mark.parametrize("word, expected", [(0, 0), (1, 1), (0b1011, 3), (2**64 - 1, 64), (2**100, 1)])
def test_popcount(word, expected):
    assert popcount(word) == expected


# -- construction ----------------------------------------------------------


@pytest.mark.parametrize("size, words", [(0, 0), (1, 1), (63, 1), (64, 1), (65, 2), (128, 2), (200, 4)])
def test_word_count(size, words):
    assert len(BitSet(size).words) == words


def test_negative_size_rejected():
    with pytest.raises(ValueError):
        BitSet(-1)


def test_initial_bits():
    bs = BitSet(100, [0, 5, 64, 99])
    assert list(bs) == [0, 5, 64, 99]
    assert len(bs) == 4


def test_empty_bitset():
    bs = BitSet(0)
    assert len(bs) == 0
    assert list(bs) == []
    assert not bs.any()
    assert bs.all()
    assert bs.to_string() == ""


# -- single bits -----------------------------------------------------------


def test_add_and_contains():
    bs = BitSet(130)
    for i in (0, 63, 64, 127, 129):
        bs.add(i)
    for i in (0, 63, 64, 127, 129):
        assert i in bs
    for i in (1, 62, 65, 128):
        assert i not in bs


@pytest.mark.parametrize("index", [-1, 10, 11, 100])
def test_add_out_of_range(index):
    bs = BitSet(10)
    with pytest.raises(IndexError):
        bs.add(index)


@pytest.mark.parametrize("value", [-1, 10, 1000, "3", None, 2.0])
def test_contains_out_of_range_or_wrong_type_is_false(value):
    bs = BitSet(10, range(10))
    assert value not in bs


def test_add_is_idempotent():
    bs = BitSet(10)
    bs.add(3)
    bs.add(3)
    assert len(bs) == 1


def test_discard():
    bs = BitSet(70, [1, 2, 65])
    bs.discard(2)
    bs.discard(65)
    bs.discard(5)
    assert list(bs) == [1]


def test_toggle():
    bs = BitSet(70)
    assert bs.toggle(66) is True
    assert 66 in bs
    assert bs.toggle(66) is False
    assert 66 not in bs


def test_set_range_across_words():
    bs = BitSet(200)
    bs.set_range(60, 130)
    assert len(bs) == 70
    assert bs.next_set() == 60
    assert 129 in bs and 130 not in bs and 59 not in bs


@pytest.mark.parametrize("start, stop", [(-1, 5), (0, 11), (6, 5)])
def test_set_range_rejects_bad_range(start, stop):
    with pytest.raises(IndexError):
        BitSet(10).set_range(start, stop)


def test_set_range_empty_and_full():
    bs = BitSet(10)
    bs.set_range(4, 4)
    assert len(bs) == 0
    bs.set_range(0, 10)
    assert bs.all()


def test_clear():
    bs = BitSet(100, [1, 99])
    bs.clear()
    assert len(bs) == 0
    assert len(bs.words) == 2


# -- strings ---------------------------------------------------------------


def test_from_string_and_to_string():
    bs = BitSet.from_string("1011_0001")
    assert bs.size == 8
    assert list(bs) == [0, 2, 3, 7]
    assert bs.to_string() == "10110001"
    assert bs.to_string(group=4) == "1011_0001"


def test_to_string_group_with_partial_last_chunk():
    bs = BitSet(10, [0, 9])
    assert bs.to_string(group=4) == "1000_0000_01"
    assert bs.to_string(group=0) == "1000000001"


def test_from_string_rejects_other_characters():
    with pytest.raises(ValueError):
        BitSet.from_string("10x1")


def test_repr():
    assert repr(BitSet(8, [1, 6])) == "BitSet(8, [1, 6])"


# -- iteration and queries -------------------------------------------------


def test_iteration_is_sorted_across_words():
    bits = [190, 3, 64, 0, 127, 128, 63]
    assert list(BitSet(191, bits)) == sorted(bits)


@pytest.mark.parametrize("start, expected", [(0, 5), (5, 5), (6, 70), (70, 70), (71, -1), (-3, 5), (500, -1)])
def test_next_set(start, expected):
    bs = BitSet(100, [5, 70])
    assert bs.next_set(start) == expected


@pytest.mark.parametrize(
    "bits, expected",
    [
        ([], []),
        ([4], [(4, 5)]),
        ([0, 1, 2, 5, 6, 9], [(0, 3), (5, 7), (9, 10)]),
        ([62, 63, 64, 65], [(62, 66)]),
    ],
)
def test_runs(bits, expected):
    assert list(BitSet(100, bits).runs()) == expected


def test_any_and_all():
    bs = BitSet(65)
    assert not bs.any()
    bs.add(64)
    assert bs.any()
    assert not bs.all()
    bs.set_range(0, 65)
    assert bs.all()


def test_equality():
    assert BitSet(10, [1, 2]) == BitSet(10, [2, 1])
    assert BitSet(10, [1, 2]) != BitSet(10, [1])
    assert BitSet(10, [1]) != BitSet(11, [1])
    assert BitSet(10) != "not a bitset"


# -- set algebra -----------------------------------------------------------


@pytest.fixture
def pair():
    a = BitSet(100, [1, 2, 3, 64, 90])
    b = BitSet(100, [3, 4, 64, 99])
    return a, b


def test_union(pair):
    a, b = pair
    assert list(a | b) == [1, 2, 3, 4, 64, 90, 99]
    assert list(a) == [1, 2, 3, 64, 90]


def test_intersection(pair):
    a, b = pair
    assert list(a & b) == [3, 64]


def test_difference(pair):
    a, b = pair
    assert list(a - b) == [1, 2, 90]
    assert list(b - a) == [4, 99]


def test_symmetric_difference(pair):
    a, b = pair
    assert list(a ^ b) == [1, 2, 4, 90, 99]


def test_update_in_place(pair):
    a, b = pair
    result = a.update(b)
    assert result is a
    assert list(a) == [1, 2, 3, 4, 64, 90, 99]
    assert list(b) == [3, 4, 64, 99]


def test_copy_is_independent():
    a = BitSet(10, [1])
    b = a.copy()
    b.add(2)
    assert list(a) == [1]
    assert b == BitSet(10, [1, 2])


@pytest.mark.parametrize("size", [1, 10, 64, 65, 130])
def test_complement(size):
    bs = BitSet(size, [0])
    comp = bs.complement()
    assert len(comp) == size - 1
    assert 0 not in comp
    assert list(comp) == list(range(1, size))
    assert comp.complement() == bs


def test_subset_and_disjoint():
    small = BitSet(80, [3, 70])
    big = BitSet(80, [1, 3, 70])
    other = BitSet(80, [2, 71])
    assert small.issubset(big)
    assert not big.issubset(small)
    assert small.issubset(small)
    assert small.isdisjoint(other)
    assert not small.isdisjoint(big)


def test_size_mismatch_raises():
    with pytest.raises(ValueError):
        BitSet(10) | BitSet(11)
    with pytest.raises(TypeError):
        BitSet(10).union({1, 2})


@pytest.mark.parametrize(
    "a, b, expected",
    [([], [], 1.0), ([1, 2], [1, 2], 1.0), ([1, 2], [3], 0.0), ([1, 2, 3], [2, 3, 4], 0.5)],
)
def test_jaccard(a, b, expected):
    assert BitSet(10, a).jaccard(BitSet(10, b)) == expected


# -- bloom filter ----------------------------------------------------------


@pytest.mark.parametrize("capacity, rate, size, hashes", [(1000, 0.01, 9586, 7), (100, 0.05, 624, 4), (1, 0.5, 2, 1)])
def test_optimal_parameters(capacity, rate, size, hashes):
    assert optimal_size(capacity, rate) == size
    assert optimal_hash_count(size, capacity) == hashes


@pytest.mark.parametrize("capacity, rate", [(0, 0.01), (-5, 0.01), (10, 0), (10, 1), (10, 1.5)])
def test_optimal_size_rejects(capacity, rate):
    with pytest.raises(ValueError):
        optimal_size(capacity, rate)


def test_hash_pair_is_stable_and_second_is_odd():
    assert hash_pair("apple") == hash_pair("apple")
    assert hash_pair("apple") == hash_pair(b"apple")
    assert hash_pair(42) == hash_pair("42")
    assert hash_pair("apple") != hash_pair("apples")
    assert hash_pair("apple")[1] % 2 == 1


def test_positions_in_range():
    bf = BloomFilter(50, 0.01)
    positions = list(bf.positions("hello"))
    assert len(positions) == bf.hash_count
    assert all(0 <= p < bf.size for p in positions)
    assert len(set(positions)) == len(positions)


def test_bloom_has_no_false_negatives():
    bf = BloomFilter(200, 0.01)
    words = [f"word-{i}" for i in range(200)]
    for w in words:
        bf.add(w)
    assert all(w in bf for w in words)
    assert 190 <= len(bf) <= 200


def test_bloom_false_positive_rate_is_reasonable():
    bf = BloomFilter(500, 0.01)
    bf.update(f"in-{i}" for i in range(500))
    false_hits = sum(1 for i in range(5000) if f"out-{i}" in bf)
    assert false_hits / 5000 < 0.03
    assert 0.005 < bf.false_positive_rate() < 0.02


def test_bloom_add_reports_new_items():
    bf = BloomFilter(10)
    assert bf.add("a") is True
    assert bf.add("a") is False
    assert bf.add("b") is True
    assert len(bf) == 2
    assert bf.update(["a", "c", "d", "c"]) == 2
    assert len(bf) == 4


def test_bloom_empty():
    bf = BloomFilter(10)
    assert "anything" not in bf
    assert len(bf) == 0
    assert bf.fill_ratio() == 0
    assert bf.estimate_count() == 0
    assert not bf.is_full()


def test_bloom_is_full():
    bf = BloomFilter(3, 0.1)
    bf.update(["x", "y"])
    assert not bf.is_full()
    bf.add("z")
    assert bf.is_full()


def test_bloom_estimate_count_close():
    bf = BloomFilter(1000, 0.01)
    bf.update(range(300))
    assert abs(bf.estimate_count() - 300) < 15


def test_bloom_estimate_count_saturated():
    bf = BloomFilter(1, 0.5)
    bf.bits.set_range(0, bf.size)
    assert bf.estimate_count() == math.inf


def test_bloom_union():
    a = BloomFilter(100)
    b = BloomFilter(100)
    a.update(["red", "green"])
    b.update(["blue", "green"])
    merged = a.union(b)
    for color in ("red", "green", "blue"):
        assert color in merged
    assert len(merged) == 3
    assert "red" not in b


def test_bloom_union_incompatible():
    with pytest.raises(ValueError):
        BloomFilter(100).union(BloomFilter(1000))


def test_bloom_clear():
    bf = BloomFilter(10)
    bf.update(["a", "b"])
    bf.clear()
    assert len(bf) == 0
    assert "a" not in bf
    assert len(bf.bits) == 0
