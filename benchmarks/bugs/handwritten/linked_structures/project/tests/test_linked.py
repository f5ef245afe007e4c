import pytest

from linked import LinkedList, Node, Queue, Stack, has_cycle, merge_sorted


def test_empty_list():
    lst = LinkedList()
    assert len(lst) == 0
    assert lst.to_list() == []
    assert lst.head is None and lst.tail is None


def test_from_list_keeps_order():
    lst = LinkedList.from_list([3, 1, 2])
    assert lst.to_list() == [3, 1, 2]
    assert len(lst) == 3
    assert lst.tail.value == 2


def test_push_goes_to_front():
    lst = LinkedList()
    lst.push(1)
    lst.push(2)
    lst.push(3)
    assert lst.to_list() == [3, 2, 1]
    assert lst.tail.value == 1


def test_push_then_append():
    lst = LinkedList()
    lst.push(1)
    lst.append(2)
    assert lst.to_list() == [1, 2]


def test_pop_returns_front():
    lst = LinkedList.from_list([1, 2, 3])
    assert lst.pop() == 1
    assert lst.to_list() == [2, 3]
    assert len(lst) == 2


def test_pop_last_clears_tail():
    lst = LinkedList.from_list([7])
    assert lst.pop() == 7
    assert lst.head is None and lst.tail is None
    lst.append(8)
    assert lst.to_list() == [8]


def test_pop_empty_raises():
    with pytest.raises(IndexError):
        LinkedList().pop()


def test_find():
    lst = LinkedList.from_list(["a", "b", "c", "b"])
    assert lst.find("a") == 0
    assert lst.find("b") == 1
    assert lst.find("c") == 2
    assert lst.find("z") == -1


def test_remove_middle():
    lst = LinkedList.from_list([1, 2, 3])
    assert lst.remove(2) is True
    assert lst.to_list() == [1, 3]
    assert len(lst) == 2


def test_remove_head_and_tail():
    lst = LinkedList.from_list([1, 2, 3])
    assert lst.remove(1)
    assert lst.remove(3)
    assert lst.to_list() == [2]
    lst.append(4)
    assert lst.to_list() == [2, 4]
    assert lst.tail.value == 4


def test_remove_first_occurrence_only():
    lst = LinkedList.from_list([5, 6, 5])
    lst.remove(5)
    assert lst.to_list() == [6, 5]


def test_remove_missing():
    lst = LinkedList.from_list([1, 2])
    assert lst.remove(9) is False
    assert len(lst) == 2


def test_reverse():
    lst = LinkedList.from_list([1, 2, 3, 4])
    lst.reverse()
    assert lst.to_list() == [4, 3, 2, 1]
    assert lst.head.value == 4
    assert lst.tail.value == 1


def test_reverse_then_append():
    lst = LinkedList.from_list([1, 2, 3])
    lst.reverse()
    lst.append(0)
    assert lst.to_list() == [3, 2, 1, 0]


def test_reverse_empty_and_single():
    empty = LinkedList()
    empty.reverse()
    assert empty.to_list() == []
    one = LinkedList.from_list([1])
    one.reverse()
    assert one.to_list() == [1]


def test_stack_lifo():
    s = Stack()
    for v in (1, 2, 3):
        s.push(v)
    assert s.peek() == 3
    assert [s.pop(), s.pop(), s.pop()] == [3, 2, 1]
    assert len(s) == 0


def test_stack_peek_empty():
    with pytest.raises(IndexError):
        Stack().peek()


def test_queue_fifo():
    q = Queue()
    for v in (1, 2, 3):
        q.enqueue(v)
    assert len(q) == 3
    assert q.dequeue() == 1
    q.enqueue(4)
    assert [q.dequeue(), q.dequeue(), q.dequeue()] == [2, 3, 4]
    with pytest.raises(IndexError):
        q.dequeue()


def test_queue_reuse_after_empty():
    q = Queue()
    q.enqueue("x")
    q.dequeue()
    q.enqueue("y")
    assert q.dequeue() == "y"


def _chain(n):
    nodes = [Node(i) for i in range(n)]
    for a, b in zip(nodes, nodes[1:]):
        a.next = b
    return nodes


def test_no_cycle():
    assert has_cycle(None) is False
    assert has_cycle(_chain(1)[0]) is False
    assert has_cycle(_chain(5)[0]) is False


def test_cycle():
    nodes = _chain(5)
    nodes[-1].next = nodes[2]
    assert has_cycle(nodes[0]) is True


def test_self_loop():
    node = Node(1)
    node.next = node
    assert has_cycle(node) is True


def test_merge_sorted():
    a = LinkedList.from_list([1, 4, 6])
    b = LinkedList.from_list([2, 3, 7, 9])
    assert merge_sorted(a, b).to_list() == [1, 2, 3, 4, 6, 7, 9]


def test_merge_with_empty():
    a = LinkedList.from_list([1, 2])
    assert merge_sorted(a, LinkedList()).to_list() == [1, 2]
    assert merge_sorted(LinkedList(), a).to_list() == [1, 2]
    assert merge_sorted(LinkedList(), LinkedList()).to_list() == []


class Item:
    def __init__(self, key, tag):
        self.key, self.tag = key, tag

    def __le__(self, other):
        return self.key <= other.key

    def __lt__(self, other):
        return self.key < other.key


def test_merge_is_stable():
    a = LinkedList.from_list([Item(1, "a"), Item(2, "a")])
    b = LinkedList.from_list([Item(1, "b"), Item(2, "b")])
    merged = merge_sorted(a, b)
    assert [(i.key, i.tag) for i in merged] == [(1, "a"), (1, "b"), (2, "a"), (2, "b")]
    assert len(merged) == 4
