"""A registry of named units and SI prefixes, plus conversion and quantities."""

import math

from expressions import format_powers, parse_expression
from units import DimensionError, Unit, format_dims

SI_PREFIXES = {
    "Y": 1e24, "Z": 1e21, "E": 1e18, "P": 1e15, "T": 1e12, "G": 1e9, "M": 1e6,
    "k": 1e3, "h": 1e2, "da": 1e1, "d": 1e-1, "c": 1e-2, "m": 1e-3,
    "µ": 1e-6, "u": 1e-6, "n": 1e-9, "p": 1e-12, "f": 1e-15,
}


class UnknownUnitError(KeyError):
    """Raised when a name is neither a unit, an alias, nor a prefixed unit."""


class UnitRegistry:
    def __init__(self, prefixes=None):
        self.prefixes = dict(SI_PREFIXES if prefixes is None else prefixes)
        self._units = {}
        self._aliases = {}
        self._prefixable = set()
        self._cache = {}

    def __len__(self):
        return len(self._units)

    def __contains__(self, name):
        try:
            self.get(name)
        except UnknownUnitError:
            return False
        return True

    def define_base(self, name, dimension, prefixable=True, aliases=()):
        unit = Unit(name, 1.0, {dimension: 1})
        self._register(unit, prefixable, aliases)
        return unit

    def define(self, name, definition, offset=0.0, prefixable=False, aliases=()):
        """Define ``name`` from an expression of known units, e.g. define('N', 'kg*m/s^2')."""
        reference = self.parse(definition)
        if reference.is_affine:
            raise DimensionError(f"cannot define {name!r} in terms of offset unit {definition!r}")
        unit = Unit(name, reference.factor, reference.dims, offset=offset)
        self._register(unit, prefixable, aliases)
        return unit

    def _register(self, unit, prefixable, aliases):
        for name in (unit.name, *aliases):
            if name in self._units or name in self._aliases:
                raise ValueError(f"unit {name!r} is already defined")
        self._units[unit.name] = unit
        for alias in aliases:
            self._aliases[alias] = unit.name
        if prefixable:
            self._prefixable.add(unit.name)
        self._cache.clear()

    def _canonical(self, name):
        if name in self._units:
            return name
        return self._aliases.get(name)

    def get(self, name):
        """Resolve one unit name: an exact name, an alias, or a prefix plus a prefixable unit."""
        if name in self._cache:
            return self._cache[name]
        unit = self._lookup(name)
        self._cache[name] = unit
        return unit

    def _lookup(self, name):
        canonical = self._canonical(name)
        if canonical is not None:
            return self._units[canonical]
        for prefix in sorted(self.prefixes, key=len, reverse=True):
            if not name.startswith(prefix) or len(name) == len(prefix):
                continue
            base = self._canonical(name[len(prefix):])
            if base in self._prefixable:
                unit = self._units[base].with_prefix(prefix, self.prefixes[prefix])
                unit.name = name
                return unit
        raise UnknownUnitError(name)

    def parse(self, expression):
        """Build a Unit from an expression such as 'km/h' or 'kg*m/s^2'."""
        scale, powers = parse_expression(expression)
        result = Unit(format_powers(powers), scale)
        for name, exp in powers.items():
            unit = self.get(name)
            if unit.is_affine:
                if len(powers) == 1 and exp == 1 and scale == 1.0:
                    return unit
                raise DimensionError(f"offset unit {name!r} cannot appear in a compound unit")
            result = result * unit ** exp
        result.name = expression.strip() or "1"
        return result

    def as_unit(self, unit):
        return unit if isinstance(unit, Unit) else self.parse(unit)

    def convert(self, value, source, target):
        src, dst = self.as_unit(source), self.as_unit(target)
        if not src.is_compatible(dst):
            raise DimensionError(
                f"cannot convert {src.name} ({format_dims(src.dims)}) "
                f"to {dst.name} ({format_dims(dst.dims)})")
        return dst.from_base(src.to_base(value))

    def compatible_units(self, unit):
        """Yield the names of registered units with the same dimensions as ``unit``."""
        reference = self.as_unit(unit)
        for name, candidate in self._units.items():
            if candidate.is_compatible(reference):
                yield name

    def _engineering_prefixes(self):
        by_multiplier = {1.0: ""}
        for prefix, multiplier in self.prefixes.items():
            if round(math.log10(multiplier)) % 3 == 0:
                by_multiplier.setdefault(multiplier, prefix)
        return sorted(by_multiplier.items())

    def humanize(self, value, name, precision=3):
        """Format a value with the SI prefix that keeps its magnitude in [1, 1000)."""
        if name not in self._prefixable or value == 0:
            return f"{value:.{precision}g} {name}"
        candidates = self._engineering_prefixes()
        multiplier, prefix = candidates[0]
        for mult, pre in candidates:
            if abs(value) / mult >= 1:
                multiplier, prefix = mult, pre
            else:
                break
        return f"{value / multiplier:.{precision}g} {prefix}{name}"

    def quantity(self, value, unit):
        return Quantity(value, self.as_unit(unit), self)


class Quantity:
    """A value together with its unit."""

    def __init__(self, value, unit, registry):
        self.value = value
        self.unit = unit
        self.registry = registry

    def to(self, target):
        unit = self.registry.as_unit(target)
        return Quantity(self.registry.convert(self.value, self.unit, unit), unit, self.registry)

    def __add__(self, other):
        if not isinstance(other, Quantity):
            return NotImplemented
        if self.unit.is_affine or other.unit.is_affine:
            raise DimensionError("cannot add quantities on an offset scale")
        return Quantity(self.value + other.to(self.unit).value, self.unit, self.registry)

    def __mul__(self, other):
        if isinstance(other, Quantity):
            return Quantity(self.value * other.value, self.unit * other.unit, self.registry)
        return Quantity(self.value * other, self.unit, self.registry)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, Quantity):
            return Quantity(self.value / other.value, self.unit / other.unit, self.registry)
        return Quantity(self.value / other, self.unit, self.registry)

    def __eq__(self, other):
        if not isinstance(other, Quantity) or not self.unit.is_compatible(other.unit):
            return False
        return math.isclose(self.unit.to_base(self.value), other.unit.to_base(other.value),
                            rel_tol=1e-9)

    __hash__ = None

    def __str__(self):
        return f"{self.value:g} {self.unit.name}"


def default_registry():
    """A registry with the SI base units and a handful of common derived and imperial units."""
    reg = UnitRegistry()
    reg.define_base("m", "length", aliases=("meter", "metre"))
    reg.define_base("g", "mass", aliases=("gram",))
    reg.define_base("s", "time", aliases=("sec", "second"))
    reg.define_base("A", "current", aliases=("amp",))
    reg.define_base("K", "temperature", aliases=("kelvin",))
    reg.define_base("mol", "amount")
    reg.define("min", "60 s", aliases=("minute",))
    reg.define("h", "60 min", aliases=("hr", "hour"))
    reg.define("day", "24 h")
    reg.define("in", "0.0254 m", aliases=("inch",))
    reg.define("ft", "12 in", aliases=("foot", "feet"))
    reg.define("mi", "5280 ft", aliases=("mile",))
    reg.define("mph", "mi/h")
    reg.define("lb", "453.59237 g", aliases=("pound",))
    reg.define("L", "dm^3", prefixable=True, aliases=("l", "liter", "litre"))
    reg.define("N", "kg*m/s^2", prefixable=True)
    reg.define("J", "N*m", prefixable=True)
    reg.define("W", "J/s", prefixable=True)
    reg.define("Pa", "N/m^2", prefixable=True)
    reg.define("Hz", "1/s", prefixable=True)
    reg.define("degC", "K", offset=273.15, aliases=("°C", "celsius"))
    reg.define("degF", "5/9 K", offset=459.67, aliases=("°F", "fahrenheit"))
    return reg
