"""A small INI file parser with typed getters and ${key} interpolation."""

import re

COMMENT_PREFIXES = ("#", ";")
TRUE_WORDS = {"1", "yes", "true", "on"}
FALSE_WORDS = {"0", "no", "false", "off"}
_REF = re.compile(r"\$\{([^}]+)\}")
MAX_DEPTH = 10


class ParseError(ValueError):
    """Raised for malformed input; carries the 1-based line number."""

    def __init__(self, message, lineno):
        super().__init__(f"line {lineno}: {message}")
        self.lineno = lineno


def _strip_inline_comment(value):
    """Remove a trailing ' ;comment' or ' #comment' from a value."""
    for i, ch in enumerate(value):
        if ch in COMMENT_PREFIXES and i > 0 and value[i - 1].isspace():
            return value[:i].rstrip()
    return value


def _unquote(value):
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


class Config:
    def __init__(self, defaults=None):
        self.defaults = dict(defaults or {})
        self.sections = {}
        self.order = []

    # ----- parsing -------------------------------------------------
    @classmethod
    def parse(cls, text, defaults=None):
        cfg = cls(defaults)
        current = None
        last_key = None
        for lineno, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith(COMMENT_PREFIXES):
                continue
            if raw[0].isspace() and last_key is not None:
                # continuation of the previous value
                section = cfg.sections[current]
                section[last_key] = section[last_key] + "\n" + line
                continue
            if line.startswith("["):
                if not line.endswith("]"):
                    raise ParseError("unterminated section header", lineno)
                name = line[1:-1].strip()
                if not name:
                    raise ParseError("empty section name", lineno)
                if name in cfg.sections:
                    raise ParseError(f"duplicate section {name!r}", lineno)
                cfg.add_section(name)
                current = name
                last_key = None
                continue
            if current is None:
                raise ParseError("key outside of any section", lineno)
            key, value = cls._split_pair(line, lineno)
            if key in cfg.sections[current]:
                raise ParseError(f"duplicate key {key!r} in [{current}]", lineno)
            cfg.sections[current][key] = value
            last_key = key
        return cfg

    @staticmethod
    def _split_pair(line, lineno):
        positions = [p for p in (line.find("="), line.find(":")) if p != -1]
        if not positions:
            raise ParseError(f"expected 'key = value', got {line!r}", lineno)
        pos = min(positions)
        key = line[:pos].strip().lower()
        if not key:
            raise ParseError("empty key", lineno)
        value = _unquote(_strip_inline_comment(line[pos + 1:].strip()))
        return key, value

    # ----- access --------------------------------------------------
    def add_section(self, name):
        if name in self.sections:
            raise KeyError(f"section {name!r} already exists")
        self.sections[name] = {}
        self.order.append(name)

    def has_option(self, section, key):
        key = key.lower()
        return key in self.sections.get(section, {}) or key in self.defaults

    def get_raw(self, section, key):
        if section not in self.sections:
            raise KeyError(f"no section {section!r}")
        key = key.lower()
        values = self.sections[section]
        if key in values:
            return values[key]
        if key in self.defaults:
            return self.defaults[key]
        raise KeyError(f"no option {key!r} in section {section!r}")

    def get(self, section, key, fallback=None):
        try:
            raw = self.get_raw(section, key)
        except KeyError:
            if fallback is not None:
                return fallback
            raise
        return self._interpolate(section, raw, 0)

    def _interpolate(self, section, value, depth):
        if depth > MAX_DEPTH:
            raise ValueError(f"interpolation too deep in [{section}]")

        def replace(match):
            ref = match.group(1)
            if ":" in ref:
                ref_section, ref_key = ref.split(":", 1)
            else:
                ref_section, ref_key = section, ref
            raw = self.get_raw(ref_section, ref_key)
            return self._interpolate(ref_section, raw, depth + 1)

        return _REF.sub(replace, value)

    def getint(self, section, key, fallback=None):
        value = self.get(section, key, fallback)
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"[{section}] {key}: {value!r} is not an integer") from None

    def getboolean(self, section, key, fallback=None):
        value = self.get(section, key, fallback)
        if isinstance(value, bool):
            return value
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(f"[{section}] {key}: {value!r} is not a boolean")

    def getlist(self, section, key, sep=","):
        value = self.get(section, key)
        items = []
        for part in value.replace("\n", sep).split(sep):
            part = part.strip()
            if part:
                items.append(part)
        return items

    def set(self, section, key, value):
        if section not in self.sections:
            raise KeyError(f"no section {section!r}")
        self.sections[section][key.lower()] = str(value)

    def remove_option(self, section, key):
        values = self.sections.get(section, {})
        key = key.lower()
        if key not in values:
            return False
        del values[key]
        return True

    def remove_section(self, name):
        if name not in self.sections:
            return False
        del self.sections[name]
        self.order.remove(name)
        return True

    def items(self, section):
        """All options of a section (defaults included), interpolated, sorted by key."""
        if section not in self.sections:
            raise KeyError(f"no section {section!r}")
        keys = set(self.defaults) | set(self.sections[section])
        return [(k, self.get(section, k)) for k in sorted(keys)]

    # ----- output --------------------------------------------------
    def dumps(self):
        lines = []
        for name in self.order:
            if lines:
                lines.append("")
            lines.append(f"[{name}]")
            for key, value in self.sections[name].items():
                parts = value.split("\n")
                lines.append(f"{key} = {parts[0]}")
                for extra in parts[1:]:
                    lines.append(f"    {extra}")
        return "\n".join(lines) + "\n"
