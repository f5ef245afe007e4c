import random

import pytest

from bst import BST, Node, height, is_valid_bst, lowest_common_ancestor

KEYS = [50, 30, 70, 20, 40, 60, 80, 35, 45, 65]
#            50
#        30      70
#      20  40  60  80
#         35 45  65


def test_empty_tree():
    t = BST()
    assert len(t) == 0
    assert t.inorder() == []
    assert t.height() == 0
    assert t.level_order() == []
    assert not t.contains(1)
    with pytest.raises(ValueError):
        t.min()
    with pytest.raises(ValueError):
        t.max()


def test_insert_and_inorder():
    t = BST(KEYS)
    assert t.inorder() == sorted(KEYS)
    assert len(t) == len(KEYS)


def test_insert_duplicate():
    t = BST([5, 3])
    assert t.insert(5) is False
    assert t.insert(3) is False
    assert t.insert(4) is True
    assert len(t) == 3
    assert t.inorder() == [3, 4, 5]


def test_contains():
    t = BST(KEYS)
    for k in KEYS:
        assert t.contains(k)
    for k in (0, 25, 55, 66, 100):
        assert not t.contains(k)


def test_min_max():
    t = BST(KEYS)
    assert t.min() == 20
    assert t.max() == 80
    single = BST([7])
    assert single.min() == single.max() == 7


def test_height():
    assert BST([1]).height() == 1
    assert BST(KEYS).height() == 4
    assert BST([1, 2, 3, 4]).height() == 4
    assert height(None) == 0


def test_level_order():
    assert BST(KEYS).level_order() == [[50], [30, 70], [20, 40, 60, 80], [35, 45, 65]]
    assert BST([2, 1]).level_order() == [[2], [1]]


def test_delete_leaf():
    t = BST(KEYS)
    assert t.delete(35)
    assert t.inorder() == sorted(set(KEYS) - {35})
    assert len(t) == len(KEYS) - 1


def test_delete_one_child():
    t = BST(KEYS)
    assert t.delete(60)
    assert t.inorder() == sorted(set(KEYS) - {60})
    assert t.level_order() == [[50], [30, 70], [20, 40, 65, 80], [35, 45]]


def test_delete_two_children():
    t = BST(KEYS)
    assert t.delete(30)
    assert t.inorder() == sorted(set(KEYS) - {30})
    assert t.root.left.key == 35
    assert is_valid_bst(t.root)


def test_delete_root_and_missing():
    t = BST(KEYS)
    assert t.delete(50)
    assert t.root.key == 60
    assert not t.delete(50)
    assert not t.delete(999)
    assert len(t) == len(KEYS) - 1


def test_delete_until_empty():
    t = BST([2, 1, 3])
    for k in (2, 1, 3):
        assert t.delete(k)
    assert t.root is None
    assert len(t) == 0


def test_random_inserts_and_deletes():
    rng = random.Random(7)
    keys = rng.sample(range(1000), 200)
    t = BST(keys)
    removed = set(rng.sample(keys, 80))
    for k in removed:
        assert t.delete(k)
    assert t.inorder() == sorted(set(keys) - removed)
    assert is_valid_bst(t.root)


def test_is_valid_bst():
    assert is_valid_bst(None)
    assert is_valid_bst(BST(KEYS).root)
    root = Node(10)
    root.left = Node(5)
    root.right = Node(15)
    root.left.right = Node(12)  # greater than the root, but in its left subtree
    assert not is_valid_bst(root)


def test_is_valid_bst_rejects_duplicates_and_local_violations():
    root = Node(10)
    root.right = Node(10)
    assert not is_valid_bst(root)
    root = Node(10)
    root.left = Node(11)
    assert not is_valid_bst(root)
    root = Node(10)
    root.right = Node(20)
    root.right.left = Node(5)
    assert not is_valid_bst(root)


def test_lowest_common_ancestor():
    root = BST(KEYS).root
    assert lowest_common_ancestor(root, 35, 45) == 40
    assert lowest_common_ancestor(root, 20, 45) == 30
    assert lowest_common_ancestor(root, 65, 80) == 70
    assert lowest_common_ancestor(root, 35, 65) == 50
    assert lowest_common_ancestor(root, 30, 35) == 30
    assert lowest_common_ancestor(root, 45, 45) == 45
