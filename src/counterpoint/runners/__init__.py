"""Runners execute the same stages over partitions of the corpus: locally today, on a cluster later."""
