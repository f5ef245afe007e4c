"""A Bloom filter on top of BitSet, using double hashing over SHA-256."""

import hashlib
import math

from bitset import BitSet


def optimal_size(capacity, error_rate):
    """Bits needed for ``capacity`` items at the given false-positive rate."""
    if capacity <= 0:
        raise ValueError("capacity must be positive")
    if not 0 < error_rate < 1:
        raise ValueError("error_rate must be between 0 and 1")
    bits = -capacity * math.log(error_rate) / (math.log(2) ** 2)
    return max(1, math.ceil(bits))


def optimal_hash_count(size, capacity):
    return max(1, round(size / capacity * math.log(2)))


def hash_pair(item):
    """Two independent 64-bit hashes of ``item`` (str, bytes or anything printable)."""
    if isinstance(item, bytes):
        data = item
    else:
        data = str(item).encode("utf-8")
    digest = hashlib.sha256(data).digest()
    h1 = int.from_bytes(digest[:8], "big")
    h2 = int.from_bytes(digest[8:16], "big") | 1
    return h1, h2


class BloomFilter:
    def __init__(self, capacity, error_rate=0.01):
        self.capacity = capacity
        self.error_rate = error_rate
        self.size = optimal_size(capacity, error_rate)
        self.hash_count = optimal_hash_count(self.size, capacity)
        self.bits = BitSet(self.size)
        self.count = 0

    def positions(self, item):
        h1, h2 = hash_pair(item)
        for i in range(self.hash_count):
            yield (h1 + i * h2) % self.size

    def add(self, item):
        """Add ``item``; True if it was not (probably) present before."""
        added = False
        for position in self.positions(item):
            if position not in self.bits:
                self.bits.add(position)
                added = True
        if added:
            self.count += 1
        return added

    def update(self, items):
        return sum(1 for item in items if self.add(item))

    def __contains__(self, item):
        return all(position in self.bits for position in self.positions(item))

    def __len__(self):
        return self.count

    def is_full(self):
        return self.count >= self.capacity

    def fill_ratio(self):
        return len(self.bits) / self.size

    def false_positive_rate(self):
        """Current chance that an absent item tests as present."""
        return self.fill_ratio() ** self.hash_count

    def estimate_count(self):
        """Estimate the number of distinct items from the bits that are set."""
        set_bits = len(self.bits)
        if set_bits == self.size:
            return math.inf
        return -self.size / self.hash_count * math.log(1 - set_bits / self.size)

    def _check_compatible(self, other):
        if (self.size, self.hash_count) != (other.size, other.hash_count):
            raise ValueError("bloom filters differ in size or hash count")

    def union(self, other):
        self._check_compatible(other)
        result = BloomFilter(self.capacity, self.error_rate)
        result.bits = self.bits | other.bits
        result.count = round(result.estimate_count())
        return result

    def clear(self):
        self.bits.clear()
        self.count = 0
