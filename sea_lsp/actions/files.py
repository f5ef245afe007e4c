"""Create a module or package (``files.create``): named in the task, or imported but missing.

A module inside a directory that is not yet a package gets that package's ``__init__.py``
too, so the new module imports the way its path says.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from collections.abc import Iterable

from sea_lsp.actions import focus, pytree
from sea_lsp.actions.base import ActionContext, Candidate, NodeRef, WorkspaceView
from sea_lsp.actions.pytree import text_of
from sea_lsp.workspace.changes import Change, FileOp

_TASK = re.compile(
    r"\b(?:create|add|make|new)\s+(?:a\s+|an\s+|the\s+)?(?:new\s+)?"
    r"(module|package|file)\s+(?:called\s+|named\s+|at\s+)?`?([\w./-]+?)`?(?=[\s,;]|$|\.\s)",
    re.I,
)


def _clean(path: str) -> str | None:
    path = path.strip().strip("`'\"").replace("\\", "/").lstrip("./")
    parts = [p for p in path.split("/") if p]
    if not parts or any(p in ("..", ".git") for p in parts):
        return None
    return "/".join(parts)


def module_ops(view: WorkspaceView, path: str, package: bool = False) -> list[FileOp]:
    """File creations for module ``path`` (or package dir ``path``) plus missing ``__init__.py``s."""
    existing = set(view.files())
    target = f"{path}/__init__.py" if package else path
    if target in existing:
        return []
    dirs = target.split("/")[:-1]
    ops: list[FileOp] = []
    for i in range(1, len(dirs) + 1):
        init = "/".join(dirs[:i]) + "/__init__.py"
        has_files = any(f.startswith("/".join(dirs[:i]) + "/") for f in existing)
        # Only make directories packages that are new, or already hold Python packages.
        if init not in existing and (not has_files or i == len(dirs)) and dirs[i - 1] != "src":
            ops.append(FileOp("create", init, content=""))
    title = target.rsplit("/", 1)[-1] if not package else path.rsplit("/", 1)[-1]
    content = f'"""{title.removesuffix(".py").replace("_", " ").capitalize()}."""\n'
    if not any(o.path == target for o in ops):
        ops.append(FileOp("create", target, content=content))
    return ops


def task_requests(task: str) -> list[tuple[str, bool]]:
    """(path, is_package) pairs that a task like "create module pkg/util.py" asks for."""
    out = []
    for what, raw in _TASK.findall(task or ""):
        path = _clean(raw)
        if path is None:
            continue
        package = what.lower() == "package" or (
            what.lower() != "file" and not path.endswith(".py") and "." not in path
        )
        if what.lower() == "module" and not path.endswith(".py"):
            path = path.replace(".", "/") + ".py"
            package = False
        if what.lower() == "package":
            path = path.replace(".", "/")
        out.append((path, package))
    return out


_FOUND: dict[str, tuple[float, bool]] = {}
FIND_SPEC_TTL_S = 30.0


def _installed(top: str) -> bool:
    """Whether the environment provides top-level module ``top`` (rechecked every 30 s)."""
    now = time.monotonic()
    hit = _FOUND.get(top)
    if hit is not None and now - hit[0] < FIND_SPEC_TTL_S:
        return hit[1]
    try:
        found = importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        found = False
    _FOUND[top] = (now, found)
    return found


def _resolvable(module: str, files: set[str]) -> bool:
    top = module.split(".")[0]
    as_path = module.replace(".", "/")
    for root in ("", "src/"):
        if f"{root}{as_path}.py" in files or f"{root}{as_path}/__init__.py" in files:
            return True
    if any(f.startswith((f"{top}/", f"src/{top}/")) for f in files) or f"{top}.py" in files:
        return False  # the top package is ours: the submodule really is missing
    if top in sys.stdlib_module_names:
        return True
    return _installed(top)


def unresolved_imports(
    view: WorkspaceView, path: str, span: tuple[int, int] | None = None
) -> list[tuple[str, object]]:
    """Absolute imports in ``path`` (those overlapping ``span`` when given) that neither the
    workspace nor the environment provides."""
    tree = view.tree(path)
    if tree is None:
        return []
    root = tree.root_node
    nodes = pytree.walk(root) if span is None else focus.walk_overlapping(root, *span)
    imports = [n for n in nodes if n.type in ("import_statement", "import_from_statement")]
    if not imports:
        return []
    files = set(view.files())
    out = []
    for n in imports:
        mods = []
        if n.type == "import_statement":
            for c in n.named_children:
                name = c.child_by_field_name("name") if c.type == "aliased_import" else c
                mods.append((text_of(name), c))
        elif n.type == "import_from_statement":
            m = n.child_by_field_name("module_name")
            if m is not None and m.type == "dotted_name":
                mods.append((text_of(m), m))
        for mod, node in mods:
            if mod and not _resolvable(mod, files):
                out.append((mod, node))
    return out


class FilesGenerator:
    """Module and package creation candidates."""

    name = "files"

    def generate(self, ctx: ActionContext) -> Iterable[Candidate]:
        out: list[Candidate] = []
        for path, package in task_requests(ctx.task):
            ops = module_ops(ctx.view, path, package)
            if ops:
                what = "package" if package else "module"
                out.append(self._candidate(f"Create {what} `{path}`", ops, None))
        if ctx.focus_path and ctx.focus_path.endswith(".py"):
            span = None
            if ctx.editor:
                text = ctx.view.read_text(ctx.focus_path)
                data = text.encode("utf-8") if text is not None else b""
                span = focus.focus_range(ctx, data)
            for mod, node in unresolved_imports(ctx.view, ctx.focus_path, span):
                root = "src/" if any(f.startswith("src/") for f in ctx.view.files()) else ""
                ops = module_ops(ctx.view, root + mod.replace(".", "/") + ".py")
                target = NodeRef(ctx.focus_path, node.start_byte, node.end_byte, node.type)
                if ops:
                    out.append(self._candidate(f"Create module `{mod}`", ops, target))
        return out[: ctx.limit] if ctx.limit else out

    @staticmethod
    def _candidate(title: str, ops: list[FileOp], target: NodeRef | None) -> Candidate:
        return Candidate(
            kind="files.create",
            title=title,
            change=Change(file_ops=tuple(ops)),
            target=target,
            lsp_kind="source.sea.files",
            data={"paths": [o.path for o in ops]},
        )
