"""Small statistics helpers."""

from stats_kit.stats import mean, median, moving_average, variance

__all__ = ["mean", "median", "moving_average", "variance"]
