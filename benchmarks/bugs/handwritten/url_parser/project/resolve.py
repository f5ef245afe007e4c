"""Resolving relative references and normalising URLs."""

from encoding import UNRESERVED, build_query, is_hex_pair, parse_query_pairs
from url import DEFAULT_PORTS, URL, build_netloc, split_netloc, unsplit


def remove_dot_segments(path):
    """Interpret '.' and '..' segments in a path, as in RFC 3986 section 5.2.4."""
    if not path:
        return path
    absolute = path.startswith("/")
    segments = path.split("/")
    if absolute:
        segments = segments[1:]
    output = []
    for segment in segments:
        if segment == ".":
            continue
        if segment == "..":
            if output:
                output.pop()
            continue
        output.append(segment)
    if segments[-1] in (".", ".."):
        output.append("")
    result = "/".join(output)
    return "/" + result if absolute else result


def merge_paths(base, ref_path):
    if base.netloc is not None and not base.path:
        return "/" + ref_path
    head, slash, _ = base.path.rpartition("/")
    return head + slash + ref_path


def join(base, ref):
    """Resolve the reference ref against base and return the target URL as a string."""
    b = base if isinstance(base, URL) else URL.parse(base)
    r = ref if isinstance(ref, URL) else URL.parse(ref)
    if r.scheme:
        target = URL(r.scheme, r.netloc, remove_dot_segments(r.path), r.query, r.fragment)
    elif r.netloc is not None:
        target = URL(b.scheme, r.netloc, remove_dot_segments(r.path), r.query, r.fragment)
    elif not r.path:
        query = r.query if r.query is not None else b.query
        target = URL(b.scheme, b.netloc, b.path, query, r.fragment)
    else:
        if r.path.startswith("/"):
            path = remove_dot_segments(r.path)
        else:
            path = remove_dot_segments(merge_paths(b, r.path))
        target = URL(b.scheme, b.netloc, path, r.query, r.fragment)
    return str(target)


def normalize_escapes(text):
    """Upper-case the hex digits of %XX escapes and decode escapes of unreserved characters."""
    out = []
    i = 0
    while i < len(text):
        pair = text[i + 1:i + 3]
        if text[i] == "%" and is_hex_pair(pair):
            ch = chr(int(pair, 16))
            out.append(ch if ch in UNRESERVED else "%" + pair.upper())
            i += 3
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def normalize(text, sort_query=False, drop_fragment=False):
    """Return a normalised form of a URL, so that equivalent URLs compare equal as strings."""
    scheme, netloc, path, query, fragment = URL.parse(text).parts()
    if netloc is not None:
        username, password, host, port = split_netloc(netloc)
        host = host.lower().rstrip(".")
        if port == DEFAULT_PORTS.get(scheme):
            port = None
        netloc = build_netloc(username, password, host, port)
        if not path:
            path = "/"
    path = normalize_escapes(remove_dot_segments(path))
    if query is not None:
        if sort_query:
            query = build_query(sorted(parse_query_pairs(query)))
        else:
            query = normalize_escapes(query)
    if drop_fragment:
        fragment = None
    return unsplit(scheme, netloc, path, query, fragment)


def same_origin(a, b):
    return URL.parse(a).origin() == URL.parse(b).origin()
