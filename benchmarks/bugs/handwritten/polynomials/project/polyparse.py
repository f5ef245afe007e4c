"""Read polynomials written like '3x^2 - 2x + 1' and find their rational roots."""

import re
from fractions import Fraction

from poly import Polynomial

_TERM = re.compile(r"([+-]?)(\d*)(x(?:\^(\d+))?)?$")


def parse(text):
    """Parse a polynomial in x; terms may repeat and come in any order."""
    source = text.replace(" ", "")
    if not source:
        raise ValueError("empty polynomial")
    terms = re.findall(r"[+-]?[^+-]+", source)
    if "".join(terms) != source:
        raise ValueError(f"cannot parse {text!r}")
    coeffs = {}
    for term in terms:
        match = _TERM.match(term)
        if not match or (not match.group(2) and not match.group(3)):
            raise ValueError(f"bad term {term!r} in {text!r}")
        sign, digits, has_x, power = match.groups()
        value = int(digits) if digits else 1
        if sign == "-":
            value = -value
        if not has_x:
            exponent = 0
        elif power is None:
            exponent = 1
        else:
            exponent = int(power)
        coeffs[exponent] = coeffs.get(exponent, 0) + value
    size = max(coeffs) + 1
    return Polynomial([coeffs.get(i, 0) for i in range(size)])


def _divisors(n):
    n = abs(n)
    return [d for d in range(1, n + 1) if n % d == 0]


def rational_roots(p):
    """Sorted distinct rational roots of a polynomial with integer coefficients."""
    if not p.coeffs:
        raise ValueError("every number is a root of the zero polynomial")
    if any(Fraction(c).denominator != 1 for c in p.coeffs):
        raise ValueError("coefficients must be integers")
    roots = set()
    coeffs = [int(c) for c in p.coeffs]
    while coeffs and coeffs[0] == 0:
        roots.add(Fraction(0))
        coeffs = coeffs[1:]
    if len(coeffs) <= 1:
        return sorted(roots)
    reduced = Polynomial(coeffs)
    for num in _divisors(coeffs[0]):
        for den in _divisors(coeffs[-1]):
            for candidate in (Fraction(num, den), Fraction(-num, den)):
                if reduced(candidate) == 0:
                    roots.add(candidate)
    return sorted(roots)
