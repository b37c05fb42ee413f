"""Ordinary least squares as SPSS REGRESSION prints it: B, SE, t, two-sided p on n - k - 1 df, 95%
CI, standardized Beta = B * sd(x) / sd(y) (n - 1 sds, dummies included), VIF, R2 and adjusted R2;
and the nested-model F test."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special  # t and F tails: a lighter import than scipy.stats

from iro_stats.common.errors import IroStatsError


@dataclass
class Fit:
    """OLS of ``y`` on a constant and the listed terms (row 0 of every array is the constant)."""

    terms: list[str]
    b: np.ndarray
    se: np.ndarray
    t: np.ndarray
    p: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    beta: np.ndarray
    vif: np.ndarray
    n: int
    df_resid: int
    sse: float
    r2: float
    adj_r2: float


def ols(y: np.ndarray, X: np.ndarray, terms: list[str], level: float = 0.95) -> Fit:
    """OLS with SPSS's statistics; raises if the terms are collinear."""
    n, k = X.shape
    X1 = np.column_stack([np.ones(n), X])
    q, r = np.linalg.qr(X1)
    diag = np.abs(np.diag(r))
    if n <= k + 1 or diag.min() < 1e-9 * max(diag.max(), 1.0):
        raise IroStatsError(f"terms {terms} are collinear or too many for n={n}; "
                            f"SPSS would exclude a term by its tolerance")
    b = np.linalg.solve(r, q.T @ y)
    resid = y - X1 @ b
    sse = float(resid @ resid)
    df = n - k - 1
    r_inv = np.linalg.inv(r)
    cov = (sse / df) * (r_inv @ r_inv.T)
    se = np.sqrt(np.diag(cov))
    t = b / se
    p = 2 * special.stdtr(df, -np.abs(t))
    half = special.stdtrit(df, 0.5 + level / 2) * se
    sst = float(((y - y.mean()) ** 2).sum())
    r2 = (1 - sse / sst if k else 0.0) if sst > 0 else np.nan
    beta = np.full(k + 1, np.nan)
    vif = np.full(k + 1, np.nan)
    if k:
        sd_x = X.std(axis=0, ddof=1)
        beta[1:] = b[1:] * sd_x / y.std(ddof=1)
        corr = np.atleast_2d(np.corrcoef(X, rowvar=False))
        vif[1:] = np.diag(np.linalg.inv(corr)) if k > 1 else 1.0
    return Fit(["(Constant)"] + list(terms), b, se, t, p, b - half, b + half, beta, vif, n, df,
               sse, r2, 1 - (1 - r2) * (n - 1) / df)


def nested_f(sse_full: float, df_full: int, sse_restricted: float,
             df_restricted: int) -> tuple[float, int, int, float]:
    """F-test of the terms a full model has beyond a restricted one fitted on the same sample,
    from their residual sums of squares and degrees of freedom: F, df1, df2, p."""
    df1 = df_restricted - df_full
    f = ((sse_restricted - sse_full) / df1) / (sse_full / df_full)
    return f, df1, df_full, float(special.fdtrc(df1, df_full, f))
