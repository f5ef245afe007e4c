"""Small fixture projects, one per task kind, written into temp dirs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "buggy_stats"


def write_project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and ".pytest_cache" not in p.parts
    }


@pytest.fixture
def example(tmp_path: Path) -> Path:
    dest = tmp_path / "buggy_stats"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    return dest


TWO_EDIT = {
    "clamp.py": (
        "def clamp_sum(values, low, high):\n"
        '    """Sum ``values`` and clamp the total into [low, high]."""\n'
        "    total = 0\n"
        "    for v in values:\n"
        "        total -= v\n"
        "    if total > high:\n"
        "        return high\n"
        "    if total < low:\n"
        "        return high\n"
        "    return total\n"
    ),
    "tests/test_clamp.py": (
        "from clamp import clamp_sum\n\n\n"
        "def test_in_range():\n"
        "    assert clamp_sum([1, 2], 0, 10) == 3\n\n\n"
        "def test_below_low():\n"
        "    assert clamp_sum([-5], 2, 10) == 2\n\n\n"
        "def test_above_high():\n"
        "    assert clamp_sum([20], 0, 10) == 10\n"
    ),
}

SYNTAX = {
    "shapes.py": "def area(w, h)\n    return w * h\n",
    "tests/test_shapes.py": "from shapes import area\n\n\ndef test_area():\n    assert area(2, 3) == 6\n",
}

DOCS = {
    "geometry.py": (
        "def scale(points, factor=2.0):\n"
        "    if factor <= 0:\n"
        '        raise ValueError("factor must be positive")\n'
        "    return [(x * factor, y * factor) for x, y in points]\n"
    ),
}

IMPORTS = {
    "paths.py": "def home_config(name):\n    return os.path.join(os.path.expanduser('~'), name)\n",
}

TESTS = {
    "mathx.py": (
        "def gcd(a: int, b: int) -> int:\n"
        '    """Greatest common divisor.\n\n    >>> gcd(12, 18)\n    6\n    """\n'
        "    while b:\n"
        "        a, b = b, a % b\n"
        "    return abs(a)\n"
    ),
    "tests/test_other.py": "def test_nothing_yet():\n    assert True\n",
}
