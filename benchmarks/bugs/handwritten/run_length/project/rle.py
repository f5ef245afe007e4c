"""Run-length encoding: a readable text flavour and the PackBits byte format."""

MAX_RUN = 128


def iter_runs(seq):
    """Yield (item, count) for each maximal run of equal items in ``seq``."""
    it = iter(seq)
    try:
        current = next(it)
    except StopIteration:
        return
    count = 1
    for item in it:
        if item == current:
            count += 1
        else:
            yield current, count
            current = item
            count = 1
    yield current, count


def encode_text(text):
    """'aaabcc' -> '3ab2c'. Runs of one character are written without a count."""
    if text is None:
        raise TypeError("cannot encode None")
    parts = []
    for ch, count in iter_runs(text):
        if ch.isdigit():
            raise ValueError(f"cannot run-length encode the digit {ch!r}")
        parts.append(ch if count == 1 else f"{count}{ch}")
    return "".join(parts)


def decode_text(encoded):
    """Inverse of encode_text: '3ab2c' -> 'aaabcc'."""
    out = []
    count = ""
    for ch in encoded:
        if ch.isdigit():
            count += ch
            continue
        repeat = int(count) if count else 1
        if repeat == 0:
            raise ValueError("a run length of zero is not allowed")
        out.append(ch * repeat)
        count = ""
    if count:
        raise ValueError(f"encoded text ends with a dangling count {count!r}")
    return "".join(out)


def packbits_encode(data):
    """Encode bytes in the PackBits format.

    A header byte n in 0..127 is followed by n + 1 literal bytes; a header n in 129..255
    is followed by one byte that is repeated 257 - n times. Header 128 is never written.
    """
    out = bytearray()
    literals = bytearray()

    def flush_literals():
        for start in range(0, len(literals), MAX_RUN):
            chunk = literals[start:start + MAX_RUN]
            out.append(len(chunk) - 1)
            out.extend(chunk)
        literals.clear()

    for byte, count in iter_runs(bytes(data)):
        if count < 3:
            literals.extend([byte] * count)
            continue
        flush_literals()
        while count >= 2:
            n = min(count, MAX_RUN)
            out.append(257 - n)
            out.append(byte)
            count -= n
        if count == 1:
            literals.append(byte)
    flush_literals()
    return bytes(out)


def packbits_decode(data):
    """Decode PackBits data produced by packbits_encode (or any conforming encoder)."""
    out = bytearray()
    i = 0
    while i < len(data):
        header = data[i]
        i += 1
        if header < 128:
            n = header + 1
            chunk = data[i:i + n]
            if len(chunk) < n:
                raise ValueError(f"literal run at offset {i - 1} is truncated")
            out.extend(chunk)
            i += n
        elif header > 128:
            if i >= len(data):
                raise ValueError(f"repeat run at offset {i - 1} is missing its byte")
            out.extend(bytes([data[i]]) * (257 - header))
            i += 1
        # header 128 is a no-op, as in Apple's original format
    return bytes(out)
