from fractions import Fraction

import pytest

from poly import Polynomial
from polyparse import parse, rational_roots


def P(*coeffs):
    return Polynomial(coeffs)


# --- construction and basics ---------------------------------------------


def test_trailing_zeros_are_trimmed():
    assert P(1, 2, 0, 0).coeffs == [1, 2]
    assert P(0, 0).coeffs == []
    assert P().degree == -1


@pytest.mark.parametrize("coeffs, degree", [((5,), 0), ((1, 0, 0, 0, 7), 4)])
def test_degree(coeffs, degree):
    assert Polynomial(coeffs).degree == degree


def test_leading():
    assert P(1, 2, 3).leading() == 3
    assert P().leading() == 0


@pytest.mark.parametrize("x, expected", [(2, 9), (-1, 6), (Fraction(1, 2), Fraction(3, 4))])
def test_evaluate(x, expected):
    p = P(1, -2, 3)  # 3x^2 - 2x + 1
    assert p(x) == expected


def test_evaluate_zero_polynomial():
    assert P()(5) == 0


def test_equality_with_numbers():
    assert P(4) == 4
    assert P() == 0
    assert P(1, 1) != P(1)
    assert P(1) != "1"


# --- arithmetic ----------------------------------------------------------


def test_add():
    assert P(1, 2, 3) + P(4, 5) == P(5, 7, 3)
    assert P(1, 2) + P(0, 0, 1) == P(1, 2, 1)
    assert P(1, 2, 3) + P(0, 0, -3) == P(1, 2)
    assert P(1, 1) + 5 == P(6, 1)
    assert 5 + P(1, 1) == P(6, 1)


def test_sub():
    assert P(5, 7, 3) - P(4, 5) == P(1, 2, 3)
    assert P(1, 2) - P(1, 2) == P()
    assert P(3, 1) - 3 == P(0, 1)


def test_neg():
    assert -P(1, -2, 3) == P(-1, 2, -3)


def test_mul():
    assert P(1, 1) * P(-1, 1) == P(-1, 0, 1)
    assert P(1, 2, 3) * P(0, 1) == P(0, 1, 2, 3)
    assert P(2, 3) * P() == P()
    assert P(1, 1) * 3 == P(3, 3)
    assert 2 * P(1, 1) == P(2, 2)


def test_pow():
    assert P(1, 1) ** 3 == P(1, 3, 3, 1)
    assert P(2, 5) ** 0 == P(1)
    with pytest.raises(ValueError):
        P(1, 1) ** -1


def test_from_roots():
    p = Polynomial.from_roots([1, 2, -3])
    assert p == P(6, -7, 0, 1)
    assert all(p(r) == 0 for r in (1, 2, -3))
    assert Polynomial.from_roots([]) == P(1)


# --- calculus ------------------------------------------------------------


def test_derivative():
    assert P(5, 3, -2, 4).derivative() == P(3, -4, 12)
    assert P(7).derivative() == P()
    assert P().derivative() == P()


def test_integral():
    p = P(3, -4, 12).integral(constant=5)
    assert p == P(5, 3, -2, 4)
    assert P(1, 1).integral() == P(0, 1, Fraction(1, 2))
    assert P().integral(2) == P(2)


def test_integral_then_derivative():
    p = P(2, 0, 9, -4)
    assert p.integral(7).derivative() == p


def test_compose():
    outer = P(1, 0, 1)  # x^2 + 1
    inner = P(-1, 2)  # 2x - 1
    assert outer.compose(inner) == P(2, -4, 4)
    assert inner.compose(outer) == P(1, 0, 2)
    assert outer.compose(P(3)) == P(10)


# --- division ------------------------------------------------------------


def test_divmod_exact():
    q, r = P(-1, 0, 1).divmod(P(1, 1))
    assert q == P(-1, 1)
    assert r == P()


def test_divmod_with_remainder():
    dividend = P(1, 2, 0, 3)  # 3x^3 + 2x + 1
    divisor = P(-1, 0, 1)  # x^2 - 1
    q, r = dividend.divmod(divisor)
    assert q == P(0, 3)
    assert r == P(1, 5)
    assert q * divisor + r == dividend


def test_divmod_fraction_quotient():
    q, r = P(1, 0, 1).divmod(P(1, 2))
    assert q == P(Fraction(-1, 4), Fraction(1, 2))
    assert r == P(Fraction(5, 4))


def test_divmod_by_higher_degree():
    q, r = P(1, 1).divmod(P(0, 0, 1))
    assert q == P()
    assert r == P(1, 1)


def test_divmod_by_zero():
    with pytest.raises(ZeroDivisionError):
        P(1, 2).divmod(P())


# --- formatting and parsing ----------------------------------------------


@pytest.mark.parametrize(
    "coeffs, text",
    [
        ((), "0"),
        ((1, -2, 3), "3x^2 - 2x + 1"),
        ((-1, 0, -1), "-x^2 - 1"),
        ((0, 0, 0, 2, 1), "x^4 + 2x^3"),
        ((Fraction(1, 2), 0, 1), "x^2 + 1/2"),
    ],
)
def test_str(coeffs, text):
    assert str(Polynomial(coeffs)) == text


@pytest.mark.parametrize(
    "text, coeffs",
    [
        ("3x^2 - 2x + 1", (1, -2, 3)),
        ("x", (0, 1)),
        ("-x^3 + 4", (4, 0, 0, -1)),
        ("2x + 3x - 1", (-1, 5)),
        ("x^2 - x^2", ()),
    ],
)
def test_parse(text, coeffs):
    assert parse(text) == Polynomial(coeffs)


@pytest.mark.parametrize("text", ["", "3x^", "2y + 1"])
def test_parse_errors(text):
    with pytest.raises(ValueError):
        parse(text)


def test_parse_str_round_trip():
    p = P(-4, 0, 7, 0, -1)
    assert parse(str(p)) == p


# --- roots ---------------------------------------------------------------


def test_rational_roots():
    p = Polynomial.from_roots([2, -3, Fraction(1, 2)]) * 2
    assert rational_roots(p) == [-3, Fraction(1, 2), 2]


def test_rational_roots_with_zero_root():
    assert rational_roots(P(0, 0, -4, 0, 1)) == [-2, 0, 2]


def test_rational_roots_none():
    assert rational_roots(P(1, 0, 1)) == []
    assert rational_roots(P(5)) == []


def test_rational_roots_errors():
    with pytest.raises(ValueError, match="zero polynomial"):
        rational_roots(P())
    with pytest.raises(ValueError, match="integers"):
        rational_roots(P(Fraction(1, 2), 1))
