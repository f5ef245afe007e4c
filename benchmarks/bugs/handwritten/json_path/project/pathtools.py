"""Helpers built on path queries: flattening, plucking and comparing documents."""

from __future__ import annotations

from pathparse import format_location
from pathquery import get, query, set_value

_MISSING = object()


def iter_leaves(data, location=()):
    """Yield ``(location, value)`` for every scalar (and empty container) in ``data``."""
    if isinstance(data, dict) and data:
        for key, value in data.items():
            yield from iter_leaves(value, location + (key,))
    elif isinstance(data, list) and data:
        for i, value in enumerate(data):
            yield from iter_leaves(value, location + (i,))
    else:
        yield location, data


def flatten(data) -> dict:
    """Map each leaf's path string to its value."""
    return {format_location(loc): value for loc, value in iter_leaves(data)}


def unflatten(flat: dict) -> dict:
    """Rebuild a document from the output of :func:`flatten`."""
    result = {}
    for path, value in flat.items():
        set_value(result, path, value, create=True)
    return result


def pluck(records, path, default=None) -> list:
    """The value at ``path`` in each record, ``default`` where it is missing."""
    return [get(record, path, default) for record in records]


def group_by(records, path) -> dict:
    groups: dict = {}
    for record in records:
        key = get(record, path, None)
        groups.setdefault(key, []).append(record)
    return groups


def count(data, path) -> int:
    return len(query(data, path))


def first(data, path, default=None):
    values = query(data, path)
    return values[0] if values else default


def diff(old, new) -> dict:
    """Changes from ``old`` to ``new`` as ``{path: (old_value, new_value)}``.

    A path that exists on one side only has ``None`` on the other.
    """
    before = flatten(old)
    after = flatten(new)
    changes = {}
    for path, value in before.items():
        other = after.get(path, _MISSING)
        if other is _MISSING:
            changes[path] = (value, None)
        elif other != value:
            changes[path] = (value, other)
    for path, value in after.items():
        if path not in before:
            changes[path] = (None, value)
    return dict(sorted(changes.items()))
