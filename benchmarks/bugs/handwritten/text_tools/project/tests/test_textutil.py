import pytest
from textutil import (
    caesar,
    is_balanced,
    longest_common_prefix,
    most_common_word,
    rle_decode,
    rle_encode,
    title_case,
    word_counts,
    wrap,
)


def test_wrap_exact_fit():
    assert wrap("the quick brown fox", 9) == ["the quick", "brown fox"]


def test_wrap_one_over():
    assert wrap("the quick brown fox", 8) == ["the", "quick", "brown", "fox"]


def test_wrap_long_word_and_spaces():
    assert wrap("  a  extraordinary b ", 5) == ["a", "extraordinary", "b"]


def test_wrap_empty():
    assert wrap("", 10) == []


def test_wrap_rejects_zero_width():
    with pytest.raises(ValueError):
        wrap("abc", 0)


def test_rle_encode():
    assert rle_encode("aaabccdddd") == "3a1b2c4d"
    assert rle_encode("x") == "1x"
    assert rle_encode("") == ""


def test_rle_encode_long_run():
    assert rle_encode("z" * 12 + "y") == "12z1y"


def test_rle_decode():
    assert rle_decode("3a1b2c4d") == "aaabccdddd"
    assert rle_decode("12z1y") == "z" * 12 + "y"
    assert rle_decode("") == ""


def test_rle_roundtrip():
    for s in ["hello", "aabbaa", "mississippi", "!!!??"]:
        assert rle_decode(rle_encode(s)) == s


def test_rle_decode_errors():
    with pytest.raises(ValueError):
        rle_decode("a3")
    with pytest.raises(ValueError):
        rle_decode("3a4")


def test_caesar_wraps_around():
    assert caesar("xyz", 3) == "abc"
    assert caesar("XYZ", 3) == "ABC"


def test_caesar_keeps_case_and_punctuation():
    assert caesar("Hello, World!", 5) == "Mjqqt, Btwqi!"


def test_caesar_negative_and_roundtrip():
    assert caesar("abc", -1) == "zab"
    assert caesar(caesar("Secret Message", 11), -11) == "Secret Message"


def test_balanced_true():
    assert is_balanced("")
    assert is_balanced("([]{()})")
    assert is_balanced("f(a[1], {b: 2})")


def test_balanced_wrong_order():
    assert not is_balanced("([)]")


def test_balanced_unclosed_and_unopened():
    assert not is_balanced("((")
    assert not is_balanced("())")
    assert not is_balanced("]")


def test_title_case():
    assert title_case("the lord of the rings") == "The Lord of the Rings"


def test_title_case_last_word_small():
    assert title_case("what are you looking at") == "What Are You Looking At"


def test_title_case_custom_exceptions():
    assert title_case("WAR AND PEACE", exceptions=set()) == "War And Peace"


def test_title_case_single_and_empty():
    assert title_case("of") == "Of"
    assert title_case("") == ""


def test_longest_common_prefix():
    assert longest_common_prefix(["flower", "flow", "flight"]) == "fl"
    assert longest_common_prefix(["interview", "internet", "interval"]) == "inter"


def test_longest_common_prefix_shorter_word_later():
    assert longest_common_prefix(["abcdef", "abc", "abcd"]) == "abc"


def test_longest_common_prefix_edge_cases():
    assert longest_common_prefix([]) == ""
    assert longest_common_prefix(["solo"]) == "solo"
    assert longest_common_prefix(["dog", "cat"]) == ""
    assert longest_common_prefix(["same", "same"]) == "same"


def test_word_counts():
    text = "The cat; the HAT. Don't stop -- the well-known cat!"
    assert word_counts(text) == {
        "the": 3,
        "cat": 2,
        "hat": 1,
        "don't": 1,
        "stop": 1,
        "well": 1,
        "known": 1,
    }


def test_word_counts_quotes_and_empty():
    assert word_counts("'hello' ... \"hello\"") == {"hello": 2}
    assert word_counts("") == {}


def test_most_common_word():
    assert most_common_word("b a b a c") == "b"
    assert most_common_word("one two two") == "two"
    assert most_common_word("...") is None
