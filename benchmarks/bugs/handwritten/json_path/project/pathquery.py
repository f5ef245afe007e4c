"""Evaluate parsed paths against nested dicts and lists."""

from __future__ import annotations

from pathparse import Descendant, Index, Key, Slice, Wildcard, format_location, parse_path

_MISSING = object()


class PathNotFound(LookupError):
    pass


def _clamp(value, length, default, lower, upper):
    if value is None:
        return default
    if value < 0:
        value += length
    return max(lower, min(value, upper))


def slice_indices(sl: Slice, length: int) -> range:
    """The indexes a slice selects from a list of ``length`` items (Python's rules)."""
    step = 1 if sl.step is None else sl.step
    if step > 0:
        start = _clamp(sl.start, length, 0, 0, length)
        stop = _clamp(sl.stop, length, length, 0, length)
    else:
        start = _clamp(sl.start, length, length - 1, -1, length - 1)
        stop = _clamp(sl.stop, length, -1, -1, length - 1)
    return range(start, stop, step)


def normalize_index(index: int, length: int) -> int | None:
    if index < 0:
        index += length
    if 0 <= index < length:
        return index
    return None


def _walk(location, node):
    """Yield ``node`` and everything below it, depth first."""
    yield location, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(location + (key,), value)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(location + (i,), value)


def _apply(step, location, node):
    if isinstance(step, Key):
        if isinstance(node, dict) and step.name in node:
            yield location + (step.name,), node[step.name]
    elif isinstance(step, Index):
        if isinstance(node, list):
            i = normalize_index(step.value, len(node))
            if i is not None:
                yield location + (i,), node[i]
    elif isinstance(step, Slice):
        if isinstance(node, list):
            for i in slice_indices(step, len(node)):
                yield location + (i,), node[i]
    elif isinstance(step, Wildcard):
        if isinstance(node, dict):
            for key, value in node.items():
                yield location + (key,), value
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield location + (i,), value
    elif isinstance(step, Descendant):
        for loc, value in _walk(location, node):
            if isinstance(value, dict) and step.name in value:
                yield loc + (step.name,), value[step.name]


def find(data, path):
    """Every match as a ``(location, value)`` pair, in document order."""
    steps = parse_path(path) if isinstance(path, str) else list(path)
    matches = [((), data)]
    for step in steps:
        matches = [m for loc, node in matches for m in _apply(step, loc, node)]
        if not matches:
            break
    return matches


def query(data, path) -> list:
    return [value for _, value in find(data, path)]


def query_paths(data, path) -> list[str]:
    return [format_location(loc) for loc, _ in find(data, path)]


def exists(data, path) -> bool:
    return bool(find(data, path))


def _single_steps(path):
    steps = parse_path(path)
    for step in steps:
        if not isinstance(step, (Key, Index)):
            raise ValueError(f"{path!r} does not name a single value")
    return steps


def get(data, path, default=_MISSING):
    matches = find(data, _single_steps(path))
    if matches:
        return matches[0][1]
    if default is _MISSING:
        raise PathNotFound(path)
    return default


def set_value(data, path, value, create=False):
    """Store ``value`` at ``path``; with ``create`` missing containers are made."""
    steps = _single_steps(path)
    if not steps:
        raise ValueError("cannot replace the root")
    node = data
    for step, following in zip(steps, steps[1:]):
        empty = [] if isinstance(following, Index) else {}
        if isinstance(step, Key):
            if not isinstance(node, dict):
                raise PathNotFound(path)
            if step.name not in node:
                if not create:
                    raise PathNotFound(path)
                node[step.name] = empty
            node = node[step.name]
        else:
            if not isinstance(node, list):
                raise PathNotFound(path)
            if create and step.value == len(node):
                node.append(empty)
            i = normalize_index(step.value, len(node))
            if i is None:
                raise PathNotFound(path)
            node = node[i]
    last = steps[-1]
    if isinstance(last, Key):
        if not isinstance(node, dict):
            raise PathNotFound(path)
        node[last.name] = value
        return data
    if not isinstance(node, list):
        raise PathNotFound(path)
    if create and last.value == len(node):
        node.append(value)
        return data
    i = normalize_index(last.value, len(node))
    if i is None:
        raise PathNotFound(path)
    node[i] = value
    return data


def delete(data, path) -> int:
    """Remove every match of ``path``; returns how many were removed."""
    matches = find(data, path)
    if not matches:
        return 0
    removed = 0
    # delete list items from the back so earlier indexes stay valid
    for location, _ in sorted(matches, key=lambda m: m[0], reverse=True):
        parent = get(data, format_location(location[:-1]))
        del parent[location[-1]]
        removed += 1
    return removed
