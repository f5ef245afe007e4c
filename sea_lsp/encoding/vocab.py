"""The token vocabulary the networks read (version ``VOCAB_VERSION``).

Ids are fixed forever within a version: special tokens, small numbers, the Python
grammar's node kinds and keywords/operators are recorded tables (kinds a future grammar
adds hash into a reserved overflow range instead of shifting ids), and open-ended words
(identifiers, task words, diagnostics, paths, literals) hash into buckets with CRC-32 —
stable across processes and machines, unlike Python's ``hash()``. A checkpoint stores
``VOCAB_VERSION``; changing any table or range below means bumping it.
"""

from __future__ import annotations

import math
import re
import zlib

VOCAB_VERSION = "2"  # 2: edit measures (MEASURE_RANGE) and 36-token candidates
VOCAB_SIZE = 8192
PAD = 0

SPECIALS = (
    "[UNK]", "[TASK]", "[PATH]", "[FOCUS]", "[CONTEXT]", "[DIAG]", "[FAIL]", "[SUMMARY]",
    "[SEP]", "[ERROR]", "[MISSING]", "[FOCUS_START]", "[FOCUS_END]", "[CAND]", "[KIND]",
    "[TARGET]", "[REMOVED]", "[INSERTED]", "[FILEOP]", "[CREATE]", "[RENAME]", "[DELETE]",
    "[DEF]", "[CLASS]", "[FUNC]", "[IMPORT]", "[VAR]", "[NONE]", "[STR]", "[NUM]",
    "[COMMENT]", "[LINES]", "[FUNCS]", "[CLASSES]", "[IMPORTS]", "[ERRORS]", "[STMTS]",
    "[EMPTY]", "[NEWLINE]", "[NEG]", "[FLOAT]", "[HEADER]", "[LSP_KIND]", "[EDITS]",
    "[TEXT]", "[WHOLE_FILE]", "[NO_TREE]", "[TRUNC]",
)  # fmt: skip

# Named node kinds of tree-sitter-python 0.25, in a recorded order (ids never move).
_NAMED_TEXT = (
    "aliased_import argument_list as_pattern as_pattern_target assert_statement assignment "
    "attribute augmented_assignment await binary_operator block boolean_operator "
    "break_statement call case_clause case_pattern chevron class_definition class_pattern "
    "comment comparison_operator complex_pattern concatenated_string conditional_expression "
    "constrained_type continue_statement decorated_definition decorator default_parameter "
    "delete_statement dict_pattern dictionary dictionary_comprehension dictionary_splat "
    "dictionary_splat_pattern dotted_name elif_clause ellipsis else_clause "
    "escape_interpolation escape_sequence except_clause exec_statement expression_list "
    "expression_statement false finally_clause float for_in_clause for_statement "
    "format_expression format_specifier function_definition future_import_statement "
    "generator_expression generic_type global_statement identifier if_clause if_statement "
    "import_from_statement import_prefix import_statement integer interpolation "
    "keyword_argument keyword_pattern keyword_separator lambda lambda_parameters "
    "line_continuation list list_comprehension list_pattern list_splat list_splat_pattern "
    "match_statement member_type module named_expression none nonlocal_statement "
    "not_operator pair parameters parenthesized_expression parenthesized_list_splat "
    "pass_statement pattern_list positional_separator print_statement raise_statement "
    "relative_import return_statement set set_comprehension slice splat_pattern splat_type "
    "string string_content string_end string_start subscript true try_statement tuple "
    "tuple_pattern type type_alias_statement type_conversion type_parameter "
    "typed_default_parameter typed_parameter unary_operator union_pattern union_type "
    "while_statement wildcard_import with_clause with_item with_statement yield ERROR"
)
NAMED_KINDS = tuple(_NAMED_TEXT.split())

# Anonymous tokens (keywords and operators) of the same grammar, recorded the same way.
_ANON_TEXT = (
    "!= % %= & &= ( ) * ** **= *= + += , - -= -> . / // //= /= : := ; < << <<= <= <> = == > "
    ">= >> >>= @ @= [ \\ ] ^ ^= _ __future__ and as assert async await break case class "
    "continue def del elif else except exec finally for from global if import in is is_not "
    "lambda match nonlocal not not_in or pass print raise return try type while with yield "
    "{ | |= } ~ True False None"
)
ANON_KINDS = tuple(
    k.replace("is_not", "is not").replace("not_in", "not in") for k in _ANON_TEXT.split()
)

# id ranges [lo, hi)
SPECIAL_RANGE = (1, 64)
NUMBER_RANGE = (64, 128)  # 0..47 exact, then signed magnitude buckets
NAMED_RANGE = (128, 384)  # recorded table, then a hashed overflow of 64
ANON_RANGE = (384, 640)
KIND_RANGE = (640, 768)  # candidate kind words
TASK_RANGE = (768, 1792)
IDENT_RANGE = (1792, 5888)
DIAG_RANGE = (5888, 6912)
PATH_RANGE = (6912, 7424)
MEASURE_RANGE = (7424, 7552)  # MEASURES x MEASURE_LEVELS: how big an edit is
LITERAL_RANGE = (7552, VOCAB_SIZE)
_SMALL_INTS = 48

# What a candidate's edit measures (``measure``; ``encoder.edit_measures`` computes them):
# characters of a minimal diff of the changed span, line breaks removed plus inserted,
# identifiers the edit brings into the file, identifiers it takes out of it. The networks
# read each measure's level as a number as well as a token (``NetworkConfig.n_measures``).
MEASURES = ("chars", "line_breaks", "names_in", "names_out")
MEASURE_LEVELS = 32
_EXACT_LEVELS = 24
assert MEASURE_RANGE[1] - MEASURE_RANGE[0] == len(MEASURES) * MEASURE_LEVELS

_SPECIAL_IDS = {name: SPECIAL_RANGE[0] + i for i, name in enumerate(SPECIALS)}
_NAMED_IDS = {name: NAMED_RANGE[0] + i for i, name in enumerate(NAMED_KINDS)}
_ANON_IDS = {name: ANON_RANGE[0] + i for i, name in enumerate(ANON_KINDS)}
_OVERFLOW = 64
assert len(SPECIALS) < SPECIAL_RANGE[1] - SPECIAL_RANGE[0]
assert len(NAMED_KINDS) <= NAMED_RANGE[1] - NAMED_RANGE[0] - _OVERFLOW
assert len(ANON_KINDS) <= ANON_RANGE[1] - ANON_RANGE[0] - _OVERFLOW

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?")


def bucket(text: str, rng: tuple[int, int], namespace: str = "") -> int:
    """A stable id for ``text`` in ``[lo, hi)`` (CRC-32; identical in every process)."""
    lo, hi = rng
    return lo + zlib.crc32(f"{namespace}\x1f{text}".encode("utf-8", "surrogatepass")) % (hi - lo)


def special(name: str) -> int:
    return _SPECIAL_IDS[name]


def named_kind(name: str) -> int:
    tid = _NAMED_IDS.get(name)
    if tid is None:
        tid = bucket(name, (NAMED_RANGE[1] - _OVERFLOW, NAMED_RANGE[1]), "named")
    return tid


def anon_kind(name: str) -> int:
    tid = _ANON_IDS.get(name)
    if tid is None:
        tid = bucket(name, (ANON_RANGE[1] - _OVERFLOW, ANON_RANGE[1]), "anon")
    return tid


def is_keyword_or_operator(text: str) -> bool:
    return text in _ANON_IDS


def number(value: int | float) -> int:
    """Small non-negative integers exactly; others by sign and order of magnitude."""
    lo, hi = NUMBER_RANGE
    if isinstance(value, int) and 0 <= value < _SMALL_INTS:
        return lo + value
    mag = min(int(math.log2(abs(value) + 1)), 7)
    return lo + _SMALL_INTS + (8 if value < 0 else 0) + mag


def measure_level(value: int) -> int:
    """A measure's level in ``[0, MEASURE_LEVELS)``: exact below 24, then half-octaves
    (24-33 -> 24, 34-47 -> 25, 48-67 -> 26, ... 272 and more -> 31), so a level grows with
    the value's log."""
    if value < _EXACT_LEVELS:
        return max(0, value)
    return min(MEASURE_LEVELS - 1, _EXACT_LEVELS + int(2 * math.log2(value / _EXACT_LEVELS)))


def measure(index: int, value: int) -> int:
    """The token of measure ``MEASURES[index]`` at ``value``."""
    return MEASURE_RANGE[0] + index * MEASURE_LEVELS + measure_level(value)


def ident(name: str) -> int:
    return bucket(name, IDENT_RANGE, "id")


def task_word(word: str) -> int:
    return bucket(word.lower(), TASK_RANGE, "task")


def diag_word(word: str) -> int:
    return bucket(word.lower(), DIAG_RANGE, "diag")


def path_part(part: str) -> int:
    return bucket(part, PATH_RANGE, "path")


def kind_word(word: str) -> int:
    return bucket(word, KIND_RANGE, "kind")


def literal(text: str) -> int:
    return bucket(text, LITERAL_RANGE, "lit")


def words(text: str) -> list[str]:
    return WORD.findall(text)
