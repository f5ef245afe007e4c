"""The warm worker's pytest side: one configured session, re-run cheaply in forked children.

Copied next to the sandbox copy as ``sea_sandbox_warm`` (imports only the standard library
and pytest). The worker builds ``WarmSession`` once: pytest configured, plugins registered,
the tests collected while an ``ImportGraph`` records which workspace modules import which,
and every workspace module compiled once (plain modules and pytest's assertion-rewritten
test modules alike; code objects are kept in memory keyed by the source bytes, so a child
re-imports an unchanged module without parsing it again). A child writes the candidate's
files, forgets the modules the change makes stale and calls ``WarmSession.run``: only the
stale test modules are collected again (the others keep the items collected once), or
everything when the graph cannot tell (new, deleted or non-Python files, doctests).
``snapshot``/``restore`` keep the copy equal to its pristine twin between candidates.
"""

from __future__ import annotations

import builtins
import io
import linecache
import os
import re
import shutil
import sys
import time
import tokenize
import types
from collections import defaultdict
from importlib import machinery, util

_code_cache: dict[tuple[str, bytes], object] = {}
_rewrite_cache: dict[tuple[str, bytes], tuple[bytes, object]] = {}


# ---- compiled code, once per source text ------------------------------------------------------
def cache_compiled_code(ws: str) -> None:
    """Memoise compiling workspace sources (plain and assertion-rewritten) in this process.

    The sandbox sets PYTHONDONTWRITEBYTECODE, so without this every child parses and
    compiles (and for test modules, rewrites) every module it re-imports. Keys hold the
    source bytes, so a candidate's changed file is always compiled afresh.
    """
    from _pytest.assertion import rewrite

    prefix = ws + os.sep
    loader = machinery.SourceFileLoader
    compile_source = loader.source_to_code
    rewrite_test = rewrite._rewrite_test

    def source_to_code(self, data, path, *, _optimize=-1):
        if not (isinstance(path, str) and path.startswith(prefix) and isinstance(data, bytes)):
            return compile_source(self, data, path, _optimize=_optimize)
        key = (path, data)
        code = _code_cache.get(key)
        if code is None:
            code = _code_cache[key] = compile_source(self, data, path, _optimize=_optimize)
        return code

    def cached_rewrite_test(fn, config):
        key = (str(fn), fn.read_bytes())
        hit = _rewrite_cache.get(key)
        if hit is None:
            hit = _rewrite_cache[key] = rewrite_test(fn, config)
        return hit

    loader.source_to_code = source_to_code
    rewrite._rewrite_test = cached_rewrite_test


def warm_failure_reports() -> None:
    """Compile the regular expressions that failure reports need (tokenize, inspect) once."""
    list(tokenize.generate_tokens(io.StringIO("def f(x):\n    return x\n").readline))


def forget_sources(ws: str, rels) -> None:
    """Drop cached lines of the files a candidate rewrote (failure reports quote them)."""
    for rel in rels:
        linecache.cache.pop(os.path.join(ws, rel), None)


# ---- workspace modules ---------------------------------------------------------------------------
def workspace_modules(ws: str) -> list[str]:
    """Names of imported modules whose file (or package path) lies in the workspace copy."""
    prefix = ws + os.sep
    names = []
    for name, mod in list(sys.modules.items()):
        files = [getattr(mod, "__file__", None) or ""]
        files += list(getattr(mod, "__path__", None) or [])
        if any(isinstance(f, str) and os.path.abspath(f).startswith(prefix) for f in files):
            names.append(name)
    return names


def forget_modules(names) -> None:
    """Drop ``names`` from ``sys.modules`` and from their packages' attributes, so that
    ``from pkg import mod`` imports ``pkg.mod`` afresh instead of returning the old one."""
    for name in names:
        module = sys.modules.pop(name, None)
        package, _, attr = name.rpartition(".")
        parent = sys.modules.get(package) if package else None
        if module is not None and parent is not None and vars(parent).get(attr) is module:
            delattr(parent, attr)


# ---- who imports whom ------------------------------------------------------------------------------
class ImportGraph:
    """Which workspace modules depend on which, so a child re-imports only what went stale.

    Module A depends on B when A ran an import statement naming B while the worker
    collected (recorded through ``builtins.__import__``), when A's globals hold B or an
    object defined in B, when A's source mentions B's last name as a word (catches
    ``importlib.import_module("pkg.b")``), or when B is A's package. A changed module makes
    stale everything linked to it either way (but a submodule does not drag in its
    package): its dependents hold its old objects, and its dependencies may hold state its
    import changed (a registry it registered into), so a fresh run would see them fresh too.
    """

    def __init__(self, ws: str) -> None:
        self.ws = ws
        self.edges: dict[str, set[str]] = defaultdict(set)
        self.files: dict[str, set[str]] = {}  # real path -> module names
        self.linked: dict[str, set[str]] = defaultdict(set)  # dependents and dependencies
        self.built = False
        self._real_import = builtins.__import__

    def __enter__(self) -> ImportGraph:
        real, edges = self._real_import, self.edges

        def recording_import(name, globals=None, locals=None, fromlist=(), level=0):
            module = real(name, globals, locals, fromlist, level)
            importer = globals.get("__name__") if isinstance(globals, dict) else None
            if isinstance(importer, str):
                target = name
                if level:
                    package = globals.get("__package__") or importer.rpartition(".")[0]
                    try:
                        target = util.resolve_name("." * level + name, package)
                    except (ImportError, ValueError):
                        target = name
                edges[importer].add(target.rstrip("."))
                for item in fromlist or ():
                    edges[importer].add(f"{target.rstrip('.')}.{item}")
            return module

        builtins.__import__ = recording_import
        return self

    def __exit__(self, *exc) -> None:
        builtins.__import__ = self._real_import

    def build(self, names: list[str]) -> None:
        """Link the modules ``names`` by what was recorded; ``stale`` works once this did."""
        known = set(names)
        deps: dict[str, set[str]] = {n: set(self.edges.get(n, ())) & known for n in names}
        mentions: dict[str, set[str]] = defaultdict(set)
        for name in names:
            mod = sys.modules.get(name)
            path = getattr(mod, "__file__", None)
            if isinstance(path, str):
                self.files.setdefault(os.path.realpath(path), set()).add(name)
                try:
                    with open(path, encoding="utf-8", errors="replace") as f:
                        for word in set(re.findall(r"[A-Za-z_]\w*", f.read())):
                            mentions[word].add(name)
                except OSError:
                    pass
            package = name.rpartition(".")[0]
            if package in known:
                deps[name].add(package)
            for value in list(vars(mod).values()) if mod is not None else ():
                ref = _defined_in(value)
                if ref not in known or ref == name:
                    continue
                if isinstance(value, types.ModuleType) and ref.rpartition(".")[0] == name:
                    continue  # a package's submodule attribute: re-bound when it is re-imported
                deps[name].add(ref)
        for name in names:
            for other in mentions.get(name.rpartition(".")[2], ()):
                if other != name:
                    deps[other].add(name)
        self.built = True
        for name, targets in deps.items():
            for target in targets:
                self.linked[target].add(name)
                if target != name.rpartition(".")[0]:  # a package need not follow its submodule
                    self.linked[name].add(target)

    def stale(self, changed, pristine: str) -> set[str] | None:
        """Modules to re-import after ``changed`` files (workspace-relative) were written, or
        None when only re-importing everything is safe (a new, deleted or non-Python file)."""
        if not self.built:
            return None
        todo = []
        for rel in changed:
            if not rel.endswith(".py") or not os.path.isfile(os.path.join(pristine, rel)):
                return None
            if not os.path.isfile(os.path.join(self.ws, rel)):
                return None
            todo.extend(self.files.get(os.path.realpath(os.path.join(self.ws, rel)), ()))
        out = set(todo)
        while todo:
            for other in self.linked.get(todo.pop(), ()):
                if other not in out:
                    out.add(other)
                    todo.append(other)
        return out


def _defined_in(value) -> str | None:
    """The module a global refers to: itself if a module, else where it was defined."""
    if isinstance(value, types.ModuleType):
        return value.__name__
    try:
        ref = getattr(value, "__module__", None)
    except Exception:  # noqa: BLE001 - odd objects may raise on any attribute
        return None
    return ref if isinstance(ref, str) else None


# ---- the session -------------------------------------------------------------------------------------
class WarmSession:
    """A configured pytest session (collected once) that forked children re-collect and run."""

    def __init__(self, ws: str, test_ids: list[str]) -> None:
        import pytest
        from _pytest.config import _prepareconfig
        from _pytest.main import Session

        args = ["--capture=sys", "-p", "no:terminal", "-p", "no:cacheprovider"]
        self.config = _prepareconfig([*args, "-p", "sea_pytest_report", "--rootdir", ws, *test_ids])
        self.config._do_configure()
        self.session = Session.from_config(self.config)
        self.config.hook.pytest_sessionstart(session=self.session)
        self.graph = ImportGraph(ws)
        with self.graph:
            self.config.hook.pytest_collection(session=self.session)
        self.items = list(self.session.items)
        self._module_type = pytest.Module
        self.module_names: dict[object, str] = {}  # test module node -> module name
        self.partial = True  # every item lives in a plain, imported test module
        for item in self.items:
            node = item.getparent(self._module_type)
            module = getattr(node, "_obj", None)
            if type(node) is not self._module_type or not isinstance(module, types.ModuleType):
                self.partial = False  # doctests, plugin-made items: collect everything again
            elif node not in self.module_names:
                self.module_names[node] = module.__name__
        self.conftest_bound = self._conftest_binds_workspace(ws)
        self.conftests = {  # conftest plugins stay registered, so their modules stay imported
            getattr(p, "__name__", "")
            for p in self.config.pluginmanager.get_plugins()
            if os.path.basename(getattr(p, "__file__", None) or "") == "conftest.py"
        }

    def _conftest_binds_workspace(self, ws: str) -> bool:
        """Does a conftest hold objects from workspace modules (stale after a re-import)?"""
        prefix = ws + os.sep
        for plugin in self.config.pluginmanager.get_plugins():
            if os.path.basename(getattr(plugin, "__file__", None) or "") != "conftest.py":
                continue
            for value in vars(plugin).values():
                name = value.__name__ if isinstance(value, type(os)) else None
                name = name or getattr(value, "__module__", None)
                mod = sys.modules.get(name or "")
                f = getattr(mod, "__file__", None) or ""
                if f.startswith(prefix) and os.path.basename(f) != "conftest.py":
                    return True
        return False

    def _collect_again(self, stale: set[str]) -> None:
        """Session items again: fresh ones for stale test modules, the parent's for the rest."""
        session, hook = self.session, self.config.hook
        items, done = [], set()
        for item in self.items:
            node = item.getparent(self._module_type)
            if self.module_names.get(node) not in stale:
                items.append(item)
            elif node not in done:
                done.add(node)
                fresh = type(node).from_parent(node.parent, path=node.path)
                items.extend(session.genitems(fresh))
        try:
            hook.pytest_collection_modifyitems(session=session, config=self.config, items=items)
        finally:
            hook.pytest_collection_finish(session=session)
        session.items = items
        session.testscollected = len(items)

    def run(self, max_failures: int, stale: set[str] | None = None) -> int:
        """Collect (all again, or only ``stale`` test modules) and run the tests, stopping
        after ``max_failures`` failures (0 = never)."""
        import sea_pytest_report

        session, config = self.session, self.config
        session.testsfailed = session.testscollected = 0
        session.shouldfail = session.shouldstop = False
        config.option.maxfail = max_failures
        code = 0
        t0 = t1 = time.process_time()
        try:
            if stale is None:
                config.hook.pytest_collection(session=session)
            else:
                self._collect_again(stale)
            t1 = time.process_time()
            config.hook.pytest_runtestloop(session=session)
            code = 1 if session.testsfailed else (5 if not session.testscollected else 0)
        except (session.Interrupted, session.Failed):
            code = 1 if session.testsfailed else 2
        finally:
            t2 = time.process_time()
            config.hook.pytest_sessionfinish(session=session, exitstatus=code)
        t3 = time.process_time()
        sea_pytest_report.emit_timing(setup=t0, collect=t1 - t0, run=t2 - t1, finish=t3 - t2)
        return code


# ---- the pristine copy ---------------------------------------------------------------------------
def snapshot(root: str) -> dict[str, tuple]:
    """Identity of every entry under ``root``: enough to notice any write, create or delete."""
    out: dict[str, tuple] = {}
    todo = [""]
    while todo:
        rel_dir = todo.pop()
        with os.scandir(os.path.join(root, rel_dir)) as it:
            for entry in it:
                rel = os.path.join(rel_dir, entry.name) if rel_dir else entry.name
                st = entry.stat(follow_symlinks=False)
                out[rel] = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino)
                if entry.is_dir(follow_symlinks=False):
                    todo.append(rel)
    return out


def restore(root: str, pristine: str, snap: dict[str, tuple]) -> int:
    """Make ``root`` equal to ``pristine`` again where it differs from ``snap``; count fixes."""
    now = snapshot(root)
    if now == snap:
        return 0
    fixed = 0
    for rel in sorted(set(now) - set(snap), key=len):
        full = os.path.join(root, rel)
        if os.path.isdir(full) and not os.path.islink(full):
            shutil.rmtree(full, ignore_errors=True)
        elif os.path.lexists(full):
            os.unlink(full)
        fixed += 1
    for rel in sorted(snap, key=len):
        if now.get(rel) == snap[rel]:
            continue
        src, dst = os.path.join(pristine, rel), os.path.join(root, rel)
        if os.path.isdir(src) and not os.path.islink(src):
            os.makedirs(dst, exist_ok=True)
        else:
            if os.path.lexists(dst) or os.path.isdir(dst):
                if os.path.isdir(dst) and not os.path.islink(dst):
                    shutil.rmtree(dst, ignore_errors=True)
                else:
                    os.unlink(dst)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst, follow_symlinks=False)
        st = os.lstat(dst)
        snap[rel] = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino)
        fixed += 1
    return fixed
