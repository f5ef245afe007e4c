"""Messages and the small text helpers used to handle them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

FLAGS = frozenset({"seen", "flagged", "answered", "draft"})

_REPLY_PREFIX = re.compile(r"^\s*(re|fwd?|aw)\s*(\[\d+\])?\s*:\s*", re.IGNORECASE)
_NAMED_ADDRESS = re.compile(r'^\s*"?([^"<]*?)"?\s*<([^<>]+)>\s*$')


def parse_address(text):
    """Split 'Name <user@host>' into (name, address); a bare address gets name ''."""
    if not text:
        return "", ""
    match = _NAMED_ADDRESS.match(text)
    if match:
        return match.group(1).strip(), match.group(2).strip().lower()
    return "", text.strip().lower()


def normalize_subject(subject):
    """Strip any number of Re:/Fwd: prefixes and collapse whitespace."""
    if not subject:
        return ""
    previous = None
    while subject != previous:
        previous = subject
        subject = _REPLY_PREFIX.sub("", subject, count=1)
    return " ".join(subject.split())


def quote(body):
    """Prefix every line of body with '> ' for a reply."""
    return "\n".join("> " + line if line else ">" for line in body.splitlines())


def snippet(body, length=40):
    """A one-line preview of body, skipping quoted lines."""
    lines = [line.strip() for line in body.splitlines()]
    text = " ".join(line for line in lines if line and not line.startswith(">"))
    if len(text) <= length:
        return text
    return text[: length - 3].rstrip() + "..."


@dataclass
class Message:
    sender: str
    to: list
    subject: str
    body: str = ""
    date: datetime = field(default_factory=lambda: datetime(2024, 1, 1))
    msg_id: str = ""
    in_reply_to: str | None = None
    cc: list = field(default_factory=list)
    flags: set = field(default_factory=set)
    attachments: list = field(default_factory=list)

    @property
    def sender_address(self):
        return parse_address(self.sender)[1]

    @property
    def is_read(self):
        return "seen" in self.flags

    def recipients(self):
        """Recipient addresses (to, then cc), lower-cased and without duplicates."""
        result = []
        for raw in self.to + self.cc:
            address = parse_address(raw)[1]
            if address and address not in result:
                result.append(address)
        return result

    def make_reply(self, sender, body="", reply_all=False, date=None):
        """Build (but do not send) a reply to this message from sender."""
        me = parse_address(sender)[1]
        to = [self.sender]
        cc = []
        if reply_all:
            cc = [addr for addr in self.recipients() if addr != me and addr != self.sender_address]
        text = body
        if self.body:
            text = body + "\n\n" + quote(self.body)
        return Message(
            sender=sender,
            to=to,
            subject="Re: " + normalize_subject(self.subject),
            body=text,
            date=date or self.date,
            in_reply_to=self.msg_id or None,
            cc=cc,
        )
