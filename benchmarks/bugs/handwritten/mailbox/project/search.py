"""Search a mailbox with a small query language.

    from:alice subject:"weekly report" is:unread has:attachment
    in:Archive after:2024-01-31 before:2024-03-01 -budget lunch

Plain words must appear in the subject or body; a leading '-' negates a
term.  All terms must match.
"""

from __future__ import annotations

import shlex
from datetime import date

FIELDS = ("from", "to", "subject", "in", "is", "has", "before", "after")


class QueryError(ValueError):
    pass


def parse_query(query):
    """Turn a query string into a list of (field, value, negated) terms."""
    try:
        tokens = shlex.split(query or "")
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    terms = []
    for token in tokens:
        negated = token.startswith("-") and len(token) > 1
        if negated:
            token = token[1:]
        field, sep, value = token.partition(":")
        if sep and field.lower() in FIELDS:
            if not value:
                raise QueryError(f"empty value for {field!r}")
            field = field.lower()
        else:
            field, value = "text", token
        if field in ("before", "after"):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise QueryError(f"bad date {value!r}") from None
        elif field != "in":
            value = value.lower()
        terms.append((field, value, negated))
    return terms


def _matches_term(message, folder, field, value):
    if field == "text":
        return value in message.subject.lower() or value in message.body.lower()
    if field == "from":
        return value in message.sender.lower()
    if field == "to":
        return any(value in address for address in message.recipients())
    if field == "subject":
        return value in message.subject.lower()
    if field == "in":
        return folder == value
    if field == "is":
        if value == "unread":
            return "seen" not in message.flags
        if value == "read":
            return "seen" in message.flags
        return value in message.flags
    if field == "has":
        if value == "attachment":
            return bool(message.attachments)
        raise QueryError(f"unknown has: value {value!r}")
    if field == "before":
        return message.date.date() < value
    if field == "after":
        return message.date.date() > value
    raise QueryError(f"unknown field {field!r}")


def matches(message, folder, terms):
    for field, value, negated in terms:
        if _matches_term(message, folder, field, value) == negated:
            return False
    return True


def search(mailbox, query, folder=None, limit=None, include_trash=False):
    """Messages matching query, newest first."""
    terms = parse_query(query)
    if any(field == "in" for field, _, negated in terms if not negated):
        include_trash = True
    found = []
    for name in mailbox.folders if folder is None else [folder]:
        if name == "Trash" and not include_trash and folder is None:
            continue
        for message in mailbox.folder_messages(name):
            if matches(message, name, terms):
                found.append(message)
    found.sort(key=lambda m: m.date, reverse=True)
    return found[:limit] if limit is not None else found


def highlight(text, words, mark="**"):
    """Wrap case-insensitive occurrences of any of words in mark."""
    words = sorted({w.lower() for w in words if w}, key=len, reverse=True)
    if not words:
        return text
    out = []
    i = 0
    lower = text.lower()
    while i < len(text):
        for word in words:
            if lower.startswith(word, i):
                out.append(mark + text[i : i + len(word)] + mark)
                i += len(word)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
