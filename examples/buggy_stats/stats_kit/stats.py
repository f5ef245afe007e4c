"""Descriptive statistics over sequences of numbers."""


def mean(values):
    """Return the arithmetic mean of ``values``."""
    if not values:
        raise ValueError("mean of an empty sequence")
    return sum(values) / len(values)


def median(values):
    """Return the middle value of ``values`` (the mean of the two middle ones if even)."""
    if not values:
        raise ValueError("median of an empty sequence")
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2 == 1:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def variance(values):
    """Return the population variance of ``values``."""
    m = mean(values)
    return sum((v - m) ** 2 for v in values) / len(values)


def moving_average(values, window):
    """Return the mean of every run of ``window`` consecutive values."""
    if window <= 0:
        raise ValueError("window must be positive")
    averages = []
    for start in range(len(values) - window):
        averages.append(mean(values[start : start + window]))
    return averages
