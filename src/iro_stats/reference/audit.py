"""The report checked against itself, from its published values alone.

One row per check: ``check, ids, verdict, arithmetic``. Verdicts: ``consistent``, ``inconsistent``
(the printed numbers cannot all be true), or ``approximate`` (they differ, but one of them is a
vague number such as "around half", so the difference is not an error).

- ``percent_vs_n`` (GRIM-style): a percentage printed as p with base N needs a count c with
  ``100 c / N`` rounding half-up to p.
- ``single_sum``: the categories of one single-choice question sum to 100 within the rounding of
  k integers: ``100 - k/2 < sum <= 100 + k/2``.
- ``same_as``: a number restated elsewhere is printed the same.
- ``r_p_n``: a printed correlation, its p and N agree (Pearson, two-tailed t test).
- ``sum_of``: a collapsed category equals the sum of its parts: counts exactly, percentages within
  rounding, ``|printed - sum| < (k + 1) / 2`` for k parts printed as integers.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from iro_stats.common.rounding import prints_as
from iro_stats.reference.loaders import published_text

COLUMNS = ["check", "ids", "verdict", "arithmetic"]


def _verdict(ok: bool, approximate: bool = False) -> str:
    if ok:
        return "consistent"
    return "approximate" if approximate else "inconsistent"


def percent_vs_n(frame: pd.DataFrame) -> list[dict]:
    """Percentages with a single printed base: is some count c of N printed as the value?"""
    rows = []
    exact = frame[(frame["statistic"] == "percent") & frame["value"].notna() & ~frame["approximate"]
                  & frame["base_n_min"].notna() & (frame["base_n_min"] == frame["base_n_max"])]
    for row in exact.itertuples(index=False):
        n, decimals = int(row.base_n_min), int(row.decimals)
        counts = [c for c in range(n + 1) if prints_as(Fraction(100 * c, n), row.value, decimals)]
        if counts:
            shown = ", ".join(f"{c}/{n} = {float(Fraction(100 * c, n)):.2f}%" for c in counts)
        else:
            below = max((c for c in range(n + 1) if Fraction(100 * c, n) < row.value), default=0)
            shown = (f"no count of {n} prints as {row.value:g}%: {below}/{n} = "
                     f"{float(Fraction(100 * below, n)):.2f}%, {below + 1}/{n} = "
                     f"{float(Fraction(100 * (below + 1), n)):.2f}%")
        rows.append({"check": "percent_vs_n", "ids": row.id, "verdict": _verdict(bool(counts)),
                     "arithmetic": shown})
    return rows


def single_sums(frame: pd.DataFrame) -> list[dict]:
    """Single-choice sets (by ``set``, else ``column``, else block) summing to 100."""
    rows = []
    singles = frame[(frame["kind"] == "single") & (frame["statistic"] == "percent")
                    & frame["value"].notna()]
    keys = [singles["block"], singles["set"].fillna(singles["column"]).fillna("all")]
    for _, part in singles.groupby(keys, sort=False):
        total, k = part["value"].sum(), len(part)
        rows.append({
            "check": "single_sum", "ids": ";".join(part["id"]),
            "verdict": _verdict(100 - k / 2 < total <= 100 + k / 2, part["approximate"].any()),
            "arithmetic": f"{' + '.join(f'{v:g}' for v in part['value'])} = {total:g}; "
                          f"{k} rounded categories allow (100 - {k}/2, 100 + {k}/2]",
        })
    return rows


def restatements(frame: pd.DataFrame) -> list[dict]:
    """``same_as`` pairs printed alike, and ``sum_of`` collapses adding up."""
    rows = []
    by_id = frame.set_index("id", drop=False)
    for _, row in frame[frame["same_as"].notna()].iterrows():
        other = by_id.loc[row["same_as"]]
        same = published_text(row) == published_text(other)
        rows.append({
            "check": "same_as", "ids": f"{row['id']};{row['same_as']}",
            "verdict": _verdict(same, row["approximate"] or other["approximate"]),
            "arithmetic": f"{published_text(row)} vs {published_text(other)}",
        })
    for _, row in frame[frame["sum_of"].notna()].iterrows():
        parts = by_id.loc[row["sum_of"].split(";")]
        total, k = parts["value"].sum(), len(parts)
        exact = row["statistic"] == "count"
        allowed = 0 if exact else (k + 1) / 2
        rows.append({
            "check": "sum_of", "ids": ";".join([row["id"], *parts["id"]]),
            "verdict": _verdict(row["value"] == total if exact else abs(row["value"] - total) < allowed,
                                row["approximate"] or parts["approximate"].any()),
            "arithmetic": f"{row['value']:g} vs {' + '.join(f'{v:g}' for v in parts['value'])} = "
                          f"{total:g}; " + ("counts add exactly" if exact else
                                            f"rounding allows a difference below {allowed:g}"),
        })
    return rows


def r_p_n(frame: pd.DataFrame) -> list[dict]:
    """A correlation r and its p printed with a base N: is some r that prints as r, with N cases,
    two-tailed (Pearson, t with N - 2 df), printed as p? One-tailed is shown for reference."""
    from scipy import special   # stdtr is scipy.stats.t's own tail, without importing scipy.stats

    rows = []
    for block, part in frame[frame["statistic"].isin(["r", "p"])].groupby("block", sort=False):
        by_stat = part.set_index("statistic")
        if not {"r", "p"} <= set(by_stat.index) or pd.isna(by_stat.loc["r", "base_n_min"]):
            continue
        r, p = by_stat.loc["r"], by_stat.loc["p"]
        n = int(r["base_n_min"])
        half = 0.5 * 10 ** -int(r["decimals"])
        p_half = 0.5 * 10 ** -int(p["decimals"])

        def p_of(rv: float, tails: int, n: int = n) -> float:
            t = rv * ((n - 2) / (1 - rv * rv)) ** 0.5
            return tails * special.stdtr(n - 2, -abs(t))

        low_r, high_r = abs(r["value"]) - half, abs(r["value"]) + half
        p_range = (p_of(high_r, 2), p_of(low_r, 2))  # larger r, smaller p
        ok = p_range[0] < p["value"] + p_half and p_range[1] >= p["value"] - p_half
        one = (p_of(high_r, 1), p_of(low_r, 1))
        rows.append({
            "check": "r_p_n", "ids": f"{r['id']};{p['id']}", "verdict": _verdict(ok),
            "arithmetic": f"r in [{low_r:.3f}, {high_r:.3f}) with N={n} gives two-tailed p in "
                          f"[{p_range[0]:.4f}, {p_range[1]:.4f}] (one-tailed [{one[0]:.4f}, "
                          f"{one[1]:.4f}]); printed p={p['value']:g}",
        })
    return rows


def published_consistency(frame: pd.DataFrame) -> pd.DataFrame:
    """Every check above, in one table."""
    rows = percent_vs_n(frame) + single_sums(frame) + restatements(frame) + r_p_n(frame)
    return pd.DataFrame(rows, columns=COLUMNS)
