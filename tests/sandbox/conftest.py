"""Fixtures for sandbox tests."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sandbox_helpers import CALC, CALC_TESTS, make_project


@pytest.fixture
def marker() -> str:
    return f"seamark{uuid.uuid4().hex}"


@pytest.fixture
def calc_project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj", {"calc.py": CALC, "tests/test_calc.py": CALC_TESTS})
