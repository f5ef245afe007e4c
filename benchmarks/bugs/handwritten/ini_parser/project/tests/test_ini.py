import pytest

from ini import Config, ParseError

SAMPLE = """\
; top comment
[server]
host = example.org
port: 8080
debug = yes
url = http://${host}:${port}/api

# another comment
[paths]
root = /srv/app   ; where the app lives
logs = ${root}/logs
cache = ${server:host}-cache
name = "hello world"
"""


@pytest.fixture
def cfg():
    return Config.parse(SAMPLE)


def test_plain_values(cfg):
    assert cfg.order == ["server", "paths"]
    assert cfg.get("server", "host") == "example.org"
    assert cfg.get("server", "port") == "8080"


def test_keys_are_case_insensitive(cfg):
    assert cfg.get("server", "HOST") == "example.org"
    assert cfg.has_option("server", "Port")


def test_inline_comment_stripped(cfg):
    assert cfg.get("paths", "root") == "/srv/app"


def test_hash_inside_value_kept():
    cfg = Config.parse("[a]\ncolor = #ff0000\nurl = http://x/#frag\n")
    assert cfg.get("a", "color") == "#ff0000"
    assert cfg.get("a", "url") == "http://x/#frag"


def test_quotes_removed(cfg):
    assert cfg.get("paths", "name") == "hello world"


@pytest.mark.parametrize("value, expected", [('""', ""), ("'x'", "x"), ('"a', '"a')])
def test_unquote_edge_cases(value, expected):
    cfg = Config.parse(f"[s]\nk = {value}\n")
    assert cfg.get("s", "k") == expected


def test_colon_and_equals_first_wins():
    cfg = Config.parse("[s]\ntime = 12:30\nurl: a=b\n")
    assert cfg.get("s", "time") == "12:30"
    assert cfg.get("s", "url") == "a=b"


def test_interpolation_same_section(cfg):
    assert cfg.get("server", "url") == "http://example.org:8080/api"
    assert cfg.get("paths", "logs") == "/srv/app/logs"


def test_interpolation_other_section(cfg):
    assert cfg.get("paths", "cache") == "example.org-cache"


def test_nested_interpolation_uses_referenced_section():
    text = "[a]\nx = ${y}\ny = A\n[b]\nref = ${a:x}\ny = B\n"
    cfg = Config.parse(text)
    assert cfg.get("b", "ref") == "A"


def test_interpolation_loop_detected():
    cfg = Config.parse("[s]\na = ${b}\nb = ${a}\n")
    with pytest.raises(ValueError, match="too deep"):
        cfg.get("s", "a")


def test_interpolation_chain_within_limit():
    lines = ["[s]", "k0 = end"] + [f"k{i} = ${{k{i - 1}}}" for i in range(1, 11)]
    cfg = Config.parse("\n".join(lines))
    assert cfg.get("s", "k10") == "end"


def test_defaults_used_and_overridden():
    cfg = Config.parse("[a]\nx = 1\n[b]\ny = 2\n", defaults={"x": "0", "z": "9"})
    assert cfg.get("a", "x") == "1"
    assert cfg.get("b", "x") == "0"
    assert cfg.get("b", "z") == "9"
    assert cfg.has_option("b", "z")


def test_missing_section_and_key(cfg):
    with pytest.raises(KeyError):
        cfg.get("nope", "x")
    with pytest.raises(KeyError):
        cfg.get("server", "missing")
    assert not cfg.has_option("nope", "host")


def test_fallback(cfg):
    assert cfg.get("server", "missing", fallback="dflt") == "dflt"
    assert cfg.getint("server", "missing", fallback=3) == 3
    assert cfg.getint("server", "missing", fallback=0) == 0
    assert cfg.getboolean("server", "missing", fallback=False) is False


def test_getint(cfg):
    assert cfg.getint("server", "port") == 8080
    with pytest.raises(ValueError, match="not an integer"):
        cfg.getint("server", "host")


@pytest.mark.parametrize("word, expected", [
    ("yes", True), ("On", True), ("off", False), ("False", False),
])
def test_getboolean(word, expected):
    cfg = Config.parse(f"[s]\nflag = {word}\n")
    assert cfg.getboolean("s", "flag") is expected


def test_getboolean_rejects_garbage():
    cfg = Config.parse("[s]\nflag = maybe\n")
    with pytest.raises(ValueError, match="not a boolean"):
        cfg.getboolean("s", "flag")


def test_continuation_lines():
    text = "[s]\nhosts = a\n    b\n\tc\nnext = 1\n"
    cfg = Config.parse(text)
    assert cfg.get("s", "hosts") == "a\nb\nc"
    assert cfg.get("s", "next") == "1"


def test_getlist():
    cfg = Config.parse("[s]\nitems = a, b,,c\nmulti = x\n  y, z\n")
    assert cfg.getlist("s", "items") == ["a", "b", "c"]
    assert cfg.getlist("s", "multi") == ["x", "y", "z"]


def test_getlist_custom_separator():
    cfg = Config.parse("[s]\npath = /bin:/usr/bin\n")
    assert cfg.getlist("s", "path", sep=":") == ["/bin", "/usr/bin"]


@pytest.mark.parametrize("text, lineno", [
    ("[s\nk = v\n", 1),
    ("[]\n", 1),
    ("k = v\n", 1),
    ("[s]\nnovalue\n", 2),
    ("[s]\n = v\n", 2),
    ("[s]\nk = 1\nK = 2\n", 3),
    ("[s]\n[t]\n[s]\n", 3),
])
def test_parse_errors(text, lineno):
    with pytest.raises(ParseError) as info:
        Config.parse(text)
    assert info.value.lineno == lineno
    assert str(info.value).startswith(f"line {lineno}:")


def test_same_key_in_different_sections_ok():
    cfg = Config.parse("[a]\nk = 1\n[b]\nk = 2\n")
    assert cfg.get("a", "k") == "1"
    assert cfg.get("b", "k") == "2"


def test_indented_line_after_header_is_a_key():
    cfg = Config.parse("[a]\nx = 1\n[s]\n  k = v\n")
    assert cfg.get("s", "k") == "v"
    assert cfg.get("a", "x") == "1"


def test_set_and_remove(cfg):
    cfg.set("server", "Timeout", 30)
    assert cfg.getint("server", "timeout") == 30
    assert cfg.remove_option("server", "TIMEOUT") is True
    assert cfg.remove_option("server", "timeout") is False
    with pytest.raises(KeyError):
        cfg.set("nope", "k", "v")


def test_add_and_remove_section(cfg):
    cfg.add_section("extra")
    assert cfg.order[-1] == "extra"
    with pytest.raises(KeyError, match="already exists"):
        cfg.add_section("extra")
    assert cfg.remove_section("server") is True
    assert cfg.order == ["paths", "extra"]
    assert cfg.remove_section("server") is False


def test_items_includes_defaults_sorted():
    cfg = Config.parse("[s]\nb = 2\na = ${c}\n", defaults={"c": "3"})
    assert cfg.items("s") == [("a", "3"), ("b", "2"), ("c", "3")]
    with pytest.raises(KeyError):
        cfg.items("missing")


def test_dumps_round_trip():
    text = "[s]\nhosts = a\n    b\nport = 1\n[t]\nx = ${s:port}\n"
    cfg = Config.parse(text)
    out = cfg.dumps()
    assert out == "[s]\nhosts = a\n    b\nport = 1\n\n[t]\nx = ${s:port}\n"
    again = Config.parse(out)
    assert again.sections == cfg.sections
    assert again.order == cfg.order


def test_empty_input():
    cfg = Config.parse("")
    assert cfg.order == []
    assert cfg.dumps() == "\n"
