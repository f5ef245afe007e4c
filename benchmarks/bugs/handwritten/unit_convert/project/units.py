"""Unit objects and the dimension arithmetic behind them."""

import math


class DimensionError(ValueError):
    """Raised when units or quantities have incompatible dimensions."""


def combine_dims(left, right, sign=1):
    """Add (or, with sign=-1, subtract) two exponent maps, dropping zero exponents."""
    result = dict(left)
    for dim, exp in right.items():
        total = result.get(dim, 0) + sign * exp
        if total == 0:
            result.pop(dim, None)
        else:
            result[dim] = total
    return result


def scale_dims(dims, power):
    """Raise an exponent map to an integer power."""
    if power == 0:
        return {}
    return {dim: exp * power for dim, exp in dims.items()}


def format_dims(dims):
    """Render an exponent map such as {'length': 1, 'time': -1} as 'length*time^-1'."""
    if not dims:
        return "dimensionless"
    parts = []
    for dim in sorted(dims):
        exp = dims[dim]
        parts.append(dim if exp == 1 else f"{dim}^{exp}")
    return "*".join(parts)


class Unit:
    """A unit: a scale factor (and optional offset) relative to the base units of its dimensions.

    A value ``v`` in this unit equals ``(v + offset) * factor`` in base units.
    """

    def __init__(self, name, factor=1.0, dims=None, offset=0.0):
        if factor == 0:
            raise ValueError("a unit's factor must be non-zero")
        self.name = name
        self.factor = float(factor)
        self.dims = dict(dims or {})
        self.offset = float(offset)

    @property
    def is_affine(self):
        return self.offset != 0.0

    def is_compatible(self, other):
        return self.dims == other.dims

    def to_base(self, value):
        return (value + self.offset) * self.factor

    def from_base(self, value):
        return value / self.factor - self.offset

    def _check_linear(self, other, action):
        if self.is_affine or other.is_affine:
            raise DimensionError(f"cannot {action} offset unit {self.name!r} or {other.name!r}")

    def __mul__(self, other):
        self._check_linear(other, "multiply")
        return Unit(f"{self.name}*{other.name}", self.factor * other.factor,
                    combine_dims(self.dims, other.dims))

    def __truediv__(self, other):
        self._check_linear(other, "divide")
        return Unit(f"{self.name}/{other.name}", self.factor / other.factor,
                    combine_dims(self.dims, other.dims, sign=-1))

    def __pow__(self, power):
        if not isinstance(power, int):
            raise TypeError("units can only be raised to integer powers")
        if power == 1:
            return self
        if self.is_affine:
            raise DimensionError(f"cannot raise offset unit {self.name!r} to a power")
        return Unit(f"{self.name}^{power}", self.factor ** power, scale_dims(self.dims, power))

    def with_prefix(self, prefix, multiplier):
        if self.is_affine:
            raise DimensionError(f"offset unit {self.name!r} does not take prefixes")
        return Unit(prefix + self.name, self.factor * multiplier, self.dims)

    def __eq__(self, other):
        if not isinstance(other, Unit):
            return NotImplemented
        return (self.dims == other.dims and self.offset == other.offset
                and math.isclose(self.factor, other.factor, rel_tol=1e-12))

    __hash__ = None

    def __repr__(self):
        return f"Unit({self.name!r}, factor={self.factor:g}, dims={format_dims(self.dims)})"
