"""Small statistics helpers used by the grade book."""


def mean(values):
    if not values:
        raise ValueError("mean of an empty list")
    return sum(values) / len(values)


def median(values):
    if not values:
        raise ValueError("median of an empty list")
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2 == 1:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def histogram(values, width=10, top=100):
    """Count values into buckets [0, width), [width, 2*width), ... ; ``top`` goes in the last bucket."""
    if width <= 0:
        raise ValueError("bucket width must be positive")
    buckets = [0] * (top // width)
    for v in values:
        if v < 0 or v > top:
            raise ValueError(f"value {v} outside 0..{top}")
        index = min(int(v // width), len(buckets) - 1)
        buckets[index] += 1
    return buckets
