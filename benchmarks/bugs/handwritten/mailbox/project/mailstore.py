"""A mailbox holding messages in folders, with flags and conversation threads."""

from __future__ import annotations

from message import FLAGS, normalize_subject, parse_address

DEFAULT_FOLDERS = ("Inbox", "Sent", "Drafts", "Trash", "Archive")


class MailboxError(Exception):
    pass


class Mailbox:
    def __init__(self, owner):
        self.owner = parse_address(owner)[1]
        self._messages = {}  # msg_id -> Message
        self._folders = {name: [] for name in DEFAULT_FOLDERS}
        self._location = {}  # msg_id -> folder name
        self._next_id = 1

    def __len__(self):
        return len(self._messages)

    def __contains__(self, msg_id):
        return msg_id in self._messages

    def get(self, msg_id):
        try:
            return self._messages[msg_id]
        except KeyError:
            raise MailboxError(f"no message {msg_id!r}") from None

    def folder_of(self, msg_id):
        return self._location[msg_id]

    @property
    def folders(self):
        return list(self._folders)

    # -- delivery -----------------------------------------------------------

    def deliver(self, message, folder=None):
        """Store message and return its id.  Own messages go to Sent as read."""
        if folder is None:
            folder = "Sent" if message.sender_address == self.owner else "Inbox"
        self._check_folder(folder)
        if not message.msg_id:
            message.msg_id = f"<{self._next_id}@{self.owner.partition('@')[2] or 'local'}>"
            self._next_id += 1
        if message.msg_id in self._messages:
            raise MailboxError(f"duplicate message {message.msg_id}")
        if folder == "Sent":
            message.flags.add("seen")
        self._messages[message.msg_id] = message
        self._folders[folder].append(message.msg_id)
        self._location[message.msg_id] = folder
        return message.msg_id

    def reply(self, msg_id, body, reply_all=False, date=None):
        original = self.get(msg_id)
        answer = original.make_reply(self.owner, body, reply_all=reply_all, date=date)
        original.flags.add("answered")
        return self.deliver(answer, "Sent")

    # -- folders ------------------------------------------------------------

    def _check_folder(self, name):
        if name not in self._folders:
            raise MailboxError(f"no folder {name!r}")

    def create_folder(self, name):
        name = name.strip()
        if not name or "/" in name:
            raise MailboxError(f"invalid folder name {name!r}")
        if name.lower() in (existing.lower() for existing in self._folders):
            raise MailboxError(f"folder {name!r} already exists")
        self._folders[name] = []
        return name

    def rename_folder(self, old, new):
        self._check_folder(old)
        if old in DEFAULT_FOLDERS:
            raise MailboxError(f"cannot rename {old!r}")
        new = self.create_folder(new)
        self._folders[new] = self._folders.pop(old)
        for msg_id in self._folders[new]:
            self._location[msg_id] = new

    def delete_folder(self, name):
        """Remove a user folder; its messages go to the Trash."""
        self._check_folder(name)
        if name in DEFAULT_FOLDERS:
            raise MailboxError(f"cannot delete {name!r}")
        for msg_id in list(self._folders[name]):
            self.move(msg_id, "Trash")
        del self._folders[name]

    def folder_messages(self, name, unread_only=False):
        """Messages in a folder, newest first."""
        self._check_folder(name)
        messages = [self._messages[msg_id] for msg_id in self._folders[name]]
        if unread_only:
            messages = [m for m in messages if not m.is_read]
        return sorted(messages, key=lambda m: m.date, reverse=True)

    def folder_counts(self):
        """{folder: (total, unread)} for every folder."""
        counts = {}
        for name, ids in self._folders.items():
            unread = sum(1 for msg_id in ids if not self._messages[msg_id].is_read)
            counts[name] = (len(ids), unread)
        return counts

    # -- moving and deleting ------------------------------------------------

    def move(self, msg_id, folder):
        self.get(msg_id)
        self._check_folder(folder)
        current = self._location[msg_id]
        if current == folder:
            return
        self._folders[current].remove(msg_id)
        self._folders[folder].append(msg_id)
        self._location[msg_id] = folder

    def delete(self, msg_id):
        """Move a message to the Trash, or expunge it if it is already there."""
        if self.folder_of(msg_id) == "Trash":
            self._expunge(msg_id)
        else:
            self.move(msg_id, "Trash")

    def empty_trash(self):
        ids = list(self._folders["Trash"])
        for msg_id in ids:
            self._expunge(msg_id)
        return len(ids)

    def _expunge(self, msg_id):
        folder = self._location.pop(msg_id)
        self._folders[folder].remove(msg_id)
        del self._messages[msg_id]

    # -- flags --------------------------------------------------------------

    def set_flag(self, msg_id, flag, on=True):
        if flag not in FLAGS:
            raise ValueError(f"unknown flag {flag!r}")
        flags = self.get(msg_id).flags
        if on:
            flags.add(flag)
        else:
            flags.discard(flag)

    def mark_all_read(self, folder):
        """Mark every message in folder as seen; return how many changed."""
        changed = 0
        for message in self.folder_messages(folder, unread_only=True):
            message.flags.add("seen")
            changed += 1
        return changed

    def unread_count(self, folder=None):
        names = [folder] if folder else [f for f in self._folders if f != "Trash"]
        return sum(self.folder_counts()[name][1] for name in names)

    # -- threads ------------------------------------------------------------

    def thread_root(self, msg_id):
        """Follow in_reply_to links as far as the known messages go."""
        seen = {msg_id}
        current = self.get(msg_id)
        while current.in_reply_to in self._messages:
            parent = current.in_reply_to
            if parent in seen:
                break
            seen.add(parent)
            current = self._messages[parent]
        return current.msg_id

    def threads(self, folder=None):
        """Group messages into conversations.

        Messages are linked by in_reply_to; a message whose parent is unknown
        joins an existing conversation with the same normalized subject.
        Returns lists of messages (oldest first), most recent thread first.
        """
        ids = self._folders[folder] if folder else list(self._messages)
        groups = {}
        by_subject = {}
        for msg_id in sorted(ids, key=lambda i: self._messages[i].date):
            message = self._messages[msg_id]
            root = self.thread_root(msg_id)
            subject = normalize_subject(message.subject).lower()
            if root == msg_id and subject in by_subject:
                root = by_subject[subject]
            by_subject.setdefault(subject, root)
            groups.setdefault(root, []).append(message)
        return sorted(groups.values(), key=lambda thread: thread[-1].date, reverse=True)
