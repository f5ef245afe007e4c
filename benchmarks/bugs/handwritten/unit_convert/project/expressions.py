"""Parsing of unit expressions such as 'km/h', 'kg*m/s^2', 'N m' or '1000 m / (60 s)'.

The parser knows nothing about which units exist; it turns an expression into a numeric
scale and an ordered map of unit names to integer exponents.
"""

import re

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"(?:°|[^\W\d])\w*")
_OPERATORS = "*/^()"


class UnitSyntaxError(ValueError):
    """Raised for a malformed unit expression."""


def tokenize(text):
    """Split an expression into ('num' | 'name' | 'op', text) tokens."""
    text = text.replace("**", "^").replace("·", "*")
    tokens = []
    pos = 0
    while pos < len(text):
        ch = text[pos]
        if ch.isspace():
            pos += 1
            continue
        if ch in _OPERATORS:
            tokens.append(("op", ch))
            pos += 1
            continue
        match = _NUMBER.match(text, pos) or _NAME.match(text, pos)
        if match is None:
            raise UnitSyntaxError(f"unexpected character {ch!r} at position {pos}")
        kind = "num" if match.re is _NUMBER else "name"
        tokens.append((kind, match.group()))
        pos = match.end()
    return tokens


def merge_powers(target, other, sign=1):
    """Add the exponents of ``other`` (times sign) into ``target`` in place."""
    for name, exp in other.items():
        total = target.get(name, 0) + sign * exp
        if total:
            target[name] = total
        else:
            target.pop(name, None)
    return target


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0

    def peek(self):
        if self.pos < len(self.tokens):
            return self.tokens[self.pos]
        return (None, None)

    def advance(self):
        token = self.peek()
        self.pos += 1
        return token

    def parse_expr(self):
        scale, powers = self.parse_term()
        while True:
            kind, value = self.peek()
            if kind == "op" and value in ("*", "/"):
                self.advance()
                factor, sub = self.parse_term()
                if value == "/":
                    scale /= factor
                    merge_powers(powers, sub, sign=-1)
                else:
                    scale *= factor
                    merge_powers(powers, sub)
            elif kind in ("name", "num") or (kind, value) == ("op", "("):
                # juxtaposition, as in 'N m', means multiplication
                factor, sub = self.parse_term()
                scale *= factor
                merge_powers(powers, sub)
            else:
                return scale, powers

    def parse_term(self):
        scale, powers = self.parse_atom()
        if self.peek() == ("op", "^"):
            self.advance()
            kind, value = self.advance()
            if kind != "num" or not re.fullmatch(r"[+-]?\d+", value):
                raise UnitSyntaxError(f"exponent must be an integer, got {value!r}")
            exp = int(value)
            scale = scale ** exp
            powers = {name: e * exp for name, e in powers.items() if e * exp}
        return scale, powers

    def parse_atom(self):
        kind, value = self.advance()
        if kind == "name":
            return 1.0, {value: 1}
        if kind == "num":
            number = float(value)
            if number == 0:
                raise UnitSyntaxError("a unit expression cannot contain a zero factor")
            return number, {}
        if (kind, value) == ("op", "("):
            inner = self.parse_expr()
            if self.advance() != ("op", ")"):
                raise UnitSyntaxError("missing closing parenthesis")
            return inner
        if kind is None:
            raise UnitSyntaxError("unexpected end of expression")
        raise UnitSyntaxError(f"unexpected {value!r}")


def parse_expression(text):
    """Parse ``text`` into (scale, {name: exponent}). An empty expression is dimensionless."""
    if text is None:
        raise TypeError("unit expression must be a string, not None")
    tokens = tokenize(text)
    if not tokens:
        return 1.0, {}
    parser = _Parser(tokens)
    scale, powers = parser.parse_expr()
    if parser.pos < len(tokens):
        raise UnitSyntaxError(f"unexpected {tokens[parser.pos][1]!r} after expression")
    return scale, powers


def format_powers(powers):
    """Render {name: exponent} canonically: 'kg*m/s^2', '1/s', or '1' when empty."""
    upper = [name if exp == 1 else f"{name}^{exp}" for name, exp in powers.items() if exp > 0]
    lower = [name if exp == -1 else f"{name}^{-exp}" for name, exp in powers.items() if exp < 0]
    text = "*".join(upper) or "1"
    if lower:
        text += "/" + "/".join(lower)
    return text
