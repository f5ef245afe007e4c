"""Mine real bug-fix commits from git histories of pure-Python projects.

Two modes, both take bare git directories (e.g. the ``fetch`` mirrors under /work/.mirror):

    python benchmarks/tools/mine_fixes.py runnable /work/.mirror/pytoolz+toolz/repo ...
    python benchmarks/tools/mine_fixes.py doctests /work/.mirror/TheAlgorithms+Python/repo
    python benchmarks/tools/mine_fixes.py pairs /work/.mirror/*/repo

``runnable`` picks fix commits (message matches FIX_RE) that change exactly one non-test ``.py``
file by 1-6 lines inside one function and also touch a test file. For each, it exports the
trimmed tree at the fix commit F (package source, the touched tests, their helpers, LICENSE),
checks that those tests pass at F and that some test fails with the parent's version of the
changed lines, and writes ``<out>/<repo>-<sha7>/{project/,bugs.json}`` (the format of
benchmarks/bugs/check.py, which should be run afterwards with ``--write``).

``doctests`` makes runnable bugs of small programs that test themselves with docstring
examples (e.g. TheAlgorithms/Python): a commit changing one ``.py`` file whose code changes
(docstring lines set aside, also where git merged them into a code hunk) are 1-6 lines inside
one function that existed before the commit, on both sides; the examples of the file at
F are frozen into a generated ``test_<module>.py`` (one test per docstring), the module sits
alone at the project's root, and only the code hunks are reverted, so an example the commit
added stays as the test that catches the bug. ``--any-message`` looks at every commit, not only
those whose message says fix (most of what it adds are features and renames; not used for the
shipped data).

``pairs`` writes ``<out>/fix_pairs.jsonl``: every fix commit changing 1-3 lines in one hunk of
exactly one non-test ``.py`` file, with the text before and after and up to 5 context lines each
side (of the parent's file). Comment/whitespace-only and docstring-only changes are dropped
(``--keep-docs`` keeps the latter); ``kind`` is "code", or "unknown" where the file does not parse
under Python 3. Pairs whose commit is a runnable bug in ``<out>`` carry ``"runnable": true``
(exclude them from training); run ``pairs`` after ``runnable``. Commits whose message starts with
revert/undo/back out are skipped in both modes (they reintroduce bugs).

Trimming for runnable bugs: ``.pyi``, locale files and the package's other tests are dropped; if
the folder is still over 300 kB, untouched top-level test classes/functions are cut from the kept
test files and modules the source and tests do not import are removed. A generated root
``conftest.py`` puts the package's directory first on sys.path (and drops an installed copy
already imported, e.g. attrs via hypothesis); a stub ``<pkg>-0.0.dist-info`` is added when the
package reads its version with importlib.metadata.

Tests run with ``--python`` (default: this interpreter; it needs pytest and pytest-timeout).
Only the standard library is used. Results depend on the mirrors' HEAD at mining time.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import hashlib
import io
import json
import keyword
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tokenize
from pathlib import Path, PurePosixPath

FIX_RE = re.compile(r"\bfix|\bbug|typo|off-by-one|wrong|incorrect|regression", re.I)
REVERT_RE = re.compile(r"\s*(revert|undo|back ?out)", re.I)  # these reintroduce the bug
GIT_GREP = "fix|bug|typo|off-by-one|wrong|incorrect|regression"
HUNK_RE = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
NOT_SOURCE = ("docs/", "doc/", "setup.py", "noxfile.py", "tasks.py", "conftest.py")
MAX_FOLDER_BYTES = 300_000
CONFTEST = """# added by mine_fixes.py: test this copy of the package, not an installed one
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / {path!r}))
for _m in [m for m in sys.modules if m == {top!r} or m.startswith({top!r} + ".")]:
    del sys.modules[_m]

"""
MAX_TOTAL_BYTES = 15_000_000


def git(gitdir: Path, *args: str, binary: bool = False):
    out = subprocess.run(["git", "--git-dir", str(gitdir), *args], capture_output=True,
                         check=True).stdout  # fmt: skip
    return out if binary else out.decode("utf-8", "replace")


def repo_name(gitdir: Path) -> tuple[str, str]:
    """(owner/name, name) from a mirror path like /work/.mirror/owner+name/repo."""
    d = gitdir.parent.name if gitdir.name in ("repo", ".git") else gitdir.name
    full = d.replace("+", "/", 1) if "+" in d else d
    return full, full.split("/")[-1].removesuffix(".git")


def is_test(path: str) -> bool:
    p = PurePosixPath(path)
    return (any(part in ("test", "tests", "testing") for part in p.parts[:-1])
            or p.name.startswith("test_") or p.name.endswith("_test.py")
            or p.name in ("tests.py", "test.py", "conftest.py"))  # fmt: skip


def fix_commits(gitdir: Path, any_message: bool = False):
    """Yield (sha, parent, subject, message, {path: (added, deleted)}) of single-parent fixes
    (with ``any_message``, of every single-parent commit not a revert)."""
    fmt = "%x01%H%x00%P%x00%B%x02"
    # every commit: Python files only (a mirror may lack some large blobs of other files)
    grep = ["--", "*.py"] if any_message else ["-i", "-E", f"--grep={GIT_GREP}"]
    log = git(gitdir, "log", "HEAD", "--no-merges", "--no-renames", f"--format={fmt}",
              "--numstat", *grep)  # fmt: skip
    for rec in log.split("\x01")[1:]:
        head, _, stats = rec.partition("\x02")
        sha, parents, msg = head.split("\x00", 2)
        fix = any_message or FIX_RE.search(msg)
        if len(parents.split()) != 1 or not fix or REVERT_RE.match(msg):
            continue
        files = {}
        for line in stats.strip().splitlines():
            a, d, path = line.split("\t", 2)
            files[path] = (int(a), int(d)) if a != "-" else (99, 99)
        subject = msg.strip().splitlines()[0] if msg.strip() else ""
        yield sha, parents.strip(), subject, msg.strip(), files


def single_source(files: dict) -> str | None:
    srcs = [f for f in files if f.endswith(".py") and not is_test(f)]
    if len(srcs) != 1 or srcs[0].startswith(NOT_SOURCE) or "/docs/" in srcs[0]:
        return None
    return srcs[0]


def hunks(gitdir: Path, parent: str, sha: str, path: str) -> list[tuple[int, int, int, int]]:
    """(old_start, old_len, new_start, new_len) of the -U0 diff of one file."""
    out = git(gitdir, "diff", "-U0", "--no-ext-diff", parent, sha, "--", path)
    res = []
    for line in out.splitlines():
        m = HUNK_RE.match(line)
        if m:
            os_, ol, ns, nl = m.groups()
            res.append(
                (int(os_), 1 if ol is None else int(ol), int(ns), 1 if nl is None else int(nl))
            )
    return res


def lines_at(gitdir: Path, rev: str, path: str) -> list[str]:
    raw = git(gitdir, "show", f"{rev}:{path}", binary=True).decode("utf-8", "replace")
    return raw.replace("\r\n", "\n").replace("\r", "\n").splitlines(keepends=True)


def strip_code(text: str) -> str:
    """The text without comments and whitespace (for spotting comment-only changes)."""
    try:
        toks = tokenize.generate_tokens(io.StringIO(text).readline)
        return "".join(t.string for t in toks if t.type not in (tokenize.COMMENT, tokenize.NL,
                       tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT))  # fmt: skip
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return re.sub(r"#.*|\s+", "", text)


def doc_lines(lines: list[str]) -> set[int] | None:
    """1-based numbers of lines that are docstrings/string statements, comments or blank."""
    try:
        tree = ast.parse("".join(lines))
    except (SyntaxError, ValueError):
        return None
    res = {i for i, x in enumerate(lines, 1) if not x.strip() or x.lstrip().startswith("#")}
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            res |= set(range(node.lineno, node.end_lineno + 1))
    return res


def change_kind(old, new, o0, ol, n0, nl) -> str:
    """'docs' if the change only touches docstrings/comments on both sides, else 'code'."""
    od, nd = doc_lines(old), doc_lines(new)
    if od is None or nd is None:
        return "unknown"
    o_span = set(range(o0 + 1, o0 + ol + 1)) or {o0}
    n_span = set(range(n0 + 1, n0 + nl + 1)) or {n0}
    return "docs" if o_span <= od and n_span <= nd else "code"


# ---------------------------------------------------------------- pairs


def mine_pairs(gitdir: Path, runnable: set[str], seen: set, keep_docs: bool) -> list[dict]:
    full, _ = repo_name(gitdir)
    out = []
    for sha, parent, subject, _msg, files in fix_commits(gitdir):
        src = single_source(files)
        if not src or not 1 <= max(files[src]) <= 3:
            continue
        try:
            hs = hunks(gitdir, parent, sha, src)
            if len(hs) != 1:
                continue
            os_, ol, ns, nl = hs[0]
            old, new = lines_at(gitdir, parent, src), lines_at(gitdir, sha, src)
        except subprocess.CalledProcessError:
            continue
        o0 = os_ - 1 if ol else os_  # index of the first changed (or following) old line
        n0 = ns - 1 if nl else ns
        before, after = "".join(old[o0 : o0 + ol]), "".join(new[n0 : n0 + nl])
        kind = change_kind(old, new, o0, ol, n0, nl)
        if strip_code(before) == strip_code(after) or (kind == "docs" and not keep_docs):
            continue
        key = (full, src, before, after)
        if key in seen:
            continue
        seen.add(key)
        rec = {"repo": full, "commit": sha, "message": subject, "file": src,
               "before": before, "after": after,
               "context_before": "".join(old[max(0, o0 - 5):o0]),
               "context_after": "".join(old[o0 + ol:o0 + ol + 5]),
               "kind": kind}  # fmt: skip
        if sha in runnable:
            rec["runnable"] = True
        out.append(rec)
    return out


# ---------------------------------------------------------------- runnable


def enclosing_function(tree: ast.AST, line: int):
    funcs = [
        n
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        and n.lineno <= line <= n.end_lineno
    ]
    return max(funcs, key=lambda n: n.lineno, default=None)


def license_name(text: str) -> str:
    for pat, name in [("Apache License", "Apache-2.0"), ("Mozilla Public License", "MPL-2.0"),
                      ("Lesser General Public", "LGPL"), ("GNU GENERAL PUBLIC", "GPL"),
                      ("Permission is hereby granted", "MIT"), ("Redistribution and use", "BSD"),
                      ("PYTHON SOFTWARE FOUNDATION", "PSF")]:  # fmt: skip
        if pat.lower() in text.lower():
            return name
    return "see LICENSE"


def select_paths(tree_files: dict, src: str, tests: list[str]) -> tuple[list[str], str]:
    """Files to keep at F, and the directory (relative) that must be on sys.path."""
    p = PurePosixPath(src)
    pkg = p
    while str(pkg.parent) != "." and f"{pkg.parent}/__init__.py" in tree_files:
        pkg = pkg.parent
    keep_pkg = str(pkg) if pkg != p else src
    pathdir = str(pkg.parent) if str(pkg.parent) != "." else ""
    keep = {f for f in tree_files if (f == keep_pkg or f.startswith(keep_pkg + "/"))
            and not is_test(f) and "/locale/" not in f}  # fmt: skip
    for t in tests:
        keep.add(t)
        d = PurePosixPath(t).parent
        for f in tree_files:  # helpers and data in the test's own directory
            fp = PurePosixPath(f)
            if (
                fp.parent == d
                and not fp.name.startswith("test_")
                and not fp.name.endswith("_test.py")
                and (fp.suffix == ".py" or tree_files[f] < 20_000)
            ):
                keep.add(f)
        while str(d) != ".":
            for h in ("__init__.py", "conftest.py"):
                if f"{d}/{h}" in tree_files:
                    keep.add(f"{d}/{h}")
            d = d.parent
    keep |= {f for f in tree_files if "/" not in f and re.match(r"(LICEN[CS]E|COPYING)", f, re.I)}
    keep |= {"conftest.py"} & set(tree_files)
    return sorted(keep), pathdir


def trim_tests(root: Path, gitdir: Path, parent: str, sha: str, tests: list[str]) -> None:
    """Drop top-level test classes/functions the commit did not touch (for oversized folders)."""
    for t in tests:
        try:
            changed = set()
            for _os, _ol, ns, nl in hunks(gitdir, parent, sha, t):
                changed |= set(range(ns, ns + max(nl, 1)))
            path = root / t
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            tree = ast.parse("".join(lines))
        except (subprocess.CalledProcessError, SyntaxError, UnicodeDecodeError):
            continue
        drop = set()
        for node in tree.body:
            name = node.name.lower() if isinstance(node, (ast.ClassDef, ast.FunctionDef)) else ""
            if name.startswith("test") or (isinstance(node, ast.ClassDef) and "test" in name):
                span = set(range(node.lineno, node.end_lineno + 1))
                span |= {d.lineno for d in node.decorator_list}
                if not span & changed:
                    drop |= span | set(range(min(span), max(span) + 1))
        if drop:
            path.write_text("".join(x for i, x in enumerate(lines, 1) if i not in drop),
                            encoding="utf-8")  # fmt: skip


def prune_modules(base: Path, pkg: Path, start: list[Path]) -> None:
    """Delete the package's modules that ``start`` files do not import (transitively)."""

    def find(mod: str) -> list[Path]:
        p = base.joinpath(*mod.split("."))
        return [q for q in (p.with_suffix(".py"), p / "__init__.py") if q.is_file()]

    todo, done = list(start), set()
    while todo:
        f = todo.pop()
        if f in done:
            continue
        done.add(f)
        try:
            tree = ast.parse(f.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        here = ".".join(f.relative_to(base).with_suffix("").parts) if f.is_relative_to(base) else ""
        names = []
        for n in ast.walk(tree):
            if isinstance(n, ast.Import):
                names += [a.name for a in n.names]
            elif isinstance(n, ast.ImportFrom):
                parts = here.split(".")[: len(here.split(".")) - n.level] if n.level else []
                mod = ".".join([*parts, *([n.module] if n.module else [])])
                names += [mod] + [f"{mod}.{a.name}" for a in n.names]
        for name in names:
            bits = name.split(".")
            for i in range(1, len(bits) + 1):  # parent packages' __init__ too
                todo += find(".".join(bits[:i]))
    for f in pkg.rglob("*.py"):
        if f not in done:
            f.unlink()


def run_tests(python: str, root: Path, timeout: int = 60) -> tuple[int, float]:
    t = time.time()
    cmd = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--timeout=5",
           "--rootdir", str(root)]  # fmt: skip
    try:
        rc = subprocess.run(cmd, cwd=root, capture_output=True, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        rc = -1
    return rc, time.time() - t


def make_edit(old: list[str], new: list[str], hs: list, path: str) -> dict | None:
    """One edit spanning all hunks, grown with context until ``fixed`` is unique in the file."""
    first, last = hs[0], hs[-1]
    n_a = first[2] - 1 if first[3] else first[2]
    n_b = last[2] - 1 + last[3] if last[3] else last[2]
    o_a = first[0] - 1 if first[1] else first[0]
    o_b = last[0] - 1 + last[1] if last[1] else last[0]
    text = "".join(new)
    for k in range(0, 8):
        a, b = max(0, n_a - k), min(len(new), n_b + k)
        fixed = "".join(new[a:b])
        buggy = "".join(new[a:n_a]) + "".join(old[o_a:o_b]) + "".join(new[n_b:b])
        if fixed.strip() and text.count(fixed) == 1:
            if fixed.endswith("\n") and buggy.endswith("\n"):
                fixed, buggy = fixed[:-1], buggy[:-1]
            return {"file": path, "fixed": fixed, "buggy": buggy}
    return None


def try_runnable(gitdir, sha, parent, subject, files, src, out: Path, python: str) -> str:
    full, name = repo_name(gitdir)
    tests = [f for f in files if is_test(f) and f.endswith(".py") and files[f] != (0, 0)]
    tree_files = {}  # path -> size
    for line in git(gitdir, "ls-tree", "-r", "-l", sha).splitlines():
        meta, _, path = line.partition("\t")
        tree_files[path] = int(meta.split()[3]) if meta.split()[3].isdigit() else 0
    tests = [t for t in tests if t in tree_files and re.match(r"(test_.*|.*_test)\.py$",
             PurePosixPath(t).name)]  # fmt: skip
    if not tests:
        return "no runnable test file"
    hs = hunks(gitdir, parent, sha, src)
    old, new = lines_at(gitdir, parent, src), lines_at(gitdir, sha, src)
    try:
        tree = ast.parse("".join(old))
    except SyntaxError:
        return "parent source does not parse"
    funcs = {enclosing_function(tree, max(h[0], 1)) for h in hs}
    funcs |= {enclosing_function(tree, h[0] + max(h[1], 1) - 1) for h in hs}
    if len(funcs) != 1 or None in funcs:
        return "not within one function"
    edit = make_edit(old, new, hs, src)
    if edit is None:
        return "no unique edit"
    keep, pathdir = select_paths(tree_files, src, tests)
    folder = out / f"{name}-{sha[:7]}"
    with tempfile.TemporaryDirectory() as d:
        root = Path(d) / "project"
        root.mkdir()
        arch = git(gitdir, "archive", "--format=tar", sha, "--", *keep, binary=True)
        with tarfile.open(fileobj=io.BytesIO(arch)) as tf:
            tf.extractall(root, filter="data")
        top = PurePosixPath(src).relative_to(pathdir).parts[0] if pathdir else src
        top = top.removesuffix(".py")
        conf = root / "conftest.py"
        old_conf = conf.read_text() if conf.exists() else ""
        conf.write_text(CONFTEST.format(top=top, path=pathdir) + old_conf)
        init = root / pathdir / top / "__init__.py"
        if init.is_file() and "metadata" in init.read_text(errors="replace"):
            dist = root / pathdir / f"{top}-0.0.dist-info"  # for importlib.metadata.version()
            dist.mkdir()
            (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {top}\nVersion: 0.0\n")
        for f in [*root.rglob("*.pyi"), *root.rglob("py.typed")]:
            f.unlink()
        size = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
        if size > MAX_FOLDER_BYTES:
            trim_tests(root, gitdir, parent, sha, tests)
            base = root / pathdir
            rel = PurePosixPath(src).relative_to(pathdir) if pathdir else PurePosixPath(src)
            pkg = base / rel.parts[0]
            if pkg.is_dir():
                prune_modules(base, pkg, [root / src, *(root / t for t in tests)])
            size = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
        if size > MAX_FOLDER_BYTES:
            return f"too big ({size} bytes)"
        rc, secs = run_tests(python, root)
        if rc != 0 or secs > 30:
            return f"tests do not pass at F (rc {rc}, {secs:.0f} s)"
        target = root / src
        txt = target.read_text(encoding="utf-8")
        target.write_text(txt.replace(edit["fixed"], edit["buggy"]), encoding="utf-8")
        rc, secs = run_tests(python, root)
        target.write_text(txt, encoding="utf-8")
        if rc != 1:
            return f"buggy version not detected (rc {rc})"
        lic = next((f for f in root.iterdir() if re.match(r"(LICEN[CS]E|COPYING)", f.name, re.I)),
                   None)  # fmt: skip
        lic = license_name(lic.read_text(errors="replace")) if lic else "unknown"
        if folder.exists():
            shutil.rmtree(folder)
        junk = shutil.ignore_patterns("__pycache__", ".hypothesis", ".pytest_cache")
        shutil.copytree(root, folder / "project", ignore=junk)
    bid = folder.name
    meta = {"project": bid, "source": "mined", "origin": f"https://github.com/{full} commit {sha}",
            "license": lic,
            "message": subject,
            "bugs": [{"id": bid, "description": subject, "category": "mined",
                      "lines_changed": max(files[src]), "edits": [edit]}]}  # fmt: skip
    (folder / "bugs.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return "KEPT"


def mine_runnable(gitdir: Path, out: Path, python: str, per_repo: int) -> int:
    kept = 0
    for sha, parent, subject, _msg, files in fix_commits(gitdir):
        src = single_source(files)
        if not src or not 1 <= max(files[src]) <= 6:
            continue
        if not any(is_test(f) and f.endswith(".py") for f in files):
            continue
        total = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
        if total > MAX_TOTAL_BYTES:
            print("size budget reached")
            return kept
        try:
            why = try_runnable(gitdir, sha, parent, subject, files, src, out, python)
        except (subprocess.CalledProcessError, OSError, ValueError, tarfile.TarError) as exc:
            why = f"error {type(exc).__name__}"
        print(f"{repo_name(gitdir)[1]} {sha[:7]} {subject[:60]!r}: {why}", flush=True)
        kept += why == "KEPT"
        if kept >= per_repo:
            break
    return kept


# ---------------------------------------------------------------- doctests

DOCTEST_FILE = '''"""Examples from {module}.py's docstrings at the fix commit, run as tests.

Generated by benchmarks/tools/mine_fixes.py (doctests mode): the examples are frozen here, so an
edit of the module's docstrings changes no test.
"""

import doctest

import {module} as _m

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _run(name: str, text: str) -> None:
    test = doctest.DocTestParser().get_doctest(text, dict(vars(_m)), name, _m.__file__, 0)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report: list[str] = []
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
'''


def docstring_examples(text: str) -> dict[str, str] | None:
    """{qualified name: docstring} of the module, classes and functions holding examples."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    found: dict[str, str] = {}
    doc = ast.get_docstring(tree, clean=False)
    if doc and ">>>" in doc:
        found["module"] = doc

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                doc = ast.get_docstring(child, clean=False)
                if doc and ">>>" in doc:
                    found[name] = doc
                visit(child, name + ".")

    visit(tree, "")
    return found


def doctest_file(module: str, examples: dict[str, str]) -> str:
    out = [DOCTEST_FILE.format(module=module), "\nEXAMPLES = {"]
    out += [f"    {name!r}: {text!r}," for name, text in examples.items()]
    out.append("}\n")
    for i, name in enumerate(examples):
        safe = re.sub(r"\W", "_", name).strip("_").lower()
        out.append(f"\ndef test_{safe}_{i}() -> None:\n    _run({name!r}, EXAMPLES[{name!r}])\n")
    return "\n".join(out)


def _split_docs(h: tuple, od: set[int], nd: set[int]) -> list[tuple]:
    """A hunk that starts or ends with docstring lines on both sides (an example written or
    rewritten next to the fixed line, which git merges into the fix's hunk), cut into those
    docstring parts and the rest. ``-U0`` numbering: an insertion's old start is the line it
    follows, a deletion's new start likewise."""
    os_, ol, ns, nl = h
    oa, na = (os_ if ol else os_ + 1), (ns if nl else ns + 1)  # first line of each side
    ob, nb = oa + ol, na + nl

    def doc_run(a: int, b: int, docs: set[int], step: int) -> int:
        n, i = 0, (a if step > 0 else b - 1)
        while a <= i < b and i in docs:
            n, i = n + 1, i + step
        return n

    ko, kn = doc_run(oa, ob, od, 1), doc_run(na, nb, nd, 1)
    jo, jn = doc_run(oa + ko, ob, od, -1), doc_run(na + kn, nb, nd, -1)
    cuts = [
        (oa, oa + ko, na, na + kn),
        (oa + ko, ob - jo, na + kn, nb - jn),
        (ob - jo, ob, nb - jn, nb),
    ]
    parts = [
        (o1 if o2 > o1 else o1 - 1, o2 - o1, n1 if n2 > n1 else n1 - 1, n2 - n1)
        for o1, o2, n1, n2 in cuts
        if o2 > o1 or n2 > n1
    ]
    return parts or [h]


def code_lines(h: tuple, od: set[int], nd: set[int]) -> int:
    """How many lines of code (not docstring, comment or blank) hunk ``h`` changes."""
    old_code = sum(1 for i in range(h[0], h[0] + h[1]) if i not in od)
    new_code = sum(1 for i in range(h[2], h[2] + h[3]) if i not in nd)
    return max(old_code, new_code)


def code_hunks(gitdir, parent, sha, src, old, new) -> list[list] | str:
    """The diff's hunks that change code (not only docstrings, comments, blank lines), in runs
    that no docstring-only hunk separates; a docstring written beside the fixed line is cut
    from the fix's hunk first (``_split_docs``)."""
    od, nd = doc_lines(old), doc_lines(new)
    if od is None or nd is None:
        return "does not parse"
    every = [part for h in hunks(gitdir, parent, sha, src) for part in _split_docs(h, od, nd)]
    code = [h for h in every if code_lines(h, od, nd)]
    if not code:
        return "docstring-only change"
    runs: list[list] = []
    for h in every:
        if h in code:
            if runs and runs[-1][-1] is not None:
                runs[-1].append(h)
            else:
                runs.append([h])
        elif runs:
            runs[-1].append(None)
    return [[h for h in run if h is not None] for run in runs]


def try_doctests(gitdir, sha, parent, subject, src, out: Path, python: str) -> str:
    """A bug from a one-file fix whose file holds doctests: the examples at F become the tests,
    and only the commit's code hunks are reverted (an example the commit added stays)."""
    full, name = repo_name(gitdir)
    module = PurePosixPath(src).stem
    if not module.isidentifier() or keyword.iskeyword(module) or module in sys.stdlib_module_names:
        return "module name not importable on its own"
    old, new = lines_at(gitdir, parent, src), lines_at(gitdir, sha, src)
    code = code_hunks(gitdir, parent, sha, src, old, new)
    if isinstance(code, str):
        return code
    flat = [h for run in code for h in run]
    n_code = sum(code_lines(h, doc_lines(old), doc_lines(new)) for h in flat)
    if not 1 <= n_code <= 6:
        return f"{n_code} code lines changed"
    trees = ast.parse("".join(old)), ast.parse("".join(new))
    funcs = set()  # the function each side's changed lines are in, by name
    for h in flat:
        for tree, first, n in ((trees[0], h[0], h[1]), (trees[1], h[2], h[3])):
            for line in (first, first + n - 1) if n else ():
                fn = enclosing_function(tree, line)
                funcs.add(fn.name if fn is not None else None)
    if len(funcs) != 1 or None in funcs:
        return "not within one function"
    defs = (ast.FunctionDef, ast.AsyncFunctionDef)
    if not funcs & {n.name for n in ast.walk(trees[0]) if isinstance(n, defs)}:
        return "a function the commit adds"
    examples = docstring_examples("".join(new))
    if not examples:
        return "no examples at F"
    edits = [make_edit(old, new, run, f"{module}.py") for run in code]
    if None in edits:
        return "no unique edit"
    folder = out / f"{name}-{sha[:7]}"
    with tempfile.TemporaryDirectory() as d:
        root = Path(d) / "project"
        root.mkdir()
        text = "".join(new)
        target = root / f"{module}.py"
        target.write_text(text, encoding="utf-8")
        (root / f"test_{module}.py").write_text(doctest_file(module, examples), encoding="utf-8")
        (root / "conftest.py").write_text(CONFTEST.format(top=module, path=""), encoding="utf-8")
        lic = "unknown"
        top_files = git(gitdir, "ls-tree", "--name-only", sha).splitlines()
        lic_file = next((f for f in top_files if re.match(r"(LICEN[CS]E|COPYING)", f, re.I)), None)
        if lic_file:
            body = git(gitdir, "show", f"{sha}:{lic_file}")
            (root / lic_file).write_text(body, encoding="utf-8")
            lic = license_name(body)
        rc, secs = run_tests(python, root)
        if rc != 0 or secs > 30:
            return f"tests do not pass at F (rc {rc}, {secs:.0f} s)"
        buggy = text
        for edit in edits:
            if buggy.count(edit["fixed"]) != 1:
                return "the code hunks' edits overlap"
            buggy = buggy.replace(edit["fixed"], edit["buggy"])
        target.write_text(buggy, encoding="utf-8")
        rc, secs = run_tests(python, root)
        target.write_text(text, encoding="utf-8")
        if rc != 1:
            return f"buggy version not detected (rc {rc})"
        if folder.exists():
            shutil.rmtree(folder)
        junk = shutil.ignore_patterns("__pycache__", ".hypothesis", ".pytest_cache")
        shutil.copytree(root, folder / "project", ignore=junk)
    bid = folder.name
    meta = {"project": bid, "source": "mined", "origin": f"https://github.com/{full} commit {sha}",
            "license": lic, "message": subject, "tests": "the fixed file's doctests",
            "bugs": [{"id": bid, "description": subject, "category": "mined",
                      "lines_changed": n_code, "edits": edits}]}  # fmt: skip
    (folder / "bugs.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return "KEPT"


def mine_doctests(gitdir: Path, out: Path, python: str, per_repo: int, any_message: bool) -> int:
    kept = 0
    for sha, parent, subject, _msg, files in fix_commits(gitdir, any_message):
        pys = [f for f in files if f.endswith(".py")]
        if len(pys) != 1 or single_source(files) != pys[0]:
            continue
        try:
            why = try_doctests(gitdir, sha, parent, subject, pys[0], out, python)
        except (subprocess.CalledProcessError, OSError, ValueError, SyntaxError) as exc:
            why = f"error {type(exc).__name__}"
        print(f"{repo_name(gitdir)[1]} {sha[:7]} {subject[:60]!r}: {why}", flush=True)
        kept += why == "KEPT"
        if kept >= per_repo:
            break
    return kept


MAX_WINDOW_LINES = 400  # a function longer than this is left out of the windows
MAX_IMPORT_LINES = 60
WINDOWS_PER_REPO = 100  # a repository's pairs kept, by a hash of commit and file (sympy has 1,400)


def _chunk(tree: ast.Module, first: int, last: int) -> tuple[int, int, range] | None:
    """The lines (1-based, inclusive) of the top-level function, or of the method of a
    top-level class, that holds lines ``first``..``last``, and the class header's lines
    (``range(first, last + 1)``; empty for a function); None when they are not in one."""

    def holds(n: ast.AST) -> bool:
        return _first_line(n) < first and last <= n.end_lineno

    for top in tree.body:
        if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)) and holds(top):
            return _first_line(top), top.end_lineno, range(0)
        if isinstance(top, ast.ClassDef) and holds(top):
            for item in top.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and holds(item):
                    header = range(_first_line(top), _first_line(top.body[0]))
                    return _first_line(item), item.end_lineno, header
            return None
    return None


def _first_line(n: ast.AST) -> int:
    """The first line of a statement, its decorators included."""
    return min([n.lineno] + [d.lineno for d in getattr(n, "decorator_list", [])])


def fix_window(text: str, rec: dict) -> dict | None:
    """The part of the parent file a fix pair needs to be replayed: the module's one-line
    imports, then the function (or the method with its class's header) holding the fix."""
    needle = rec["context_before"] + rec["before"] + rec["context_after"]
    if text.count(needle) != 1:
        return None
    at = text.index(needle) + len(rec["context_before"])
    first = text[:at].count("\n") + 1  # 1-based line where ``before`` starts
    n = rec["before"].count("\n")
    last = first + n - 1 if n else first
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    got = _chunk(tree, first - (0 if n else 1), last)
    if got is None:
        return None
    start, end, header = got
    if end - start > MAX_WINDOW_LINES:
        return None
    lines = text.splitlines(keepends=True)
    imports = [
        "".join(lines[s.lineno - 1 : s.end_lineno])
        for s in tree.body
        if isinstance(s, (ast.Import, ast.ImportFrom)) and s.lineno == s.end_lineno
    ][:MAX_IMPORT_LINES]
    head = "".join(imports) + "\n\n" + "".join(lines[n - 1] for n in header)
    chunk = "".join(lines[start - 1 : end])
    offset = sum(len(ln) for ln in lines[: start - 1])
    window = head + chunk
    where = len(head) + at - offset
    if window[where : where + len(rec["before"])] != rec["before"]:
        return None
    try:
        ast.parse(window)
    except SyntaxError:
        return None
    keep = ("repo", "commit", "file", "message", "before", "after")
    return {**{k: rec[k] for k in keep if k in rec}, "window": window, "where": where}


def write_windows(out: Path, gitdirs: list[Path]) -> int:
    """``fix_windows.jsonl.gz`` from ``fix_pairs.jsonl``: each code pair of a mirrored
    repository (not a runnable bug's) whose fix lies inside a function, with its window."""
    by_repo = {repo_name(g)[0]: g for g in gitdirs}
    kept = seen = 0
    with open(out / "fix_pairs.jsonl", encoding="utf-8") as src:
        recs = [json.loads(line) for line in src]
    recs.sort(key=lambda r: hashlib.sha256(f"{r['commit']}:{r['file']}".encode()).hexdigest())
    per_repo: dict[str, int] = {}
    with gzip.open(out / "fix_windows.jsonl.gz", "wt", encoding="utf-8") as fh:
        for rec in recs:
            gitdir = by_repo.get(rec["repo"])
            if rec.get("kind") != "code" or rec.get("runnable") or gitdir is None:
                continue
            if per_repo.get(rec["repo"], 0) >= WINDOWS_PER_REPO:
                continue
            seen += 1
            try:
                text = git(gitdir, "show", f"{rec['commit']}^:{rec['file']}", binary=True)
                win = fix_window(text.decode("utf-8"), rec)
            except (subprocess.CalledProcessError, UnicodeDecodeError):
                win = None
            if win is not None:
                fh.write(json.dumps(win) + "\n")
                kept += 1
                per_repo[rec["repo"]] = per_repo.get(rec["repo"], 0) + 1
    print(f"{kept} of {seen} code pairs looked at have their fix inside a function "
          f"({len(per_repo)} repositories, at most {WINDOWS_PER_REPO} each): fix_windows.jsonl.gz")  # fmt: skip
    return kept


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("mode", choices=["runnable", "doctests", "pairs", "windows"])
    p.add_argument("gitdirs", nargs="+", type=Path)
    p.add_argument("--out", type=Path,
                   default=Path(__file__).resolve().parents[1] / "bugs" / "mined")  # fmt: skip
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--per-repo", type=int, default=12, help="most runnable bugs per repository")
    p.add_argument("--any-message", action="store_true",
                   help="doctests: every commit, not only those whose message says fix")  # fmt: skip
    p.add_argument("--keep-docs", action="store_true", help="keep docstring/comment-only pairs")
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.mode == "runnable":
        n = sum(mine_runnable(g, args.out, args.python, args.per_repo) for g in args.gitdirs)
        print(f"kept {n} runnable bugs")
        return 0
    if args.mode == "doctests":
        n = sum(mine_doctests(g, args.out, args.python, args.per_repo, args.any_message)
                for g in args.gitdirs)  # fmt: skip
        print(f"kept {n} runnable bugs (doctests)")
        return 0
    if args.mode == "windows":
        return 0 if write_windows(args.out, args.gitdirs) else 1
    runnable = set()
    for meta in args.out.glob("*/bugs.json"):
        runnable.add(json.loads(meta.read_text())["origin"].split()[-1])
    seen: set = set()
    with open(args.out / "fix_pairs.jsonl", "w", encoding="utf-8") as fh:
        total = 0
        for g in args.gitdirs:
            recs = mine_pairs(g, runnable, seen, args.keep_docs)
            for r in recs:
                fh.write(json.dumps(r) + "\n")
            total += len(recs)
            print(f"{repo_name(g)[0]}: {len(recs)} pairs", flush=True)
    print(f"wrote {total} fix pairs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
