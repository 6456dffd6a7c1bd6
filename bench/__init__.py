"""Benchmarks: printed figures, never asserted (see `make bench`)."""
