"""The ``sea-lsp`` command. Each subcommand lives in its own module, imported only when
used, so ``sea-lsp serve`` starts without loading torch."""

from __future__ import annotations

import argparse
import importlib
import sys

from sea_lsp import __version__

PASSTHROUGH = ("pretrain", "train", "feedback", "shapes", "ranker")
BENCHES = ("model", "encode", "sandbox", "repair", "fixes", "unset", "branches", "lsp", "train")


def _handler(spec: str):
    module, func = spec.split(":")
    return getattr(importlib.import_module(module), func)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sea-lsp",
        description="A software-engineer agent for your editor, over the Language Server Protocol.",
    )
    p.add_argument("--version", action="version", version=f"sea-lsp {__version__}")
    p.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR")
    p.add_argument("--log-file", default=None, help="also log to this file")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("serve", help="run the language server (stdio by default)")
    s.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (default)")
    s.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead (loopback advised)")
    s.set_defaults(handler="sea_lsp.server.app:main")

    def task_args(q: argparse.ArgumentParser) -> None:
        q.add_argument("--workspace", "-w", default=".", help="project directory (default: .)")
        q.add_argument("--budget", type=int, default=None, help="test evaluations (default 200)")
        q.add_argument("--seconds", type=float, default=None, help="time budget (default 60)")
        q.add_argument("--checkpoint", default=None, help="checkpoint directory to rank with")
        q.add_argument("--seed", type=int, default=0)

    r = sub.add_parser("run", help="run one task on a workspace and show the verified change")
    r.add_argument("task", help='what to do, e.g. "fix the failing tests"')
    task_args(r)
    r.add_argument("--file", "-f", default=None, help="focus file, relative to the workspace")
    r.add_argument("--apply", action="store_true", help="write the change to the workspace")
    r.add_argument("--json", action="store_true", help="print the result as JSON")
    r.set_defaults(handler="sea_lsp.cli.run:run_command")

    q = sub.add_parser("repl", help="interactive loop: type tasks, accept or reject results")
    task_args(q)
    q.set_defaults(handler="sea_lsp.cli.run:repl_command")

    d = sub.add_parser("demo", help="run the agent on the bundled example project")
    d.add_argument("--seed", type=int, default=0)
    d.set_defaults(handler="sea_lsp.cli.demo:main")

    doc = sub.add_parser("doctor", help="check what this system allows (sandbox isolation)")
    doc.set_defaults(handler="sea_lsp.cli.doctor:main")

    pt = sub.add_parser("pretrain", help="self-supervised break-it-fix-it pretraining")
    pt.set_defaults(handler="sea_lsp.training.pretrain:main")
    pt.add_argument("rest", nargs=argparse.REMAINDER)

    t = sub.add_parser("train", help="tune the networks on your accept/reject feedback")
    t.set_defaults(handler="sea_lsp.training.train:main")
    t.add_argument("rest", nargs=argparse.REMAINDER)

    sh = sub.add_parser("shapes", help="learn the inserted-statement prior from ordinary code")
    sh.set_defaults(handler="sea_lsp.training.shapes:main")
    sh.add_argument("rest", nargs=argparse.REMAINDER)

    rk = sub.add_parser("ranker", help="fit the learned candidate ranking on the train bugs")
    rk.set_defaults(handler="sea_lsp.training.ranker:main")
    rk.add_argument("rest", nargs=argparse.REMAINDER)

    f = sub.add_parser("feedback", help="inspect the feedback database (stats, export)")
    f.set_defaults(handler="sea_lsp.cli.feedback:main")
    f.add_argument("rest", nargs=argparse.REMAINDER)

    b = sub.add_parser("bench", help="benchmarks: " + ", ".join(BENCHES))
    b.add_argument("name", choices=BENCHES)
    b.add_argument("rest", nargs=argparse.REMAINDER, help="options for that benchmark")
    b.set_defaults(handler=None)
    return p


GLOBAL_OPTIONS_WITH_VALUE = ("--log-level", "--log-file")


def _subcommand_at(argv: list[str]) -> int | None:
    """The index of the subcommand: the first word that is not a global option or its value
    (so ``bench repair --split train`` is not taken for the ``train`` subcommand)."""
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in GLOBAL_OPTIONS_WITH_VALUE:
            i += 2
            continue
        if not a.startswith("-"):
            return i
        i += 1
    return None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    # argparse.REMAINDER refuses a remainder that starts with an option (`train --dry-run`):
    # hand everything after these subcommands to their own parsers untouched.
    cut = _subcommand_at(argv)
    cut = cut if cut is not None and argv[cut] in PASSTHROUGH else None
    args = parser.parse_args(argv if cut is None else argv[: cut + 1])
    if cut is not None:
        args.rest = argv[cut + 1 :]
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    from sea_lsp.log import configure_logging

    configure_logging(args.log_level, args.log_file)
    spec = args.handler or f"sea_lsp.bench.{args.name}:main"
    try:
        result = _handler(spec)(args)
    except KeyboardInterrupt:
        print("sea-lsp: interrupted", file=sys.stderr)
        return 130
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
