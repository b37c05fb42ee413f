"""95% confidence intervals for the tables and figures (beyond the report, which prints none).

- A percentage ``100 * k / n`` gets the **Wilson score interval**, which stays inside 0-100 and
  behaves at 0% and 100% and with small bases, unlike the normal (Wald) interval.
- A mean gets the t interval ``mean +/- t(n-1) * sd / sqrt(n)`` (sd with n - 1).
- **Finite population correction** (optional): the surveys are near-censuses of a known
  population (about 1,000 IROs; 152 LAs, DCSs and, at least, IRO managers). Sampling ``n`` of
  ``N`` without replacement multiplies the variance by ``(N - n) / (N - 1)``; for Wilson this is
  the interval computed with the effective base ``n * (N - 1) / (N - n)``. When ``n >= N`` the
  survey is a census and the interval is the point itself.

Intervals are computed in floating point: they are for reading, never compared with a printed
number.
"""

from __future__ import annotations

import math
from statistics import NormalDist

Z95 = NormalDist().inv_cdf(0.975)


def fpc_factor(n: int, population: int | None) -> float:
    """The variance factor ``(N - n) / (N - 1)`` (1 without a population; 0 for a census)."""
    if not population:
        return 1.0
    if n >= population:
        return 0.0
    return (population - n) / (population - 1)


def wilson(count: int, base: int, population: int | None = None,
           z: float = Z95) -> tuple[float, float]:
    """Wilson interval, in per cent, of ``count`` of ``base`` (optionally of a population)."""
    if base <= 0:
        return (math.nan, math.nan)
    p = count / base
    factor = fpc_factor(base, population)
    if factor == 0.0:
        return (100 * p, 100 * p)
    n = base / factor
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == base else min(1.0, centre + half)
    return (100 * low, 100 * high)


def mean_interval(mean: float, sd: float, base: int,
                  population: int | None = None) -> tuple[float, float]:
    """t interval of a mean from its sd (n - 1) and base (optionally of a population)."""
    if base < 2:
        return (math.nan, math.nan)
    from scipy import special   # the t quantile; scipy.stats takes a second to import

    half = float(special.stdtrit(base - 1, 0.975)) * sd / math.sqrt(base) * math.sqrt(
        fpc_factor(base, population))
    return (mean - half, mean + half)
