import math

import pytest

from expressions import UnitSyntaxError, format_powers, parse_expression, tokenize
from registry import UnitRegistry, UnknownUnitError, default_registry
from units import DimensionError, Unit, combine_dims, format_dims, scale_dims


@pytest.fixture
def reg():
    return default_registry()


# --- units -----------------------------------------------------------------

def test_combine_and_scale_dims():
    assert combine_dims({"length": 1, "time": -1}, {"time": 1}) == {"length": 1}
    assert combine_dims({"length": 1}, {"length": 2, "mass": 1}) == {"length": 3, "mass": 1}
    assert combine_dims({"length": 1}, {"time": 2}, sign=-1) == {"length": 1, "time": -2}
    assert scale_dims({"length": 1, "time": -1}, 2) == {"length": 2, "time": -2}
    assert scale_dims({"length": 1}, 0) == {}


def test_format_dims():
    assert format_dims({}) == "dimensionless"
    assert format_dims({"length": 1}) == "length"
    assert format_dims({"time": -2, "length": 1, "mass": 1}) == "length*mass*time^-2"


def test_unit_rejects_zero_factor():
    with pytest.raises(ValueError):
        Unit("bogus", 0)


def test_unit_multiplication_and_division():
    metre = Unit("m", 1.0, {"length": 1})
    second = Unit("s", 1.0, {"time": 1})
    speed = metre / second
    assert speed.dims == {"length": 1, "time": -1}
    area = metre * metre
    assert area.dims == {"length": 2}
    assert (speed * second).dims == {"length": 1}


def test_unit_power():
    cm = Unit("cm", 0.01, {"length": 1})
    cube = cm ** 3
    assert cube.dims == {"length": 3}
    assert cube.factor == pytest.approx(1e-6)
    assert (cm ** -1).dims == {"length": -1}
    assert cm ** 1 is cm


def test_affine_unit_cannot_be_combined():
    celsius = Unit("degC", 1.0, {"temperature": 1}, offset=273.15)
    metre = Unit("m", 1.0, {"length": 1})
    with pytest.raises(DimensionError):
        celsius * metre
    with pytest.raises(DimensionError):
        celsius ** 2
    with pytest.raises(DimensionError):
        celsius.with_prefix("k", 1e3)


def test_unit_equality_uses_factor_and_dims():
    assert Unit("a", 1000.0, {"length": 1}) == Unit("b", 1e3, {"length": 1})
    assert Unit("a", 1000.0, {"length": 1}) != Unit("a", 1000.0, {"time": 1})
    assert Unit("a", 1.0, {"length": 1}) != Unit("a", 2.0, {"length": 1})


# --- expressions -----------------------------------------------------------

def test_tokenize():
    assert tokenize("kg*m/s^2") == [
        ("name", "kg"), ("op", "*"), ("name", "m"), ("op", "/"),
        ("name", "s"), ("op", "^"), ("num", "2"),
    ]
    assert tokenize("m**2") == tokenize("m^2")
    assert tokenize("N·m") == tokenize("N*m")


def test_tokenize_rejects_bad_characters():
    with pytest.raises(UnitSyntaxError):
        tokenize("m$s")


@pytest.mark.parametrize("text, expected", [
    ("km/h", {"km": 1, "h": -1}),
    ("kg*m/s^2", {"kg": 1, "m": 1, "s": -2}),
    ("N m", {"N": 1, "m": 1}),
    ("m/s/s", {"m": 1, "s": -2}),
    ("(m/s)^2", {"m": 2, "s": -2}),
    ("J/(kg*K)", {"J": 1, "kg": -1, "K": -1}),
])
def test_parse_expression(text, expected):
    assert parse_expression(text) == (1.0, expected)


def test_parse_expression_simple_cases():
    assert parse_expression("m") == (1.0, {"m": 1})
    assert parse_expression("1/s") == (1.0, {"s": -1})
    assert parse_expression("m^-1") == (1.0, {"m": -1})
    assert parse_expression("m/m") == (1.0, {})
    assert parse_expression("") == (1.0, {})
    assert parse_expression("   ") == (1.0, {})


def test_parse_expression_with_numbers():
    scale, powers = parse_expression("1000 m / (60 s)")
    assert scale == pytest.approx(1000 / 60)
    assert powers == {"m": 1, "s": -1}
    scale, powers = parse_expression("(2 m)^3")
    assert scale == pytest.approx(8)
    assert powers == {"m": 3}


def test_parse_expression_rejects_malformed():
    for text in ["m/", "(m*s", "m^x", "m^1.5", "0 m", "m)", "*m"]:
        with pytest.raises(UnitSyntaxError):
            parse_expression(text)
    with pytest.raises(TypeError):
        parse_expression(None)


def test_format_powers():
    assert format_powers({"kg": 1, "m": 1, "s": -2}) == "kg*m/s^2"
    assert format_powers({"s": -1}) == "1/s"
    assert format_powers({"m": 2}) == "m^2"
    assert format_powers({}) == "1"
    assert format_powers({"J": 1, "kg": -1, "K": -1}) == "J/kg/K"


# --- registry --------------------------------------------------------------

def test_get_exact_alias_and_prefixed(reg):
    assert reg.get("m").factor == 1.0
    assert reg.get("metre") is reg.get("m")
    km = reg.get("km")
    assert km.factor == pytest.approx(1000.0)
    assert km.dims == {"length": 1}
    assert km.name == "km"


def test_prefix_resolution(reg):
    # factors are relative to the base units g, m and s (so a Pa is 1000 g/(m*s^2))
    expected = {"kg": 1e3, "mm": 1e-3, "µs": 1e-6, "us": 1e-6, "dam": 10.0, "hPa": 1e5,
                "kmeter": 1e3, "mL": 1e-6, "min": 60.0, "mi": 1609.344}
    for name, factor in expected.items():
        assert reg.get(name).factor == pytest.approx(factor), name


def test_unknown_units(reg):
    with pytest.raises(UnknownUnitError):
        reg.get("furlong")
    with pytest.raises(UnknownUnitError):
        reg.get("kft")  # feet are not prefixable
    with pytest.raises(UnknownUnitError):
        reg.get("k")
    assert "km" in reg
    assert "kmi" not in reg


def test_duplicate_definitions_are_rejected(reg):
    with pytest.raises(ValueError):
        reg.define("m", "100 cm")
    with pytest.raises(ValueError):
        reg.define("yard", "3 ft", aliases=("foot",))


def test_definition_becomes_visible_after_cached_lookup():
    reg = UnitRegistry()
    reg.define_base("m", "length")
    assert "yd" not in reg
    reg.define("yd", "0.9144 m")
    assert reg.get("yd").factor == pytest.approx(0.9144)


def test_len_counts_defined_units_not_aliases():
    reg = UnitRegistry()
    reg.define_base("m", "length", aliases=("meter",))
    reg.define_base("s", "time")
    assert len(reg) == 2


def test_cannot_define_in_terms_of_offset_unit(reg):
    with pytest.raises(DimensionError):
        reg.define("degX", "degC")


@pytest.mark.parametrize("value, source, target, expected", [
    (1, "km", "m", 1000),
    (36, "km/h", "m/s", 10),
    (60, "mph", "km/h", 96.56064),
    (2.5, "L", "cm^3", 2500),
    (10, "lb", "kg", 4.5359237),
])
def test_convert(reg, value, source, target, expected):
    assert reg.convert(value, source, target) == pytest.approx(expected)


def test_convert_more_units(reg):
    assert reg.convert(1, "N", "kg*m/s^2") == pytest.approx(1)
    assert reg.convert(1, "ft", "in") == pytest.approx(12)
    assert reg.convert(90, "min", "h") == pytest.approx(1.5)
    assert reg.convert(1, "day", "s") == pytest.approx(86400)
    assert reg.convert(3, "kHz", "1/s") == pytest.approx(3000)
    assert reg.convert(1, "J/(kg*K)", "J/kg/K") == pytest.approx(1)


def test_convert_compound_energy(reg):
    assert reg.convert(1, "kW*h", "MJ") == pytest.approx(3.6)


def test_convert_temperatures(reg):
    assert reg.convert(0, "degC", "K") == pytest.approx(273.15)
    assert reg.convert(100, "°C", "degF") == pytest.approx(212)
    assert reg.convert(32, "fahrenheit", "celsius") == pytest.approx(0, abs=1e-9)
    assert reg.convert(300, "K", "degC") == pytest.approx(26.85)


def test_offset_unit_rejected_in_compound(reg):
    with pytest.raises(DimensionError):
        reg.parse("degC/s")
    with pytest.raises(DimensionError):
        reg.parse("2 degC")


def test_convert_incompatible(reg):
    with pytest.raises(DimensionError) as info:
        reg.convert(1, "m", "s")
    assert "length" in str(info.value)
    with pytest.raises(DimensionError):
        reg.convert(1, "N", "J")


def test_convert_accepts_unit_objects(reg):
    assert reg.convert(5, reg.get("km"), "m") == pytest.approx(5000)


def test_compatible_units(reg):
    assert set(reg.compatible_units("m")) == {"m", "in", "ft", "mi"}
    assert list(reg.compatible_units("km/h")) == ["mph"]
    assert list(reg.compatible_units("kg*m^2/s^3")) == ["W"]


@pytest.mark.parametrize("value, name, expected", [
    (1500, "m", "1.5 km"),
    (0.00042, "m", "420 µm"),
    (1, "m", "1 m"),
    (1000, "W", "1 kW"),
])
def test_humanize(reg, value, name, expected):
    assert reg.humanize(value, name) == expected


def test_humanize_edge_cases(reg):
    assert reg.humanize(999, "W") == "999 W"
    assert reg.humanize(-2500000, "Pa") == "-2.5 MPa"
    assert reg.humanize(0, "m") == "0 m"
    assert reg.humanize(1500, "ft") == "1.5e+03 ft"
    assert reg.humanize(3e-20, "m") == "3e-05 fm"


# --- quantities ------------------------------------------------------------

def test_quantity_to(reg):
    q = reg.quantity(72, "km/h").to("m/s")
    assert q.value == pytest.approx(20)
    assert str(q.unit.name) == "m/s"


def test_quantity_addition_converts_to_left_unit(reg):
    total = reg.quantity(1, "km") + reg.quantity(250, "m")
    assert total.value == pytest.approx(1.25)
    assert total.unit.name == "km"


def test_quantity_addition_errors(reg):
    with pytest.raises(DimensionError):
        reg.quantity(1, "m") + reg.quantity(1, "s")
    with pytest.raises(DimensionError):
        reg.quantity(20, "degC") + reg.quantity(5, "K")


def test_quantity_multiplication_and_division(reg):
    distance = reg.quantity(100, "km")
    time = reg.quantity(2, "h")
    speed = distance / time
    assert speed.to("km/h").value == pytest.approx(50)
    assert (3 * distance).value == 300
    assert (distance * 2).to("m").value == pytest.approx(200000)
    work = reg.quantity(10, "N") * reg.quantity(3, "m")
    assert work == reg.quantity(30, "J")


def test_quantity_equality_and_str(reg):
    assert reg.quantity(1, "km") == reg.quantity(1000, "m")
    assert reg.quantity(1, "km") != reg.quantity(1, "s")
    assert reg.quantity(0, "degC") == reg.quantity(273.15, "K")
    assert str(reg.quantity(2.5, "km/h")) == "2.5 km/h"
