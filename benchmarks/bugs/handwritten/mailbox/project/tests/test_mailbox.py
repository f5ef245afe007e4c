from datetime import datetime

import pytest

from mailstore import DEFAULT_FOLDERS, Mailbox, MailboxError
from message import Message, normalize_subject, parse_address, snippet
from search import QueryError, highlight, parse_query, search


def msg(sender, subject, day=1, body="", to=("me@example.com",), **kw):
    return Message(sender=sender, to=list(to), subject=subject, body=body,
                   date=datetime(2024, 3, day, 9, 0), **kw)


@pytest.fixture
def box():
    mb = Mailbox("Me <me@example.com>")
    mb.deliver(msg("Alice <alice@example.com>", "Lunch on Friday?", 1, "Are you free?"))
    mb.deliver(msg("bob@example.com", "Budget report", 2, "See the attached budget.",
                   attachments=["budget.xlsx"]))
    mb.deliver(msg("Carol <carol@work.org>", "Weekly report", 3, "All good this week."))
    return mb


# -- message helpers ----------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Alice Smith <Alice@Example.com>", ("Alice Smith", "alice@example.com")),
        ('"Smith, Alice" <alice@example.com>', ("Smith, Alice", "alice@example.com")),
        ("  bob@example.com ", ("", "bob@example.com")),
        (None, ("", "")),
    ],
)
def test_parse_address(text, expected):
    assert parse_address(text) == expected


@pytest.mark.parametrize(
    "subject, expected",
    [
        ("RE: re: Fwd:  Lunch   plans", "Lunch plans"),
        ("Re[2]: Status", "Status"),
        ("Regarding the plan", "Regarding the plan"),
        (None, ""),
    ],
)
def test_normalize_subject(subject, expected):
    assert normalize_subject(subject) == expected


@pytest.mark.parametrize(
    "body, length, expected",
    [
        ("> quoted\nReal   text\n\nmore", 40, "Real   text more"),
        ("abcdefghij klm", 10, "abcdefg..."),
        ("exactly ten", 11, "exactly ten"),
    ],
)
def test_snippet(body, length, expected):
    assert snippet(body, length) == expected


def test_recipients_are_deduplicated_in_order():
    m = Message("a@x.com", ["B <b@x.com>", "c@x.com"], "s", cc=["b@X.com", "d@x.com"])
    assert m.recipients() == ["b@x.com", "c@x.com", "d@x.com"]


def test_make_reply_all():
    original = Message("Alice <alice@x.com>", ["me@x.com", "bob@x.com"], "Re: Plan",
                       body="line one\n\nline two", msg_id="<1@x.com>", cc=["carol@x.com"])
    reply = original.make_reply("me@x.com", "Sounds good", reply_all=True)
    assert reply.to == ["Alice <alice@x.com>"]
    assert reply.cc == ["bob@x.com", "carol@x.com"]
    assert reply.subject == "Re: Plan"
    assert reply.in_reply_to == "<1@x.com>"
    assert reply.body == "Sounds good\n\n> line one\n>\n> line two"


def test_make_reply_without_reply_all_has_no_cc():
    original = Message("alice@x.com", ["me@x.com", "bob@x.com"], "Plan")
    reply = original.make_reply("me@x.com", "ok")
    assert reply.cc == []
    assert reply.body == "ok"
    assert reply.in_reply_to is None


# -- mailbox ------------------------------------------------------------


def test_new_mailbox_has_default_folders():
    mb = Mailbox("me@example.com")
    assert mb.folders == list(DEFAULT_FOLDERS)
    assert len(mb) == 0
    assert mb.unread_count() == 0


def test_deliver_assigns_unique_ids(box):
    ids = [m.msg_id for m in box.folder_messages("Inbox")]
    assert len(set(ids)) == 3
    assert all(i.endswith("@example.com>") for i in ids)
    assert len(box) == 3


def test_deliver_own_message_goes_to_sent_as_read(box):
    msg_id = box.deliver(msg("me@example.com", "Hello", 4, to=["alice@example.com"]))
    assert box.folder_of(msg_id) == "Sent"
    assert box.get(msg_id).is_read


def test_deliver_and_get_errors(box):
    with pytest.raises(MailboxError):
        box.deliver(msg("x@y.z", "dup", msg_id="<1@example.com>"))
    with pytest.raises(MailboxError):
        box.deliver(msg("x@y.z", "lost"), "Nowhere")
    with pytest.raises(MailboxError):
        box.get("<nope>")


def test_folder_messages_newest_first(box):
    assert [m.subject for m in box.folder_messages("Inbox")] == [
        "Weekly report", "Budget report", "Lunch on Friday?"]


def test_create_folder(box):
    assert box.create_folder("  Projects ") == "Projects"
    assert "Projects" in box.folders
    assert box.folder_counts()["Projects"] == (0, 0)


@pytest.mark.parametrize("name", ["   ", "a/b", "inbox"])
def test_create_folder_rejects_bad_names(box, name):
    box.create_folder("Projects")
    with pytest.raises(MailboxError):
        box.create_folder(name)


def test_rename_folder_keeps_messages(box):
    box.create_folder("Work")
    first = box.folder_messages("Inbox")[0].msg_id
    box.move(first, "Work")
    box.rename_folder("Work", "Job")
    assert "Work" not in box.folders
    assert box.folder_of(first) == "Job"
    assert [m.msg_id for m in box.folder_messages("Job")] == [first]
    with pytest.raises(MailboxError):
        box.rename_folder("Inbox", "Incoming")


def test_delete_folder_moves_messages_to_trash(box):
    box.create_folder("Old")
    for m in box.folder_messages("Inbox"):
        box.move(m.msg_id, "Old")
    box.delete_folder("Old")
    assert "Old" not in box.folders
    assert box.folder_counts()["Trash"] == (3, 3)
    with pytest.raises(MailboxError):
        box.delete_folder("Sent")


def test_move_between_folders(box):
    msg_id = box.folder_messages("Inbox")[-1].msg_id
    box.move(msg_id, "Archive")
    box.move(msg_id, "Archive")
    assert box.folder_of(msg_id) == "Archive"
    assert box.folder_counts()["Inbox"] == (2, 2)
    assert box.folder_counts()["Archive"] == (1, 1)


def test_delete_twice_expunges(box):
    msg_id = box.folder_messages("Inbox")[0].msg_id
    box.delete(msg_id)
    assert box.folder_of(msg_id) == "Trash"
    box.delete(msg_id)
    assert msg_id not in box
    assert box.folder_counts()["Trash"] == (0, 0)


def test_empty_trash(box):
    for m in box.folder_messages("Inbox")[:2]:
        box.delete(m.msg_id)
    assert box.empty_trash() == 2
    assert len(box) == 1
    assert box.empty_trash() == 0


def test_flags(box):
    msg_id = box.folder_messages("Inbox")[0].msg_id
    box.set_flag(msg_id, "flagged")
    box.set_flag(msg_id, "seen")
    box.set_flag(msg_id, "seen", on=False)
    assert box.get(msg_id).flags == {"flagged"}
    with pytest.raises(ValueError):
        box.set_flag(msg_id, "important")


def test_unread_counts_ignore_trash(box):
    assert box.unread_count() == 3
    box.delete(box.folder_messages("Inbox")[0].msg_id)
    assert box.unread_count() == 2
    assert box.unread_count("Trash") == 1


def test_mark_all_read(box):
    box.set_flag(box.folder_messages("Inbox")[0].msg_id, "seen")
    assert box.mark_all_read("Inbox") == 2
    assert box.unread_count("Inbox") == 0
    assert box.mark_all_read("Inbox") == 0


def test_reply_goes_to_sent_and_marks_answered(box):
    original = box.folder_messages("Inbox")[-1]
    reply_id = box.reply(original.msg_id, "Yes!", date=datetime(2024, 3, 5))
    reply = box.get(reply_id)
    assert box.folder_of(reply_id) == "Sent"
    assert "answered" in original.flags
    assert reply.to == ["Alice <alice@example.com>"]
    assert reply.sender == "me@example.com"
    assert reply.subject == "Re: Lunch on Friday?"


def test_threads_follow_replies_and_subjects(box):
    lunch = box.folder_messages("Inbox")[-1]
    box.reply(lunch.msg_id, "Yes", date=datetime(2024, 3, 10))
    # a forwarded copy with no reference joins the thread by subject
    box.deliver(msg("dave@example.com", "Fwd: lunch on friday?", 4))
    threads = box.threads()
    assert [len(t) for t in threads] == [3, 1, 1]
    assert threads[0][0] is lunch
    assert [t[0].subject for t in threads[1:]] == ["Weekly report", "Budget report"]


def test_thread_root_walks_chain(box):
    first = box.folder_messages("Inbox")[-1].msg_id
    second = box.reply(first, "one", date=datetime(2024, 3, 5))
    third_msg = box.get(second).make_reply("alice@example.com", "two", date=datetime(2024, 3, 6))
    third = box.deliver(third_msg)
    assert box.thread_root(third) == first
    assert box.thread_root(first) == first
    assert len(box.threads("Sent")) == 1


# -- search -------------------------------------------------------------


def test_parse_query():
    terms = parse_query('From:Alice subject:"Weekly Report" -is:read lunch in:Archive')
    assert terms == [
        ("from", "alice", False),
        ("subject", "weekly report", False),
        ("is", "read", True),
        ("text", "lunch", False),
        ("in", "Archive", False),
    ]


@pytest.mark.parametrize("query", ['subject:"open', "before:yesterday"])
def test_parse_query_errors(query):
    with pytest.raises(QueryError):
        parse_query(query)


@pytest.mark.parametrize(
    "query, subjects",
    [
        ("report", ["Weekly report", "Budget report"]),
        ("from:example.com -lunch", ["Budget report"]),
        ("has:attachment", ["Budget report"]),
        ("after:2024-03-01 before:2024-03-03", ["Budget report"]),
        ("to:me@example", ["Weekly report", "Budget report", "Lunch on Friday?"]),
        ("", ["Weekly report", "Budget report", "Lunch on Friday?"]),
    ],
)
def test_search(box, query, subjects):
    assert [m.subject for m in search(box, query)] == subjects


def test_search_flags(box):
    weekly = box.folder_messages("Inbox")[0]
    box.set_flag(weekly.msg_id, "seen")
    box.set_flag(weekly.msg_id, "flagged")
    assert [m.subject for m in search(box, "is:unread")] == ["Budget report", "Lunch on Friday?"]
    assert search(box, "is:read") == [weekly]
    assert search(box, "is:flagged") == [weekly]


def test_search_skips_trash_unless_asked(box):
    budget = search(box, "budget")[0]
    box.delete(budget.msg_id)
    assert search(box, "budget") == []
    assert search(box, "budget in:Trash") == [budget]
    assert search(box, "budget", include_trash=True) == [budget]
    assert search(box, "budget", folder="Trash") == [budget]


def test_search_limit_and_folder(box):
    box.move(search(box, "weekly")[0].msg_id, "Archive")
    assert [m.subject for m in search(box, "report", limit=1)] == ["Weekly report"]
    assert [m.subject for m in search(box, "report", folder="Inbox")] == ["Budget report"]
    assert search(box, "report", limit=0) == []


@pytest.mark.parametrize(
    "text, words, expected",
    [
        ("Budget report", ["report"], "Budget **report**"),
        ("Re: re", ["RE"], "**Re**: **re**"),
        ("weekly report", ["week", "weekly", ""], "**weekly** report"),
    ],
)
def test_highlight(text, words, expected):
    assert highlight(text, words) == expected
