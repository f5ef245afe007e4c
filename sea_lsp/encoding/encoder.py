"""What the networks see: states and candidates as token-id sequences.

A state is encoded in budgeted sections — task, focus path, node-type path to the focus,
the focus neighbourhood, diagnostics, failing tests, file summary — so truncation keeps
every section represented. Only the focus neighbourhood is walked; the file summary
reads the top-level statements once per tree and is cached. Ids come from ``vocab``.
"""

from __future__ import annotations

import keyword
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import PurePosixPath

from tree_sitter import Node, Query, QueryCursor, Tree

from sea_lsp.actions.base import Candidate, WorkspaceView
from sea_lsp.encoding import vocab
from sea_lsp.encoding.vocab import PAD, VOCAB_SIZE, VOCAB_VERSION
from sea_lsp.workspace.changes import changed_span, diff_chars
from sea_lsp.workspace.languages import PYTHON, language_for_path

__all__ = [
    "MAX_CANDIDATE_TOKENS",
    "MAX_STATE_TOKENS",
    "PAD",
    "VOCAB_SIZE",
    "VOCAB_VERSION",
    "StateInput",
    "encode_candidate",
    "encode_candidates",
    "encode_file",
    "edit_measures",
    "encode_state",
    "tokenize_snippet",
]

MAX_STATE_TOKENS = 256
MAX_CANDIDATE_TOKENS = 36
_MEASURED_EDITS = 64  # a candidate's measures sum its first 64 edits (a rename may have thousands)

S = vocab.special
_SKIP_ANON = frozenset({"(", ")", ",", "string_start", "string_end"})
_LEAF_NAMED = frozenset({"string", "comment", "concatenated_string"})


@dataclass
class StateInput:
    """One state of the software-engineering environment, as the encoder needs it."""

    view: WorkspaceView
    task: str = ""
    focus_path: str | None = None
    focus_start: int | None = None  # byte offsets; None = the whole file
    focus_end: int | None = None
    diagnostics: Sequence[str] = ()
    failing_tests: Sequence[str] = ()


def _fit(
    sections: list[list[int]], budgets: list[int], priority: list[int], limit: int
) -> list[int]:
    """Concatenate sections, each cut to its budget; spare room goes to sections by priority."""
    alloc = [min(len(t), b) for t, b in zip(sections, budgets, strict=True)]
    spare = limit - sum(alloc)
    for i in priority:
        extra = min(len(sections[i]) - alloc[i], spare)
        if extra > 0:
            alloc[i] += extra
            spare -= extra
    return [tok for t, a in zip(sections, alloc, strict=True) for tok in t[:a]]


# -- node tokens ---------------------------------------------------------------------------
def _leaf_number(node: Node) -> int:
    text = node.text.decode("ascii", "replace").replace("_", "") if node.text else ""
    try:
        return vocab.number(int(text, 0))
    except ValueError:
        return S("[NUM]")


def _node_tokens(node: Node, limit: int, focus: tuple[int, int, str] | None = None) -> list[int]:
    """Pre-order tokens of a subtree (types, operators, identifier buckets, literals)."""
    out: list[int] = []
    stack: list[Node | int] = [node]
    while stack and len(out) < limit:
        n = stack.pop()
        if isinstance(n, int):
            out.append(n)
            continue
        typ = n.type
        if focus is not None and (n.start_byte, n.end_byte, typ) == focus:
            out.append(S("[FOCUS_START]"))
            stack.append(S("[FOCUS_END]"))
        if n.is_missing:
            out.append(S("[MISSING]"))
            out.append(vocab.named_kind(typ) if n.is_named else vocab.anon_kind(typ))
            continue
        if typ == "ERROR":
            out.append(S("[ERROR]"))
        elif not n.is_named:
            if typ not in _SKIP_ANON:
                out.append(vocab.anon_kind(typ))
            continue
        elif typ == "identifier":
            out.append(vocab.ident(n.text.decode("utf-8", "replace")))
            continue
        elif typ == "integer":
            out.append(_leaf_number(n))
            continue
        elif typ == "float":
            out.append(S("[FLOAT]"))
            continue
        elif typ in _LEAF_NAMED:
            out.append(S("[COMMENT]") if typ == "comment" else S("[STR]"))
            if typ != "comment":
                out.append(vocab.literal(n.text.decode("utf-8", "replace")[:64]))
            continue
        else:
            out.append(vocab.named_kind(typ))
        stack.extend(reversed(n.children))
    return out[:limit]


def _statement_of(node: Node) -> Node:
    """The smallest statement (a child of a block or the module) containing ``node``."""
    n = node
    while n.parent is not None and n.parent.type not in ("block", "module"):
        n = n.parent
    return n


def _enclosing_def(node: Node) -> Node | None:
    n = node.parent
    while n is not None and n.type not in ("function_definition", "class_definition"):
        n = n.parent
    return n


def _def_header(defn: Node) -> list[int]:
    out = [S("[FUNC]") if defn.type == "function_definition" else S("[CLASS]")]
    name = defn.child_by_field_name("name")
    if name is not None:
        out.append(vocab.ident(name.text.decode("utf-8", "replace")))
    params = defn.child_by_field_name("parameters") or defn.child_by_field_name("superclasses")
    if params is not None:
        out.extend(_node_tokens(params, 14))
    return out


# -- file summary (cached per tree) --------------------------------------------------------
_SUMMARY_CACHE: OrderedDict[int, tuple[Tree, list[int]]] = OrderedDict()
_SUMMARY_CACHE_SIZE = 128
_SUMMARY_LOCK = threading.Lock()


def _summary(tree: Tree) -> list[int]:
    """Counts and top-level definitions of a file; the tree is held so its id stays unique."""
    with _SUMMARY_LOCK:
        hit = _SUMMARY_CACHE.get(id(tree))
        if hit is not None and hit[0] is tree:
            _SUMMARY_CACHE.move_to_end(id(tree))
            return hit[1]
    root = tree.root_node
    funcs = classes = imports = errors = 0
    defs: list[int] = []
    for child in root.named_children:
        node = (
            child.child_by_field_name("definition")
            if child.type == "decorated_definition"
            else child
        )
        typ = node.type if node is not None else child.type
        if child.has_error:
            errors += 1
        if typ in ("function_definition", "class_definition"):
            if typ == "function_definition":
                funcs += 1
            else:
                classes += 1
            name = node.child_by_field_name("name")
            if len(defs) < 60 and name is not None:
                defs += [S("[FUNC]") if typ == "function_definition" else S("[CLASS]")]
                defs += [vocab.ident(name.text.decode("utf-8", "replace"))]
        elif typ in ("import_statement", "import_from_statement", "future_import_statement"):
            imports += 1
    tokens = [
        S("[SUMMARY]"),
        S("[LINES]"), vocab.number(root.end_point[0] + 1),
        S("[STMTS]"), vocab.number(root.named_child_count),
        S("[FUNCS]"), vocab.number(funcs),
        S("[CLASSES]"), vocab.number(classes),
        S("[IMPORTS]"), vocab.number(imports),
        S("[ERRORS]"), vocab.number(errors),
        *defs,
    ]  # fmt: skip
    with _SUMMARY_LOCK:
        _SUMMARY_CACHE[id(tree)] = (tree, tokens)
        if len(_SUMMARY_CACHE) > _SUMMARY_CACHE_SIZE:
            _SUMMARY_CACHE.popitem(last=False)
    return tokens


def _path_tokens(path: str | None) -> list[int]:
    if not path:
        return [S("[PATH]"), S("[NONE]")]
    p = PurePosixPath(path)
    return [
        S("[PATH]"),
        *(vocab.path_part(x) for x in p.parent.parts[-4:]),
        vocab.path_part(p.stem),
        vocab.path_part(p.suffix),
    ]


# -- state ---------------------------------------------------------------------------------
_STATE_BUDGETS = (20, 8, 16, 120, 24, 16, 52)  # task, path, node path, context, diag, fail, summary
_STATE_PRIORITY = (3, 6, 4, 5, 0, 2, 1)


def encode_state(s: StateInput) -> list[int]:
    """Token ids of a state: at most ``MAX_STATE_TOKENS``, the same for the same input."""
    task = [S("[TASK]"), *(_word_token(w, vocab.task_word) for w in vocab.words(s.task)[:64])]
    node_path: list[int] = [S("[FOCUS]")]
    context: list[int] = [S("[CONTEXT]")]
    summary: list[int] = [S("[SUMMARY]"), S("[NONE]")]
    tree = s.view.tree(s.focus_path) if s.focus_path else None
    if s.focus_path and tree is None:
        node_path.append(S("[NO_TREE]"))
    if tree is not None:
        root = tree.root_node
        summary = _summary(tree)
        if s.focus_start is None:
            focus = root
        else:
            end = s.focus_end if s.focus_end is not None else s.focus_start
            lo, hi = sorted((max(0, s.focus_start), max(0, end)))
            focus = root.named_descendant_for_byte_range(lo, min(hi, root.end_byte)) or root
        chain = []
        n: Node | None = focus
        while n is not None:
            chain.append(vocab.named_kind(n.type) if n.type != "ERROR" else S("[ERROR]"))
            n = n.parent
        chain.reverse()  # root first
        keep = _STATE_BUDGETS[2] - 2
        if s.focus_start is None:
            node_path.append(S("[WHOLE_FILE]"))
        node_path += chain if len(chain) <= keep else [S("[TRUNC]"), *chain[-keep:]]
        context += _node_tokens(focus, 40)
        stmt = _statement_of(focus)
        if stmt is not focus:
            context.append(S("[SEP]"))
            context += _node_tokens(stmt, 80, (focus.start_byte, focus.end_byte, focus.type))
        defn = _enclosing_def(stmt)
        if defn is not None:
            context.append(S("[HEADER]"))
            context += _def_header(defn)
    diags = [S("[DIAG]")]
    for d in s.diagnostics[:8]:
        diags += [S("[SEP]"), *(_word_token(w, vocab.diag_word) for w in vocab.words(d)[:12])]
    fails = [S("[FAIL]")]
    for t in s.failing_tests[:8]:
        file, _, name = t.partition("::")
        fails += [S("[SEP]"), vocab.path_part(PurePosixPath(file).stem)]
        fails += [vocab.ident(w) for w in vocab.words(name)[:6]]
    sections = [task, _path_tokens(s.focus_path), node_path, context, diags, fails, summary]
    return _fit(sections, list(_STATE_BUDGETS), list(_STATE_PRIORITY), MAX_STATE_TOKENS)


def _word_token(word: str, table) -> int:
    return vocab.number(int(word)) if word.isdigit() and len(word) < 10 else table(word)


# -- candidates ----------------------------------------------------------------------------
_SNIPPET = re.compile(
    r"""(?P<ws>[ \t\f]+)|(?P<nl>\r?\n|\r)|(?P<comment>\#[^\r\n]*)
    |(?P<str>[rbuRBUfF]{0,2}(?:'(?:\\.|[^'\\\n])*'?|"(?:\\.|[^"\\\n])*"?))
    |(?P<num>\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)
    |(?P<name>[^\W\d]\w*)
    |(?P<op>\*\*=|//=|>>=|<<=|->|:=|==|!=|<=|>=|\*\*|//|<<|>>|[-+*/%&|^@]=|[-+*/%&|^~<>=.,:;@()\[\]{}\\])
    |(?P<other>.)""",
    re.VERBOSE,
)


def tokenize_snippet(text: str, limit: int = MAX_CANDIDATE_TOKENS) -> list[int]:
    """Token ids of a code snippet with a small Python lexer (no parse needed)."""
    out: list[int] = []
    for m in _SNIPPET.finditer(text):
        if len(out) >= limit:
            break
        kind, value = m.lastgroup, m.group()
        if kind == "ws":
            continue
        if kind == "nl":
            out.append(S("[NEWLINE]"))
        elif kind == "comment":
            out.append(S("[COMMENT]"))
        elif kind == "str":
            out += [S("[STR]"), vocab.literal(value[:64])]
        elif kind == "num":
            out.append(_number_text(value))
        elif kind == "name":
            out.append(
                vocab.anon_kind(value)
                if vocab.is_keyword_or_operator(value)
                else vocab.ident(value)
            )
        elif kind == "op":
            if value not in ("(", ")", ","):
                out.append(vocab.anon_kind(value))
        else:
            out.append(S("[UNK]"))
    return out[:limit]


def _number_text(text: str) -> int:
    try:
        return vocab.number(int(text.replace("_", ""), 0))
    except ValueError:
        return S("[FLOAT]")


# header, target, edit count, file ops, measures, removed, inserted
_CAND_BUDGETS = (5, 2, 2, 4, 4, 9, 10)
_CAND_PRIORITY = (6, 5, 3, 0, 1, 2, 4)
_OPS = {"create": "[CREATE]", "rename": "[RENAME]", "delete": "[DELETE]"}
_DIFF_LIMIT = 160  # characters of a changed span searched for a minimal diff (about 0.1 ms)
# Identifiers as Python's tokenizer sees them: comments and string literals match the first
# alternatives and yield "" (their words are not names), a name yields itself. Text read
# from inside a multi-line string is read as code, which the measures accept.
_IDENT = re.compile(
    r"""
    \#[^\n]*                                  # a comment
    | [rRbBuUfF]{0,2}(?:                       # a string literal, any prefix
        \"\"\"[\s\S]*?\"\"\" | \'\'\'[\s\S]*?\'\'\'
        | "(?:\\.|[^"\\\n])*" | '(?:\\.|[^'\\\n])*'
    )
    | ([^\W\d]\w*)                             # a name (group 1)
    """,
    re.VERBOSE,
)
_KEYWORDS = frozenset(keyword.kwlist)


def _line_bounds(text: str, lo: int, hi: int) -> tuple[int, int]:
    """``[lo, hi)`` widened to whole lines, so that a change inside a name, a string or a
    comment is read with what it is inside of."""
    return text.rfind("\n", 0, lo) + 1, len(text) if (end := text.find("\n", hi)) < 0 else end


def edit_measures(
    old: str, new: str, file_names: Counter[str] | None = None
) -> tuple[int, int, int, int]:
    """What replacing ``old`` by ``new`` changes, in the order of ``vocab.MEASURES``: the
    characters of a minimal diff of the changed span (common prefix and suffix cut; a span
    over ``_DIFF_LIMIT`` characters counts its larger side), line breaks removed plus
    inserted, and the identifiers the edit brings into the file and takes out of it. Names
    are read on the changed lines, outside strings and comments (keywords are not names); with
    ``file_names`` (the file's identifier counts, this edit's text included) a name counts
    as brought in only if the file has none, as taken out only if the span held every one
    of them. Slices compare in C, so a 10 kB statement costs microseconds, not a Python
    loop."""
    start, removed, inserted = changed_span(old, new)
    chars = diff_chars(removed, inserted, _DIFF_LIMIT)
    breaks = removed.count("\n") + inserted.count("\n")
    o_lo, o_hi = _line_bounds(old, start, start + len(removed))
    n_lo, n_hi = _line_bounds(new, start, start + len(inserted))
    before = Counter(n for n in _IDENT.findall(old, o_lo, o_hi) if n and n not in _KEYWORDS)
    after = {n for n in _IDENT.findall(new, n_lo, n_hi) if n and n not in _KEYWORDS}
    counts = file_names if file_names is not None else before
    names_in = sum(1 for n in after if n not in before and not counts[n])
    names_out = sum(1 for n, k in before.items() if n not in after and counts[n] <= k)
    return chars, breaks, names_in, names_out


def _measure_tokens(totals: Sequence[int]) -> list[int]:
    return [vocab.measure(i, v) for i, v in enumerate(totals)]


class _Files:
    """The files a batch of candidates edits, each read once: bytes (edits use byte offsets)
    and identifier counts (for the measures)."""

    def __init__(self, view: WorkspaceView) -> None:
        self.view = view
        self.data: dict[str, bytes] = {}
        self._names: dict[str, Counter[str]] = {}

    def bytes(self, path: str) -> bytes:
        if path not in self.data:
            text = self.view.read_text(path)
            self.data[path] = text.encode("utf-8") if text is not None else b""
        return self.data[path]

    def names(self, path: str) -> Counter[str]:
        if path not in self._names:
            self._names[path] = _identifier_counts(self.bytes(path))
        return self._names[path]


@lru_cache(maxsize=8)
def _identifier_counts(data: bytes) -> Counter[str]:
    """Identifier counts of a file (kept for the next request on the same text: a 120 kB
    module takes about 3 ms to count); never mutated by callers."""
    out = Counter(_IDENT.findall(data.decode("utf-8", "replace")))
    out.pop("", None)  # comments and strings
    return out


def encode_candidate(
    candidate: Candidate, view: WorkspaceView, _files: _Files | None = None
) -> list[int]:
    """Token ids of a candidate (at most ``MAX_CANDIDATE_TOKENS``)."""
    files = _files if _files is not None else _Files(view)
    header = [S("[CAND]"), *(vocab.kind_word(w) for w in re.split(r"[._]", candidate.kind) if w)]
    header += [S("[LSP_KIND]"), vocab.kind_word(candidate.lsp_kind)]
    target = [S("[TARGET]")]
    target.append(vocab.named_kind(candidate.target.type) if candidate.target else S("[NONE]"))
    edits = candidate.change.edits
    count = [S("[EDITS]"), vocab.number(len(edits))]
    totals = [0] * len(vocab.MEASURES)
    ops = [S("[FILEOP]")]
    for op in candidate.change.file_ops:
        ops += [
            S(_OPS.get(op.kind, "[UNK]")),
            vocab.path_part(PurePosixPath(op.new_path or op.path).name),
        ]
        if op.kind == "create" and op.content:
            ops += tokenize_snippet(op.content, 8)
            totals = [t + m for t, m in zip(totals, edit_measures("", op.content), strict=True)]
    removed, inserted = [S("[REMOVED]")], [S("[INSERTED]")]
    for i, e in enumerate(edits[:_MEASURED_EDITS]):
        old = files.bytes(e.path)[e.start : e.end].decode("utf-8", "replace")
        measured = edit_measures(old, e.new_text, files.names(e.path))
        totals = [t + m for t, m in zip(totals, measured, strict=True)]
        if i < 4:
            removed += tokenize_snippet(old, 16) if old else [S("[EMPTY]")]
            inserted += tokenize_snippet(e.new_text, 16) if e.new_text else [S("[EMPTY]")]
    sections = [header, target, count, ops, _measure_tokens(totals), removed, inserted]
    return _fit(sections, list(_CAND_BUDGETS), list(_CAND_PRIORITY), MAX_CANDIDATE_TOKENS)


def encode_candidates(candidates: Sequence[Candidate], view: WorkspaceView) -> list[list[int]]:
    """Encode every candidate (each file read once) and set ``candidate.tokens``."""
    files = _Files(view)
    out = []
    for c in candidates:
        c.tokens = encode_candidate(c, view, files)
        out.append(c.tokens)
    return out


# -- whole files ---------------------------------------------------------------------------
@cache
def _definitions_query() -> Query:
    return Query(
        PYTHON.ts_language(),
        "(function_definition name: (identifier) @func) (class_definition name: (identifier) @class)"
        " (ERROR) @error",
    )


def encode_file(view: WorkspaceView, path: str) -> list[int]:
    """A whole-file encoding (path, summary, every function and class name in order)."""
    tree = view.tree(path)
    if tree is None or language_for_path(path) is not PYTHON:
        return [*_path_tokens(path), S("[NO_TREE]")]
    root = tree.root_node
    captures = QueryCursor(_definitions_query()).captures(root)
    marks = {"func": S("[FUNC]"), "class": S("[CLASS]"), "error": S("[ERROR]")}
    found = sorted(
        ((n.start_byte, name, n) for name, nodes in captures.items() for n in nodes),
        key=lambda x: (x[0], x[1]),
    )
    body = [S("[DEF]")]
    for _, name, node in found:
        body.append(marks[name])
        if name != "error":
            body.append(vocab.ident(node.text.decode("utf-8", "replace")))
    summary = _summary(tree)
    sections = [_path_tokens(path), summary, body]
    return _fit(sections, [8, 64, 184], [2, 1, 0], MAX_STATE_TOKENS)
