"""Values settled before a search decides on them (:mod:`iro_stats.synth.settle`)."""

from __future__ import annotations

import numpy as np

from iro_stats.synth.settle import settled


def test_sums_equal_in_exact_arithmetic_compare_equal():
    assert 0.1 + 0.2 != 0.3 and settled(0.1 + 0.2) == settled(0.3)
    a = np.array([1e-3, 2.5e4, -7.25]) * 3
    b = np.array([3e-3, 7.5e4, -21.75]) + np.array([1e-19, -1e-11, 4e-15])
    assert (a != b).any() and (settled(a) == settled(b)).all()


def test_ten_significant_digits_are_kept_at_every_magnitude():
    for x in (1.23456789012345, -98765.4321098765, 3.14159265358979e-7, 6.02214076e23):
        assert settled(x) == float(f"{x:.10g}")
    assert settled(1.00000000049) == 1.0 and settled(1.0000000006) == 1.000000001


def test_zero_infinities_and_nan_pass_through():
    out = settled(np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-320]))
    assert out[0] == 0 and np.isposinf(out[2]) and np.isneginf(out[3]) and np.isnan(out[4])
    assert np.isfinite(out[5])
    assert isinstance(settled(2.0), float)
