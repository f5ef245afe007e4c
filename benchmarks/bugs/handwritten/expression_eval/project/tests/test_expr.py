import pytest

from expr import ExprError, eval_rpn, evaluate, evaluate_rpn, to_rpn, tokenize


def test_tokenize_basic():
    assert tokenize("1 + 2*3") == [1, "+", 2, "*", 3]
    assert tokenize("") == []
    assert tokenize("   ") == []


def test_tokenize_numbers_and_names():
    assert tokenize("12.5*rate_2") == [12.5, "*", "rate_2"]
    assert tokenize("(x)-7") == ["(", "x", ")", "-", 7]
    assert tokenize("42") == [42]
    assert isinstance(tokenize("3")[0], int)
    assert isinstance(tokenize("3.0")[0], float)


def test_tokenize_errors():
    with pytest.raises(ExprError):
        tokenize("2 $ 3")
    with pytest.raises(ExprError):
        tokenize("1.2.3")


def test_to_rpn_precedence():
    assert to_rpn(tokenize("1 + 2 * 3")) == [1, 2, 3, "*", "+"]
    assert to_rpn(tokenize("(1 + 2) * 3")) == [1, 2, "+", 3, "*"]


def test_to_rpn_left_and_right_associativity():
    assert to_rpn(tokenize("8 - 3 - 2")) == [8, 3, "-", 2, "-"]
    assert to_rpn(tokenize("2 ^ 3 ^ 2")) == [2, 3, 2, "^", "^"]


def test_to_rpn_unary_minus():
    assert to_rpn(tokenize("-x")) == ["x", "neg"]
    assert to_rpn(tokenize("2 * -3")) == [2, 3, "neg", "*"]
    assert to_rpn(tokenize("(4) - 1")) == [4, 1, "-"]


def test_to_rpn_unbalanced():
    with pytest.raises(ExprError):
        to_rpn(tokenize("(1 + 2"))
    with pytest.raises(ExprError):
        to_rpn(tokenize("1 + 2)"))


def test_eval_rpn_direct():
    assert eval_rpn([3, 4, "+", 2, "*"]) == 14
    assert eval_rpn([10, 4, "-"]) == 6
    assert eval_rpn([1, 4, "/"]) == 0.25
    assert eval_rpn([5]) == 5


def test_eval_rpn_errors():
    with pytest.raises(ExprError):
        eval_rpn([1, "+"])
    with pytest.raises(ExprError):
        eval_rpn([1, 2])
    with pytest.raises(ExprError):
        eval_rpn([])
    with pytest.raises(ExprError):
        eval_rpn(["neg"])


CASES = [
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("10 - 4 - 3", 3),
    ("2 * 3 + 4 * 5", 26),
    ("7 - 2 * 3", 1),
    ("8 / 4 / 2", 1),
    ("1 / 4", 0.25),
    ("2 ^ 3 ^ 2", 512),
    ("-2 ^ 2", -4),
    ("2 ^ -1", 0.5),
    ("-3 * -3", 9),
    ("--5", 5),
    ("-(2 + 3) * 2", -10),
    ("((7))", 7),
    ("4 - -1", 5),
    ("2 * (3 + 4) * 5", 70),
    ("1.5 * 4", 6.0),
    ("2 ^ 2 * 3", 12),
    ("1 - 2 + 3", 2),
    ("(-2) * 3", -6),
    ("3 * (-x0)", -21),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_evaluate(text, expected):
    assert evaluate(text, {"x0": 7}) == pytest.approx(expected)


@pytest.mark.parametrize("text,expected", CASES)
def test_evaluate_rpn_agrees(text, expected):
    assert evaluate_rpn(text, {"x0": 7}) == pytest.approx(expected)


def test_variables():
    env = {"x": 3, "y": 4, "rate": 0.5}
    assert evaluate("x * x + y * y", env) == 25
    assert evaluate_rpn("x * x + y * y", env) == 25
    assert evaluate("-x + rate * y", env) == -1
    assert evaluate_rpn("-x + rate * y", env) == -1


def test_unknown_variable():
    with pytest.raises(ExprError):
        evaluate("x + 1")
    with pytest.raises(ExprError):
        evaluate_rpn("x + 1", {"y": 1})


def test_division_by_zero():
    with pytest.raises(ExprError):
        evaluate("1 / (2 - 2)")
    with pytest.raises(ExprError):
        evaluate_rpn("5 / 0")


@pytest.mark.parametrize("text", ["", "1 +", "(1 + 2", "1 + 2)", "1 2", "* 3", "()", "2 ^"])
def test_parser_rejects(text):
    with pytest.raises(ExprError):
        evaluate(text)


@pytest.mark.parametrize("text", ["", "1 +", "(1 + 2", "1 + 2)", "1 2", "* 3"])
def test_rpn_rejects(text):
    with pytest.raises(ExprError):
        evaluate_rpn(text)
