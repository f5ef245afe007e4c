"""``sea-lsp feedback stats [--db PATH]`` and ``sea-lsp feedback export OUT.jsonl [--db PATH]``."""

from __future__ import annotations

import argparse
import json
import sys

from sea_lsp.feedback.store import FeedbackError, FeedbackStore
from sea_lsp.paths import feedback_db_path


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sea-lsp feedback", description="inspect the feedback db")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = sub.add_parser("stats", help="print counts of offers and decisions")
    s.add_argument("--db", default=None, help=f"database file (default {feedback_db_path()})")
    s.add_argument("--json", action="store_true", help="print JSON")
    e = sub.add_parser("export", help="write every offer as one JSON line")
    e.add_argument("out", help="output .jsonl file")
    e.add_argument("--db", default=None, help=f"database file (default {feedback_db_path()})")
    return p


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    path = args.db or feedback_db_path()
    try:
        store = FeedbackStore(path)
    except FeedbackError as exc:
        print(f"sea-lsp feedback: {exc}", file=sys.stderr)
        return 1
    with store:
        if store.warning:
            print(f"sea-lsp feedback: {store.warning}", file=sys.stderr)
        if args.action == "stats":
            stats = store.stats()
            if args.json:
                print(json.dumps(stats, indent=2))
            else:
                for key, value in stats.items():
                    print(f"{key:>18}: {value}")
            return 0
        n = store.export_jsonl(args.out)
        print(f"wrote {n} offers to {args.out}")
        return 0


def main(args) -> int:
    """``sea-lsp feedback stats|export`` from the top-level parser."""
    return run(list(getattr(args, "rest", []) or []))
