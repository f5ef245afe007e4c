"""A fixed-size set of small non-negative integers stored as 64-bit words."""

WORD_BITS = 64
WORD_MASK = (1 << WORD_BITS) - 1


def _words_for(size):
    return (size + WORD_BITS - 1) // WORD_BITS


def popcount(word):
    """Number of set bits in a non-negative int."""
    count = 0
    while word:
        word &= word - 1
        count += 1
    return count


class BitSet:
    def __init__(self, size, bits=None):
        if size < 0:
            raise ValueError("size must be non-negative")
        self.size = size
        self.words = [0] * _words_for(size)
        for index in bits or ():
            self.add(index)

    @classmethod
    def from_string(cls, text):
        """Build from a string of '0'/'1' characters, bit 0 first; '_' is ignored."""
        digits = text.replace("_", "")
        result = cls(len(digits))
        for index, ch in enumerate(digits):
            if ch == "1":
                result.add(index)
            elif ch != "0":
                raise ValueError(f"invalid bit character {ch!r}")
        return result

    def _locate(self, index):
        if not 0 <= index < self.size:
            raise IndexError(f"bit {index} out of range for size {self.size}")
        return divmod(index, WORD_BITS)

    def _trim(self):
        """Clear the unused high bits of the last word."""
        extra = self.size % WORD_BITS
        if extra and self.words:
            self.words[-1] &= (1 << extra) - 1

    def _check_same_size(self, other):
        if not isinstance(other, BitSet):
            raise TypeError(f"expected BitSet, got {type(other).__name__}")
        if other.size != self.size:
            raise ValueError(f"size mismatch: {self.size} != {other.size}")

    def _combine(self, other, op):
        self._check_same_size(other)
        result = BitSet(self.size)
        result.words = [op(a, b) for a, b in zip(self.words, other.words)]
        return result

    # -- single bits ---------------------------------------------------------

    def add(self, index):
        word, bit = self._locate(index)
        self.words[word] |= 1 << bit

    def discard(self, index):
        word, bit = self._locate(index)
        self.words[word] &= ~(1 << bit)

    def toggle(self, index):
        word, bit = self._locate(index)
        self.words[word] ^= 1 << bit
        return index in self

    def __contains__(self, index):
        if not isinstance(index, int) or not 0 <= index < self.size:
            return False
        word, bit = divmod(index, WORD_BITS)
        return (self.words[word] >> bit) & 1 == 1

    def set_range(self, start, stop):
        """Set every bit in [start, stop)."""
        if start < 0 or stop > self.size or start > stop:
            raise IndexError(f"bad range [{start}, {stop}) for size {self.size}")
        for index in range(start, stop):
            self.add(index)

    def clear(self):
        self.words = [0] * len(self.words)

    # -- whole-set queries ---------------------------------------------------

    def __len__(self):
        return sum(popcount(word) for word in self.words)

    def __iter__(self):
        for position, word in enumerate(self.words):
            base = position * WORD_BITS
            while word:
                lowest = word & -word
                yield base + lowest.bit_length() - 1
                word ^= lowest

    def __eq__(self, other):
        if not isinstance(other, BitSet):
            return NotImplemented
        return self.size == other.size and self.words == other.words

    def __repr__(self):
        return f"BitSet({self.size}, {list(self)})"

    def any(self):
        return any(self.words)

    def all(self):
        return len(self) == self.size

    def next_set(self, start=0):
        """The first set bit at or after ``start``, or -1 if there is none."""
        for index in range(max(start, 0), self.size):
            if index in self:
                return index
        return -1

    def runs(self):
        """Yield (start, stop) for each maximal block of consecutive set bits."""
        start = None
        previous = None
        for index in self:
            if start is None:
                start = index
            elif index != previous + 1:
                yield (start, previous + 1)
                start = index
            previous = index
        if start is not None:
            yield (start, previous + 1)

    def to_string(self, group=0):
        """'0'/'1' characters, bit 0 first; ``group`` inserts '_' every n bits."""
        chars = ["1" if index in self else "0" for index in range(self.size)]
        if group > 0:
            chunks = ["".join(chars[i:i + group]) for i in range(0, len(chars), group)]
            return "_".join(chunks)
        return "".join(chars)

    # -- set algebra ---------------------------------------------------------

    def copy(self):
        result = BitSet(self.size)
        result.words = list(self.words)
        return result

    def union(self, other):
        return self._combine(other, lambda a, b: a | b)

    def intersection(self, other):
        return self._combine(other, lambda a, b: a & b)

    def difference(self, other):
        return self._combine(other, lambda a, b: a & ~b)

    def symmetric_difference(self, other):
        return self._combine(other, lambda a, b: a ^ b)

    __or__ = union
    __and__ = intersection
    __sub__ = difference
    __xor__ = symmetric_difference

    def update(self, other):
        """In-place union."""
        self._check_same_size(other)
        for position, word in enumerate(other.words):
            self.words[position] |= word
        return self

    def complement(self):
        result = BitSet(self.size)
        result.words = [~word & WORD_MASK for word in self.words]
        result._trim()
        return result

    def issubset(self, other):
        self._check_same_size(other)
        return all(a & ~b == 0 for a, b in zip(self.words, other.words))

    def isdisjoint(self, other):
        self._check_same_size(other)
        return not any(a & b for a, b in zip(self.words, other.words))

    def jaccard(self, other):
        """|A & B| / |A | B|; two empty sets are identical (1.0)."""
        union = len(self | other)
        if union == 0:
            return 1.0
        return len(self & other) / union
