"""An in-memory lending library: items, members, loans and holds."""

from collections import deque
from datetime import timedelta

from fees import late_fee

LOAN_DAYS = {"book": 21, "dvd": 7, "magazine": 7}
MAX_RENEWALS = 2
FEE_BLOCK = 500


class LibraryError(Exception):
    """Base class for refused operations."""


class Item:
    def __init__(self, item_id, title, kind="book"):
        if kind not in LOAN_DAYS:
            raise ValueError(f"unknown item kind {kind!r}")
        self.item_id = item_id
        self.title = title
        self.kind = kind
        self.borrower = None
        self.due = None
        self.renewals = 0
        self.holds = deque()

    @property
    def available(self):
        return self.borrower is None


class Member:
    def __init__(self, member_id, name, limit=3):
        if limit < 1:
            raise ValueError("a member must be allowed at least one loan")
        self.member_id = member_id
        self.name = name
        self.limit = limit
        self.loans = []
        self.fees = 0


class Library:
    def __init__(self):
        self.items = {}
        self.members = {}
        self.log = []

    def add_item(self, item_id, title, kind="book"):
        if item_id in self.items:
            raise ValueError(f"duplicate item id {item_id!r}")
        item = Item(item_id, title, kind)
        self.items[item_id] = item
        return item

    def add_member(self, member_id, name, limit=3):
        if member_id in self.members:
            raise ValueError(f"duplicate member id {member_id!r}")
        member = Member(member_id, name, limit)
        self.members[member_id] = member
        return member

    def _item(self, item_id):
        try:
            return self.items[item_id]
        except KeyError:
            raise KeyError(f"no item {item_id!r}") from None

    def _member(self, member_id):
        try:
            return self.members[member_id]
        except KeyError:
            raise KeyError(f"no member {member_id!r}") from None

    def can_borrow(self, member_id):
        member = self._member(member_id)
        return len(member.loans) < member.limit and member.fees < FEE_BLOCK

    def checkout(self, item_id, member_id, today):
        item = self._item(item_id)
        member = self._member(member_id)
        if not item.available:
            raise LibraryError(f"{item.title!r} is already on loan")
        if item.holds and item.holds[0] != member_id:
            raise LibraryError(f"{item.title!r} is held for another member")
        if not self.can_borrow(member_id):
            raise LibraryError(f"{member.name} may not borrow more items")
        if item.holds:
            item.holds.popleft()
        item.borrower = member_id
        item.due = today + timedelta(days=LOAN_DAYS[item.kind])
        item.renewals = 0
        member.loans.append(item_id)
        self.log.append(("checkout", item_id, member_id, today))
        return item.due

    def checkin(self, item_id, today):
        """Return an item; charges any late fee and returns it."""
        item = self._item(item_id)
        if item.available:
            raise LibraryError(f"{item.title!r} is not on loan")
        member = self.members[item.borrower]
        fee = late_fee(item.kind, item.due, today)
        member.fees += fee
        member.loans.remove(item_id)
        item.borrower = None
        item.due = None
        self.log.append(("checkin", item_id, member.member_id, today))
        return fee

    def renew(self, item_id, today):
        item = self._item(item_id)
        if item.available:
            raise LibraryError(f"{item.title!r} is not on loan")
        if item.holds:
            raise LibraryError(f"{item.title!r} has holds and cannot be renewed")
        if item.renewals >= MAX_RENEWALS:
            raise LibraryError(f"{item.title!r} was renewed too often")
        if today > item.due:
            raise LibraryError(f"{item.title!r} is overdue; return it first")
        item.due = item.due + timedelta(days=LOAN_DAYS[item.kind])
        item.renewals += 1
        return item.due

    def place_hold(self, item_id, member_id):
        """Queue a member for an item; returns their position (1 = next)."""
        item = self._item(item_id)
        self._member(member_id)
        if item.borrower == member_id:
            raise LibraryError("you already have this item")
        if member_id in item.holds:
            raise LibraryError("you already hold this item")
        item.holds.append(member_id)
        return len(item.holds)

    def cancel_hold(self, item_id, member_id):
        item = self._item(item_id)
        if member_id not in item.holds:
            return False
        item.holds.remove(member_id)
        return True

    def pay(self, member_id, amount):
        member = self._member(member_id)
        if amount <= 0:
            raise ValueError("payment must be positive")
        if amount > member.fees:
            raise ValueError(f"payment {amount} exceeds the {member.fees} owed")
        member.fees -= amount
        return member.fees

    def overdue(self, today):
        """(days overdue, item id, member id) for every overdue loan, worst first."""
        result = []
        for item in self.items.values():
            if item.borrower is None:
                continue
            late = (today - item.due).days
            if late > 0:
                result.append((late, item.item_id, item.borrower))
        result.sort(key=lambda row: (-row[0], row[1]))
        return result

    def history(self, member_id, limit=None):
        """Titles the member borrowed, most recent first, without repeats."""
        self._member(member_id)
        titles = []
        for action, item_id, who, _ in reversed(self.log):
            if action != "checkout" or who != member_id:
                continue
            title = self.items[item_id].title
            if title not in titles:
                titles.append(title)
            if limit is not None and len(titles) == limit:
                break
        return titles
