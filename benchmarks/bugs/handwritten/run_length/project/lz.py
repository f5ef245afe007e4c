"""A small LZSS codec: back-references into a sliding window, grouped under flag bytes.

Each group starts with a flag byte whose bit i (least significant first) tells whether
token i of the group is a match (2 bytes: 12-bit offset, 4-bit length - MIN_MATCH) or a
literal byte.
"""

from collections import namedtuple

WINDOW_SIZE = 4095
MIN_MATCH = 3
MAX_MATCH = MIN_MATCH + 15

Match = namedtuple("Match", "offset length")


def find_longest_match(data, pos, window=WINDOW_SIZE, max_len=MAX_MATCH):
    """Return (offset, length) of the longest match for data[pos:] that starts in the
    window before pos, preferring the nearest one; (0, 0) when nothing matches."""
    best_offset, best_length = 0, 0
    limit = min(max_len, len(data) - pos)
    start = max(0, pos - window)
    for candidate in range(pos - 1, start - 1, -1):
        length = 0
        while length < limit and data[candidate + length] == data[pos + length]:
            length += 1
        if length > best_length:
            best_offset, best_length = pos - candidate, length
            if length == limit:
                break
    return best_offset, best_length


def iter_tokens(data, window=WINDOW_SIZE):
    """Yield literal byte values and Match tuples covering ``data``."""
    pos = 0
    while pos < len(data):
        offset, length = find_longest_match(data, pos, window)
        if length >= MIN_MATCH:
            yield Match(offset, length)
            pos += length
        else:
            yield data[pos]
            pos += 1


def expand_tokens(tokens):
    """Rebuild the original bytes from literals and matches."""
    out = bytearray()
    for token in tokens:
        if isinstance(token, Match):
            if token.offset <= 0 or token.offset > len(out):
                raise ValueError(f"match offset {token.offset} is outside the {len(out)}-byte history")
            start = len(out) - token.offset
            for i in range(token.length):
                # one byte at a time, so that a match may overlap the bytes it produces
                out.append(out[start + i])
        else:
            out.append(token)
    return bytes(out)


def _pack_match(match):
    code = (match.offset << 4) | (match.length - MIN_MATCH)
    return code.to_bytes(2, "big")


def _unpack_match(two_bytes):
    code = int.from_bytes(two_bytes, "big")
    return Match(code >> 4, (code & 0x0F) + MIN_MATCH)


def compress(data):
    data = bytes(data)
    tokens = list(iter_tokens(data))
    out = bytearray()
    for group_start in range(0, len(tokens), 8):
        flags = 0
        body = bytearray()
        for bit, token in enumerate(tokens[group_start:group_start + 8]):
            if isinstance(token, Match):
                flags |= 1 << bit
                body.extend(_pack_match(token))
            else:
                body.append(token)
        out.append(flags)
        out.extend(body)
    return bytes(out)


def decompress(blob):
    tokens = []
    i = 0
    while i < len(blob):
        flags = blob[i]
        i += 1
        for bit in range(8):
            if i >= len(blob):
                break
            if flags & (1 << bit):
                if i + 2 > len(blob):
                    raise ValueError("compressed data ends in the middle of a match")
                tokens.append(_unpack_match(blob[i:i + 2]))
                i += 2
            else:
                tokens.append(blob[i])
                i += 1
    return expand_tokens(tokens)
