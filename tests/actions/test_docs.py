"""Docstrings follow the project's style and name every parameter."""

from __future__ import annotations

import pytest

from sea_lsp.actions import pytree
from sea_lsp.actions.base import ActionContext
from sea_lsp.actions.docs import DocstringGenerator, detect_style
from tests.actions.conftest import DictView, apply

TARGET = """class Box:
    def scale(self, by: float, *extra, limit=3, **options) -> float:
        if by < 0:
            raise ValueError("negative")
        return by * limit


def numbers(n: int):
    yield n
"""
STYLE_FILES = {
    "google": 'def a(x):\n    """Do.\n\n    Args:\n        x: X.\n\n    Returns:\n        Y.\n    """\n',
    "numpy": 'def a(x):\n    """Do.\n\n    Parameters\n    ----------\n    x : int\n        X.\n    """\n',
    "rest": 'def a(x):\n    """Do.\n\n    :param x: X.\n    :returns: Y.\n    """\n',
}
MARKS = {
    "google": ["Args:", "Returns:", "Raises:", "    by (float): "],
    "numpy": ["Parameters\n        ----------", "by : float", "Raises\n        ------"],
    "rest": [":param by:", ":type by: float", ":rtype: float", ":raises ValueError:"],
}


@pytest.mark.parametrize("style", sorted(STYLE_FILES))
def test_docstring_in_detected_style(style: str) -> None:
    view = DictView({"m.py": TARGET, "other.py": STYLE_FILES[style]})
    assert detect_style(view) == style
    ctx = ActionContext(view=view, focus_path="m.py")
    cands = {c.title.split("`")[1]: c for c in DocstringGenerator().generate(ctx)}
    scale = cands["scale"]
    assert scale.kind == "docs.docstring" and scale.lsp_kind == "refactor.rewrite"
    text = apply(view, scale)["m.py"]
    assert pytree.compiles(text)
    doc = text.split('"""')[1]
    for param in ("by", "extra", "limit", "options"):
        assert param in doc
    assert "self" not in doc
    for mark in MARKS[style]:
        assert mark in doc, (mark, doc)
    assert text.splitlines()[2].startswith('        """')  # indented like the body
    gen = apply(view, cands["numbers"])["m.py"]
    assert "Yields" in gen or ":yields:" in gen


def test_default_style_is_google_and_documented_functions_are_skipped() -> None:
    src = 'def f(a):\n    """Has one."""\n    return a\n\n\ndef g(b):\n    return b\n'
    view = DictView({"m.py": src})
    assert detect_style(view) == "google"
    titles = [
        c.title for c in DocstringGenerator().generate(ActionContext(view, focus_path="m.py"))
    ]
    assert titles == ["Add a docstring to `g` (google style)"]


def test_focus_range_limits_to_the_function_under_the_cursor() -> None:
    view = DictView({"m.py": TARGET})
    at = TARGET.encode().index(b"yield")
    ctx = ActionContext(view=view, focus_path="m.py", focus_start=at, focus_end=at)
    assert [c.title.split("`")[1] for c in DocstringGenerator().generate(ctx)] == ["numbers"]


def test_docstring_reads_return_types_and_raise_messages():
    view = DictView(
        {
            "g.py": (
                "def moving_average(values, window):\n"
                "    if window <= 0:\n"
                '        raise ValueError("Window must be positive.")\n'
                "    averages = []\n"
                "    for start in range(len(values) - window + 1):\n"
                "        averages.append(sum(values[start : start + window]) / window)\n"
                "    return averages\n"
            )
        }
    )
    (cand,) = DocstringGenerator().generate(ActionContext(view=view, focus_path="g.py"))
    text = cand.change.edits[0].new_text
    assert "list: The averages." in text
    assert "ValueError: If window must be positive." in text
