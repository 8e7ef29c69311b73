"""Benchmarks: each module measures one figure against its floor in the same run."""
