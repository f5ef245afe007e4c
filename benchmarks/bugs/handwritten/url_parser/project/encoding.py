"""Percent-encoding and query-string helpers."""

UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
HEX_DIGITS = "0123456789ABCDEF"


def is_hex_pair(text):
    return len(text) == 2 and all(c in "0123456789abcdefABCDEF" for c in text)


def quote(text, safe="/"):
    """Percent-encode every byte of text except unreserved characters and those in safe."""
    out = []
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        if byte < 128 and (ch in UNRESERVED or ch in safe):
            out.append(ch)
        else:
            out.append("%" + HEX_DIGITS[byte >> 4] + HEX_DIGITS[byte & 0x0F])
    return "".join(out)


def quote_plus(text):
    """Like quote, for form data: spaces become '+' and '/' is encoded."""
    return quote(text, safe=" ").replace(" ", "+")


def unquote(text, plus=False):
    """Decode %XX escapes (and '+' as space when plus is true); malformed escapes are kept."""
    if plus:
        text = text.replace("+", " ")
    if "%" not in text:
        return text
    buf = bytearray()
    i = 0
    while i < len(text):
        pair = text[i + 1:i + 3]
        if text[i] == "%" and is_hex_pair(pair):
            buf.append(int(pair, 16))
            i += 3
        else:
            buf.extend(text[i].encode("utf-8"))
            i += 1
    return buf.decode("utf-8", errors="replace")


def parse_query_pairs(query, keep_blank=True):
    """Parse 'a=1&b=2' into [('a', '1'), ('b', '2')], in order."""
    pairs = []
    if not query:
        return pairs
    for part in query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        if not value and not keep_blank:
            continue
        pairs.append((unquote(key, plus=True), unquote(value, plus=True)))
    return pairs


def parse_query(query, keep_blank=True):
    """Parse a query string into a dict of key -> list of values."""
    result = {}
    for key, value in parse_query_pairs(query, keep_blank):
        result.setdefault(key, []).append(value)
    return result


def build_query(params, sort=False):
    """Build a query string from a dict or a list of pairs.

    List or tuple values repeat the key; a value of None gives a bare key.
    """
    items = list(params.items()) if isinstance(params, dict) else list(params)
    if sort:
        items.sort(key=lambda item: item[0])
    parts = []
    for key, value in items:
        values = value if isinstance(value, (list, tuple)) else [value]
        name = quote_plus(str(key))
        for v in values:
            if v is None:
                parts.append(name)
            else:
                parts.append(name + "=" + quote_plus(str(v)))
    return "&".join(parts)
