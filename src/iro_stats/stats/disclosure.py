"""Statistical disclosure control for outputs from real extracts: small counts are suppressed, and
so is every cell from which one could be derived by subtraction.

Cells are rows of a tidy frame with a respondent ``count`` and the ``base_n`` it is out of. A cell
is suppressed (its count, percentage and interval blanked, and marked, never dropped) when:

- **primary**: 1 <= count < threshold (no one, count 0, is shown);
- **complement**: the cell stands alone (a multi-response option, a yes/no item) and its base
  minus its count is 1 .. threshold-1, because the complement follows from the base;
- **small base**: the base itself is 1 .. threshold-1 (every cell of it);
- **secondary**: within a group of cells that add up to a shown base (a single-choice
  distribution), if exactly one cell is suppressed, the smallest other non-zero cell is too, so
  the suppressed count cannot be recovered as base minus the rest.

The threshold comes from ``config.yaml`` (``disclosure.threshold``, default 5).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MARK = "suppressed"


def _small(values: pd.Series, threshold: int) -> pd.Series:
    return (values >= 1) & (values < threshold)


def suppress(cells: pd.DataFrame, threshold: int = 5, *, group: list[str] | None = None,
             additive: str | None = None, blank: list[str] | None = None) -> pd.DataFrame:
    """Return ``cells`` with a ``suppression`` column ('' or the reason) and the ``blank`` columns
    (by default every numeric column but ``base_n``) emptied where suppressed.

    ``group`` names the columns that identify cells sharing one base; ``additive`` names a boolean
    column saying whether a group's cells add up to its base (single-choice) or stand alone.
    """
    out = cells.copy()
    count, base = out["count"].astype(float), out["base_n"].astype(float)
    reason = pd.Series("", index=out.index, dtype=object)
    reason[_small(count, threshold)] = "primary"
    reason[(reason == "") & _small(base, threshold)] = "small base"
    additive_mask = (out[additive].astype(bool) if additive
                     else pd.Series(False, index=out.index))
    complement = ~additive_mask & _small(base - count, threshold)
    reason[(reason == "") & complement] = "complement"
    if group:
        for _, members in out[additive_mask].groupby(group, sort=False, dropna=False):
            hidden = reason[members.index] != ""
            if hidden.sum() == 1:
                visible = members.index[~hidden.to_numpy() & (count[members.index] > 0).to_numpy()]
                if len(visible):
                    smallest = count[visible].idxmin()
                    reason[smallest] = "secondary"
    out["suppression"] = reason
    columns = blank if blank is not None else [
        c for c in out.select_dtypes("number").columns if c != "base_n"]
    hidden = reason != ""
    for column in columns:
        out[column] = out[column].astype(float).where(~hidden, np.nan)
    return out


def enabled(config: dict) -> bool:
    """Whether outputs are suppressed: always for real extracts (``source: spss``), whatever the
    setting; for the synthetic default only when ``disclosure.apply`` is ``always``."""
    setting = (config.get("disclosure") or {}).get("apply", "real")
    return config.get("source") == "spss" or setting == "always"


def protect_measured(table: pd.DataFrame, threshold: int, *, value: str = "reproduced",
                     base: str = "base_n_reproduced") -> pd.DataFrame:
    """Suppress a table of measured values (one published value per row, as
    :func:`iro_stats.stats.reproduce.reproduce` gives them): counts and percentages are judged by the
    respondent count they rest on (a percentage's count is value x base / 100), other statistics
    by their base. Each row stands alone (categories shown together are protected by the tables'
    own secondary suppression). Suppressed values, and what could reveal them, are blanked and
    marked in ``suppression``."""
    from fractions import Fraction

    out = table.copy()
    stat = out["statistic"]
    numeric = pd.to_numeric(out[value], errors="coerce")
    bases = pd.to_numeric(out[base], errors="coerce")
    counts = pd.Series(np.nan, index=out.index)
    counts[stat == "count"] = numeric[stat == "count"]
    pct = (stat == "percent") & numeric.notna() & bases.notna()
    counts[pct] = [float(round(Fraction(repr(v)) * int(b) / 100))
                   for v, b in zip(numeric[pct], bases[pct])]
    counts = counts.fillna(bases)   # means, SDs, r: judged by their base
    cells = pd.DataFrame({"count": counts, "base_n": bases.fillna(counts),
                          "additive": False}, index=out.index)
    judged = suppress(cells, threshold, additive="additive", blank=[])
    hidden = judged["suppression"] != ""
    out["suppression"] = judged["suppression"]
    for column in (value, "abs_diff", base, "excluded_n", "outside_n"):
        if column in out.columns:
            out[column] = out[column].astype(object).where(~hidden, None)
    return out
