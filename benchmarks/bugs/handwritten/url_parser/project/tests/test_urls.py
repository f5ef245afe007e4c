import pytest

from encoding import build_query, parse_query, parse_query_pairs, quote, quote_plus, unquote
from resolve import join, normalize, normalize_escapes, remove_dot_segments, same_origin
from url import URL, build_netloc, split_netloc, split_url

BASE = "http://a/b/c/d;p?q"


# --- encoding -----------------------------------------------------------------

def test_quote():
    assert quote("abc-._~") == "abc-._~"
    assert quote("a b") == "a%20b"
    assert quote("/path/x") == "/path/x"
    assert quote("caf\u00e9") == "caf%C3%A9"
    assert quote("100%") == "100%25"
    assert quote("") == ""


def test_quote_safe_and_plus():
    assert quote("a/b?c", safe="") == "a%2Fb%3Fc"
    assert quote_plus("a b/c&d") == "a+b%2Fc%26d"


def test_unquote():
    assert unquote("a%20b") == "a b"
    assert unquote("caf%c3%A9") == "caf\u00e9"
    assert unquote("%41%42") == "AB"
    assert unquote("plain") == "plain"


def test_unquote_keeps_malformed_escapes():
    assert unquote("100%") == "100%"
    assert unquote("%zz%4") == "%zz%4"


def test_unquote_plus():
    assert unquote("a+b%2B", plus=True) == "a b+"
    assert unquote("a+b") == "a+b"


def test_quote_roundtrip():
    for text in ["hello world", "x/y?z=1&w", "\u00fcber 100%"]:
        assert unquote(quote(text, safe="")) == text


def test_parse_query():
    assert parse_query("a=1&b=2&a=3") == {"a": ["1", "3"], "b": ["2"]}
    assert parse_query("q=hello+world&x=%26") == {"q": ["hello world"], "x": ["&"]}
    assert parse_query("") == {}
    assert parse_query(None) == {}


def test_parse_query_blank_values():
    assert parse_query_pairs("a=&b&&c=3") == [("a", ""), ("b", ""), ("c", "3")]
    assert parse_query_pairs("a=&b&c=3", keep_blank=False) == [("c", "3")]
    assert parse_query_pairs("k=v=w") == [("k", "v=w")]


def test_build_query():
    assert build_query({"q": "a b", "n": 2}) == "q=a+b&n=2"
    assert build_query([("t", "x"), ("t", "y")]) == "t=x&t=y"
    assert build_query({"tag": ["a", "b"], "flag": None}) == "tag=a&tag=b&flag"
    assert build_query({"b": 1, "a": 2}, sort=True) == "a=2&b=1"
    assert build_query({}) == ""


def test_build_then_parse_roundtrip():
    params = {"name": "J\u00fcrgen & co", "path": "/x/y", "empty": ""}
    assert parse_query(build_query(params)) == {k: [v] for k, v in params.items()}


# --- splitting ------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("https://example.com/a/b?x=1#top", ("https", "example.com", "/a/b", "x=1", "top")),
    ("HTTP://example.com", ("http", "example.com", "", None, None)),
    ("mailto:joe@example.com", ("mailto", None, "joe@example.com", None, None)),
    ("//cdn.example.com/lib.js", ("", "cdn.example.com", "/lib.js", None, None)),
    ("a/b:c", ("", None, "a/b:c", None, None)),
])
def test_split_url(text, expected):
    assert split_url(text) == expected


@pytest.mark.parametrize("netloc, expected", [
    ("example.com:8080", (None, None, "example.com", 8080)),
    ("bob:s%40cret@host:21", ("bob", "s@cret", "host", 21)),
    ("[::1]:8443", (None, None, "::1", 8443)),
    ("[fe80::1]", (None, None, "fe80::1", None)),
])
def test_split_netloc(netloc, expected):
    assert split_netloc(netloc) == expected


def test_split_netloc_rejects_bad_input():
    for netloc in ["host:http", "host:70000", "[::1", "[::1]x"]:
        with pytest.raises(ValueError):
            split_netloc(netloc)
    assert split_netloc("host:") == (None, None, "host", None)
    assert split_netloc("bob@host") == ("bob", None, "host", None)


def test_build_netloc():
    assert build_netloc(None, None, "example.com", None) == "example.com"
    assert build_netloc("u", "p", "::1", 80) == "u:p@[::1]:80"
    assert build_netloc("u", None, "h", None) == "u@h"


# --- URL object ------------------------------------------------------------------------

def test_url_properties():
    u = URL.parse("https://ann:pw@Example.com:8443/x?a=1&a=2#frag")
    assert (u.scheme, u.username, u.password, u.host, u.port) == ("https", "ann", "pw", "Example.com", 8443)
    assert u.params == {"a": ["1", "2"]}
    assert u.effective_port() == 8443
    assert u.is_absolute()


def test_url_without_authority():
    u = URL.parse("/only/path")
    assert u.host == ""
    assert u.port is None and u.username is None
    assert u.effective_port() is None
    assert not u.is_absolute()
    assert split_url("") == ("", None, "", None, None)


def test_effective_port():
    cases = {"http://h/": 80, "https://h/": 443, "ftp://h": 21, "gopher://h": None, "http://h:8080": 8080}
    for text, port in cases.items():
        assert URL.parse(text).effective_port() == port


def test_parse_str_roundtrip():
    for text in [
        "https://example.com/a/b?x=1#top",
        "http://h/?",
        "http://h/#",
        "mailto:joe@example.com",
        "//cdn.example.com/lib.js",
        "file:///etc/hosts",
        "../up?x#f",
    ]:
        assert str(URL.parse(text)) == text


def test_str_adds_slash_between_authority_and_path():
    assert str(URL("http", "h", "x")) == "http://h/x"
    assert str(URL("http", "h")) == "http://h"


def test_with_params():
    u = URL.parse("http://h/s?q=old&page=2#r")
    assert str(u.with_params(q="new")) == "http://h/s?page=2&q=new#r"
    assert str(u.with_params(page=None)) == "http://h/s?q=old#r"
    assert str(u.with_params(q=None, page=None)) == "http://h/s#r"
    assert str(URL.parse("http://h").with_params(a="x y")) == "http://h?a=x+y"
    assert str(u) == "http://h/s?q=old&page=2#r"


def test_url_equality():
    assert URL.parse("http://h/a") == URL.parse("HTTP://h/a")
    assert URL.parse("http://h/a") != URL.parse("http://h/a?")
    assert URL.parse("http://h/a") != "http://h/a"


# --- resolving -----------------------------------------------------------------

def test_remove_dot_segments():
    assert remove_dot_segments("/a/b/c/./../../g") == "/a/g"
    assert remove_dot_segments("mid/content=5/../6") == "mid/6"
    assert remove_dot_segments("/../x") == "/x"
    assert remove_dot_segments("") == ""


def test_remove_dot_segments_keeps_trailing_slash():
    assert remove_dot_segments("/a/b/..") == "/a/"
    assert remove_dot_segments("/a/./b/.") == "/a/b/"
    assert remove_dot_segments("/a/b/") == "/a/b/"


@pytest.mark.parametrize("ref, expected", [
    ("g", "http://a/b/c/g"),
    ("/g", "http://a/g"),
    ("//g", "http://g"),
    ("?y", "http://a/b/c/d;p?y"),
    ("#s", "http://a/b/c/d;p?q#s"),
    ("", "http://a/b/c/d;p?q"),
    (".", "http://a/b/c/"),
    ("../../../g", "http://a/g"),
])
def test_join_rfc_examples(ref, expected):
    assert join(BASE, ref) == expected


def test_join_against_base_without_path():
    assert join("http://example.com", "page.html") == "http://example.com/page.html"
    assert join("http://example.com?x=1", "?y=2") == "http://example.com?y=2"


def test_join_more_relative_paths():
    assert join(BASE, "g:h") == "g:h"
    assert join(BASE, "./g") == "http://a/b/c/g"
    assert join(BASE, "g/") == "http://a/b/c/g/"
    assert join(BASE, "g;x=1/../y") == "http://a/b/c/y"
    assert join(BASE, "g?y#s") == "http://a/b/c/g?y#s"
    assert join(BASE, "..") == "http://a/b/"
    assert join(BASE, "../g") == "http://a/b/g"
    assert join("http://h/a/", "b//c") == "http://h/a/b//c"


def test_join_drops_base_fragment():
    assert join("http://h/a/b#frag", "c") == "http://h/a/c"
    assert join("http://h/a/b#frag", "") == "http://h/a/b"


# --- normalising ------------------------------------------------------------------

def test_normalize_escapes():
    assert normalize_escapes("%7euser%2fx%e2") == "~user%2Fx%E2"
    assert normalize_escapes("%41%4a-%") == "AJ-%"


@pytest.mark.parametrize("text, expected", [
    ("HTTP://Example.COM/a/./b/../c", "http://example.com/a/c"),
    ("http://example.com:80/", "http://example.com/"),
    ("https://example.com:443", "https://example.com/"),
    ("http://example.com./%7Efred", "http://example.com/~fred"),
    ("http://User@H/x?q=%7e%2f", "http://User@h/x?q=~%2F"),
])
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_normalize_keeps_other_ports_and_opaque_urls():
    assert normalize("http://example.com:443/") == "http://example.com:443/"
    assert normalize("mailto:Joe@Example.COM") == "mailto:Joe@Example.COM"
    assert normalize("/a/../b/") == "/b/"


def test_normalize_options():
    url = "http://h/p?b=2&a=1&b=1#sec"
    assert normalize(url, sort_query=True) == "http://h/p?a=1&b=1&b=2#sec"
    assert normalize(url, drop_fragment=True) == "http://h/p?b=2&a=1&b=1"


def test_same_origin():
    assert same_origin("http://example.com/a", "http://EXAMPLE.com:80/b")
    assert not same_origin("http://example.com", "https://example.com")
    assert not same_origin("http://example.com:8080", "http://example.com")
