"""Splitting URLs into their parts and putting them back together (RFC 3986)."""

from encoding import build_query, parse_query, parse_query_pairs, unquote

DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21, "ws": 80, "wss": 443}


def _valid_scheme(text):
    return bool(text) and text[0].isalpha() and all(c.isalnum() or c in "+-." for c in text)


def split_url(text):
    """Split a URL into (scheme, netloc, path, query, fragment).

    scheme and path are strings (possibly empty); netloc, query and fragment are None
    when the URL does not have them, so 'http://h/?' keeps its empty query.
    """
    rest = text.strip()
    scheme = ""
    netloc = query = fragment = None
    if "#" in rest:
        rest, fragment = rest.split("#", 1)
    if "?" in rest:
        rest, query = rest.split("?", 1)
    colon = rest.find(":")
    if colon > 0 and _valid_scheme(rest[:colon]):
        scheme = rest[:colon].lower()
        rest = rest[colon + 1:]
    if rest.startswith("//"):
        end = rest.find("/", 2)
        if end == -1:
            end = len(rest)
        netloc = rest[2:end]
        rest = rest[end:]
    return scheme, netloc, rest, query, fragment


def split_netloc(netloc):
    """Split 'user:pw@host:port' into (username, password, host, port)."""
    username = password = None
    userinfo, at, hostport = netloc.rpartition("@")
    if at:
        user, colon, pw = userinfo.partition(":")
        username = unquote(user)
        password = unquote(pw) if colon else None
    if hostport.startswith("["):
        end = hostport.find("]")
        if end == -1:
            raise ValueError(f"unterminated IPv6 address: {netloc!r}")
        host = hostport[1:end]
        port_text = hostport[end + 1:]
        if port_text and not port_text.startswith(":"):
            raise ValueError(f"junk after IPv6 address: {netloc!r}")
        port_text = port_text[1:]
    else:
        host, _, port_text = hostport.partition(":")
    port = None
    if port_text:
        if not port_text.isdigit():
            raise ValueError(f"invalid port: {port_text!r}")
        port = int(port_text)
        if port > 65535:
            raise ValueError(f"port out of range: {port}")
    return username, password, host, port


def build_netloc(username, password, host, port):
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    if username is not None:
        userinfo = username if password is None else f"{username}:{password}"
        netloc = f"{userinfo}@{netloc}"
    return netloc


def unsplit(scheme, netloc, path, query, fragment):
    out = scheme + ":" if scheme else ""
    if netloc is not None:
        out += "//" + netloc
        if path and not path.startswith("/"):
            path = "/" + path
    out += path
    if query is not None:
        out += "?" + query
    if fragment is not None:
        out += "#" + fragment
    return out


class URL:
    def __init__(self, scheme="", netloc=None, path="", query=None, fragment=None):
        self.scheme = scheme
        self.netloc = netloc
        self.path = path
        self.query = query
        self.fragment = fragment

    @classmethod
    def parse(cls, text):
        return cls(*split_url(text))

    def parts(self):
        return (self.scheme, self.netloc, self.path, self.query, self.fragment)

    def _netloc_parts(self):
        if self.netloc is None:
            return None, None, "", None
        return split_netloc(self.netloc)

    @property
    def username(self):
        return self._netloc_parts()[0]

    @property
    def password(self):
        return self._netloc_parts()[1]

    @property
    def host(self):
        return self._netloc_parts()[2]

    @property
    def port(self):
        return self._netloc_parts()[3]

    def effective_port(self):
        port = self.port
        return port if port is not None else DEFAULT_PORTS.get(self.scheme)

    def is_absolute(self):
        return bool(self.scheme)

    @property
    def params(self):
        return parse_query(self.query)

    def with_params(self, **updates):
        """A copy with query parameters replaced; a value of None removes the parameter."""
        pairs = [(k, v) for k, v in parse_query_pairs(self.query) if k not in updates]
        for key, value in updates.items():
            if value is not None:
                pairs.append((key, value))
        query = build_query(pairs) if pairs else None
        return URL(self.scheme, self.netloc, self.path, query, self.fragment)

    def origin(self):
        return (self.scheme, (self.host or "").lower(), self.effective_port())

    def __str__(self):
        return unsplit(*self.parts())

    def __repr__(self):
        return f"URL({str(self)!r})"

    def __eq__(self, other):
        if not isinstance(other, URL):
            return NotImplemented
        return self.parts() == other.parts()
