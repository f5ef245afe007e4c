"""The languages sea-lsp parses: one table entry per tree-sitter grammar.

Adding a language = installing its grammar package and adding a ``LanguageSpec`` to
``LANGUAGES``. Grammars load on first use; parsers are cached per thread because a
tree-sitter ``Parser`` must not be shared between threads.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePosixPath

from tree_sitter import Language, Parser


@dataclass(frozen=True)
class LanguageSpec:
    """A language: its name, file extensions and where its tree-sitter grammar lives."""

    name: str
    extensions: tuple[str, ...]
    grammar_module: str  # a package exposing ``language()`` (tree-sitter's convention)
    grammar_function: str = "language"
    _local: threading.local = field(default_factory=threading.local, compare=False, repr=False)

    def ts_language(self) -> Language:
        return _load_language(self.grammar_module, self.grammar_function)

    def parser(self) -> Parser:
        """This thread's parser for the language (created once per thread)."""
        p = getattr(self._local, "parser", None)
        if p is None:
            p = Parser(self.ts_language())
            self._local.parser = p
        return p


@cache
def _load_language(module: str, function: str) -> Language:
    return Language(getattr(importlib.import_module(module), function)())


LANGUAGES: tuple[LanguageSpec, ...] = (
    LanguageSpec("python", (".py", ".pyi"), "tree_sitter_python"),
)

_BY_EXTENSION = {ext: spec for spec in LANGUAGES for ext in spec.extensions}
_BY_NAME = {spec.name: spec for spec in LANGUAGES}


def language_for_path(path: str) -> LanguageSpec | None:
    """The language of a file by its extension, or None when sea-lsp cannot parse it."""
    return _BY_EXTENSION.get(PurePosixPath(path).suffix.lower())


def language_named(name: str) -> LanguageSpec | None:
    return _BY_NAME.get(name)


PYTHON = _BY_NAME["python"]
