"""Polynomials with integer or Fraction coefficients, lowest degree first."""

from fractions import Fraction


def _trim(coeffs):
    """Drop trailing zero coefficients (the zero polynomial becomes [])."""
    coeffs = list(coeffs)
    while coeffs and coeffs[-1] == 0:
        coeffs.pop()
    return coeffs


class Polynomial:
    def __init__(self, coeffs=()):
        self.coeffs = _trim(coeffs)

    @classmethod
    def from_roots(cls, roots):
        """The monic polynomial (x - r1)(x - r2)... ."""
        result = cls([1])
        for root in roots:
            result = result * cls([-root, 1])
        return result

    @property
    def degree(self):
        """Degree of the polynomial; -1 for the zero polynomial."""
        return len(self.coeffs) - 1

    def leading(self):
        return self.coeffs[-1] if self.coeffs else 0

    def __call__(self, x):
        result = 0
        for c in reversed(self.coeffs):
            result = result * x + c
        return result

    def __eq__(self, other):
        if isinstance(other, (int, Fraction)):
            other = Polynomial([other])
        if not isinstance(other, Polynomial):
            return NotImplemented
        return self.coeffs == other.coeffs

    def __add__(self, other):
        if isinstance(other, (int, Fraction)):
            other = Polynomial([other])
        size = max(len(self.coeffs), len(other.coeffs))
        a = self.coeffs + [0] * (size - len(self.coeffs))
        b = other.coeffs + [0] * (size - len(other.coeffs))
        return Polynomial([x + y for x, y in zip(a, b)])

    __radd__ = __add__

    def __neg__(self):
        return Polynomial([-c for c in self.coeffs])

    def __sub__(self, other):
        if isinstance(other, (int, Fraction)):
            other = Polynomial([other])
        return self + (-other)

    def __mul__(self, other):
        if isinstance(other, (int, Fraction)):
            return Polynomial([c * other for c in self.coeffs])
        if not self.coeffs or not other.coeffs:
            return Polynomial()
        product = [0] * (len(self.coeffs) + len(other.coeffs) - 1)
        for i, a in enumerate(self.coeffs):
            for j, b in enumerate(other.coeffs):
                product[i + j] += a * b
        return Polynomial(product)

    __rmul__ = __mul__

    def __pow__(self, exponent):
        if not isinstance(exponent, int) or exponent < 0:
            raise ValueError("exponent must be a non-negative integer")
        result = Polynomial([1])
        for _ in range(exponent):
            result = result * self
        return result

    def derivative(self):
        return Polynomial([i * c for i, c in enumerate(self.coeffs)][1:])

    def integral(self, constant=0):
        """Antiderivative with the given constant term; coefficients become Fractions."""
        terms = [Fraction(c, i + 1) for i, c in enumerate(self.coeffs)]
        return Polynomial([constant] + terms)

    def compose(self, inner):
        """self(inner(x)) as a polynomial, by Horner's rule."""
        result = Polynomial()
        for c in reversed(self.coeffs):
            result = result * inner + c
        return result

    def divmod(self, divisor):
        """Quotient and remainder of long division by another polynomial."""
        if not divisor.coeffs:
            raise ZeroDivisionError("division by the zero polynomial")
        remainder = [Fraction(c) for c in self.coeffs]
        quotient = [Fraction(0)] * max(len(remainder) - len(divisor.coeffs) + 1, 0)
        lead = divisor.leading()
        for shift in range(len(quotient) - 1, -1, -1):
            factor = remainder[shift + divisor.degree] / lead
            quotient[shift] = factor
            for i, c in enumerate(divisor.coeffs):
                remainder[shift + i] -= factor * c
        return Polynomial(quotient), Polynomial(remainder)

    def __str__(self):
        if not self.coeffs:
            return "0"
        parts = []
        for power in range(self.degree, -1, -1):
            c = self.coeffs[power]
            if c == 0:
                continue
            sign = "-" if c < 0 else "+"
            size = abs(c)
            if size == 1 and power > 0:
                text = ""
            else:
                text = str(size)
            if power == 1:
                text += "x"
            elif power > 1:
                text += f"x^{power}"
            parts.append((sign, text))
        first_sign, first_text = parts[0]
        out = ("-" if first_sign == "-" else "") + first_text
        for sign, text in parts[1:]:
            out += f" {sign} {text}"
        return out

    def __repr__(self):
        return f"Polynomial({self.coeffs!r})"
