import random
import zlib

import pytest

import framing
import lz
import rle
from framing import FrameError, FrameWriter
from lz import Match


def sample_data():
    rng = random.Random(1234)
    words = [b"alpha ", b"beta ", b"gamma ", b"delta ", b"\x00" * 7, b"zzzzzzzzzzzz"]
    return b"".join(rng.choice(words) for _ in range(400))


# --- runs and text RLE -----------------------------------------------------

def test_iter_runs():
    assert list(rle.iter_runs("aaabcc")) == [("a", 3), ("b", 1), ("c", 2)]
    assert list(rle.iter_runs([1, 1, 2])) == [(1, 2), (2, 1)]
    assert list(rle.iter_runs("x")) == [("x", 1)]
    assert list(rle.iter_runs("")) == []
    runs = rle.iter_runs(iter("aab"))
    assert next(runs) == ("a", 2)


@pytest.mark.parametrize("text, encoded", [
    ("aaabcc", "3ab2c"),
    ("abc", "abc"),
    ("w" * 12 + "b", "12wb"),
    ("  xx", "2 2x"),
])
def test_encode_text(text, encoded):
    assert rle.encode_text(text) == encoded
    assert rle.decode_text(encoded) == text


def test_encode_text_rejects_digits_and_none():
    with pytest.raises(ValueError):
        rle.encode_text("aa11")
    with pytest.raises(TypeError):
        rle.encode_text(None)


def test_decode_text_errors():
    with pytest.raises(ValueError):
        rle.decode_text("3a4")
    with pytest.raises(ValueError):
        rle.decode_text("0a")


def test_decode_text_multi_digit_counts():
    assert rle.decode_text("10a2b") == "a" * 10 + "bb"
    assert rle.decode_text("a10b") == "a" + "b" * 10
    assert rle.encode_text("") == ""
    assert rle.decode_text("") == ""


# --- PackBits --------------------------------------------------------------

def test_packbits_known_vector():
    # the example from Apple's Technical Note TN1023
    raw = bytes.fromhex("AAAAAA80002AAAAAAAAA80002A22" + "AA" * 10)
    encoded = rle.packbits_encode(raw)
    assert encoded == bytes.fromhex("FEAA0280002AFDAA0380002A22F7AA")
    assert rle.packbits_decode(encoded) == raw


def test_packbits_small_inputs():
    cases = {
        b"": b"",
        b"a": b"\x00a",
        b"aaa": b"\xfea",
        b"abc": b"\x02abc",
        b"aabbb": b"\x01aa\xfeb",
    }
    for data, encoded in cases.items():
        assert rle.packbits_encode(data) == encoded
        assert rle.packbits_decode(encoded) == data


def test_packbits_long_run_is_split():
    encoded = rle.packbits_encode(b"x" * 300)
    assert encoded == b"\x81x\x81x\xd5x"
    assert rle.packbits_decode(encoded) == b"x" * 300


def test_packbits_run_remainder_of_one_becomes_literal():
    encoded = rle.packbits_encode(b"y" * 129 + b"z")
    assert encoded == b"\x81y\x01yz"
    assert rle.packbits_decode(encoded) == b"y" * 129 + b"z"


def test_packbits_long_literal_is_split():
    data = bytes(range(200))
    encoded = rle.packbits_encode(data)
    assert encoded[0] == 127 and encoded[129] == 71
    assert len(encoded) == 202
    assert rle.packbits_decode(encoded) == data


def test_packbits_decode_skips_header_128():
    assert rle.packbits_decode(b"\x80\x00a\x80") == b"a"


def test_packbits_decode_truncated():
    for bad in [b"\x05abc", b"\xfe", b"\x00"]:
        with pytest.raises(ValueError):
            rle.packbits_decode(bad)


def test_packbits_roundtrip_sample():
    data = sample_data()
    encoded = rle.packbits_encode(data)
    assert rle.packbits_decode(encoded) == data


# --- LZSS ------------------------------------------------------------------

def test_find_longest_match():
    assert lz.find_longest_match(b"abcabc", 3) == (3, 3)
    assert lz.find_longest_match(b"abcdef", 3) == (0, 0)
    assert lz.find_longest_match(b"abcabc", 0) == (0, 0)


def test_find_longest_match_prefers_nearest_and_may_overlap():
    assert lz.find_longest_match(b"abXabYab", 6) == (3, 2)
    assert lz.find_longest_match(b"abcXabcYabc", 8) == (4, 3)
    # a match may run into the bytes being encoded
    assert lz.find_longest_match(b"aaaaaa", 1) == (1, 5)


def test_find_longest_match_respects_limits():
    data = b"ab" * 20
    assert lz.find_longest_match(data, 2) == (2, lz.MAX_MATCH)
    assert lz.find_longest_match(data, 2, max_len=4) == (2, 4)
    assert lz.find_longest_match(b"xyz....xyz", 7, window=5) == (0, 0)
    assert lz.find_longest_match(b"xyz....xyz", 7, window=7) == (7, 3)


def test_iter_tokens():
    tokens = list(lz.iter_tokens(b"abcabcabcX"))
    assert tokens == [ord("a"), ord("b"), ord("c"), Match(3, 6), ord("X")]


def test_iter_tokens_short_matches_stay_literal():
    assert list(lz.iter_tokens(b"abab")) == list(b"abab")
    assert list(lz.iter_tokens(b"")) == []


def test_expand_tokens():
    assert lz.expand_tokens([97, 98, Match(2, 5)]) == b"abababa"
    assert lz.expand_tokens([]) == b""


def test_expand_tokens_rejects_bad_offsets():
    with pytest.raises(ValueError):
        lz.expand_tokens([97, Match(2, 3)])
    with pytest.raises(ValueError):
        lz.expand_tokens([Match(0, 3)])


def test_match_packing_roundtrip():
    for match in [Match(1, 3), Match(4095, 18), Match(300, 10)]:
        assert lz._unpack_match(lz._pack_match(match)) == match
    assert lz._pack_match(Match(1, 3)) == b"\x00\x10"


def test_compress_layout():
    assert lz.compress(b"abc") == b"\x00abc"
    assert lz.compress(b"aaaaaaa") == b"\x02a\x00\x13"
    assert lz.compress(b"") == b""


def test_compress_uses_new_flag_byte_every_eight_tokens():
    data = b"abcdefghij"
    assert lz.compress(data) == b"\x00abcdefgh\x00ij"


@pytest.mark.parametrize("data", [
    b"",
    b"hello hello hello world",
    bytes(range(256)) * 3,
    b"\x00" * 5000,
])
def test_lz_roundtrip(data):
    assert lz.decompress(lz.compress(data)) == data


def test_lz_roundtrip_sample_shrinks():
    data = sample_data()
    packed = lz.compress(data)
    assert len(packed) < len(data) // 2
    assert lz.decompress(packed) == data


def test_decompress_truncated_match():
    with pytest.raises(ValueError):
        lz.decompress(b"\x02a\x00")


# --- framing ---------------------------------------------------------------

def test_adler32_matches_zlib():
    for data in [b"", b"a", b"Wikipedia", bytes(range(256)) * 4, sample_data()]:
        assert framing.adler32(data) == zlib.adler32(data)


@pytest.mark.parametrize("method", ["raw", "packbits", "lzss", "auto"])
def test_frame_roundtrip(method):
    data = sample_data()
    frame = framing.encode_frame(data, method)
    assert framing.decode_frame(frame) == (data, len(frame))


def test_frame_header_fields():
    frame = framing.encode_frame(b"aaaaaaaaaa", "packbits")
    header = framing.read_header(frame)
    assert header.method == framing.METHOD_PACKBITS
    assert header.original_length == 10
    assert header.payload_length == 2
    assert header.checksum == zlib.adler32(b"aaaaaaaaaa")
    assert frame[:4] == b"RLZ\x01"
    assert len(frame) == framing.HEADER.size + 2


def test_choose_encoding():
    assert framing.choose_encoding(b"x" * 50)[0] == framing.METHOD_PACKBITS
    assert framing.choose_encoding(b"abcdefgh" * 20)[0] == framing.METHOD_LZSS
    assert framing.choose_encoding(b"abc") == (framing.METHOD_RAW, b"abc")
    assert framing.choose_encoding(b"") == (framing.METHOD_RAW, b"")


def test_encode_frame_unknown_method():
    with pytest.raises(ValueError):
        framing.encode_frame(b"data", "gzip")


def test_decode_frame_detects_damage():
    frame = bytearray(framing.encode_frame(b"hello world", "raw"))
    with pytest.raises(FrameError):
        framing.decode_frame(bytes(frame[:10]))
    with pytest.raises(FrameError):
        framing.decode_frame(bytes(frame[:-1]))
    bad_magic = b"XYZ" + bytes(frame[3:])
    with pytest.raises(FrameError):
        framing.decode_frame(bad_magic)
    frame[-1] ^= 0xFF
    with pytest.raises(FrameError, match="checksum"):
        framing.decode_frame(bytes(frame))


def test_decode_frame_rejects_unknown_version_and_method():
    frame = bytearray(framing.encode_frame(b"abc", "raw"))
    frame[3] = 2
    with pytest.raises(FrameError):
        framing.read_header(bytes(frame))
    frame[3], frame[4] = 1, 9
    with pytest.raises(FrameError):
        framing.read_header(bytes(frame))


def test_decode_frame_detects_length_mismatch():
    frame = bytearray(framing.encode_frame(b"abcdef", "raw"))
    frame[8] = 7  # original length, low byte
    with pytest.raises(FrameError):
        framing.decode_frame(bytes(frame))


def test_iter_frames_over_concatenation():
    parts = [b"first", b"", b"x" * 100, b"last part"]
    blob = b"".join(framing.encode_frame(p) for p in parts)
    assert list(framing.iter_frames(blob)) == parts
    assert framing.decode_all(blob) == b"".join(parts)
    assert framing.decode_all(b"") == b""


def test_frame_writer_chunks():
    writer = FrameWriter(chunk_size=10, method="raw")
    assert writer.write(b"0123456") == 7
    assert writer.frames_written == 0
    writer.write(b"789abcdefghijklmnopq")
    assert writer.frames_written == 2
    blob = writer.getvalue()
    assert writer.frames_written == 3
    assert list(framing.iter_frames(blob)) == [b"0123456789", b"abcdefghij", b"klmnopq"]


def test_frame_writer_getvalue_twice_and_exact_chunks():
    writer = FrameWriter(chunk_size=4)
    writer.write(b"aaaabbbb")
    first = writer.getvalue()
    assert writer.getvalue() == first
    assert writer.frames_written == 2
    assert framing.decode_all(first) == b"aaaabbbb"


def test_frame_writer_ratio():
    writer = FrameWriter(chunk_size=1000)
    assert writer.ratio() == 1.0
    writer.write(b"z" * 1000)
    assert writer.bytes_in == 1000
    assert writer.ratio() == pytest.approx((framing.HEADER.size + 16) / 1000)


def test_frame_writer_validates_arguments():
    with pytest.raises(ValueError):
        FrameWriter(chunk_size=0)
    with pytest.raises(ValueError):
        FrameWriter(method="zip")
