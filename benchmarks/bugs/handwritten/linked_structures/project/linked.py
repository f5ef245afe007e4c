"""A small singly linked list, with a stack and a queue built on top of it."""


class Node:
    __slots__ = ("value", "next")

    def __init__(self, value, next=None):
        self.value = value
        self.next = next


class LinkedList:
    def __init__(self):
        self.head = None
        self.tail = None
        self.size = 0

    @classmethod
    def from_list(cls, values):
        lst = cls()
        for v in values:
            lst.append(v)
        return lst

    def __len__(self):
        return self.size

    def __iter__(self):
        node = self.head
        while node is not None:
            yield node.value
            node = node.next

    def to_list(self):
        return list(self)

    def push(self, value):
        """Insert at the front."""
        self.head = Node(value, self.head)
        if self.tail is None:
            self.tail = self.head
        self.size += 1

    def append(self, value):
        """Insert at the back."""
        node = Node(value)
        if self.tail is None:
            self.head = self.tail = node
        else:
            self.tail.next = node
            self.tail = node
        self.size += 1

    def pop(self):
        """Remove and return the front value."""
        if self.head is None:
            raise IndexError("pop from empty list")
        node = self.head
        self.head = node.next
        if self.head is None:
            self.tail = None
        self.size -= 1
        return node.value

    def find(self, value):
        """Index of the first node holding value, or -1."""
        index = 0
        node = self.head
        while node is not None:
            if node.value == value:
                return index
            node = node.next
            index += 1
        return -1

    def remove(self, value):
        """Remove the first node holding value; return True if one was removed."""
        prev = None
        node = self.head
        while node is not None:
            if node.value == value:
                if prev is None:
                    self.head = node.next
                else:
                    prev.next = node.next
                if node is self.tail:
                    self.tail = prev
                self.size -= 1
                return True
            prev = node
            node = node.next
        return False

    def reverse(self):
        """Reverse the list in place."""
        prev = None
        node = self.head
        self.tail = self.head
        while node is not None:
            nxt = node.next
            node.next = prev
            prev = node
            node = nxt
        self.head = prev


class Stack:
    def __init__(self):
        self._items = LinkedList()

    def push(self, value):
        self._items.push(value)

    def pop(self):
        return self._items.pop()

    def peek(self):
        if self._items.head is None:
            raise IndexError("peek at empty stack")
        return self._items.head.value

    def __len__(self):
        return len(self._items)


class Queue:
    def __init__(self):
        self._items = LinkedList()

    def enqueue(self, value):
        self._items.append(value)

    def dequeue(self):
        return self._items.pop()

    def __len__(self):
        return len(self._items)


def has_cycle(head):
    """Floyd's tortoise and hare on a chain of nodes."""
    slow = fast = head
    while fast is not None and fast.next is not None:
        slow = slow.next
        fast = fast.next.next
        if slow is fast:
            return True
    return False


def merge_sorted(a, b):
    """Merge two sorted LinkedLists into a new sorted LinkedList (stable: a before b)."""
    out = LinkedList()
    x, y = a.head, b.head
    while x is not None and y is not None:
        if x.value <= y.value:
            out.append(x.value)
            x = x.next
        else:
            out.append(y.value)
            y = y.next
    rest = x if x is not None else y
    while rest is not None:
        out.append(rest.value)
        rest = rest.next
    return out
